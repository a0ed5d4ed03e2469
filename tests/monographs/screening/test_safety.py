"""Never reassure falsely: the screening's safety scenarios as a table (issue 10), engine level. No database.

Each row is a class of defect an independent review found: a line read as the wrong product, a combination read as
one ingredient, a suggestion that crosses to another medicine, a missing answer passed off as nothing to flag.
"""

import pytest

from monographs.names import normalise_name
from monographs.rules import DrugClassRef, KnownMedication
from monographs.screening.engine import (
    Answers,
    Creatinine,
    KidneyAnswers,
    NameEntry,
    build_name_index,
    read_current_medications,
    read_line,
    screen,
)
from monographs.screening.names import FEWER_WORDS, PRODUCT_NUMBER
from monographs.screening.snapshot import snapshot
from tests.monographs.screening.rulebook import BACLOFEN, CNS, OPIOID, RULES, kidney

SEDATING_ANTIHISTAMINE = DrugClassRef("sedating-antihistamine", "Sedating antihistamine")
PARACETAMOL = KnownMedication("paracetamol", "Paracetamol")
IBUPROFEN = KnownMedication("ibuprofen", "Ibuprofen")
CODEINE = KnownMedication("codeine", "Codeine", (CNS, OPIOID))
OXYCODONE = KnownMedication("oxycodone", "Oxycodone", (CNS, OPIOID))
HYDROCODONE = KnownMedication("hydrocodone", "Hydrocodone", (CNS, OPIOID))
CYCLOBENZAPRINE = KnownMedication("cyclobenzaprine", "Cyclobenzaprine", (CNS,))
DIPHENHYDRAMINE = KnownMedication("diphenhydramine", "Diphenhydramine", (CNS, SEDATING_ANTIHISTAMINE))
ALCOHOL = KnownMedication("alcohol", "Alcohol", (CNS,))


def combination(slug: str, name: str, *ingredients: KnownMedication) -> KnownMedication:
    return KnownMedication(slug, name, ingredients=ingredients)


CO_CODAMOL = combination("co-codamol", "Co-codamol", CODEINE, PARACETAMOL)
TYLENOL_CODEINE = combination("tylenol-with-codeine", "Paracetamol and codeine", CODEINE, PARACETAMOL)
PERCOCET = combination("oxycodone-paracetamol", "Oxycodone and paracetamol", OXYCODONE, PARACETAMOL)
NUROFEN_PLUS = combination("nurofen-plus", "Ibuprofen and codeine", CODEINE, IBUPROFEN)
ADVIL_PM = combination("ibuprofen-diphenhydramine", "Ibuprofen and diphenhydramine", DIPHENHYDRAMINE, IBUPROFEN)

INDEX = build_name_index(
    [
        NameEntry("Baclofen", BACLOFEN, generic=True),
        NameEntry("Paracetamol", PARACETAMOL, generic=True),
        NameEntry("Tylenol", PARACETAMOL),
        NameEntry("Panadol", PARACETAMOL),
        NameEntry("Ibuprofen", IBUPROFEN, generic=True),
        NameEntry("Advil", IBUPROFEN),
        NameEntry("Nurofen", IBUPROFEN),
        NameEntry("Codeine", CODEINE, generic=True),
        NameEntry("codeine phosphate", CODEINE),
        NameEntry("Oxycodone", OXYCODONE, generic=True),
        NameEntry("Hydrocodone", HYDROCODONE, generic=True),
        NameEntry("Cyclobenzaprine", CYCLOBENZAPRINE, generic=True),
        NameEntry("Diphenhydramine", DIPHENHYDRAMINE, generic=True),
        NameEntry("Alcohol", ALCOHOL, generic=True),
        NameEntry("Co-codamol", CO_CODAMOL, generic=True),
        NameEntry("Paracetamol and codeine", TYLENOL_CODEINE, generic=True),
        NameEntry("Tylenol with Codeine", TYLENOL_CODEINE),
        NameEntry("Tylenol #3", TYLENOL_CODEINE),
        NameEntry("Tylenol #4", TYLENOL_CODEINE),
        NameEntry("Oxycodone and paracetamol", PERCOCET, generic=True),
        NameEntry("Percocet", PERCOCET),
        NameEntry("Ibuprofen and codeine", NUROFEN_PLUS, generic=True),
        NameEntry("Nurofen Plus", NUROFEN_PLUS),
        NameEntry("Ibuprofen and diphenhydramine", ADVIL_PM, generic=True),
        NameEntry("Advil PM", ADVIL_PM),
    ]
)


def run(answers: Answers):
    return screen(medication=BACLOFEN, rules=RULES, index=INDEX, answers=answers)


def contents(line: str) -> set[str] | None:
    """The slugs a line is read as (a combination as its ingredients), or None when it is not recognised."""
    recognised, unrecognised = read_current_medications([line], INDEX)
    return None if unrecognised else {m.medication.slug for m in recognised}


