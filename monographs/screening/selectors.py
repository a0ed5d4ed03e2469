"""Where the screening engine's plain data comes from: the only module of the screening that reads the database.

Every function runs a fixed number of queries whatever the size of the catalogue or of the answers.
"""

from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Prefetch

from monographs.cache import VersionedMemo
from monographs.models import RULE_FIELDS, RULE_RELATED, ClinicalWarning, Medication, MedicationName, Source
from monographs.rules import DrugClassRef, KnownMedication, Rule

from .engine import NameEntry, NameIndex, build_name_index


@dataclass(frozen=True)
class ScreeningData:
    """Everything the engine needs to screen one medication."""

    medication_pk: int
    medication: KnownMedication
    rules: tuple[Rule, ...]
    index: NameIndex

    @staticmethod
    def rules_for(slug: str) -> tuple[Rule, ...] | None:
        """The rules of a current medicine, or None when it has no published leaflet (so no vetted rules)."""
        return published_rules(slug)


def screenable_medications() -> list[tuple[str, str]]:
    """(slug, name) of the medications a clinician may screen: the published ones. One query."""
    return list(Medication.objects.published().order_by("name").values_list("slug", "name"))


def condition_triggers() -> list[tuple[str, str, str]]:
    """(medication slug, condition slug, condition name) for every condition that triggers a warning of a published
    medication, by condition name. One query."""
    return list(
        ClinicalWarning.objects.filter(
            trigger_kind=ClinicalWarning.TriggerKind.CONDITION, medication__in=Medication.objects.published()
        )
        .order_by("trigger_condition__name", "medication__slug")
        .values_list("medication__slug", "trigger_condition__slug", "trigger_condition__name")
        .distinct()
    )


def catalogue() -> tuple[dict[int, KnownMedication], NameIndex]:
    """Every medication row (whatever its status: a patient may take any of them) with its classes and, for a
    combination product, its ingredients; and the index of their generic names, brand names and synonyms. Four
    queries. Keys are computed from the spellings (not the stored keys), so a change to the normaliser applies at
    once; it runs once per content version."""
    classes: dict[int, list[DrugClassRef]] = defaultdict(list)
    memberships = Medication.classes.through.objects.order_by("drugclass__name").values_list(
        "medication_id", "drugclass__slug", "drugclass__name"
    )
    refs: dict[str, DrugClassRef] = {}
    for medication_id, slug, name in memberships:
        if slug not in refs:
            refs[slug] = DrugClassRef(slug=slug, name=name)
        classes[medication_id].append(refs[slug])
    ingredients: dict[int, list[int]] = defaultdict(list)
    for combination_id, ingredient_id in Medication.ingredients.through.objects.order_by(
        "to_medication__name"
    ).values_list("from_medication_id", "to_medication_id"):
        ingredients[combination_id].append(ingredient_id)
    rows = list(Medication.objects.order_by("pk").values_list("pk", "slug", "name"))
    medications: dict[int, KnownMedication] = {
        pk: KnownMedication(slug=slug, name=name, classes=tuple(classes[pk])) for pk, slug, name in rows
    }
    for pk, parts in ingredients.items():
        medications[pk] = replace(medications[pk], ingredients=tuple(medications[part] for part in parts))
    entries = [NameEntry(spelling=name, medication=medications[pk], generic=True) for pk, _, name in rows]
    names = MedicationName.objects.order_by("pk").values_list("medication_id", "name")
    entries += [
        NameEntry(spelling=name, medication=medications[medication_id])
        for medication_id, name in names
        if medication_id in medications  # a name added since the medications were read
    ]
    return medications, build_name_index(entries)


def rules_for(medication_pk: int) -> tuple[Rule, ...]:
    """Every warning of one medication as a rule (the engine decides which can fire), in the leaflet's order, with
    their sources by title. Two queries."""
    warnings = (
        ClinicalWarning.objects.filter(medication_id=medication_pk)
        .select_related(*RULE_RELATED)
        .only(*RULE_FIELDS)
        .prefetch_related(Prefetch("sources", queryset=Source.objects.only("title", "url")))
        .order_by("section", "position", "pk")
    )
    return tuple(warning.as_rule() for warning in warnings)


# The whole catalogue changes only with the content: built once per content version in each process.
_catalogue = VersionedMemo(catalogue)
# Each medication's rules, read on its first screening under a content version: medication pk → rules. Any content
# write moves the version on, which starts an empty dict.
_rules = VersionedMemo(dict)


def _published_pks() -> dict[str, int]:
    return dict(Medication.objects.published().values_list("slug", "pk"))


# Which medications are published, by slug: read once per content version (publishing moves the version on).
_published = VersionedMemo(_published_pks)


def _memoised_rules(medication_pk: int) -> tuple[Rule, ...]:
    rules_by_medication: dict[int, tuple[Rule, ...]] = _rules.get()
    rules = rules_by_medication.get(medication_pk)
    if rules is None:
        rules = rules_by_medication[medication_pk] = rules_for(medication_pk)
    return rules


def published_rules(slug: str) -> tuple[Rule, ...] | None:
    """A published medication's rules by slug, or None. No query once read under the current content version."""
    medication_pk = _published.get().get(slug)
    return None if medication_pk is None else _memoised_rules(medication_pk)


def screening_data(*, medication_slug: str) -> ScreeningData | None:
    """The rules of a published medication and the name index, or None when no such medication is published.
    One query; after a content change, three more for the catalogue and two for the medication's rules."""
    medication_pk = Medication.objects.published().filter(slug=medication_slug).values_list("pk", flat=True).first()
    if medication_pk is None:
        return None
    medications, index = _catalogue.get()
    if medication_pk not in medications:  # published through another app server a moment ago
        _catalogue.forget()
        medications, index = _catalogue.get()
    rules = _memoised_rules(medication_pk)
    return ScreeningData(medication_pk=medication_pk, medication=medications[medication_pk], rules=rules, index=index)
