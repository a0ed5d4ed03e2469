"""The screening engine as scenario tables: plain rules built by hand, answers in, flags out. No database."""

from decimal import Decimal

import pytest

from monographs.models import Warning
from monographs.screening.engine import (
    Answers,
    ConditionRef,
    Creatinine,
    DrugClassRef,
    KidneyAnswers,
    KnownMedication,
    NameEntry,
    Rule,
    SourceRef,
    build_name_index,
    cockcroft_gault,
    crcl_in_band,
    kidney_function,
    recognise,
    renal_band,
    screen,
    snapshot,
    suggest,
)

CNS = DrugClassRef("cns-depressant", "CNS depressant")
OPIOID = DrugClassRef("opioid", "Opioid")
ANTIHYPERTENSIVE = DrugClassRef("antihypertensive", "Blood pressure medicine")
LEVODOPA_CLASS = DrugClassRef("levodopa", "Levodopa")

BACLOFEN = KnownMedication("baclofen", "Baclofen", (CNS, DrugClassRef("muscle-relaxant", "Muscle relaxant")))
OXYCODONE = KnownMedication("oxycodone", "Oxycodone", (CNS, OPIOID))
MORPHINE = KnownMedication("morphine", "Morphine", (CNS, OPIOID))
LISINOPRIL = KnownMedication("lisinopril", "Lisinopril", (ANTIHYPERTENSIVE,))
CO_CARELDOPA = KnownMedication("co-careldopa", "Levodopa and carbidopa", (LEVODOPA_CLASS,))
PARACETAMOL = KnownMedication("paracetamol", "Paracetamol")

INDEX = build_name_index(
    [
        NameEntry("Baclofen", BACLOFEN, generic=True),
        NameEntry("Lioresal", BACLOFEN),
        NameEntry("Ozobax DS", BACLOFEN),
        NameEntry("Oxycodone", OXYCODONE, generic=True),
        NameEntry("OxyContin", OXYCODONE),
        NameEntry("Morphine", MORPHINE, generic=True),
        NameEntry("Lisinopril", LISINOPRIL, generic=True),
        NameEntry("Zestril", LISINOPRIL),
        NameEntry("Levodopa and carbidopa", CO_CARELDOPA, generic=True),
        NameEntry("Sinemet", CO_CARELDOPA),
        NameEntry("co-careldopa", CO_CARELDOPA),
        NameEntry("Paracetamol", PARACETAMOL, generic=True),
        NameEntry("acetaminophen", PARACETAMOL),
    ]
)
LABEL = SourceRef("Prescribing information", "https://example.org/label")


def rule(key: str, trigger_kind: str, severity: str = "caution", **fields) -> Rule:
    defaults = {
        "title": key.replace("-", " ").capitalize(),
        "type": "interaction" if trigger_kind in ("drug_class", "medication") else "warning",
        "patient_text": f"Patient words about {key}.",
        "clinician_text": f"Why {key} matters.",
        "action": f"What to do about {key}.",
        "sources": (LABEL,),
    }
    return Rule(key=key, trigger_kind=trigger_kind, severity=severity, **(defaults | fields))


# Shaped after the shipped baclofen rules.
RULES = (
    rule("drowsiness", "none", severity="info"),
    rule("se-seizures", "none"),
    rule("epilepsy", "condition", condition=ConditionRef("epilepsy", "Epilepsy")),
    rule("stroke", "condition", condition=ConditionRef("stroke", "Stroke")),
    rule("cns-depressants", "drug_class", drug_class=CNS),
    rule("opioids", "drug_class", drug_class=OPIOID),
    rule("antihypertensives", "drug_class", drug_class=ANTIHYPERTENSIVE),
    rule("sinemet-itself", "medication", medication=KnownMedication("co-careldopa", "Levodopa and carbidopa")),
    rule("renal-50-80", "renal", "dose_adjustment", crcl_min=50, crcl_max=80, crcl_max_inclusive=True),
    rule("renal-30-50", "renal", "dose_adjustment", crcl_min=30, crcl_max=50, crcl_max_inclusive=False),
    rule("renal-below-30", "renal", "dose_adjustment", crcl_max=30, crcl_max_inclusive=False),
    rule("dialysis", "dialysis", "dose_adjustment"),
    rule("pregnancy", "pregnancy"),
    rule("breastfeeding", "breastfeeding"),
)
NOTHING = Answers(pregnancy="not_pregnant")


