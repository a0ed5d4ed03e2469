"""Exporting: the database's content written back as the TOML tree load_tree reads, so an export loads again to
the same rows and exports again to the same bytes.

A leaflet is built first as its tables with every key of the file format (`leaflet_tables`, a draft's document in
content_io.documents), then written as a file: empty keys left out, the review keys added (`file_tables`)."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w
from django.db.models import Prefetch, Q

from monographs.models import (
    RULE_RELATED,
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

from .schema import DOCUMENT_MEDICATION, MEDICATIONS_DIR, REFERENCE_DIR, TRIGGER


def cited() -> Prefetch:
    """A row's sources as the list `cited`: prefetched through the relation's manager instead, each row would get a
    manager and a queryset of its own: about half the time reading a thousand leaflets takes."""
    return Prefetch("sources", to_attr="cited")


# What leaflet_tables reads, for one query per relation whatever the number of rows.
MEDICATION_PREFETCH = ("names", "classes", "ingredients", cited())
LEAFLET_PREFETCH = (
    *MEDICATION_PREFETCH,
    Prefetch("products", queryset=Product.objects.order_by("position")),
    Prefetch("uses", queryset=Use.objects.select_related("condition").prefetch_related(cited()).order_by("position")),
    Prefetch("sections", queryset=LeafletSection.objects.prefetch_related(cited()).order_by("position")),
    Prefetch(
        "warnings",
        queryset=ClinicalWarning.objects.select_related(*RULE_RELATED).prefetch_related(cited()).order_by("position"),
    ),
)
_REVIEW_KEYS = ("last_reviewed", "next_review_due", "reviewed_by")


def plain_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _drop_empty(table: dict, keep: tuple = ()) -> dict:
    return {k: v for k, v in table.items() if k in keep or v not in ("", None, [])}


def _sources(obj) -> list[str]:
    return sorted(s.key for s in obj.cited)  # fetched with cited()


def medication_values(medication: Medication) -> dict[str, Any]:
    """A [medication] table's keys but the workflow's (status and review)."""
    names = list(medication.names.all())  # in their order (MedicationName.Meta.ordering)
    return {
        "slug": medication.slug,
        "name": medication.name,
        "summary": medication.summary,
        "atc_code": medication.atc_code,
        "rxnorm_code": medication.rxnorm_code,
        "classes": sorted(c.slug for c in medication.classes.all()),
        "ingredients": sorted(m.slug for m in medication.ingredients.all()),
        "brands": [n.name for n in names if n.kind == MedicationName.Kind.BRAND],
        "synonyms": [n.name for n in names if n.kind == MedicationName.Kind.SYNONYM],
        "sources": _sources(medication),
    }


def _warning_values(warning: ClinicalWarning) -> dict[str, Any]:
    trigger = {
        "kind": warning.trigger_kind,
        "condition": warning.trigger_condition.slug if warning.trigger_condition else None,
        "drug_class": warning.trigger_class.slug if warning.trigger_class else None,
        "medication": warning.trigger_medication.slug if warning.trigger_medication else None,
        "crcl_min": plain_number(warning.crcl_min),
        "crcl_min_inclusive": warning.crcl_min_inclusive,
        "crcl_max": plain_number(warning.crcl_max),
        "crcl_max_inclusive": warning.crcl_max_inclusive,
        "age_min": warning.age_min,
        "age_max": warning.age_max,
    }
    return {
        "key": warning.key,
        "type": warning.type,
        "severity": warning.severity,
        "title": warning.title,
        "section": warning.section,
        "trigger": trigger,
        "frequency": warning.frequency,
        "frequency_note": warning.frequency_note,
        "frequency_percent_min": plain_number(warning.frequency_percent_min),
        "frequency_percent_max": plain_number(warning.frequency_percent_max),
        "urgent": warning.urgent,
        "patient_text": warning.patient_text,
        "clinician_text": warning.clinician_text,
        "action": warning.action,
        "sources": _sources(warning),
    }


def leaflet_tables(medication: Medication) -> dict[str, Any]:
    """The medication's leaflet as a monograph file's tables, every key given, by position; its sources and its
    workflow keys left out. Fetch the medication with prefetch_related(*LEAFLET_PREFETCH)."""
    return {
        "medication": medication_values(medication),
        "product": [{"name": p.name, "form": p.form, "strength": p.strength} for p in medication.products.all()],
        "use": [
            {"condition": u.condition.slug, "status": u.status, "how_it_helps": u.how_it_helps, "sources": _sources(u)}
            for u in medication.uses.all()
        ],
        "section": [{"kind": s.kind, "body": s.body, "sources": _sources(s)} for s in medication.sections.all()],
        "warning": [_warning_values(w) for w in medication.warnings.all()],
    }


def _extra(table: dict, known) -> dict:
    """Keys a table should not have (a draft being checked): kept, so its TOML shows them where the errors say."""
    return {k: v for k, v in table.items() if k not in known}


def _medication_file_table(values: dict, *, status: str, review: dict | None = None) -> dict:
    table = {k: values.get(k) for k in DOCUMENT_MEDICATION if k != "sources"}
    table |= {"status": status} | (review or {}) | {"sources": values.get("sources")}
    return _drop_empty(table | _extra(values, table), keep=("status",))


def _trigger_file_table(trigger: dict) -> dict:
    table = {k: trigger.get(k) for k in ("kind", "condition", "drug_class", "medication", "age_min", "age_max")}
    if trigger.get("crcl_min") is not None or trigger.get("crcl_max") is not None:
        table |= {k: trigger.get(k) for k in ("crcl_min", "crcl_min_inclusive", "crcl_max", "crcl_max_inclusive")}
    return _drop_empty(table | _extra(trigger, TRIGGER))


def file_tables(leaflet: dict[str, Any], *, status: str, review: dict | None = None) -> dict[str, Any]:
    """A leaflet's tables (leaflet_tables' shape) as a monograph file writes them: with its status and review keys,
    without empty keys and tables."""
    warnings = [
        _drop_empty(warning | {"trigger": _trigger_file_table(warning["trigger"])})
        if isinstance(warning.get("trigger"), dict)
        else _drop_empty(warning)
        for warning in leaflet.get("warning", [])
    ]
    # A draft may lack a required key (None once normalised): TOML has no null, and the check says it is missing.
    rows = {name: [_without_none(row) for row in leaflet.get(name, [])] for name in ("product", "use", "section")}
    tables = (
        leaflet
        | rows
        | {
            "medication": _medication_file_table(leaflet["medication"], status=status, review=review),
            "warning": warnings,
        }
    )
    return {name: value for name, value in tables.items() if value}


def _without_none(table: Any) -> Any:
    return {k: v for k, v in table.items() if v is not None} if isinstance(table, dict) else table


def monograph_toml(tables: dict[str, Any]) -> str:
    """A monograph file's text, as export_content writes it."""
    name = tables["medication"].get("name")
    return _toml(f"{name}: leaflet monograph. Exported by manage.py export_content.", tables)


