"""Shared by the content_io tests: a minimal valid tree as Python data written out as TOML, and ways of looking at
the database."""

import datetime
import json
from pathlib import Path

from monographs.content_io import load_tree
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

# Children first: deleting in this order never trips a PROTECT foreign key.
CONTENT_MODELS = [
    ClinicalWarning,
    LeafletSection,
    Use,
    Product,
    MedicationName,
    Medication,
    Condition,
    DrugClass,
    Source,
]

REF = "reference/reference.toml"
MONO = "medications/baclofen.toml"
TODAY = datetime.date(2026, 11, 29)


# --- A minimal valid tree, as Python data, written out as TOML ----------------------------------------------------


def _source(key: str) -> dict:
    return {
        "key": key,
        "title": f"Source {key}",
        "publisher": "Publisher",
        "url": f"https://example.org/{key}",
        "accessed": TODAY,
    }


def _warning(key: str, **changes) -> dict:
    table = {
        "key": key,
        "type": "warning",
        "severity": "caution",
        "title": key.replace("-", " ").capitalize(),
        "section": "before_taking",
        "trigger": {"kind": "none"},
        "urgent": False,
        "patient_text": f"Patient text for {key}.",
        "clinician_text": f"Clinician text for {key}.",
        "action": f"Action for {key}.",
        "sources": ["src-leaflet"],
    }
    table.update(changes)
    return table


def minimal_tree() -> dict:
    """{relative path: tables}. A dict value is a [table], a list value is [[tables]]."""
    return {
        REF: {
            "source": [_source("src-ref")],
            "drug_class": [
                {"slug": "opioid", "name": "Opioid", "description": "Strong painkillers."},
                {"slug": "muscle-relaxant", "name": "Muscle relaxant", "description": "Relaxes muscles."},
            ],
            "condition": [
                {
                    "slug": "epilepsy",
                    "name": "Epilepsy",
                    "aliases": ["seizures"],
                    "description": "Fits.",
                    "sources": ["src-ref"],
                },
                {"slug": "multiple-sclerosis", "name": "Multiple sclerosis", "aliases": ["MS"]},
            ],
            "medication": [
                {
                    "slug": "morphine",
                    "name": "Morphine",
                    "atc_code": "N02AA01",
                    "classes": ["opioid"],
                    "brands": ["Oramorph", "MST Continus"],
                    "synonyms": ["morphine sulfate"],
                    "sources": ["src-ref"],
                },
            ],
        },
        MONO: {
            "medication": {
                "slug": "baclofen",
                "name": "Baclofen",
                "summary": "Baclofen relaxes stiff muscles.",
                "atc_code": "M03BX01",
                "classes": ["muscle-relaxant"],
                "brands": ["Lioresal", "Ozobax"],
                "synonyms": [],
                "status": "published",
                "last_reviewed": TODAY,
                "next_review_due": datetime.date(2029, 11, 29),
                "reviewed_by": "A pharmacist",
                "sources": ["src-leaflet"],
            },
            "source": [_source("src-leaflet")],
            "product": [
                {"name": "Baclofen 10 mg tablets", "form": "tablet", "strength": "10 mg"},
                {"name": "Baclofen 20 mg tablets", "form": "tablet", "strength": "20 mg"},
            ],
            "use": [
                {
                    "condition": "multiple-sclerosis",
                    "status": "licensed",
                    "how_it_helps": "It eases stiffness.",
                    "sources": ["src-leaflet"],
                },
            ],
            "section": [
                {"kind": "what_for", "body": "Baclofen relaxes *stiff* muscles.", "sources": ["src-leaflet"]},
                {"kind": "side_effects", "body": "Some side effects.", "sources": ["src-leaflet"]},
            ],
            "warning": [
                _warning(
                    "opioids",
                    type="interaction",
                    section="other_medicines",
                    trigger={"kind": "drug_class", "drug_class": "opioid"},
                ),
                _warning("epilepsy", trigger={"kind": "condition", "condition": "epilepsy"}),
                _warning(
                    "renal-below-30",
                    severity="dose_adjustment",
                    trigger={"kind": "renal", "crcl_max": 30, "crcl_max_inclusive": False},
                ),
                _warning(
                    "se-drowsiness",
                    type="undesirable_effect",
                    severity="info",
                    section="side_effects",
                    frequency="very_common",
                    frequency_note="10–63%",
                ),
            ],
        },
    }


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def to_toml(tables: dict) -> str:
    blocks = []
    for name, value in tables.items():
        for table in [value] if isinstance(value, dict) else value:
            header = f"[{name}]" if isinstance(value, dict) else f"[[{name}]]"
            blocks.append("\n".join([header, *(f"{k} = {_toml_value(v)}" for k, v in table.items())]))
    return "# Written by the test.\n\n" + "\n\n".join(blocks) + "\n"


