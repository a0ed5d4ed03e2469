"""The screening engine as scenario tables: plain rules built by hand, answers in, flags out. No database."""

from monographs.rules import ConditionRef, DrugClassRef, KnownMedication, Rule, SourceRef
from monographs.screening.engine import (
    Answers,
    KidneyAnswers,
    NameEntry,
    build_name_index,
    screen,
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
    rule("opioids", "drug_class", "avoid", drug_class=OPIOID),
    rule("antihypertensives", "drug_class", drug_class=ANTIHYPERTENSIVE),
    rule("sinemet-itself", "medication", medication=KnownMedication("co-careldopa", "Levodopa and carbidopa")),
    rule("renal-50-80", "renal", "dose_adjustment", crcl_min=50, crcl_max=80, crcl_max_inclusive=True),
    rule("renal-30-50", "renal", "dose_adjustment", crcl_min=30, crcl_max=50, crcl_max_inclusive=False),
    rule("renal-below-30", "renal", "dose_adjustment", crcl_max=30, crcl_max_inclusive=False),
    rule("dialysis", "dialysis", "dose_adjustment"),
    rule("pregnancy", "pregnancy"),
    rule("breastfeeding", "breastfeeding"),
    rule("older-adults", "age", age_min=65),
    rule("beers-kidneys", "age", "avoid", age_min=65, crcl_max=60, crcl_max_inclusive=False),
)
NOTHING = Answers(pregnancy="not_pregnant")


def run(answers: Answers = NOTHING, rules=RULES, medication=BACLOFEN):
    return screen(medication=medication, rules=rules, index=INDEX, answers=answers)


def keys(answers: Answers) -> set[str]:
    return run(answers).flag_keys


def kidney(**fields) -> KidneyAnswers:
    return KidneyAnswers(**fields)
