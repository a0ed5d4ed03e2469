"""The screening engine: a clinician's answers about one patient in, the precautions that apply out.

Pure: no database, no request, no HTML. The clinical rules are data (monographs.rules.Rule, from
ClinicalWarning.as_rule()); this module only knows the generic mechanics: which trigger fires for which answers,
severity order, duplicate therapy and the notes. Kidney function is worked out in kidney.py and the current
medications are read in names.py.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from monographs.rules import (
    KnownMedication,
    Rule,
    age_in_range,
    age_words,
    band_words,
    crcl_in_band,
    has_band,
    number_words,
)

from .flags import (
    DUPLICATE_KEY,
    SEVERITY_ORDER,
    Also,
    Flag,
    Trigger,
    duplicate_flag,
    medication_trigger,
    merge_interactions,
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
    Suggestion,
    Unrecognised,
    build_name_index,
    read_current_medications,
    read_line,
    recognise,
    suggest,
)
from .notes import notes_for

# Re-exported: the engine is the screening's one entry point for its callers (forms, selectors, tests).
__all__ = [
    "DUPLICATE_KEY",
    "SEVERITY_ORDER",
    "Also",
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
    "Suggestion",
    "Trigger",
    "Unrecognised",
    "build_name_index",
    "cockcroft_gault",
    "kidney_function",
    "read_current_medications",
    "read_line",
    "recognise",
    "renal_band",
    "screen",
    "suggest",
]

# --- Vocabulary (the JSON contract's values) -------------------------------------------------------------------

NOT_PREGNANT, PREGNANT, PLANNING, PREGNANCY_NOT_APPLICABLE = "not_pregnant", "pregnant", "planning", "not_applicable"

# Rule trigger kinds (ClinicalWarning.TriggerKind) → the flag's trigger kind in the JSON contract. "none" never flags.
FLAG_KIND_FOR_RULE = {
    "condition": "condition",
    "drug_class": "medication",
    "medication": "medication",
    "renal": "renal",
    "dialysis": "renal",
    "pregnancy": "pregnancy",
    "breastfeeding": "breastfeeding",
    "age": "age",
}


# --- Plain data in ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    age: int | None = None  # years: an answer in its own right (age rules), and Cockcroft–Gault's age
    sex: str | None = None
    pregnancy: str | None = None
    breastfeeding: bool = False
    kidney: KidneyAnswers = field(default_factory=KidneyAnswers)
    conditions: frozenset[str] = frozenset()
    current_medications: tuple[str, ...] = ()


# --- Plain data out ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    medication: KnownMedication
    kidney: KidneyFunction
    flags: tuple[Flag, ...]
    recognised: tuple[MatchedMedication, ...]
    unrecognised: tuple[Unrecognised, ...]
    notes: tuple[str, ...]
    not_checked: tuple[str, ...] = ()
    answers: Answers = field(default_factory=Answers)
    # Current medicines whose own rules were checked too, and those recognised that have no rules here yet.
    checked: tuple[KnownMedication, ...] = ()
    without_rules: tuple[KnownMedication, ...] = ()

    @property
    def complete(self) -> bool:
        """False whenever a current medication line could not be checked."""
        return not self.unrecognised

    @property
    def flag_keys(self) -> set[str]:
        return {flag.key for flag in self.flags}


def renal_band(rule: Rule) -> str:
    return band_words(rule)


# --- Evaluation -------------------------------------------------------------------------------------------------


def _trigger(
    rule: Rule,
    *,
    answers: Answers,
    kidney: KidneyFunction,
    owner: KnownMedication,
    others: Sequence[MatchedMedication],
    considered: str,
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
                return medication_trigger(rule, owner, found, considered)
        case "medication":
            medication = _required(rule, rule.medication)
            found = tuple(m for m in others if m.medication.slug == medication.slug)
            if found:
                return medication_trigger(rule, owner, found, considered)
        case "age":
            if answers.age is not None and age_in_range(rule, answers.age):
                if not has_band(rule):
                    return Trigger(kind, f"Aged {answers.age} ({age_words(rule)})")
                if kidney.crcl_ml_min is not None and crcl_in_band(rule, kidney.crcl_ml_min):
                    used = _crcl_used(kidney.crcl_ml_min, kidney.source)
                    return Trigger(kind, f"Aged {answers.age}, with {renal_band(rule)} ({used})")
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


def _not_checked(
    owners: Sequence[tuple[KnownMedication, Sequence[Rule]]],
    *,
    answers: Answers,
    kidney: KidneyFunction,
    fired: set[tuple[str, str]],
    considered: KnownMedication,
) -> list[str]:
    """The precautions that could not be checked because an answer they need was not given."""
    by_need: dict[str, list[str]] = {"kidney": [], "age": [], "age_kidney": []}
    for owner, rules in owners:
        whose = "" if owner == considered else f"{owner.name}: "
        for rule in rules:
            if (owner.slug, rule.key) in fired:
                continue
            if rule.trigger_kind == "renal" and kidney.crcl_ml_min is None:
                by_need["kidney"].append(whose + rule.title)
            elif rule.trigger_kind == "age" and answers.age is None:
                by_need["age"].append(whose + rule.title)
            elif (
                rule.trigger_kind == "age"
                and answers.age is not None
                and has_band(rule)
                and kidney.crcl_ml_min is None
                and age_in_range(rule, answers.age)
            ):
                by_need["age_kidney"].append(f"{whose}{rule.title} ({age_words(rule)} with {renal_band(rule)})")
    missing = []
    if by_need["kidney"]:
        missing.append("Kidney function was not given, so these were not checked: " + "; ".join(by_need["kidney"]))
    if by_need["age"]:
        missing.append("Age was not given, so these were not checked: " + "; ".join(by_need["age"]))
    if by_need["age_kidney"]:
        missing.append(
            f"The patient is {answers.age} but kidney function was not given, so these were not checked: "
            + "; ".join(by_need["age_kidney"])
        )
    return missing


def _breadth(rule: Rule, index: NameIndex) -> int:
    """How many medicines a rule's trigger covers: one for a named medicine, else the size of its class."""
    if rule.drug_class is None:
        return 1
    return index.class_sizes.get(rule.drug_class.slug, 0)


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