def write_tree(tmp_path: Path, files: dict) -> Path:
    """Write the tree under tmp_path/content. A value may be tables (dict), raw text (str) or raw bytes."""
    root = tmp_path / "content"
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(to_toml(content), encoding="utf-8")
    return root


def load_files(tmp_path: Path, files: dict):
    return load_tree(write_tree(tmp_path, files))


def find_line(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding the n-th occurrence of needle."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} (occurrence {occurrence}) not in {path}")


def warning(files: dict, key: str) -> dict:
    return next(w for w in files[MONO]["warning"] if w["key"] == key)


# --- Looking at the database -------------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CONTENT_MODELS}


def _keys(obj) -> tuple:
    return tuple(sorted(s.key for s in obj.sources.all()))


def snapshot() -> dict:
    """Every significant value of every content row, with relations by key, in a comparable form."""
    return {
        "sources": sorted((s.key, s.title, s.publisher, s.url, s.identifier, s.accessed) for s in Source.objects.all()),
        "classes": sorted((c.slug, c.name, c.description) for c in DrugClass.objects.all()),
        "conditions": sorted(
            (c.slug, c.name, tuple(c.aliases), c.description, c.description_html, c.snomed_code, _keys(c))
            for c in Condition.objects.prefetch_related("sources")
        ),
        "medications": sorted(
            (
                m.slug,
                m.name,
                m.normalised_name,
                m.summary,
                m.atc_code,
                m.rxnorm_code,
                m.status,
                m.last_reviewed,
                m.next_review_due,
                m.reviewed_by,
                tuple(sorted(c.slug for c in m.classes.all())),
                _keys(m),
            )
            for m in Medication.objects.prefetch_related("classes", "sources")
        ),
        "names": sorted(
            (n.medication.slug, n.name, n.normalised, n.kind, n.position)
            for n in MedicationName.objects.select_related("medication")
        ),
        "products": sorted(
            (p.medication.slug, p.name, p.form, p.strength, p.position)
            for p in Product.objects.select_related("medication")
        ),
        "uses": sorted(
            (u.medication.slug, u.condition.slug, u.status, u.how_it_helps, u.how_it_helps_html, u.position, _keys(u))
            for u in Use.objects.select_related("medication", "condition").prefetch_related("sources")
        ),
        "sections": sorted(
            (s.medication.slug, s.kind, s.position, s.body, s.body_html, _keys(s))
            for s in LeafletSection.objects.select_related("medication").prefetch_related("sources")
        ),
        "warnings": sorted(
            (
                w.medication.slug,
                w.key,
                w.type,
                w.severity,
                w.title,
                w.section,
                w.position,
                w.frequency,
                w.frequency_note,
                w.urgent,
                w.trigger_kind,
                w.trigger_condition.slug if w.trigger_condition else None,
                w.trigger_class.slug if w.trigger_class else None,
                w.trigger_medication.slug if w.trigger_medication else None,
                w.crcl_min,
                w.crcl_min_inclusive,
                w.crcl_max,
                w.crcl_max_inclusive,
                w.patient_text,
                w.patient_html,
                w.clinician_text,
                w.clinician_html,
                w.action,
                w.action_html,
                _keys(w),
            )
            for w in ClinicalWarning.objects.select_related(
                "medication", "trigger_condition", "trigger_class", "trigger_medication"
            ).prefetch_related("sources")
        ),
    }


def shipped_medication(slug: str = "baclofen") -> Medication:
    return Medication.objects.get(slug=slug)


def draft_warning(document: dict, key: str) -> dict:
    """The warning with this key in a draft (content_io.documents)."""
    return next(w for w in document["warning"] if w["key"] == key)


def delete_all_content() -> None:
    for model in CONTENT_MODELS:
        model.objects.all().delete()


def error_matching(excinfo, *parts: str):
    errors = excinfo.value.errors
    for error in errors:
        if all(part in str(error) for part in parts):
            return error
    raise AssertionError(f"no error mentions {parts!r}; errors were:\n" + "\n".join(str(e) for e in errors))


# --- Getting at the tables a mutation changes -------------------------------------------------------------------


def _opioids(files):
    return warning(files, "opioids")


def _epilepsy(files):
    return warning(files, "epilepsy")


def _renal(files):
    return warning(files, "renal-below-30")


def _medication(files):
    return files[MONO]["medication"]


RELATIVE_MONO = f"content/{MONO}"
RELATIVE_REF = f"content/{REF}"
