"""The screening engine: a clinician's answers about one patient in, the precautions that apply out.

Pure: no database, no request, no HTML. The clinical rules are data (monographs.rules.Rule, from
ClinicalWarning.as_rule()); this module only knows the generic mechanics: which trigger fires for which answers,
severity order, duplicate therapy and the notes. Kidney function is worked out in kidney.py and the current
medications are read in names.py.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from monographs.rules import (
    TEXT_FIELDS,
    ConditionRef,
    DrugClassRef,
    KnownMedication,
    Rule,
    band_words,
    crcl_in_band,
    number_words,
)

from .kidney import (
    CRCL_COCKCROFT_GAULT,
    CRCL_EGFR,
    CRCL_GIVEN,
    FEMALE,
    MALE,
    MG_DL,
    SEX_VALUES,
    UMOL_L,
    Creatinine,
    KidneyAnswers,
    KidneyFunction,
    cockcroft_gault,
    kidney_function,
)
from .names import (
    MatchedMedication,
    NameEntry,
    NameIndex,
    Unrecognised,
    build_name_index,
    read_current_medications,
    recognise,
    suggest,
)

# Re-exported: the engine is the screening's one entry point for its callers (forms, selectors, tests).
__all__ = [
    "CRCL_COCKCROFT_GAULT",
    "CRCL_EGFR",
    "CRCL_GIVEN",
    "FEMALE",
    "MALE",
    "MG_DL",
    "SEX_VALUES",
    "UMOL_L",
    "Answers",
    "Creatinine",
    "Flag",
    "KidneyAnswers",
    "KidneyFunction",
    "MatchedMedication",
    "NameEntry",
    "NameIndex",
    "Result",
    "Trigger",
    "Unrecognised",
    "build_name_index",
    "cockcroft_gault",
    "kidney_function",
    "read_current_medications",
    "recognise",
    "renal_band",
    "screen",
    "snapshot",
    "suggest",
]

# --- Vocabulary (the JSON contract's values) -------------------------------------------------------------------

NOT_PREGNANT, PREGNANT, PLANNING, PREGNANCY_NOT_APPLICABLE = "not_pregnant", "pregnant", "planning", "not_applicable"
# Most serious first: the order flags are shown in.
SEVERITY_ORDER = ("contraindicated", "avoid", "dose_adjustment", "caution", "info")

# Rule trigger kinds (ClinicalWarning.TriggerKind) → the flag's trigger kind in the JSON contract. "none" never flags.
FLAG_KIND_FOR_RULE = {
    "condition": "condition",
    "drug_class": "medication",
    "medication": "medication",
    "renal": "renal",
    "dialysis": "renal",
    "pregnancy": "pregnancy",
    "breastfeeding": "breastfeeding",
}
DUPLICATE_KEY = "duplicate-therapy"
DUPLICATE_SEVERITY = "avoid"


# --- Plain data in ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    pregnancy: str | None = None
    breastfeeding: bool = False
    kidney: KidneyAnswers = field(default_factory=KidneyAnswers)
    conditions: frozenset[str] = frozenset()
    current_medications: tuple[str, ...] = ()


# --- Plain data out ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    kind: str
    detail: str
    condition: ConditionRef | None = None
    drug_class: DrugClassRef | None = None
    medications: tuple[MatchedMedication, ...] = ()


@dataclass(frozen=True)
class Flag:
    """A rule that applies to this patient, and what in the answers made it apply."""

    rule: Rule
    trigger: Trigger

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def title(self) -> str:
        return self.rule.title

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def type(self) -> str:
        return self.rule.type


@dataclass(frozen=True)
class Result:
    medication: KnownMedication
    kidney: KidneyFunction
    flags: tuple[Flag, ...]
    recognised: tuple[MatchedMedication, ...]
    unrecognised: tuple[Unrecognised, ...]
    notes: tuple[str, ...]

    @property
    def flag_keys(self) -> set[str]:
        return {flag.key for flag in self.flags}


def renal_band(rule: Rule) -> str:
    return band_words(rule)


# --- Evaluation -------------------------------------------------------------------------------------------------


def _trigger(
    rule: Rule, *, answers: Answers, kidney: KidneyFunction, others: Sequence[MatchedMedication]
) -> Trigger | None:
    """The trigger that makes this rule apply to the patient, or None when it does not apply."""
    if rule.trigger_kind == "none":
        # Applies to everyone taking the medicine: the leaflet's business, not a patient-specific flag.
        return None
    kind = FLAG_KIND_FOR_RULE.get(rule.trigger_kind)
    if kind is None:
        raise ValueError(f"rule {rule.key!r} has an unknown trigger kind {rule.trigger_kind!r}")
    match rule.trigger_kind:
        case "condition":
            condition = _required(rule, rule.condition)
            if condition.slug in answers.conditions:
                return Trigger(kind, f"Has {condition.name.lower()}", condition=condition)
        case "drug_class":
            drug_class = _required(rule, rule.drug_class)
            found = tuple(m for m in others if drug_class.slug in m.medication.class_slugs)
            if found:
                detail = f"Takes a medicine of the class {drug_class.name}: " + "; ".join(m.described for m in found)
                return Trigger(kind, detail, drug_class=drug_class, medications=found)
        case "medication":
            medication = _required(rule, rule.medication)
            found = tuple(m for m in others if m.medication.slug == medication.slug)
            if found:
                return Trigger(kind, "Takes " + "; ".join(m.described for m in found), medications=found)
        case "renal":
            if kidney.crcl_ml_min is not None and crcl_in_band(rule, kidney.crcl_ml_min):
                used = _crcl_used(kidney.crcl_ml_min, kidney.source)
                return Trigger(kind, f"{renal_band(rule)} ({used})")
        case "dialysis":
            if answers.kidney.dialysis:
                return Trigger(kind, "On dialysis")
        case "pregnancy":
            if answers.pregnancy in (PREGNANT, PLANNING):
                detail = "Pregnant" if answers.pregnancy == PREGNANT else "Planning a pregnancy"
                return Trigger(kind, detail)
        case "breastfeeding":
            if answers.breastfeeding:
                return Trigger(kind, "Breastfeeding")
    return None


def _required[T](rule: Rule, target: T | None) -> T:
    """What the rule's trigger names (a condition, class or medication). A rule without it is an error, never a rule
    that silently cannot fire: a precaution quietly skipped reads as "nothing to flag"."""
    if target is None:
        raise ValueError(f"rule {rule.key!r} is triggered by a {rule.trigger_kind} but names none")
    return target


def _crcl_used(crcl: float, source: str | None) -> str:
    value = number_words(crcl)
    match source:
        case "cockcroft_gault":
            return f"patient's CrCl {value} mL/min by Cockcroft–Gault"
        case "egfr":
            return f"patient's eGFR {value} mL/min/1.73 m², used in place of CrCl"
    return f"patient's CrCl {value} mL/min, as given"


def _duplicate_flag(medication: KnownMedication, duplicates: Sequence[MatchedMedication]) -> Flag:
    lines = [line for m in duplicates for line in m.lines]
    quoted = ", ".join(f"“{line}”" for line in lines)
    name = medication.name.lower()
    rule = Rule(
        key=DUPLICATE_KEY,
        title=f"Already taking {name} (duplicate therapy)",
        severity=DUPLICATE_SEVERITY,
        type="warning",
        trigger_kind="duplicate",
        patient_text=(
            f"You may already be taking {name}, perhaps under another name. Taking the same medicine twice can "
            "mean taking too much. Check with your doctor or pharmacist before you take both."
        ),
        clinician_text=(
            f"The current medications list {quoted}, which is {name}, the medicine being considered. "
            "Two prescriptions of the same active ingredient risk a double dose."
        ),
        action=(
            f"Check whether the patient still takes {name}. Do not prescribe it twice: adjust or replace the "
            "existing prescription instead."
        ),
    )
    trigger = Trigger("duplicate", f"Current medications include {name}: {quoted}", medications=tuple(duplicates))
    return Flag(rule, trigger)


def _sort_key(flag: Flag) -> tuple[int, str]:
    if flag.severity not in SEVERITY_ORDER:
        raise ValueError(f"flag {flag.key!r} has an unknown severity {flag.severity!r}")
    return SEVERITY_ORDER.index(flag.severity), flag.title.casefold()


def _notes(
    *, medication: KnownMedication, answers: Answers, kidney: KidneyFunction, flags, unrecognised, recognised
) -> list[str]:
    name = medication.name.lower()
    notes = [
        f"The absence of a flag is not proof of safety: only the precautions recorded for {name} were checked, "
        "against the answers given. Check the full prescribing information.",
        "This screening supports clinical judgement; it does not replace it.",
        f"General warnings and side effects that apply to everyone taking {name} are not listed as flags: "
        "they are in the patient leaflet.",
    ]
    if kidney.source is None:
        notes.append("Kidney function was not given, so no kidney-function (CrCl) band was checked.")
    else:
        notes.append(kidney.explanation)
        notes.append(
            "Kidney-function bands are in CrCl (mL/min) as each precaution's sources give them; the sources listed "
            "with a kidney precaution say how CrCl was measured."
        )
    if kidney.source == CRCL_EGFR:
        notes.append(
            "eGFR was used in place of CrCl. eGFR is adjusted to body surface area and can differ from CrCl, "
            "especially at extremes of body size and in older people: near a band edge, calculate CrCl."
        )
    if kidney.source == CRCL_COCKCROFT_GAULT and answers.kidney.dialysis:
        notes.append(
            "Cockcroft–Gault is not reliable for patients on dialysis: interpret the calculated CrCl with care."
        )
    if not (recognised or unrecognised):
        notes.append("No current medications were given, so no interactions were checked.")
    if unrecognised:
        count = len(unrecognised)
        lines = "line was" if count == 1 else "lines were"
        notes.append(
            f"{count} current medication {lines} not recognised and could not be checked for interactions: "
            "check them yourself, or correct the spelling and screen again."
        )
    if not flags:
        notes.append(f"Nothing in the answers matched a recorded precaution for {name}.")
    return notes


def screen(*, medication: KnownMedication, rules: Sequence[Rule], index: NameIndex, answers: Answers) -> Result:
    """Evaluate every rule of the medication against the answers about one patient."""
    kidney = kidney_function(answers.kidney)
    recognised, unrecognised = read_current_medications(answers.current_medications, index)
    duplicates = [m for m in recognised if m.medication.slug == medication.slug]
    # A line that *is* the medication being considered is duplicate therapy, not an interaction with itself.
    others = [m for m in recognised if m.medication.slug != medication.slug]

    flags = []
    for rule in rules:
        trigger = _trigger(rule, answers=answers, kidney=kidney, others=others)
        if trigger is not None:
            flags.append(Flag(rule, trigger))
    if duplicates:
        flags.append(_duplicate_flag(medication, duplicates))
    flags.sort(key=_sort_key)

    notes = _notes(
        medication=medication,
        answers=answers,
        kidney=kidney,
        flags=flags,
        unrecognised=unrecognised,
        recognised=recognised,
    )
    return Result(
        medication=medication,
        kidney=kidney,
        flags=tuple(flags),
        recognised=recognised,
        unrecognised=unrecognised,
        notes=tuple(notes),
    )


# --- The snapshot (stored with the ScreeningRecord and shown from then on) --------------------------------------

SNAPSHOT_SCHEMA = 1


def _medication_dict(medication: KnownMedication) -> dict[str, Any]:
    return {"slug": medication.slug, "name": medication.name, "classes": [c.name for c in medication.classes]}


def _trigger_dict(trigger: Trigger) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": trigger.kind, "detail": trigger.detail}
    if trigger.condition is not None:
        data["condition"] = {"slug": trigger.condition.slug, "name": trigger.condition.name}
    if trigger.kind in ("medication", "duplicate"):
        data["drug_class"] = (
            {"slug": trigger.drug_class.slug, "name": trigger.drug_class.name} if trigger.drug_class else None
        )
        data["medications"] = [
            {"slug": m.medication.slug, "name": m.medication.name, "lines": list(m.lines)} for m in trigger.medications
        ]
    return data


def snapshot(result: Result) -> dict[str, Any]:
    """The result as JSON-ready plain data: everything the result page, the handout and the API show."""
    return {
        "schema": SNAPSHOT_SCHEMA,
        "medication": {"slug": result.medication.slug, "name": result.medication.name},
        "crcl_ml_min": result.kidney.crcl_ml_min,
        "crcl_source": result.kidney.source,
        "crcl_explanation": result.kidney.explanation,
        "flags": [
            {
                "key": flag.key,
                "title": flag.title,
                "severity": flag.severity,
                "type": flag.type,
                "trigger": _trigger_dict(flag.trigger),
                **{name: getattr(flag.rule, name) for name in TEXT_FIELDS},
                "sources": [{"title": s.title, "url": s.url} for s in flag.rule.sources],
            }
            for flag in result.flags
        ],
        "recognised_medications": [
            {"lines": list(m.lines), **_medication_dict(m.medication)} for m in result.recognised
        ],
        "unrecognised_medications": [{"line": u.line, "suggestion": u.suggestion} for u in result.unrecognised],
        "notes": list(result.notes),
    }