def run(answers: Answers = NOTHING, rules=RULES, medication=BACLOFEN):
    return screen(medication=medication, rules=rules, index=INDEX, answers=answers)


def keys(answers: Answers) -> set[str]:
    return run(answers).flag_keys


def kidney(**fields) -> KidneyAnswers:
    return KidneyAnswers(**fields)


# --- One row per trigger kind --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param(NOTHING, set(), id="nothing-to-flag"),
        pytest.param(Answers(pregnancy="pregnant"), {"pregnancy"}, id="pregnant"),
        pytest.param(Answers(pregnancy="planning"), {"pregnancy"}, id="planning-a-pregnancy"),
        pytest.param(Answers(pregnancy="not_applicable"), set(), id="pregnancy-not-applicable"),
        pytest.param(Answers(pregnancy="not_pregnant", breastfeeding=True), {"breastfeeding"}, id="breastfeeding"),
        pytest.param(Answers(conditions=frozenset({"epilepsy"})), {"epilepsy"}, id="condition"),
        pytest.param(Answers(conditions=frozenset({"epilepsy", "stroke"})), {"epilepsy", "stroke"}, id="conditions"),
        pytest.param(Answers(conditions=frozenset({"asthma"})), set(), id="condition-no-rule-is-about"),
        pytest.param(Answers(kidney=kidney(dialysis=True)), {"dialysis"}, id="dialysis"),
        pytest.param(Answers(kidney=kidney(crcl_ml_min=42)), {"renal-30-50"}, id="renal"),
        pytest.param(Answers(current_medications=("Zestril",)), {"antihypertensives"}, id="drug-class-by-brand"),
        pytest.param(Answers(current_medications=("Sinemet 25/100",)), {"sinemet-itself"}, id="medication"),
        pytest.param(
            Answers(current_medications=("OXYCODONE 5mg bd",)), {"opioids", "cns-depressants"}, id="two-classes"
        ),
        pytest.param(Answers(current_medications=("paracetamol 1g qds",)), set(), id="medication-without-a-rule"),
        pytest.param(Answers(current_medications=("Lioresal 10 mg",)), {"duplicate-therapy"}, id="duplicate-therapy"),
        pytest.param(
            Answers(
                pregnancy="pregnant",
                conditions=frozenset({"epilepsy"}),
                kidney=kidney(crcl_ml_min=42),
                current_medications=("Oxycodone 5 mg", "lisinopril"),
            ),
            {"pregnancy", "epilepsy", "renal-30-50", "opioids", "cns-depressants", "antihypertensives"},
            id="the-contract-example",
        ),
    ],
)
def test_each_trigger_kind_fires_only_on_its_answer(answers, expected):
    assert keys(answers) == expected


def test_rules_that_apply_to_everyone_are_never_flags():
    everything = Answers(
        pregnancy="pregnant",
        breastfeeding=True,
        conditions=frozenset({"epilepsy", "stroke"}),
        kidney=kidney(crcl_ml_min=10, dialysis=True),
        current_medications=("Oxycodone", "Zestril", "Sinemet"),
    )
    assert not keys(everything) & {"drowsiness", "se-seizures"}


# --- Kidney bands at every edge ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crcl", "expected"),
    [
        pytest.param(0, {"renal-below-30"}, id="0"),
        pytest.param(29.9, {"renal-below-30"}, id="29.9"),
        pytest.param(30, {"renal-30-50"}, id="30-lower-edge-included"),
        pytest.param(49.9, {"renal-30-50"}, id="49.9"),
        pytest.param(50, {"renal-50-80"}, id="50-upper-edge-excluded-lower-included"),
        pytest.param(80, {"renal-50-80"}, id="80-upper-edge-included"),
        pytest.param(80.1, set(), id="80.1"),
        pytest.param(250, set(), id="250"),
    ],
)
def test_crcl_falls_in_exactly_one_band_at_every_edge(crcl, expected):
    assert keys(Answers(kidney=kidney(crcl_ml_min=crcl))) == expected
    # eGFR is compared the same way, in place of CrCl.
    assert keys(Answers(kidney=kidney(egfr=crcl))) == expected


