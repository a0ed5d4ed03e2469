"""The snapshot of a screening result: plain JSON data stored with the ScreeningRecord and shown from then on (the
result page, the handout and the API), so a past result never changes with the content. Pure: no Django."""

from collections.abc import Sequence
from typing import Any

from monographs.rules import TEXT_FIELDS, KnownMedication, Rule

from .engine import Result, Unrecognised
from .flags import Flag, Trigger
from .notes import scope_statement

SNAPSHOT_SCHEMA = 2


def _medication_dict(medication: KnownMedication) -> dict[str, Any]:
    return {"slug": medication.slug, "name": medication.name, "classes": [c.name for c in medication.classes]}


def _trigger_dict(trigger: Trigger) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": trigger.kind, "detail": trigger.detail}
    if trigger.condition is not None:
        data["condition"] = {"slug": trigger.condition.slug, "name": trigger.condition.name}
    if trigger.kind in ("medication", "duplicate"):
        data["drug_class"] = (
            {"slug": trigger.drug_class.slug, "name": trigger.drug_class.name} if trigger.drug_class else None
        )
        data["medications"] = [
            {"slug": m.medication.slug, "name": m.medication.name, "lines": list(m.lines)} for m in trigger.medications
        ]
    return data


def _sources(rules: Sequence[Rule]) -> list[dict[str, str]]:
    """Each source once, in the order the rules cite them."""
    unique = {(source.title, source.url): None for rule in rules for source in rule.sources}
    return [{"title": title, "url": url} for title, url in unique]


def _flag_dict(flag: Flag) -> dict[str, Any]:
    return {
        "key": flag.key,
        "title": flag.title,
        "severity": flag.severity,
        "type": flag.type,
        "about": flag.about.slug,
        "about_name": flag.about.name,
        "trigger": _trigger_dict(flag.trigger),
        **{name: getattr(flag.rule, name) for name in TEXT_FIELDS},
        "also": [
            {
                "key": also.rule.key,
                "title": also.rule.title,
                "severity": also.rule.severity,
                "about": also.about,
                **{n: getattr(also.rule, n) for n in TEXT_FIELDS},
            }
            for also in flag.also
        ],
        "sources": _sources((flag.rule, *(also.rule for also in flag.also))),
    }


def _unrecognised_dict(unrecognised: Unrecognised) -> dict[str, Any]:
    return {
        "line": unrecognised.line,
        "suggestions": [
            {
                "name": s.spelling,
                "label": s.label,
                "contains": list(s.contains),
                "reason": s.reason,
                "note": s.note(unrecognised.line),
            }
            for s in unrecognised.suggestions
        ],
    }


def snapshot(result: Result) -> dict[str, Any]:
    """The result as JSON-ready plain data: everything the result page, the handout and the API show."""
    return {
        "schema": SNAPSHOT_SCHEMA,
        "medication": {"slug": result.medication.slug, "name": result.medication.name},
        "complete": result.complete,
        "scope": scope_statement(result.medication, result.checked, result.without_rules),
        "age": result.answers.age,
        "crcl_ml_min": result.kidney.crcl_ml_min,
        "crcl_source": result.kidney.source,
        "crcl_explanation": result.kidney.explanation,
        "flags": [_flag_dict(flag) for flag in result.flags],
        "medicines_checked": [{"slug": m.slug, "name": m.name} for m in (result.medication, *result.checked)],
        "medicines_without_rules": [{"slug": m.slug, "name": m.name} for m in result.without_rules],
        "recognised_medications": [
            {"lines": list(m.lines), "combinations": list(m.combinations), **_medication_dict(m.medication)}
            for m in result.recognised
        ],
        "unrecognised_medications": [_unrecognised_dict(u) for u in result.unrecognised],
        "not_checked": list(result.not_checked),
        "notes": list(result.notes),
    }


def upgraded(result: dict[str, Any]) -> dict[str, Any]:
    """A snapshot of an earlier schema in today's shape, for display: nothing is invented, only renamed or marked
    unknown (schema 1 had one suggestion per line and no completeness, age or per-flag medicine)."""
    if result.get("schema", 1) >= SNAPSHOT_SCHEMA:
        return result
    unrecognised = [
        {"line": item["line"], "suggestions": [_old_suggestion(item["suggestion"])] if item.get("suggestion") else []}
        for item in result.get("unrecognised_medications", [])
    ]
    slug = result["medication"]["slug"]
    return result | {
        "complete": not unrecognised,
        "scope": "",
        "age": None,
        "flags": [
            {"about": slug, "about_name": result["medication"]["name"], "also": []} | flag for flag in result["flags"]
        ],
        "medicines_checked": [result["medication"]],
        "medicines_without_rules": [],
        "unrecognised_medications": unrecognised,
        "not_checked": [],
    }


def _old_suggestion(text: str) -> dict[str, Any]:
    return {"name": text.split(" (")[0], "label": text, "contains": [], "reason": "spelling", "note": ""}
