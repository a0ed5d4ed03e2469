"""Writing a checked tree: each row created or updated through the models' own validation (full_clean, with its
Markdown and readability rendered first), the rows the files no longer mention removed, all in one transaction that
any error rolls back. A row is saved only when a value differs, so loading twice writes nothing. The leaflets the
load touched are rendered again after the commit (services.leaflets)."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, ProtectedError

from monographs.models import (
    ClinicalWarning,
    Condition,
    DrugClass,
    LeafletRender,
    LeafletSection,
    Medication,
    MedicationName,
    Product,
    Source,
    Use,
)
from monographs.names import normalise_name
from monographs.services.content import affected_medication_ids, content_remove, content_write
from monographs.services.leaflets import leaflets_changed

from .errors import ContentError, ContentInvalid
from .reader import read_tree
from .records import ContentTree, Monograph, Record
from .rows import plain_values, validation_errors
from .schema import DEFAULT_CONTENT_DIR

LOADER_CHANGE_REASON = "Loaded from the content files"


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def __str__(self) -> str:
        if not self.changed:
            return "Content is up to date: nothing changed."
        parts = []
        for label, counter in (("created", self.created), ("updated", self.updated), ("deleted", self.deleted)):
            if counter:
                parts.append(f"{label} " + ", ".join(f"{n} {model}" for model, n in sorted(counter.items())))
        return "; ".join(parts) + "."


def load_tree(root: Path = DEFAULT_CONTENT_DIR) -> LoadReport:
    """Validate every file, then write all of it in one transaction. Raises ContentInvalid on any problem."""
    return write_tree(read_tree(root))


def write_tree(tree: ContentTree) -> LoadReport:
    """Write a tree read_tree has checked, in one transaction. Raises ContentInvalid (having written nothing) when the
    models' validation refuses any row."""
    writer = _Writer()
    with transaction.atomic():
        _write(tree, writer)
        if writer.errors:
            raise ContentInvalid(writer.errors)
        due = writer.affected | _renders_not_current(tree)
        if due:
            leaflets_changed(due)
    return writer.report


def write_leaflet(monograph: Monograph, *, user, reason: str) -> set[int]:
    """Write one medication's leaflet (a checked draft's records: content_io.documents) over its live rows, in one
    transaction: the medication's own fields, names, classes, sources and ingredients, then its products, uses,
    sections and warnings, removing those the leaflet no longer has. Everything it refers to must exist already.
    Only what differs is saved, each history row with `user` and `reason`. Raises ContentInvalid (having written
    nothing) when the models' validation refuses any row. Returns the medications whose leaflet changed."""
    w = _Writer(user=user, reason=reason)
    record = monograph.medication
    refers = [record, *monograph.uses, *monograph.sections, *monograph.warnings]
    triggers = [r.values["trigger"] for r in monograph.warnings]
    sources = _rows(Source, "key", {key for r in refers for key in r.values["sources"]})
    classes = _rows(DrugClass, "slug", {*record.values["classes"], *(t["drug_class"] for t in triggers)})
    conditions = _rows(
        Condition, "slug", {*(r.values["condition"] for r in monograph.uses), *(t["condition"] for t in triggers)}
    )
    medications = _rows(
        Medication, "slug", {record.values["slug"], *record.values["ingredients"], *(t["medication"] for t in triggers)}
    )
    cite = lambda r: {"sources": [sources[s] for s in r.values["sources"]]}  # noqa: E731
    with transaction.atomic():
        _prune_stale_names([record], w)
        m2m = cite(record) | {"classes": [classes[c] for c in record.values["classes"]]}
        medication = _write_medication(record, m2m, w)
        if medication is not None:
            _write_ingredients([record], medications | {record.values["slug"]: medication}, w)
            _write_monograph(monograph, medication, cite, conditions, classes, medications, w)
        if w.errors:
            raise ContentInvalid(w.errors)
        if w.affected:
            leaflets_changed(w.affected)
    return w.affected


def _rows(model, field: str, values: set) -> dict:
    return {getattr(row, field): row for row in model.objects.filter(**{f"{field}__in": values - {None}})}


