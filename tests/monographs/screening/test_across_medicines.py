"""The screening across every medicine the patient takes (issue 13): the rules of the medicine being considered and
of each recognised current medicine with rules, against the patient and against each other. Engine level."""

from monographs.rules import ConditionRef, DrugClassRef, KnownMedication
from monographs.screening.engine import Answers, NameEntry, build_name_index, screen
from monographs.screening.snapshot import snapshot
from tests.monographs.screening.rulebook import BACLOFEN, CNS, OPIOID, RULES, rule

BENZODIAZEPINE = DrugClassRef("benzodiazepine", "Benzodiazepine")
ACE = DrugClassRef("ace-inhibitor", "ACE inhibitor")
OXYCODONE = KnownMedication("oxycodone", "Oxycodone", (CNS, OPIOID))
DIAZEPAM = KnownMedication("diazepam", "Diazepam", (BENZODIAZEPINE, CNS))
LISINOPRIL = KnownMedication("lisinopril", "Lisinopril", (ACE,))
PARACETAMOL = KnownMedication("paracetamol", "Paracetamol")

INDEX = build_name_index(
    [NameEntry(m.name, m, generic=True) for m in (BACLOFEN, OXYCODONE, DIAZEPAM, LISINOPRIL, PARACETAMOL)]
)
OTHER_RULES = {
    "oxycodone": (
        rule("cns-depressants", "drug_class", "avoid", drug_class=CNS, title="Opioid with another CNS depressant"),
        rule("benzodiazepines", "drug_class", "avoid", drug_class=BENZODIAZEPINE, title="Opioid with a benzodiazepine"),
        rule("older-adults", "age", "caution", age_min=65),
    ),
    "diazepam": (
        rule("opioids", "drug_class", "contraindicated", drug_class=OPIOID, title="Benzodiazepine with an opioid"),
    ),
    "lisinopril": (
        rule("pregnancy", "pregnancy", "contraindicated", title="Fetal toxicity"),
        rule("hepatic", "condition", "caution", condition=ConditionRef("liver-disease", "Liver disease")),
    ),
}


def run(*lines: str, **answers):
    return screen(
        medication=BACLOFEN,
        rules=RULES,
        index=INDEX,
        answers=Answers(current_medications=lines, **answers),
        rules_for=OTHER_RULES.get,
    )


def test_a_pair_is_reported_once_with_the_more_severe_rule_and_both_medicines_named():
    result = run("Oxycodone 5 mg")
    pair = [flag for flag in result.flags if flag.trigger.kind == "medication"]
    assert len(pair) == 1  # baclofen's opioid rule and oxycodone's CNS-depressant rule are about the same pair
    [flag] = pair
    assert (flag.about.slug, flag.key) == ("baclofen", "opioids")  # a tie: the considered medicine's wording
    assert {(a.about, a.rule.key) for a in flag.also} == {
        ("baclofen", "cns-depressants"),
        ("oxycodone", "cns-depressants"),
    }


def test_an_interaction_between_two_current_medicines_is_found_once_at_the_higher_severity():
    result = run("Oxycodone", "Diazepam 5mg")
    pairs = {f: {f.about.slug} | {m.medication.slug for m in f.trigger.medications} for f in result.flags}
    between = [flag for flag, pair in pairs.items() if pair == {"oxycodone", "diazepam"}]
    assert len(between) == 1
    [flag] = between
    assert flag.severity == "contraindicated"
    assert flag.about.slug == "diazepam"
    assert "Diazepam (already taken)" in flag.trigger.detail and "Oxycodone" in flag.trigger.detail
    assert ("oxycodone", "benzodiazepines") in {(a.about, a.rule.key) for a in flag.also}
    assert result.flags[0] is flag  # most severe first, whoever's rule it is


def test_a_current_medicines_own_precautions_are_checked_against_the_patient():
    result = run("lisinopril", pregnancy="pregnant", conditions=frozenset({"liver-disease"}))
    about = {(flag.about.slug, flag.key) for flag in result.flags}
    assert {("lisinopril", "pregnancy"), ("lisinopril", "hepatic"), ("baclofen", "pregnancy")} <= about
    assert result.flags[0].about.slug == "lisinopril"  # contraindicated comes first


def test_the_snapshot_says_whose_rule_each_flag_is_and_which_medicines_were_checked():
    data = snapshot(run("Oxycodone", "paracetamol", age=70))
    assert {flag["about"] for flag in data["flags"]} == {"baclofen", "oxycodone"}
    assert [m["slug"] for m in data["medicines_checked"]] == ["baclofen", "oxycodone"]
    assert [m["slug"] for m in data["medicines_without_rules"]] == ["paracetamol"]
    assert "precautions recorded for baclofen and oxycodone" in data["scope"]
    assert "Not checked: the precautions of paracetamol" in data["scope"]


def test_missing_answers_name_whose_precautions_were_not_checked():
    result = run("Oxycodone")
    assert any("Oxycodone: Older adults" in item for item in result.not_checked)
