"""Writing a checked tree: each row created or updated through the models' own validation (full_clean, with its
Markdown and readability rendered first), the rows the files no longer mention removed, all in one transaction that
any error rolls back. A row is saved only when a value differs, so loading twice writes nothing. The leaflets the
load touched are rendered again after the commit (services.leaflets)."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
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
    SectionKind,
    Source,
    Use,
)
from monographs.names import normalise_name
from monographs.services.leaflets import leaflets_changed

from .bulk import BulkWriter
from .errors import ContentError, ContentInvalid
from .existing import LOOKUPS, Existing
from .reader import read_tree
from .records import ContentTree, Monograph, Record
from .rows import plain_values
from .schema import DEFAULT_CONTENT_DIR

LOADER_CHANGE_REASON = "Loaded from the content files"
SECTION_POSITIONS = {kind: SectionKind.position(kind) for kind in SectionKind.values}


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    leaflets: set[int] = field(default_factory=set)  # the medications whose leaflet the load changed

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
    report = LoadReport()
    with transaction.atomic():
        writer = BulkWriter(Existing(), user=None, reason=LOADER_CHANGE_REASON, report=report)
        _write(tree, writer)
        if writer.errors:
            raise ContentInvalid(writer.errors)
        writer.finish()
        report.leaflets = writer.affected
        due = writer.affected | _renders_not_current(tree)
        if due:
            leaflets_changed(due)
    return report


def write_leaflet(monograph: Monograph, *, user, reason: str) -> set[int]:
    """Write one medication's leaflet (a checked draft's records: content_io.documents) over its live rows, in one
    transaction: the medication's own fields, names, classes, sources and ingredients, then its products, uses,
    sections and warnings, removing those the leaflet no longer has. Everything it refers to must exist already.
    Only what differs is saved, each history row with `user` and `reason`. Raises ContentInvalid (having written
    nothing) when the models' validation refuses any row. Returns the medications whose leaflet changed."""
    record = monograph.medication
    with transaction.atomic():
        existing = Existing(slugs={record.values["slug"]}, names=_wanted_names([record]))
        w = BulkWriter(existing, user=user, reason=reason, report=LoadReport())
        sources, classes = existing.by(Source, "key"), existing.by(DrugClass, "slug")
        conditions, medications = existing.by(Condition, "slug"), existing.by(Medication, "slug")
        cite = lambda r: {"sources": [sources[s] for s in r.values["sources"]]}  # noqa: E731
        _prune_stale_names([record], w)
        m2m = cite(record) | {"classes": [classes[c] for c in record.values["classes"]]}
        medication = _write_medication(record, m2m, w)
        w.flush()
        if medication is not None:
            _write_ingredients([record], medications | {record.values["slug"]: medication}, w)
            _write_monograph(monograph, medication, cite, conditions, classes, medications, w)
        if w.errors:
            raise ContentInvalid(w.errors)
        w.finish()
        if w.affected:
            leaflets_changed(w.affected)
    return w.affected


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


def _write(tree: ContentTree, w: BulkWriter) -> None:
    """Stage and write the tree a layer at a time (what a layer refers to is written before it), stopping after the
    first layer with errors."""
    sources = {r.values["key"]: w.upsert(r, Source, {"key": r.values["key"]}, plain_values(r)) for r in tree.sources}
    if w.errors:
        return
    w.flush()
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
    w.flush()

    _prune_stale_names(tree.medications, w)
    medications = {}
    for r in tree.medications:
        m2m = cite(r) | {"classes": [classes[c] for c in r.values["classes"]]}
        medications[r.values["slug"]] = _write_medication(r, m2m, w)
    if w.errors:
        return
    w.flush()
    _write_ingredients(tree.medications, medications, w)

    for monograph in tree.monographs:
        medication = medications[monograph.medication.values["slug"]]
        _write_monograph(monograph, medication, cite, conditions, classes, medications, w)
    if w.errors:
        return
    w.flush()

    # The files are the whole truth: rows they no longer mention go, children before what they refer to.
    for model, keys in ((Medication, medications), (Condition, conditions), (DrugClass, classes), (Source, sources)):
        lookup = LOOKUPS[model][0]
        stale = [obj.pk for obj in w.existing.rows[model].values() if getattr(obj, lookup) not in keys]
        try:
            if stale:
                w.prune(model.objects.filter(pk__in=stale))
        except ProtectedError as exc:
            still_used = ", ".join(sorted({str(obj) for obj in exc.protected_objects})[:5])
            w.errors.append(
                ContentError(
                    "", None, str(model._meta.verbose_name_plural), f"cannot remove rows still used by {still_used}"
                )
            )