def _renders_not_current(tree: ContentTree) -> set[int]:
    """Leaflets whose stored render is missing or behind (a render that never ran), so a load leaves every leaflet
    it loaded rendered even when no row changed."""
    slugs = [monograph.medication.values["slug"] for monograph in tree.monographs]
    current = LeafletRender.objects.filter(medication__slug__in=slugs, rendered_revision=F("revision"))
    return set(
        Medication.objects.filter(slug__in=slugs)
        .exclude(pk__in=current.values("medication_id"))
        .values_list("pk", flat=True)
    )


class _Writer:
    """Writes rows through the content services, each history row with `user` and `reason`."""

    def __init__(self, *, user=None, reason: str = LOADER_CHANGE_REASON):
        self.user = user
        self.reason = reason
        self.report = LoadReport()
        self.errors: list[ContentError] = []
        self.affected: set[int] = set()  # medications whose leaflet shows a row this load changed

    def upsert(
        self, record: Record, model, lookup: dict, values: dict, m2m: dict | None = None, key_of: dict | None = None
    ):
        """Create or update one row from one record; save only what differs. Returns the row (None when invalid)."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        changed = created
        for name, value in values.items():
            attname = model._meta.get_field(name).attname
            target = value.pk if isinstance(value, models.Model) else value
            if getattr(obj, attname) != target:
                setattr(obj, attname, target)
                changed = True
        if changed:
            try:
                self.affected |= content_write(obj=obj, user=self.user, reason=self.reason, query_constraints=False)
            except ValidationError as exc:
                self.errors += validation_errors(record, model, exc, key_of)
                return None
            (self.report.created if created else self.report.updated)[model._meta.verbose_name_plural] += 1
        for name, targets in (m2m or {}).items():
            manager = getattr(obj, name)
            target_ids = {t.pk for t in targets}
            if set(manager.values_list("pk", flat=True)) != target_ids:
                # django-simple-history writes a history row for the change, with who and why read from the row (as
                # content_write leaves them on a row it saved).
                obj._change_reason = self.reason
                if self.user is not None:
                    obj._history_user = self.user
                manager.set(target_ids)
                if not changed:  # only its sources (or classes) changed: the row itself was not written
                    self.report.updated[model._meta.verbose_name_plural] += 1
                    self.affected |= affected_medication_ids(obj)
                    changed = True
        return obj

    def prune(self, queryset) -> None:
        """Delete these rows (they are no longer in the files). Raises ProtectedError if one is still referred to."""
        for obj in queryset:
            self.affected |= content_remove(obj=obj, user=self.user, reason=self.reason)
            self.report.deleted[queryset.model._meta.verbose_name_plural] += 1


def _write(tree: ContentTree, w: _Writer) -> None:
    sources = {r.values["key"]: w.upsert(r, Source, {"key": r.values["key"]}, plain_values(r)) for r in tree.sources}
    if w.errors:
        return
    cite = lambda r: {"sources": [sources[s] for s in r.values["sources"]]}  # noqa: E731
    classes = {
        r.values["slug"]: w.upsert(r, DrugClass, {"slug": r.values["slug"]}, plain_values(r)) for r in tree.drug_classes
    }
    conditions = {
        r.values["slug"]: w.upsert(r, Condition, {"slug": r.values["slug"]}, plain_values(r), cite(r))
        for r in tree.conditions
    }
    if w.errors:
        return

    _prune_stale_names(tree.medications, w)
    medications = {}
    for r in tree.medications:
        m2m = cite(r) | {"classes": [classes[c] for c in r.values["classes"]]}
        medications[r.values["slug"]] = _write_medication(r, m2m, w)
    _write_ingredients(tree.medications, medications, w)
    if w.errors:
        return

    for monograph in tree.monographs:
        medication = medications[monograph.medication.values["slug"]]
        _write_monograph(monograph, medication, cite, conditions, classes, medications, w)
    if w.errors:
        return

    # The files are the whole truth: rows they no longer mention go, children before what they refer to.
    for model, lookup, keys in (
        (Medication, "slug", medications),
        (Condition, "slug", conditions),
        (DrugClass, "slug", classes),
        (Source, "key", sources),
    ):
        try:
            w.prune(model.objects.exclude(**{f"{lookup}__in": list(keys)}))
        except ProtectedError as exc:
            still_used = ", ".join(sorted({str(obj) for obj in exc.protected_objects})[:5])
            w.errors.append(
                ContentError(
                    "", None, str(model._meta.verbose_name_plural), f"cannot remove rows still used by {still_used}"
                )
            )


def _prune_stale_names(records: list[Record], w: _Writer) -> None:
    """Names may move between medications: remove the stale ones first so uniqueness holds throughout."""
    wanted = {(r.values["slug"], normalise_name(n)) for r in records for n in r.values["brands"] + r.values["synonyms"]}
    stale = [
        pk
        for pk, slug, norm in MedicationName.objects.filter(
            medication__slug__in=[r.values["slug"] for r in records]
        ).values_list("pk", "medication__slug", "normalised")
        if (slug, norm) not in wanted
    ]
    w.prune(MedicationName.objects.filter(pk__in=stale))


def _write_medication(r: Record, m2m: dict, w: _Writer) -> Medication | None:
    """The [medication] table's row and its names (None when the row is invalid)."""
    medication = w.upsert(r, Medication, {"slug": r.values["slug"]}, plain_values(r), m2m)
    if medication is None:
        return None
    named = [(n, "brands", MedicationName.Kind.BRAND) for n in r.values["brands"]] + [
        (n, "synonyms", MedicationName.Kind.SYNONYM) for n in r.values["synonyms"]
    ]
    for position, (name, key, kind) in enumerate(named):
        w.upsert(
            r,
            MedicationName,
            {"normalised": normalise_name(name)},
            {"medication": medication, "name": name, "kind": kind, "position": position},
            key_of={"name": key, "normalised": key},
        )
    return medication


