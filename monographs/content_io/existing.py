"""The rows a load may change, read before it writes anything: a few queries per model, whatever the number of
leaflets, so the writer compares the files with the database in memory and queries again only for what differs."""

from collections import defaultdict
from typing import Any

from django.db import models
from django.db.models import Q

from monographs.models import (
    ClinicalWarning,
    Condition,
    DrugClass,
    LeafletSection,
    Medication,
    MedicationName,
    Product,
    Source,
    Use,
)

# Each model's rows as the writer finds them: by these fields (a relation by its id).
LOOKUPS: dict[type[models.Model], tuple[str, ...]] = {
    Source: ("key",),
    DrugClass: ("slug",),
    Condition: ("slug",),
    Medication: ("slug",),
    MedicationName: ("normalised",),
    Product: ("medication", "name"),
    Use: ("medication", "condition"),
    LeafletSection: ("medication", "kind"),
    ClinicalWarning: ("medication", "key"),
}
# The rows of one medication's leaflet (read only for the medications written, when the load is of some of them).
PARTS = (Product, Use, LeafletSection, ClinicalWarning)


def m2m_columns(field: Any) -> tuple[str, str]:
    """The through table's columns for the row that has the field and for the row it points at."""
    through: Any = field.remote_field.through._meta
    return through.get_field(field.m2m_field_name()).attname, through.get_field(field.m2m_reverse_field_name()).attname


class Existing:
    """The content rows in the database, keyed as the writer looks them up, with their many-to-many targets.

    `slugs=None` reads every row (a whole tree: the files are the whole truth). Given slugs, the parts and names are
    read only for those medications (and the names in `names`, which may belong to another medication); the shared
    rows (sources, classes, conditions, medications) are always read whole, as any leaflet may refer to any of them."""

    def __init__(self, slugs: set[str] | None = None, names: set[str] | None = None):
        self.rows: dict[type[models.Model], dict[tuple, Any]] = {}
        self.by_medication: dict[type[models.Model], dict[int, list]] = {}
        # (model, m2m field name) -> {row pk: {target pk: through row pk}}
        self.links: dict[tuple[type[models.Model], str], dict[int, dict[int, int]]] = {}
        for model in LOOKUPS:
            queryset = model._default_manager.order_by("pk")
            if slugs is not None and model in PARTS:
                queryset = queryset.filter(medication__slug__in=slugs)
            elif slugs is not None and model is MedicationName:
                queryset = queryset.filter(Q(medication__slug__in=slugs) | Q(normalised__in=names or ()))
            found: list[Any] = list(queryset)
            self.rows[model] = {self.key_of(obj): obj for obj in found}
            if model in PARTS or model is MedicationName:
                grouped = defaultdict(list)
                for obj in found:
                    grouped[obj.medication_id].append(obj)
                self.by_medication[model] = grouped
        for model in LOOKUPS:
            parents = None
            if slugs is not None and model is Medication:
                parents = [obj.pk for obj in self.rows[model].values() if obj.slug in slugs]
            for field in model._meta.many_to_many:
                self._read_links(model, field, parents)

    def _read_links(self, model, field, parents: list[int] | None) -> None:
        own, target = m2m_columns(field)
        queryset: Any = field.remote_field.through._default_manager.all()
        if parents is not None or model in PARTS:
            ids = parents if parents is not None else [obj.pk for obj in self.rows[model].values()]
            queryset = queryset.filter(**{f"{own}__in": ids})
        links: dict[int, dict[int, int]] = defaultdict(dict)
        for pk, row, points_at in queryset.values_list("pk", own, target):
            links[row][points_at] = pk
        self.links[(model, field.name)] = links

    @staticmethod
    def key_of(obj: Any) -> tuple:
        fields: Any = type(obj)._meta
        return tuple(getattr(obj, fields.get_field(name).attname) for name in LOOKUPS[type(obj)])

    @staticmethod
    def key_from(model, lookup: dict) -> tuple:
        return tuple(
            value.pk if isinstance(value, models.Model) else value for value in map(lookup.get, LOOKUPS[model])
        )

    def by(self, model, field: str) -> dict:
        """A model keyed by one field (its lookup), e.g. sources by key."""
        return {getattr(obj, field): obj for obj in self.rows[model].values()}

    def parts(self, model, medication: models.Model) -> list:
        return list(self.by_medication[model].get(medication.pk, ())) if medication.pk is not None else []

    def forget(self, obj: Any) -> None:
        """A row the load deleted."""
        model = type(obj)
        self.rows[model].pop(self.key_of(obj), None)
        if model in self.by_medication:
            siblings = self.by_medication[model].get(obj.medication_id, [])
            if obj in siblings:
                siblings.remove(obj)