def _toml(header: str, data: dict) -> str:
    return f"# {header}\n\n" + tomli_w.dumps(data, multiline_strings=True)


def _dump(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def export_tree(root: Path) -> list[Path]:
    """Write the database's content to root in the shipped format. Returns the files written."""
    root = Path(root)
    written = []
    reference = root / REFERENCE_DIR
    sources = [
        _drop_empty(
            {
                "key": s.key,
                "title": s.title,
                "publisher": s.publisher,
                "url": s.url,
                "identifier": s.identifier,
                "accessed": s.accessed,
            }
        )
        for s in Source.objects.order_by("key")
    ]
    classes = [
        _drop_empty({"slug": c.slug, "name": c.name, "description": c.description})
        for c in DrugClass.objects.order_by("slug")
    ]
    conditions = [
        _drop_empty(
            {
                "slug": c.slug,
                "name": c.name,
                "aliases": c.aliases,
                "description": c.description,
                "snomed_code": c.snomed_code,
                "sources": _sources(c),
            }
        )
        for c in Condition.objects.prefetch_related(cited()).order_by("slug")
    ]
    leaflet_ids = set(
        Medication.objects.filter(
            Q(sections__isnull=False) | Q(warnings__isnull=False) | Q(uses__isnull=False) | Q(products__isnull=False)
        ).values_list("pk", flat=True)
    )
    catalogue = [
        _medication_file_table(medication_values(m), status=m.status)
        for m in Medication.objects.exclude(pk__in=leaflet_ids).prefetch_related(*MEDICATION_PREFETCH).order_by("slug")
    ]
    for name, header, data in (
        ("sources.toml", "Sources cited by the content.", {"source": sources}),
        ("classes.toml", "Drug classes.", {"drug_class": classes}),
        ("conditions.toml", "Conditions.", {"condition": conditions}),
        ("catalogue.toml", "Medications without a leaflet of their own.", {"medication": catalogue}),
    ):
        path = reference / name
        _dump(path, _toml(f"{header} Exported by manage.py export_content.", data))
        written.append(path)

    leaflets = Medication.objects.filter(pk__in=leaflet_ids).prefetch_related(*LEAFLET_PREFETCH).order_by("slug")
    for medication in leaflets:
        review = {key: getattr(medication, key) for key in _REVIEW_KEYS}
        tables = file_tables(leaflet_tables(medication), status=medication.status, review=review)
        path = root / MEDICATIONS_DIR / f"{medication.slug}.toml"
        _dump(path, monograph_toml(tables))
        written.append(path)
    return written