@pytest.mark.parametrize(
    ("crcl", "dialysis", "expected"),
    [
        pytest.param(None, True, {"dialysis"}, id="dialysis-without-crcl"),
        pytest.param(10, True, {"dialysis", "renal-below-30"}, id="dialysis-and-crcl"),
        pytest.param(10, False, {"renal-below-30"}, id="crcl-without-dialysis"),
    ],
)
def test_dialysis_is_its_own_trigger(crcl, dialysis, expected):
    assert keys(Answers(kidney=kidney(crcl_ml_min=crcl, dialysis=dialysis))) == expected


@pytest.mark.parametrize(
    ("low", "low_inclusive", "high", "high_inclusive"),
    [
        (30, True, 50, False),
        (50, True, 80, True),
        (None, True, 30, False),
        (None, True, 30, True),
        (50, False, None, False),
        (50, True, None, False),
        (30, False, 50, True),
    ],
)
@pytest.mark.parametrize("crcl", [0, 29.9, 30, 30.1, 49.9, 50, 50.1, 79.9, 80, 80.1, 200])
def test_band_edges_and_words_agree_with_the_warning_model(low, low_inclusive, high, high_inclusive, crcl):
    bounds = {
        "crcl_min": low,
        "crcl_min_inclusive": low_inclusive,
        "crcl_max": high,
        "crcl_max_inclusive": high_inclusive,
    }
    band = rule("band", "renal", **bounds)
    warning = Warning(
        trigger_kind="renal",
        crcl_min=None if low is None else Decimal(low),
        crcl_min_inclusive=low_inclusive,
        crcl_max=None if high is None else Decimal(high),
        crcl_max_inclusive=high_inclusive,
    )
    assert crcl_in_band(band, crcl) == warning.crcl_in_band(crcl)
    assert renal_band(band) == warning.renal_band


def test_a_renal_flag_says_which_band_and_which_crcl():
    [flag] = run(Answers(kidney=kidney(crcl_ml_min=42))).flags
    assert flag.trigger.kind == "renal"
    assert flag.trigger.detail == "CrCl 30 to under 50 mL/min (patient's CrCl 42 mL/min, as given)"


def test_dialysis_flags_are_renal_in_the_contract():
    [flag] = run(Answers(kidney=kidney(dialysis=True))).flags
    assert (flag.trigger.kind, flag.trigger.detail) == ("renal", "On dialysis")


# --- Cockcroft–Gault -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "weight", "sex", "creatinine", "expected"),
    [
        pytest.param(60, 72, "male", Creatinine(1.0, "mg/dL"), 80.0, id="male-mg-dl"),
        pytest.param(60, 72, "male", Creatinine(88.4, "umol/L"), 80.0, id="male-umol-l"),
        pytest.param(60, 72, "female", Creatinine(1.0, "mg/dL"), 68.0, id="female-mg-dl"),
        pytest.param(60, 72, "female", Creatinine(88.4, "umol/L"), 68.0, id="female-umol-l"),
        pytest.param(40, 80, "male", Creatinine(2.0, "mg/dL"), 55.6, id="rounded-half-up"),
        pytest.param(85, 60, "female", Creatinine(150, "umol/L"), 23.0, id="older-woman-umol-l"),
        pytest.param(75, 70, "female", Creatinine(1.2, "mg/dL"), 44.8, id="older-woman-mg-dl"),
    ],
)
def test_cockcroft_gault_with_known_numbers(age, weight, sex, creatinine, expected):
    answers = kidney(creatinine=creatinine, age_years=age, weight_kg=weight, sex=sex)
    result = kidney_function(answers)
    assert result.crcl_ml_min == expected
    assert result.source == "cockcroft_gault"
    assert "(140 − age) × weight × (0.85 if female) ÷ (72 × serum creatinine in mg/dL)" in result.explanation
    assert f"= {expected:.1f} mL/min" in result.explanation


