"""Saving and deleting content rows: validated, derived fields rendered, history kept with who and why, and the
leaflets they appear in rendered again after the commit."""

from collections.abc import Iterable, Mapping

from django.db import models, transaction
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

from .derived import render_derived_fields
from .leaflets import leaflets_changed

CONTENT_MODELS: tuple[type[models.Model], ...] = (
    Source,
    DrugClass,
    Condition,
    Medication,
    MedicationName,
    Product,
    Use,
    LeafletSection,
    ClinicalWarning,
)
MEDICATION_PARTS = (MedicationName, Product, Use, LeafletSection, ClinicalWarning)


def affected_medication_ids(obj: models.Model) -> set[int]:
    """The medications whose leaflet shows this row."""
    if isinstance(obj, Medication):
        return {obj.pk}
    if isinstance(obj, MEDICATION_PARTS):
        return {obj.medication_id}
    if isinstance(obj, Source):
        cites = Q(sources=obj) | Q(uses__sources=obj) | Q(sections__sources=obj) | Q(warnings__sources=obj)
    elif isinstance(obj, Condition):
        cites = Q(uses__condition=obj) | Q(warnings__trigger_condition=obj)
    elif isinstance(obj, DrugClass):
        cites = Q(classes=obj) | Q(warnings__trigger_class=obj)
    else:
        raise TypeError(f"{type(obj).__name__} is not content")
    return set(Medication.objects.filter(cites).values_list("pk", flat=True).distinct())


def _attribute(obj: models.Model, *, user, reason: str) -> None:
    """Who and why, for the history row django-simple-history writes on save."""
    obj._change_reason = reason  # type: ignore[attr-defined]
    if user is not None:
        obj._history_user = user  # type: ignore[attr-defined]


def content_write(*, obj: models.Model, user=None, reason: str, query_constraints: bool = True) -> set[int]:
    """Validate and save one content row, with who and why in its history, and return the medications whose leaflet
    shows it, without scheduling their render: for a writer that schedules it once for many rows (the loader).
    Everyone else calls content_save. Raises ValidationError with field errors, or EditConflict.

    `query_constraints=False` skips Meta.constraints' validation, which costs one query per constraint per row: for
    the loader, whose rows' clean() states the same rules in Python and whose keys it has already checked across the
    files (the database still enforces every constraint)."""
    if not isinstance(obj, CONTENT_MODELS):
        raise TypeError(f"{type(obj).__name__} is not content")
    render_derived_fields(obj)
    obj.full_clean(validate_constraints=query_constraints)
    _attribute(obj, user=user, reason=reason)
    obj.save()
    return affected_medication_ids(obj)


def content_remove(*, obj: models.Model, user=None, reason: str) -> set[int]:
    """Delete one content row, with who and why in its history, and return the medications whose leaflet showed it,
    without scheduling their render (see content_write)."""
    affected = affected_medication_ids(obj)
    _attribute(obj, user=user, reason=reason)
    obj.delete()
    return affected


def content_save(
    *, obj: models.Model, user=None, reason: str, m2m: Mapping[str, Iterable] | None = None
) -> models.Model:
    """Validate and save one content row (and, when given, its many-to-many values: sources, classes); its leaflets
    are rendered again after the commit. Raises ValidationError with field errors, or EditConflict when the row
    changed since it was loaded."""
    with transaction.atomic():
        affected = content_write(obj=obj, user=user, reason=reason)
        for name, values in (m2m or {}).items():
            getattr(obj, name).set(values)
        leaflets_changed(affected)
    return obj


def content_delete(*, obj: models.Model, user=None, reason: str) -> None:
    """Delete one content row; the leaflets that showed it are rendered again after the commit."""
    with transaction.atomic():
        leaflets_changed(content_remove(obj=obj, user=user, reason=reason))
