"""A draft of a leaflet as a document: one medication's monograph in the shape of a monograph file, as plain JSON
data (what a LeafletRevision stores), read from the live rows, checked, shown as TOML and written back.

    {"medication": {slug, name, summary, atc_code, rxnorm_code, classes, ingredients, brands, synonyms, sources},
     "product": [...], "use": [...], "section": [...], "warning": [...]}

Each table has exactly the keys of its table in a monograph file (schema.py), every one given, so two documents
compare with `==`. The review keys (status, last reviewed, next review due, reviewed by) are not in it: the
workflow sets them when it publishes. Sources, drug classes and conditions are shared rows: a document only cites
them by key."""

from typing import Any

from django.db import transaction

from monographs.models import Medication

from .document_checks import check_leaflet
from .errors import ContentError, ContentInvalid
from .exporter import LEAFLET_PREFETCH, file_tables, leaflet_tables, monograph_toml
from .reader import read_monograph
from .records import Locator, Monograph
from .schema import DOCUMENT_MEDICATION, DOCUMENT_TABLES, TRIGGER, Spec
from .writer import write_leaflet

__all__ = ["check_document", "document_toml", "monograph_document", "normalise_document", "write_document"]


def monograph_document(medication: Medication) -> dict[str, Any]:
    """The live leaflet of this medication as a document, as it is in the database now (read afresh, in a fixed
    number of queries)."""
    return leaflet_tables(Medication.objects.prefetch_related(*LEAFLET_PREFETCH).get(pk=medication.pk))


def _filled(table: Any, spec: dict[str, Spec]) -> Any:
    """The table with each missing key at its default, in the spec's order (keys it should not have kept, after)."""
    if not isinstance(table, dict):
        return table
    filled = {key: table[key] if key in table else key_spec.missing() for key, key_spec in spec.items()}
    return filled | {key: value for key, value in table.items() if key not in spec}


def normalise_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every key its tables may have, missing ones at their defaults (as a monograph file's loader
    reads them), so that it compares with `==` to a document read from the database. Values are not checked
    (check_document does): what is malformed is kept as it is."""
    normal = {"medication": _filled(document["medication"], DOCUMENT_MEDICATION)} if "medication" in document else {}
    for name, spec in DOCUMENT_TABLES.items():
        tables = document.get(name, [])
        normal[name] = [_filled(table, spec) for table in tables] if isinstance(tables, list) else tables
    for warning in normal["warning"] if isinstance(normal["warning"], list) else []:
        if isinstance(warning, dict):
            warning["trigger"] = _filled(warning["trigger"], TRIGGER)
    return normal | {name: tables for name, tables in document.items() if name not in normal}


def document_toml(document: dict[str, Any], *, status: str = Medication.Status.DRAFT) -> str:
    """The document as the text of its monograph file (as export_content writes one), with this status."""
    return monograph_toml(file_tables(normalise_document(document), status=status))


def check_document(document: dict[str, Any], *, medication: Medication | None = None) -> list[ContentError]:
    """Every problem of the document, as a monograph file's loader would report it (each error at its table, key
    and line in document_toml), with what it refers to looked up in the database: nothing is written and nothing is
    raised. `medication`: the medication the draft is of, whose own names and slug it may keep; None for a new
    leaflet."""
    return _checked(document, medication)[1]


def _checked(document: Any, medication: Medication | None) -> tuple[Monograph | None, list[ContentError]]:
    errors: list[ContentError] = []
    monograph = _records(document, medication, errors)
    if monograph is not None:
        check_leaflet(monograph, medication, errors)
    return monograph, errors


def _records(document: Any, medication: Medication | None, errors: list[ContentError]) -> Monograph | None:
    """The document's tables shaped as records, each at its line in document_toml."""
    if not isinstance(document, dict):
        errors.append(ContentError("draft", None, "", "expected a document: a table of the leaflet's tables"))
        return None
    values = document.get("medication")
    slug = medication.slug if medication else values.get("slug") if isinstance(values, dict) else None
    label = f"draft of {slug}" if isinstance(slug, str) and slug else "draft of a new leaflet"
    try:
        locator = Locator(document_toml(document) if isinstance(values, dict) else "")
    except (TypeError, ValueError, AttributeError):
        # Too malformed to write as TOML (a value TOML has no type for, a table that is not one): the shape checks
        # report what is wrong, without lines.
        locator = Locator("")
    return read_monograph(document, locator, label, errors, medication_spec=DOCUMENT_MEDICATION, tables=DOCUMENT_TABLES)


def write_document(medication: Medication, document: dict[str, Any], *, user, reason: str) -> set[int]:
    """Make the live leaflet of this (existing) medication what the document says: its own fields, names, classes,
    sources, ingredients, products, uses, sections and warnings (removing those the document no longer has), never
    its status, review or publication fields. Only what differs is saved, each history row with `user` and `reason`,
    all in one transaction; the changed leaflets are rendered again after it commits. Raises ContentInvalid, having
    written nothing, when check_document or the models' validation finds a problem. Returns the ids of the
    medications whose leaflet changed (none when the document is the live leaflet)."""
    with transaction.atomic():
        monograph, errors = _checked(document, medication)
        if monograph is None or errors:
            raise ContentInvalid(errors)
        return write_leaflet(monograph, user=user, reason=reason)
