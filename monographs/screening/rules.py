"""Where the screening engine's plain data comes from: the only module of the screening that reads the database.

Every function runs a fixed number of queries whatever the size of the catalogue or of the answers.
"""

from collections import defaultdict
from dataclasses import dataclass

from monographs.cache import VersionedMemo
from monographs.models import Medication, MedicationName, Warning

from .engine import (
    ConditionRef,
    DrugClassRef,
    KnownMedication,
    NameEntry,
    NameIndex,
    Rule,
    SourceRef,
    build_name_index,
)


@dataclass(frozen=True)
class ScreeningData:
    """Everything the engine needs to screen one medication."""

    medication_pk: int
    medication: KnownMedication
    rules: tuple[Rule, ...]
    index: NameIndex


def screenable_medications() -> list[tuple[str, str]]:
    """(slug, name) of the medications a clinician may screen: the published ones. One query."""
    return list(Medication.objects.published().order_by("name").values_list("slug", "name"))


def condition_triggers() -> list[tuple[str, str, str]]:
    """(medication slug, condition slug, condition name) for every condition that triggers a warning of a published
    medication, by condition name. One query."""
    return list(
        Warning.objects.filter(
            trigger_kind=Warning.TriggerKind.CONDITION, medication__in=Medication.objects.published()
        )
        .order_by("trigger_condition__name", "medication__slug")
        .values_list("medication__slug", "trigger_condition__slug", "trigger_condition__name")
        .distinct()
    )


def catalogue() -> tuple[dict[int, KnownMedication], NameIndex]:
    """Every medication row (whatever its status: a patient may take any of them) with its classes, and the index of
    their generic names, brand names and synonyms by their stored normalised keys. Three queries."""
    classes: dict[int, list[DrugClassRef]] = defaultdict(list)
    memberships = Medication.classes.through.objects.order_by("drugclass__name").values_list(
        "medication_id", "drugclass__slug", "drugclass__name"
    )
    refs: dict[str, DrugClassRef] = {}
    for medication_id, slug, name in memberships:
        if slug not in refs:
            refs[slug] = DrugClassRef(slug=slug, name=name)
        classes[medication_id].append(refs[slug])
    medications: dict[int, KnownMedication] = {}
    entries = []
    for pk, slug, name, normalised in Medication.objects.order_by("pk").values_list(
        "pk", "slug", "name", "normalised_name"
    ):
        medications[pk] = KnownMedication(slug=slug, name=name, classes=tuple(classes[pk]))
        entries.append(NameEntry(spelling=name, medication=medications[pk], normalised=normalised, generic=True))
    names = MedicationName.objects.order_by("pk").values_list("medication_id", "name", "normalised")
    entries += [
        NameEntry(spelling=name, medication=medications[medication_id], normalised=normalised)
        for medication_id, name, normalised in names
        if medication_id in medications  # a name added since the medications were read
    ]
    return medications, build_name_index(entries)


def _float(value) -> float | None:
    return None if value is None else float(value)


# Read as plain values, not model instances: a medication may have a thousand warnings.
WARNING_VALUES = (
    "pk",
    "key",
    "title",
    "type",
    "severity",
    "trigger_kind",
    "trigger_condition__slug",
    "trigger_condition__name",
    "trigger_class__slug",
    "trigger_class__name",
    "trigger_medication__slug",
    "trigger_medication__name",
    "crcl_min",
    "crcl_min_inclusive",
    "crcl_max",
    "crcl_max_inclusive",
    "patient_text",
    "patient_html",
    "clinician_text",
    "clinician_html",
    "action",
    "action_html",
)


def rule_from_values(row: dict, sources: tuple[SourceRef, ...]) -> Rule:
    """One Warning row (as WARNING_VALUES) and its sources as plain data."""
    condition = drug_class = medication = None
    if row["trigger_condition__slug"] is not None:
        condition = ConditionRef(slug=row["trigger_condition__slug"], name=row["trigger_condition__name"])
    if row["trigger_class__slug"] is not None:
        drug_class = DrugClassRef(slug=row["trigger_class__slug"], name=row["trigger_class__name"])
    if row["trigger_medication__slug"] is not None:
        medication = KnownMedication(slug=row["trigger_medication__slug"], name=row["trigger_medication__name"])
    return Rule(
        key=row["key"],
        title=row["title"],
        type=row["type"],
        severity=row["severity"],
        trigger_kind=row["trigger_kind"],
        condition=condition,
        drug_class=drug_class,
        medication=medication,
        crcl_min=_float(row["crcl_min"]),
        crcl_min_inclusive=row["crcl_min_inclusive"],
        crcl_max=_float(row["crcl_max"]),
        crcl_max_inclusive=row["crcl_max_inclusive"],
        patient_text=row["patient_text"],
        patient_html=row["patient_html"],
        clinician_text=row["clinician_text"],
        clinician_html=row["clinician_html"],
        action=row["action"],
        action_html=row["action_html"],
        sources=sources,
    )


def rules_for(medication_pk: int) -> tuple[Rule, ...]:
    """Every warning of one medication as a rule (the engine decides which can fire), in the leaflet's order, with
    their sources by title. Two queries."""
    sources: dict[int, list[SourceRef]] = defaultdict(list)
    cited = (
        Warning.sources.through.objects.filter(warning__medication_id=medication_pk)
        .order_by("source__title", "source_id")
        .values_list("warning_id", "source__title", "source__url")
    )
    for warning_id, title, url in cited:
        sources[warning_id].append(SourceRef(title=title, url=url))
    warnings = Warning.objects.filter(medication_id=medication_pk).order_by("section", "position", "pk")
    return tuple(rule_from_values(row, tuple(sources[row["pk"]])) for row in warnings.values(*WARNING_VALUES))


# The whole catalogue changes only with the content: built once per content version in each process.
_catalogue = VersionedMemo(catalogue)


def screening_data(*, medication_slug: str) -> ScreeningData | None:
    """The rules of a published medication and the name index, or None when no such medication is published.
    Three queries, and three more when the content has changed since this process last built the catalogue."""
    medication_pk = Medication.objects.published().filter(slug=medication_slug).values_list("pk", flat=True).first()
    if medication_pk is None:
        return None
    medications, index = _catalogue.get()
    if medication_pk not in medications:  # published through another app server a moment ago
        _catalogue.forget()
        medications, index = _catalogue.get()
    return ScreeningData(
        medication_pk=medication_pk,
        medication=medications[medication_pk],
        rules=rules_for(medication_pk),
        index=index,
    )