def _wanted_names(records: list[Record]) -> set[str]:
    return {normalise_name(n) for r in records for n in r.values["brands"] + r.values["synonyms"]}


def _prune_stale_names(records: list[Record], w: BulkWriter) -> None:
    """Names may move between medications: remove the stale ones first so uniqueness holds throughout."""
    wanted = {(r.values["slug"], normalise_name(n)) for r in records for n in r.values["brands"] + r.values["synonyms"]}
    medications = w.existing.by(Medication, "slug")
    stale = [
        name
        for r in records
        if r.values["slug"] in medications
        for name in w.existing.parts(MedicationName, medications[r.values["slug"]])
        if (r.values["slug"], name.normalised) not in wanted
    ]
    w.prune(stale)


def _write_medication(r: Record, m2m: dict, w: BulkWriter) -> Medication | None:
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


def _write_ingredients(records: list[Record], medications: dict, w: BulkWriter) -> None:
    """Combination products name medications defined anywhere in the files: set once every medication exists."""
    for r in records:
        medication = medications.get(r.values["slug"])
        if medication is not None:
            w.relate(medication, {"ingredients": [medications[slug] for slug in r.values["ingredients"]]})


def _write_monograph(monograph: Monograph, medication, cite, conditions, classes, medications, w: BulkWriter) -> None:
    names = {r.values["name"] for r in monograph.products}
    w.prune(obj for obj in w.existing.parts(Product, medication) if obj.name not in names)
    for position, r in enumerate(monograph.products):
        lookup = {"medication": medication, "name": r.values["name"]}
        w.upsert(r, Product, lookup, plain_values(r) | {"position": position})

    wanted_conditions = {conditions[r.values["condition"]].pk for r in monograph.uses}
    w.prune(obj for obj in w.existing.parts(Use, medication) if obj.condition_id not in wanted_conditions)
    for position, r in enumerate(monograph.uses):
        lookup = {"medication": medication, "condition": conditions[r.values["condition"]]}
        w.upsert(r, Use, lookup, plain_values(r) | {"position": position}, cite(r))

    kinds = {r.values["kind"] for r in monograph.sections}
    w.prune(obj for obj in w.existing.parts(LeafletSection, medication) if obj.kind not in kinds)
    for r in monograph.sections:
        lookup = {"medication": medication, "kind": r.values["kind"]}
        # LeafletSection.save() sets its position from its kind; a bulk write does not call save().
        fields = plain_values(r) | {"position": SECTION_POSITIONS[r.values["kind"]]}
        w.upsert(r, LeafletSection, lookup, fields, cite(r))

    keys = {r.values["key"] for r in monograph.warnings}
    w.prune(obj for obj in w.existing.parts(ClinicalWarning, medication) if obj.key not in keys)
    for position, r in enumerate(monograph.warnings):
        trigger = r.values["trigger"]
        related = {
            "trigger_condition": conditions.get(trigger["condition"]),
            "trigger_class": classes.get(trigger["drug_class"]),
            "trigger_medication": medications.get(trigger["medication"]),
        }
        fields = plain_values(r) | related | {"position": position}
        w.upsert(r, ClinicalWarning, {"medication": medication, "key": r.values["key"]}, fields, cite(r))