def screen(
    *,
    medication: KnownMedication,
    rules: Sequence[Rule],
    index: NameIndex,
    answers: Answers,
    rules_for: Callable[[str], Sequence[Rule] | None] = lambda slug: None,
) -> Result:
    """Evaluate the rules of the medication being considered, and of every recognised current medicine that has
    rules (`rules_for(slug)`, None when it has none), against the answers about one patient and against each other."""
    kidney = kidney_function(answers.kidney)
    recognised, unrecognised = read_current_medications(answers.current_medications, index)
    duplicates = [m for m in recognised if m.medication.slug == medication.slug]
    # A line that *is* the medication being considered is duplicate therapy, not an interaction with itself.
    current = [m for m in recognised if m.medication.slug != medication.slug]
    owners: list[tuple[KnownMedication, Sequence[Rule]]] = [(medication, rules)]
    without_rules = []
    for matched in current:
        found = rules_for(matched.medication.slug)
        if found is None:
            without_rules.append(matched.medication)
        else:
            owners.append((matched.medication, found))
    being_considered = MatchedMedication(medication, (), considered=True)

    flags = []
    for owner, owner_rules in owners:
        others = current if owner == medication else [being_considered, *(m for m in current if m.medication != owner)]
        for rule in owner_rules:
            trigger = _trigger(
                rule, answers=answers, kidney=kidney, owner=owner, others=others, considered=medication.slug
            )
            if trigger is not None:
                flags.append(Flag(rule, trigger, about=owner))
    if duplicates:
        flags.append(duplicate_flag(medication, duplicates))
    flags = merge_interactions(flags, medication.slug, breadth=lambda rule: _breadth(rule, index))
    fired = {(flag.about.slug, flag.key) for flag in flags}
    not_checked = _not_checked(owners, answers=answers, kidney=kidney, fired=fired, considered=medication)

    notes = notes_for(
        medication=medication,
        dialysis=answers.kidney.dialysis,
        kidney=kidney,
        flags=flags,
        unrecognised=unrecognised,
        recognised=recognised,
        checked=[owner for owner, _ in owners[1:]],
        without_rules=without_rules,
    )
    return Result(
        medication=medication,
        kidney=kidney,
        flags=tuple(flags),
        recognised=recognised,
        unrecognised=unrecognised,
        notes=tuple(notes),
        not_checked=tuple(not_checked),
        answers=answers,
        checked=tuple(owner for owner, _ in owners[1:]),
        without_rules=tuple(without_rules),
    )
