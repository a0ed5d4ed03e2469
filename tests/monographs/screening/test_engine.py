"""The screening engine, rule by rule: plain data in, plain data out (no database)."""

import pytest

from monographs.names import normalise_name
from monographs.screening.engine import Answers, recognise, suggest
from monographs.screening.snapshot import snapshot
from tests.monographs.screening.rulebook import (
    BACLOFEN,
    CO_CARELDOPA,
    INDEX,
    LABEL,
    LISINOPRIL,
    NOTHING,
    OPIOID,
    OXYCODONE,
    PARACETAMOL,
    keys,
    kidney,
    rule,
    run,
)

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
        pytest.param(Answers(current_medications=("OXYCODONE 5mg bd",)), {"opioids"}, id="two-classes-one-flag"),
        pytest.param(Answers(current_medications=("paracetamol 1g qds",)), set(), id="medication-without-a-rule"),
        pytest.param(Answers(current_medications=("Lioresal 10 mg",)), {"duplicate-therapy"}, id="duplicate-therapy"),
        pytest.param(
            Answers(
                pregnancy="pregnant",
                conditions=frozenset({"epilepsy"}),
                kidney=kidney(crcl_ml_min=42),
                current_medications=("Oxycodone 5 mg", "lisinopril"),
            ),
            {"pregnancy", "epilepsy", "renal-30-50", "opioids", "antihypertensives"},
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
        ("oxycodone hydrochloride 5 mg", OXYCODONE),
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
        ("Oxycodon 5 mg", ["Oxycodone"]),
        ("Zestrill", ["Zestril (lisinopril)"]),
        ("oxycodon hydrochloride 5 mg", ["Oxycodone"]),
        ("Lioresall", ["Lioresal (baclofen)"]),
        ("xq-7 unknown thing", []),
    ],
)
def test_unrecognised_lines_are_listed_with_their_suggestions(line, suggestion):
    result = run(Answers(current_medications=(line,)))
    assert [(u.line, [s.label for s in u.suggestions]) for u in result.unrecognised] == [(line.strip(), suggestion)]
    assert [s.label for s in suggest(normalise_name(line), INDEX)] == suggestion
    assert not result.complete
    assert any("not recognised" in note for note in result.notes)


def test_a_class_interaction_is_one_flag_listing_each_medication_once():
    result = run(Answers(current_medications=("Oxycodone 5 mg", "OxyContin 10mg", "Morphine 10 mg", "Zestril")))
    by_key = {flag.key: flag for flag in result.flags}
    # Each medicine once, under its most severe reason; the CNS-depressant rule is kept as a second reason.
    assert sorted(by_key) == ["antihypertensives", "opioids"]
    assert len(result.flags) == 2
    assert [also.rule.key for also in by_key["opioids"].also] == ["cns-depressants"]
    opioids = by_key["opioids"].trigger
    assert opioids.kind == "medication"
    assert opioids.drug_class == OPIOID
    assert [(m.medication.slug, m.lines) for m in opioids.medications] == [
        ("oxycodone", ("Oxycodone 5 mg", "OxyContin 10mg")),
        ("morphine", ("Morphine 10 mg",)),
    ]
    assert "Oxycodone" in opioids.detail and "Morphine" in opioids.detail


def test_duplicate_therapy_by_brand_is_flagged_and_is_not_an_interaction_with_itself():
    result = run(Answers(current_medications=("Lioresal 10 mg", "baclofen 5mg tds")))
    [flag] = result.flags
    assert flag.key == "duplicate-therapy"
    assert flag.severity == "avoid"
    assert flag.trigger.kind == "duplicate"
    assert flag.trigger.medications[0].lines == ("Lioresal 10 mg", "baclofen 5mg tds")
    assert "Lioresal 10 mg" in flag.trigger.detail
    assert flag.rule.patient_text and flag.rule.clinician_text and flag.rule.action


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
        {
            "lines": ["Oxycodone 5 mg"],
            "combinations": [],
            "slug": "oxycodone",
            "name": "Oxycodone",
            "classes": ["CNS depressant", "Opioid"],
        }
    ]
    assert opioids["about"] == "baclofen"
    assert [also["key"] for also in opioids["also"]] == ["cns-depressants"]
    assert data["complete"] is True


def test_an_unknown_trigger_kind_is_an_error_not_a_silent_skip():
    with pytest.raises(ValueError, match="unknown trigger kind"):
        run(rules=(rule("odd", "moon-phase"),))


@pytest.mark.parametrize("trigger_kind", ["condition", "drug_class", "medication"])
def test_a_rule_whose_trigger_names_nothing_is_an_error_not_a_silent_skip(trigger_kind):
    with pytest.raises(ValueError, match=f"triggered by a {trigger_kind} but names none"):
        run(rules=(rule("broken", trigger_kind),))