def test_cockcroft_gault_shows_the_unit_conversion():
    result = kidney_function(kidney(creatinine=Creatinine(88.4, "umol/L"), age_years=60, weight_kg=72, sex="male"))
    assert "88.4 µmol/L ÷ 88.4 = 1.00 mg/dL" in result.explanation
    assert "(140 − 60) × 72 kg ÷ (72 × 1.00 mg/dL) = 80.0 mL/min" in result.explanation
    female = kidney_function(kidney(creatinine=Creatinine(1.0, "mg/dL"), age_years=60, weight_kg=72, sex="female"))
    assert "× 0.85 (female)" in female.explanation


def test_the_calculated_crcl_is_the_one_compared_with_the_bands():
    # 80.0 exactly: inside the band that includes 80.
    answers = Answers(kidney=kidney(creatinine=Creatinine(1.0, "mg/dL"), age_years=60, weight_kg=72, sex="male"))
    assert keys(answers) == {"renal-50-80"}
    assert cockcroft_gault(age_years=60, weight_kg=72, sex="male", creatinine_mg_dl=1.0) == 80.0


@pytest.mark.parametrize(
    ("answers", "value", "source"),
    [
        pytest.param(kidney(), None, None, id="not-given"),
        pytest.param(kidney(crcl_ml_min=42), 42.0, "given", id="given"),
        pytest.param(kidney(egfr=42), 42.0, "egfr", id="egfr"),
    ],
)
def test_kidney_function_source(answers, value, source):
    result = kidney_function(answers)
    assert (result.crcl_ml_min, result.source) == (value, source)


def test_kidney_function_given_two_ways_is_refused():
    with pytest.raises(ValueError, match="more than one way"):
        kidney_function(kidney(crcl_ml_min=42, egfr=40))


# --- Current medications -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Zestril", LISINOPRIL),
        ("zestril 10mg od", LISINOPRIL),
        ("OXYCODONE 5mg bd", OXYCODONE),
        ("Oxycodone 5 mg", OXYCODONE),
        ("OxyContin 10 mg MR tablets", OXYCODONE),
        ("  lisinopril  ", LISINOPRIL),
        ("Co-careldopa 25mg/100mg tds", CO_CARELDOPA),
        ("Acetaminophen 500 mg prn", PARACETAMOL),
        ("Lioresal 10 mg", BACLOFEN),
        ("Ozobax DS 5 mL", BACLOFEN),
        ("oxycodon", None),
        ("", None),
        ("5 mg", None),
    ],
)
def test_lines_are_recognised_by_generic_brand_and_other_names_with_strengths(line, expected):
    assert recognise(line, INDEX) == expected


@pytest.mark.parametrize(
    ("line", "suggestion"),
    [
        ("Oxycodon 5 mg", "Oxycodone"),
        ("Zestrill", "Zestril (lisinopril)"),
        ("oxycodone hydrochloride 5 mg", "Oxycodone"),
        ("Lioresall", "Lioresal (baclofen)"),
        ("xq-7 unknown thing", None),
    ],
)
def test_unrecognised_lines_are_listed_with_a_suggestion(line, suggestion):
    result = run(Answers(current_medications=(line,)))
    assert [(u.line, u.suggestion) for u in result.unrecognised] == [(line.strip(), suggestion)]
    assert suggest(line, INDEX) == suggestion
    assert any("not recognised" in note for note in result.notes)


def test_a_class_interaction_is_one_flag_listing_each_medication_once():
    result = run(Answers(current_medications=("Oxycodone 5 mg", "OxyContin 10mg", "Morphine 10 mg", "Zestril")))
    by_key = {flag.key: flag for flag in result.flags}
    assert sorted(by_key) == ["antihypertensives", "cns-depressants", "opioids"]
    assert len(result.flags) == 3
    opioids = by_key["opioids"].trigger
    assert opioids.kind == "medication"
    assert opioids.drug_class == OPIOID
    assert [(m.medication.slug, m.lines) for m in opioids.medications] == [
        ("oxycodone", ("Oxycodone 5 mg", "OxyContin 10mg")),
        ("morphine", ("Morphine 10 mg",)),
    ]
    assert "Oxycodone" in opioids.detail and "Morphine" in opioids.detail
    assert [m.medication.slug for m in by_key["cns-depressants"].trigger.medications] == ["oxycodone", "morphine"]