# --- Wrong recognition is worse than none ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("Tylenol #3", {"codeine", "paracetamol"}, id="product-number-with-hash"),
        pytest.param("Tylenol 3", {"codeine", "paracetamol"}, id="product-number"),
        pytest.param("TYLENOL #4 1 tab q6h prn", {"codeine", "paracetamol"}, id="product-number-with-directions"),
        pytest.param("Tylenol with codeine", {"codeine", "paracetamol"}, id="with-codeine"),
        pytest.param("co-codamol 30/500", {"codeine", "paracetamol"}, id="co-codamol-bare-ratio"),
        pytest.param("Co-Codamol 8mg/500mg tablets", {"codeine", "paracetamol"}, id="co-codamol-strengths"),
        pytest.param("Percocet 5/325", {"oxycodone", "paracetamol"}, id="percocet"),
        pytest.param("Nurofen Plus", {"codeine", "ibuprofen"}, id="nurofen-plus"),
        pytest.param("Advil PM", {"ibuprofen", "diphenhydramine"}, id="advil-pm"),
        pytest.param("Tylenol 500 mg", {"paracetamol"}, id="a-strength-is-not-a-product-number"),
        pytest.param("Oxycodone 5", {"oxycodone"}, id="a-strength-without-its-unit"),
        pytest.param("codeine phosphate 30mg", {"codeine"}, id="salt-named"),
        pytest.param("Oxycodone hydrochloride 5 mg/5 mL oral solution", {"oxycodone"}, id="salt-and-unit-per-volume"),
        pytest.param("oxycodone 10 mg every 4 hours", {"oxycodone"}, id="an-interval"),
        pytest.param("paracetamol 1 g at night", {"paracetamol"}, id="at-night-is-a-time"),
        pytest.param("Alcohol", {"alcohol"}, id="a-substance"),
        pytest.param("Tylenol 5", None, id="an-unknown-product-number"),
        pytest.param("Panadol Night", None, id="a-word-that-names-another-product"),
        pytest.param("Advil Night", None, id="night-is-not-dropped"),
        pytest.param("Advil Cold and Sinus", None, id="more-words"),
    ],
)
def test_a_line_is_read_as_every_medicine_in_it_or_not_at_all(line, expected):
    assert contents(line) == expected


def test_a_product_number_that_is_not_known_offers_the_numbered_products_never_the_plain_brand_silently():
    reading = read_line("Tylenol 5", INDEX)
    assert reading.medication is None
    assert [s.label for s in reading.suggestions][:2] == [
        "Tylenol #3 (codeine and paracetamol)",
        "Tylenol #4 (codeine and paracetamol)",
    ]
    assert all(s.reason == PRODUCT_NUMBER for s in reading.suggestions)


def test_a_suggestion_with_fewer_words_says_the_product_may_contain_more():
    [suggestion] = read_line("Panadol Night", INDEX).suggestions
    assert suggestion.label == "Panadol (paracetamol)"
    assert suggestion.reason == FEWER_WORDS
    assert "may be a different product" in suggestion.note("Panadol Night")


@pytest.mark.parametrize(
    ("line", "never"),
    [
        pytest.param("clozapine", "Cyclobenzaprine", id="clozapine"),
        pytest.param("dihydrocodeine", "Hydrocodone", id="dihydrocodeine"),
        pytest.param("codeine linctus", "Co-codamol", id="another-product"),
    ],
)
def test_did_you_mean_never_proposes_another_ingredient_for_a_name_that_is_not_a_typing_slip(line, never):
    reading = read_line(line, INDEX)
    assert reading.medication is None
    assert never not in [s.spelling for s in reading.suggestions]


@pytest.mark.parametrize(
    ("line", "suggestion"),
    [("oxycodon", "Oxycodone"), ("Ibuprofin 400mg", "Ibuprofen"), ("percoset", "Percocet (oxycodone and paracetamol)")],
)
def test_a_typing_slip_gets_its_suggestion_and_every_suggestion_names_what_it_contains(line, suggestion):
    reading = read_line(line, INDEX)
    assert reading.medication is None
    assert suggestion in [s.label for s in reading.suggestions]


# --- An incomplete screening says so first ----------------------------------------------------------------------


def test_an_unrecognised_line_makes_the_screening_incomplete_and_says_so_first():
    result = run(Answers(current_medications=("oxycodon", "co-codamol 30/500", "St John's wort")))
    data = snapshot(result)
    assert data["complete"] is False
    assert [item["line"] for item in data["unrecognised_medications"]] == ["oxycodon", "St John's wort"]
    oxycodon = data["unrecognised_medications"][0]
    assert [s["name"] for s in oxycodon["suggestions"]] == ["Oxycodone"]
    assert oxycodon["suggestions"][0]["contains"] == ["Oxycodone"]
    assert data["notes"][0].startswith("Incomplete: 2 current medication lines were not recognised")
    # co-codamol was recognised as both of its medicines: codeine is an opioid, so the opioid rule fired for it.
    opioids = next(flag for flag in data["flags"] if flag["key"] == "opioids")
    assert "Co-codamol" in opioids["trigger"]["detail"]


