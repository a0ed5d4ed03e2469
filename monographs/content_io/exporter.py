"""Exporting: the database's content written back as the TOML tree load_tree reads, so an export loads again to
the same rows and exports again to the same bytes."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w
from django.db.models import Q

from monographs.models import ClinicalWarning, Condition, DrugClass, Medication, MedicationName, Source

from .schema import MEDICATIONS_DIR, REFERENCE_DIR


def _plain_number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _drop_empty(table: dict, keep: tuple = ()) -> dict:
    return {k: v for k, v in table.items() if k in keep or v not in ("", None, [])}


def _medication_table(medication: Medication, leaflet: bool) -> dict:
    names = list(medication.names.all())
    table: dict[str, Any] = {
        "slug": medication.slug,
        "name": medication.name,
        "summary": medication.summary,
        "atc_code": medication.atc_code,
        "rxnorm_code": medication.rxnorm_code,
        "classes": [c.slug for c in medication.classes.order_by("slug")],
        "ingredients": [m.slug for m in medication.ingredients.order_by("slug")],
        "brands": [n.name for n in names if n.kind == MedicationName.Kind.BRAND],
        "synonyms": [n.name for n in names if n.kind == MedicationName.Kind.SYNONYM],
        "status": medication.status,
    }
    if leaflet:
        table |= {
            "last_reviewed": medication.last_reviewed,
            "next_review_due": medication.next_review_due,
            "reviewed_by": medication.reviewed_by,
        }
    table["sources"] = [s.key for s in medication.sources.order_by("key")]
    return _drop_empty(table, keep=("status",))


def _sources(obj) -> list[str]:
    return [s.key for s in obj.sources.order_by("key")]


def _warning_table(warning: ClinicalWarning) -> dict:
    trigger: dict[str, Any] = {
        "kind": warning.trigger_kind,
        "condition": warning.trigger_condition.slug if warning.trigger_condition else None,
        "drug_class": warning.trigger_class.slug if warning.trigger_class else None,
        "medication": warning.trigger_medication.slug if warning.trigger_medication else None,
    }
    if warning.trigger_kind == ClinicalWarning.TriggerKind.AGE:
        trigger |= {"age_min": warning.age_min, "age_max": warning.age_max}
    if warning.crcl_min is not None or warning.crcl_max is not None:
        trigger |= {
            "crcl_min": _plain_number(warning.crcl_min),
            "crcl_min_inclusive": warning.crcl_min_inclusive,
            "crcl_max": _plain_number(warning.crcl_max),
            "crcl_max_inclusive": warning.crcl_max_inclusive,
        }
    table = {
        "key": warning.key,
        "type": warning.type,
        "severity": warning.severity,
        "title": warning.title,
        "section": warning.section,
        "trigger": _drop_empty(trigger),
        "frequency": warning.frequency,
        "frequency_note": warning.frequency_note,
        "frequency_percent_min": _plain_number(warning.frequency_percent_min),
        "frequency_percent_max": _plain_number(warning.frequency_percent_max),
        "urgent": warning.urgent,
        "patient_text": warning.patient_text,
        "clinician_text": warning.clinician_text,
        "action": warning.action,
        "sources": _sources(warning),
    }
    return _drop_empty(table)


def _dump(path: Path, header: str, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {header}\n\n" + tomli_w.dumps(data, multiline_strings=True), encoding="utf-8")


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
        for c in Condition.objects.prefetch_related("sources").order_by("slug")
    ]
    leaflet_ids = set(
        Medication.objects.filter(
            Q(sections__isnull=False) | Q(warnings__isnull=False) | Q(uses__isnull=False) | Q(products__isnull=False)
        ).values_list("pk", flat=True)
    )
    catalogue = [
        _medication_table(m, leaflet=False) for m in Medication.objects.exclude(pk__in=leaflet_ids).order_by("slug")
    ]
    for name, header, data in (
        ("sources.toml", "Sources cited by the content.", {"source": sources}),
        ("classes.toml", "Drug classes.", {"drug_class": classes}),
        ("conditions.toml", "Conditions.", {"condition": conditions}),
        ("catalogue.toml", "Medications without a leaflet of their own.", {"medication": catalogue}),
    ):
        path = reference / name
        _dump(path, f"{header} Exported by manage.py export_content.", data)
        written.append(path)

    for medication in Medication.objects.filter(pk__in=leaflet_ids).order_by("slug"):
        monograph: dict[str, Any] = {
            "medication": _medication_table(medication, leaflet=True),
            "product": [
                {"name": p.name, "form": p.form, "strength": p.strength}
                for p in medication.products.order_by("position")
            ],
            "use": [
                {
                    "condition": u.condition.slug,
                    "status": u.status,
                    "how_it_helps": u.how_it_helps,
                    "sources": _sources(u),
                }
                for u in medication.uses.select_related("condition").order_by("position")
            ],
            "section": [
                {"kind": s.kind, "body": s.body, "sources": _sources(s)}
                for s in medication.sections.order_by("position")
            ],
            "warning": [
                _warning_table(w)
                for w in medication.warnings.select_related(
                    "trigger_condition", "trigger_class", "trigger_medication"
                ).order_by("position")
            ],
        }
        path = root / MEDICATIONS_DIR / f"{medication.slug}.toml"
        _dump(
            path,
            f"{medication.name}: leaflet monograph. Exported by manage.py export_content.",
            {k: v for k, v in monograph.items() if v},
        )
        written.append(path)
    return written