def _write_ingredients(records: list[Record], medications: dict, w: _Writer) -> None:
    """Combination products name medications defined anywhere in the files: set once every medication exists."""
    for r in records:
        medication = medications.get(r.values["slug"])
        if medication is not None:
            ingredients = [medications[slug] for slug in r.values["ingredients"]]
            w.upsert(r, Medication, {"pk": medication.pk}, {}, {"ingredients": ingredients})


def _write_monograph(monograph: Monograph, medication, cite, conditions, classes, medications, w: _Writer) -> None:
    w.prune(medication.products.exclude(name__in=[r.values["name"] for r in monograph.products]))
    for position, r in enumerate(monograph.products):
        lookup = {"medication": medication, "name": r.values["name"]}
        w.upsert(r, Product, lookup, plain_values(r) | {"position": position})

    wanted_conditions = [conditions[r.values["condition"]] for r in monograph.uses]
    w.prune(medication.uses.exclude(condition__in=wanted_conditions))
    for position, r in enumerate(monograph.uses):
        lookup = {"medication": medication, "condition": conditions[r.values["condition"]]}
        w.upsert(r, Use, lookup, plain_values(r) | {"position": position}, cite(r))

    w.prune(medication.sections.exclude(kind__in=[r.values["kind"] for r in monograph.sections]))
    for r in monograph.sections:
        w.upsert(r, LeafletSection, {"medication": medication, "kind": r.values["kind"]}, plain_values(r), cite(r))

    w.prune(medication.warnings.exclude(key__in=[r.values["key"] for r in monograph.warnings]))
    for position, r in enumerate(monograph.warnings):
        trigger = r.values["trigger"]
        related = {
            "trigger_condition": conditions.get(trigger["condition"]),
            "trigger_class": classes.get(trigger["drug_class"]),
            "trigger_medication": medications.get(trigger["medication"]),
        }
        fields = plain_values(r) | related | {"position": position}
        w.upsert(r, ClinicalWarning, {"medication": medication, "key": r.values["key"]}, fields, cite(r))