def test_a_complete_screening_says_what_it_covers():
    data = snapshot(run(Answers(current_medications=("Percocet",))))
    assert data["complete"] is True
    assert data["scope"].startswith("Checked: the precautions recorded for baclofen")
    assert "Not checked: the precautions of oxycodone and paracetamol, which have no leaflet here yet" in data["scope"]
    assert data["recognised_medications"][0]["combinations"] == ["Oxycodone and paracetamol"]


# --- Grade and order like a pharmacist ---------------------------------------------------------------------------


def test_one_flag_per_medicine_at_the_higher_severity_with_both_reasons():
    result = run(Answers(current_medications=("Oxycodone 5 mg", "Advil PM", "alcohol")))
    flags = {flag.key: flag for flag in result.flags}
    opioids, cns = flags["opioids"], flags["cns-depressants"]
    assert opioids.severity == "avoid"
    assert [m.medication.slug for m in opioids.trigger.medications] == ["oxycodone"]
    assert [also.rule.key for also in opioids.also] == ["cns-depressants"]
    # The medicines that are only CNS depressants keep their own flag, naming only them.
    assert [m.medication.slug for m in cns.trigger.medications] == ["diphenhydramine", "alcohol"]
    assert "Oxycodone" not in cns.trigger.detail
    assert result.flags[0] is opioids  # most severe first


def test_flags_come_most_severe_first():
    answers = Answers(
        age=70,
        pregnancy="pregnant",
        kidney=kidney(crcl_ml_min=42),
        current_medications=("Oxycodone",),
    )
    severities = [flag.severity for flag in run(answers).flags]
    order = ["contraindicated", "avoid", "dose_adjustment", "caution", "info"]
    assert severities == sorted(severities, key=order.index)
    assert severities[0] == "avoid"


@pytest.mark.parametrize(
    ("age", "crcl", "expected", "not_checked"),
    [
        pytest.param(70, 42, {"older-adults", "beers-kidneys", "renal-30-50"}, "", id="older-with-low-crcl"),
        pytest.param(65, 59.9, {"older-adults", "beers-kidneys", "renal-50-80"}, "", id="at-65-just-under-60"),
        pytest.param(65, 60, {"older-adults", "renal-50-80"}, "", id="crcl-60-is-not-under-60"),
        pytest.param(64, 42, {"renal-30-50"}, "", id="64-is-not-older"),
        pytest.param(70, None, {"older-adults"}, "The patient is 70 but kidney function", id="older-no-kidney"),
        pytest.param(None, 42, {"renal-30-50"}, "Age was not given", id="no-age"),
    ],
)
def test_age_is_an_answer_and_beers_needs_age_and_kidney_function(age, crcl, expected, not_checked):
    answers = Answers(age=age, kidney=kidney(crcl_ml_min=crcl))
    result = run(answers)
    assert result.flag_keys == expected
    assert not_checked in " ".join(result.not_checked)
    if not not_checked:
        assert not [item for item in result.not_checked if "Age" in item or "kidney function was not" in item]


def test_missing_kidney_function_lists_the_kidney_precautions_not_checked():
    result = run(Answers(age=40))
    [item] = result.not_checked
    assert item.startswith("Kidney function was not given, so these were not checked:")
    assert "Renal 30 50" in item and "Renal below 30" in item


def test_an_eGFR_stands_in_for_crcl_in_the_beers_rule():
    result = run(Answers(age=80, kidney=KidneyAnswers(egfr=45)))
    assert "beers-kidneys" in result.flag_keys
    beers = next(flag for flag in result.flags if flag.key == "beers-kidneys")
    assert "eGFR 45" in beers.trigger.detail


# --- Cockcroft–Gault in obesity ----------------------------------------------------------------------------------


def _cg(weight: float, height: float | None, sex: str = "male") -> str:
    answers = KidneyAnswers(
        creatinine=Creatinine(1.0, "mg/dL"), age_years=60, weight_kg=weight, sex=sex, height_cm=height
    )
    return run(Answers(age=60, kidney=answers)).kidney.explanation


def test_adjusted_body_weight_is_used_over_120_percent_of_ideal_and_the_result_says_why():
    explanation = _cg(weight=120, height=175)  # IBW 70.5 kg, so adjusted 70.5 + 0.4 × 49.5 = 90.3 kg
    assert "adjusted body weight 90.3 kg" in explanation
    assert "over 120% of the ideal body weight" in explanation
    assert "CrCl 100.3 mL/min" in explanation  # (140 − 60) × 90.3 ÷ 72


def test_actual_weight_is_used_when_not_over_120_percent_or_without_a_height():
    assert "using the weight given (80 kg), which is not over 120%" in _cg(weight=80, height=175)
    assert "no height was given" in _cg(weight=120, height=None)


def test_the_normaliser_keeps_what_names_a_product():
    assert normalise_name("Tylenol #3") == "tylenol 3"
    assert normalise_name("Panadol Night") == "panadol night"
    assert normalise_name("Fentanyl 25 mcg/hr patch") == "fentanyl"
    assert normalise_name("Oramorph 10 mg/5 mL oral solution") == "oramorph"
