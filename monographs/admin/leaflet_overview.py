"""What the leaflet editor's overview lists: each part of the draft (or the live leaflet) in one line, with its
reading figures and whether the draft changed it; read in a fixed number of queries whatever the leaflet's size."""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse

from monographs.models import ClinicalWarning, Condition, SectionKind
from monographs.readability import measure

from .leaflet_forms import RELATED, TRIGGER_KEYS

PARTS = {"section": ("kind", "section"), "use": ("condition", "use"), "warning": ("key", "warning")}


@lru_cache(maxsize=4096)
def reading_figures(text: str):
    return measure(text) if text.strip() else None


@dataclass
class PartRow:
    """One line of the overview: a part of the draft (or of the live leaflet when there is no draft)."""

    kind: str
    key: str
    label: str
    detail: str
    figures: object
    change: str  # "", "Changed", "New", "Removed"
    url: str


def index(document: dict | None, table: str) -> dict:
    if not document:
        return {}
    key = PARTS[table][0]
    return {part[key]: part for part in document.get(table, [])}


def change_flag(part, base_part) -> str:
    if base_part is None:
        return "New in the draft"
    return "" if part == base_part else "Changed in the draft"


def part_rows(medication, document, base) -> dict[str, list[PartRow]]:
    part_url = lambda table, key: reverse(  # noqa: E731
        "admin:monographs_medication_leaflet_part", args=[medication.pk, table, key]
    )
    base_sections, base_uses, base_warnings = (index(base, t) for t in ("section", "use", "warning"))
    labels = dict(SectionKind.choices)
    sections = [
        PartRow(
            "section",
            s["kind"],
            labels.get(s["kind"], s["kind"]),
            f"{len(s['body'].split())} words",
            reading_figures(s["body"]),
            change_flag(s, base_sections.get(s["kind"])) if base is not None else "",
            part_url("section", s["kind"]),
        )
        for s in sorted(document.get("section", []), key=lambda s: SectionKind.position(s["kind"]))
    ]
    conditions = dict(Condition.objects.values_list("slug", "name"))
    uses = [
        PartRow(
            "use",
            u["condition"],
            conditions.get(u["condition"], u["condition"]),
            u["status"].replace("_", "-"),
            reading_figures(u["how_it_helps"]),
            change_flag(u, base_uses.get(u["condition"])) if base is not None else "",
            part_url("use", u["condition"]),
        )
        for u in document.get("use", [])
    ]
    warnings = [
        PartRow(
            "warning",
            w["key"],
            w["title"],
            f"{w['severity'].replace('_', ' ')} · applies {description}",
            reading_figures(w.get("patient_text") or ""),
            change_flag(w, base_warnings.get(w["key"])) if base is not None else "",
            part_url("warning", w["key"]),
        )
        for w, description in zip(
            document.get("warning", []), trigger_descriptions(document.get("warning", [])), strict=True
        )
    ]
    return {"sections": sections, "uses": uses, "warnings": warnings}


def removed_parts(document, base) -> list[str]:
    if base is None:
        return []
    removed = []
    for table, (key, _) in PARTS.items():
        kept = index(document, table)
        removed += [
            f"{table.title()}: {part.get('title') or part[key]}"
            for part in base.get(table, [])
            if part[key] not in kept
        ]
    return removed


# --- Editing one part -------------------------------------------------------------------------------------------


def part_label(table: str, part: dict | None) -> str:
    if part is None:
        return {"section": "New section", "use": "New use", "warning": "New warning"}[table]
    if table == "section":
        return dict(SectionKind.choices).get(part["kind"], part["kind"])
    if table == "use":
        return f"Use: {part['condition']}"
    return f"Warning: {part['title']}"


def trigger_descriptions(warnings: list[dict]) -> list[str]:
    """Each warning's trigger in words, with the rows it names read in three queries for the whole list."""
    slugs: dict[str, set] = {name: set() for name in RELATED}
    for warning in warnings:
        for key, name in TRIGGER_KEYS.items():
            if name in RELATED and warning["trigger"].get(key):
                slugs[name].add(warning["trigger"][key])
    rows = {
        name: {o.slug: o for o in model._default_manager.filter(slug__in=slugs[name])}
        for name, model in RELATED.items()
    }
    descriptions = []
    for warning in warnings:
        trigger = warning["trigger"]
        values = {
            name: (rows[name].get(trigger.get(key)) if name in RELATED else trigger.get(key))
            for key, name in TRIGGER_KEYS.items()
        }
        descriptions.append(ClinicalWarning(**values).trigger_description)
    return descriptions
