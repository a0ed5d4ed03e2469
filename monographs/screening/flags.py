"""What a screening answers: flags (a rule that applies, what made it apply and whose rule it is), their order, and
how interaction flags are merged so that each pair of medicines is reported once, at the higher severity, with every
reason. Pure: no Django."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from monographs.rules import ConditionRef, DrugClassRef, KnownMedication, Rule

from .names import MatchedMedication

# Most serious first: the order flags are shown in.
SEVERITY_ORDER = ("contraindicated", "avoid", "dose_adjustment", "caution", "info")
DUPLICATE_KEY = "duplicate-therapy"
DUPLICATE_SEVERITY = "avoid"


@dataclass(frozen=True)
class Trigger:
    kind: str
    detail: str
    condition: ConditionRef | None = None
    drug_class: DrugClassRef | None = None
    medications: tuple[MatchedMedication, ...] = ()


class Also(NamedTuple):
    """A less severe (or the other medicine's) rule about the same medicines, shown within the flag that kept them."""

    rule: Rule
    about: str


@dataclass(frozen=True)
class Flag:
    """A rule that applies to this patient, what in the answers made it apply, and whose rule it is (`about`: the
    medicine being considered, or one the patient already takes)."""

    rule: Rule
    trigger: Trigger
    about: KnownMedication
    also: tuple[Also, ...] = ()

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


def severity_rank(severity: str) -> int:
    if severity not in SEVERITY_ORDER:
        raise ValueError(f"unknown severity {severity!r}")
    return SEVERITY_ORDER.index(severity)


def sort_key(flag: Flag, considered: str = "") -> tuple[int, bool, str]:
    """Most severe first; on a tie, the medicine being considered before the ones the patient takes; then by title."""
    return severity_rank(flag.severity), flag.about.slug != considered, flag.title.casefold()


def medication_trigger(
    rule: Rule, owner: KnownMedication, found: Sequence[MatchedMedication], considered: str
) -> Trigger:
    """An interaction's trigger in words, naming both medicines when the rule is not the considered medicine's."""
    listed = "; ".join(m.described for m in found)
    prefix = "" if owner.slug == considered else f"{owner.name} (already taken), with "
    if rule.drug_class is not None:
        detail = f"{prefix}a medicine of the class {rule.drug_class.name}: {listed}"
        detail = detail[0].upper() + detail[1:] if prefix else f"Takes {detail}"
        return Trigger("medication", detail, drug_class=rule.drug_class, medications=tuple(found))
    return Trigger("medication", f"{prefix}{listed}" if prefix else f"Takes {listed}", medications=tuple(found))


def merge_interactions(flags: Sequence[Flag], considered: str, breadth: Callable[[Rule], int]) -> list[Flag]:
    """Each pair of medicines in one interaction flag only: the most severe rule either medicine has about the other,
    with the other rules about the same pair attached as `also`; then one flag per rule again, listing the medicines
    it kept. A rule left with no medicine of its own is not shown alone: its reason is in the flags that took them."""
    singles: list[Flag] = []  # one matched medicine each
    others: list[Flag] = []
    for flag in flags:
        if flag.trigger.kind == "medication":
            singles += [
                replace(flag, trigger=replace(flag.trigger, medications=(m,))) for m in flag.trigger.medications
            ]
        else:
            others.append(flag)
    kept: dict[frozenset[str], Flag] = {}
    # On a tie of severity and owner, the more specific reason leads: a named medicine, then the narrower class (a
    # tricyclic antidepressant before "any CNS depressant").
    ordered = sorted(singles, key=lambda f: (*sort_key(f, considered)[:2], breadth(f.rule), f.title.casefold()))
    for flag in ordered:
        pair = frozenset({flag.about.slug, flag.trigger.medications[0].medication.slug})
        if pair not in kept:
            kept[pair] = flag
        elif (flag.rule, flag.about.slug) not in kept[pair].also:
            kept[pair] = replace(kept[pair], also=(*kept[pair].also, Also(flag.rule, flag.about.slug)))
    return sorted([*others, *_by_rule(kept.values(), considered)], key=lambda f: sort_key(f, considered))


def _by_rule(flags, considered: str) -> list[Flag]:
    """The merged single-medicine flags as one flag per (medicine, rule), listing every medicine it kept."""
    grouped: dict[tuple[str, str], list[Flag]] = {}
    for flag in flags:
        grouped.setdefault((flag.about.slug, flag.key), []).append(flag)
    combined = []
    for group in grouped.values():
        first = group[0]
        medications = tuple(m for flag in group for m in flag.trigger.medications)
        also = tuple(dict.fromkeys(a for flag in group for a in flag.also))
        trigger = medication_trigger(first.rule, first.about, medications, considered)
        combined.append(replace(first, trigger=trigger, also=also))
    return combined


def duplicate_flag(medication: KnownMedication, duplicates: Sequence[MatchedMedication]) -> Flag:
    """The medicine being considered is already in the current medications (perhaps by a brand name)."""
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
    return Flag(rule, trigger, about=medication)