def test_duplicate_therapy_by_brand_is_flagged_and_is_not_an_interaction_with_itself():
    result = run(Answers(current_medications=("Lioresal 10 mg", "baclofen 5mg tds")))
    [flag] = result.flags
    assert flag.key == "duplicate-therapy"
    assert flag.severity == "avoid"
    assert flag.trigger.kind == "duplicate"
    assert flag.trigger.medications[0].lines == ("Lioresal 10 mg", "baclofen 5mg tds")
    assert "Lioresal 10 mg" in flag.trigger.detail
    assert flag.patient_text and flag.clinician_text and flag.action


def test_blank_lines_are_ignored_and_nothing_else_is_dropped():
    result = run(Answers(current_medications=("", "  ", "Zestril", "mystery pill")))
    assert [m.medication.slug for m in result.recognised] == ["lisinopril"]
    assert [u.line for u in result.unrecognised] == ["mystery pill"]


# --- The result as a whole -----------------------------------------------------------------------------------------


def test_flags_are_sorted_by_severity_then_title():
    rules = (
        rule("b-caution", "pregnancy", "caution", title="B caution"),
        rule("a-caution", "pregnancy", "caution", title="a caution"),
        rule("info", "pregnancy", "info", title="A info"),
        rule("contra", "pregnancy", "contraindicated", title="Z contraindicated"),
        rule("dose", "pregnancy", "dose_adjustment", title="Dose"),
        rule("avoid", "pregnancy", "avoid", title="Avoid"),
    )
    result = run(Answers(pregnancy="pregnant"), rules=rules)
    assert [f.key for f in result.flags] == ["contra", "avoid", "dose", "a-caution", "b-caution", "info"]


def test_a_patient_with_nothing_to_flag_gets_the_standing_notes():
    result = run(NOTHING)
    assert result.flags == ()
    notes = " ".join(result.notes)
    assert "not proof of safety" in notes
    assert "supports clinical judgement; it does not replace it" in notes
    assert "Kidney function was not given" in notes
    assert "No current medications were given" in notes
    assert result.kidney.crcl_ml_min is None


def test_egfr_in_place_of_crcl_is_said_in_a_note():
    result = run(Answers(kidney=kidney(egfr=55)))
    assert result.kidney.source == "egfr"
    assert any("eGFR was used in place of CrCl" in note for note in result.notes)


def test_the_snapshot_keeps_text_html_trigger_and_sources():
    result = run(Answers(current_medications=("Oxycodone 5 mg",), kidney=kidney(crcl_ml_min=42)))
    data = snapshot(result)
    assert data["crcl_ml_min"] == 42.0
    assert data["crcl_source"] == "given"
    opioids = next(flag for flag in data["flags"] if flag["key"] == "opioids")
    assert opioids["trigger"] == {
        "kind": "medication",
        "detail": "Takes a medicine of the class Opioid: Oxycodone (from “Oxycodone 5 mg”)",
        "drug_class": {"slug": "opioid", "name": "Opioid"},
        "medications": [{"slug": "oxycodone", "name": "Oxycodone", "lines": ["Oxycodone 5 mg"]}],
    }
    assert opioids["sources"] == [{"title": LABEL.title, "url": LABEL.url}]
    assert data["recognised_medications"] == [
        {"lines": ["Oxycodone 5 mg"], "slug": "oxycodone", "name": "Oxycodone", "classes": ["CNS depressant", "Opioid"]}
    ]


def test_an_unknown_trigger_kind_is_an_error_not_a_silent_skip():
    with pytest.raises(ValueError, match="unknown trigger kind"):
        run(rules=(rule("odd", "moon-phase"),))
