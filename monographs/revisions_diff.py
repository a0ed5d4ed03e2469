"""What changed between two drafts of a leaflet, part by part, in the words a reviewing pharmacist reads.

A document is one medication's monograph in the content-file shape (monographs/content_io/schema.py) as plain
JSON-safe data. The parts are matched by their stable keys: the medication's details, products by name, uses by
condition, sections by kind, warnings by key. Pure: no database and no request; the only HTML is the word-level diff
of long texts, escaped piece by piece. Templates: admin/monographs/revision/diff.html renders a DocumentDiff.
"""

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.db import models
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from monographs.content_io.schema import LEAFLET_MEDICATION, PRODUCT, SECTION, TRIGGER, USE, WARNING, Spec
from monographs.models import (
    Frequency,
    MedicationStatus,
    ProductForm,
    SectionKind,
    Severity,
    TriggerKind,
    UseStatus,
    WarningType,
)

Status = Literal["added", "removed", "changed", "unchanged"]
STATUS_LABELS = {"added": "Added", "removed": "Removed", "changed": "Changed", "unchanged": "Unchanged"}
EMPTY = "–"

# Field labels per part, in the order a reviewer reads them. A key a document holds that is not listed here is
# still compared (under its humanised name): a diff must never hide a change.
LABELS: dict[str, dict[str, str]] = {
    "details": {
        "slug": "Slug (public URL)",
        "name": "Name",
        "summary": "Summary",
        "atc_code": "ATC code",
        "rxnorm_code": "RxNorm code",
        "classes": "Drug classes",
        "ingredients": "Ingredients",
        "brands": "Brand names",
        "synonyms": "Other generic names",
        "sources": "Sources",
    },
    "product": {"name": "Name", "form": "Form", "strength": "Strength"},
    "use": {"condition": "Condition", "status": "Status", "how_it_helps": "How it helps", "sources": "Sources"},
    "section": {"kind": "Section", "body": "Text", "sources": "Sources"},
    "warning": {
        "key": "Key",
        "type": "Type",
        "severity": "Severity",
        "title": "Title",
        "section": "Leaflet section",
        "trigger": "Trigger",  # flattened into the trigger's own fields below
        "frequency": "Frequency",
        "frequency_note": "Frequency note",
        "frequency_percent_min": "Reported in at least (%)",
        "frequency_percent_max": "Reported in at most (%)",
        "urgent": "Urgent (listed under 'Get help now')",
        "patient_text": "Patient text",
        "clinician_text": "Clinician text",
        "action": "What to do",
        "sources": "Sources",
    },
    "trigger": {
        "kind": "Applies when",
        "condition": "Condition",
        "drug_class": "Drug class",
        "medication": "Other medicine",
        "crcl_min": "CrCl from",
        "crcl_min_inclusive": "Range includes CrCl from",
        "crcl_max": "CrCl to",
        "crcl_max_inclusive": "Range includes CrCl to",
        "age_min": "Age from",
        "age_max": "Age to",
    },
}
SPECS: dict[str, Mapping[str, Spec]] = {
    "details": LEAFLET_MEDICATION,
    "product": PRODUCT,
    "use": USE,
    "section": SECTION,
    "warning": WARNING,
    "trigger": TRIGGER,
}
CHOICES: dict[tuple[str, str], type[models.TextChoices]] = {
    ("details", "status"): MedicationStatus,
    ("product", "form"): ProductForm,
    ("use", "status"): UseStatus,
    ("section", "kind"): SectionKind,
    ("warning", "type"): WarningType,
    ("warning", "severity"): Severity,
    ("warning", "section"): SectionKind,
    ("warning", "frequency"): Frequency,
    ("trigger", "kind"): TriggerKind,
}
# Markdown and other prose: shown with a word-level diff as well as before and after.
LONG_TEXTS = {"summary", "how_it_helps", "body", "patient_text", "clinician_text", "action"}
# Lists kept as sets in the database (many-to-many): their order carries no meaning, so reordering is no change.
UNORDERED = {"sources", "classes", "ingredients"}
# The key that matches a part of one draft with the same part of the other.
PART_KEYS = {"product": "name", "use": "condition", "section": "kind", "warning": "key"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str
    html: SafeString | None = None  # the word-level diff of a long text, when both sides have one


@dataclass(frozen=True)
class DiffItem:
    kind: str  # details, product, use, section or warning
    key: str
    label: str
    status: Status
    changes: tuple[FieldChange, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class DocumentDiff:
    items: tuple[DiffItem, ...]

    @property
    def changed_items(self) -> list[DiffItem]:
        return [item for item in self.items if item.status != "unchanged"]

    @property
    def unchanged_count(self) -> int:
        return sum(item.status == "unchanged" for item in self.items)

    @property
    def counts(self) -> dict[str, int]:
        return {status: sum(item.status == status for item in self.items) for status in ("changed", "added", "removed")}

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_items)


def compare_documents(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> DocumentDiff:
    """Every part of the leaflet, in leaflet order, with what changed from old to new (old None: a new leaflet)."""
    items = [_compare_item("details", "details", old["medication"] if old else None, new["medication"])]
    for kind in PART_KEYS:
        old_parts = _parts_by_key(kind, old.get(kind, []) if old else [])
        new_parts = _parts_by_key(kind, new.get(kind, []))
        keys = list(new_parts) + [key for key in old_parts if key not in new_parts]
        if kind == "section":
            # Leaflet order; a kind the leaflet does not know goes last rather than being dropped.
            keys.sort(key=lambda k: SectionKind.position(k) if k in SectionKind.values else len(SectionKind.values))
        items += [_compare_item(kind, key, old_parts.get(key), new_parts.get(key)) for key in keys]
    return DocumentDiff(tuple(items))


def word_diff_html(old: str, new: str) -> SafeString:
    """The new text with removed words in <del> and added words in <ins>, each announced to screen readers."""
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if op == "equal":
            parts.append(escape(added))
        elif not removed.strip() and not added.strip():
            parts.append(_whitespace_change(removed, added))
        else:
            parts.append(_word_change(removed, added))
    # Safe: every piece above is escaped or built by format_html.
    return mark_safe("".join(parts))


_TOKENS = re.compile(r"\s+|\S+")
_DEL = '<del><span class="visually-hidden">removed: </span>{}<span class="visually-hidden">, end removed</span></del>'
_INS = '<ins><span class="visually-hidden">added: </span>{}<span class="visually-hidden">, end added</span></ins>'
_BREAK_ADDED = mark_safe(
    '<ins><span aria-hidden="true">¶</span><span class="visually-hidden">added line break</span></ins>'
)
_BREAK_REMOVED = mark_safe(
    '<del><span aria-hidden="true">¶</span><span class="visually-hidden">removed line break</span></del>'
)


def _word_change(removed: str, added: str) -> str:
    # Surrounding whitespace stays outside the marks, so that they hold exactly the words that changed.
    if not added.strip():
        lead, trail = _edges(removed)
        return escape(lead) + format_html(_DEL, removed.strip()) + escape(added or trail)
    lead, trail = _edges(added)
    if not removed.strip():
        return escape(removed or lead) + format_html(_INS, added.strip()) + escape(trail)
    return escape(lead) + format_html(_DEL, removed.strip()) + " " + format_html(_INS, added.strip()) + escape(trail)


def _whitespace_change(removed: str, added: str) -> str:
    # Only line breaks change the Markdown (a new paragraph, a list item): mark those, keep the new spacing.
    breaks = added.count("\n") - removed.count("\n")
    mark = _BREAK_ADDED if breaks > 0 else _BREAK_REMOVED if breaks < 0 else ""
    return mark + escape(added)


def _edges(text: str) -> tuple[str, str]:
    core = text.strip()
    start = text.index(core)
    return text[:start], text[start + len(core) :]


def _parts_by_key(kind: str, parts: list[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    by_key: dict[str, Mapping[str, Any]] = {}
    key_field = PART_KEYS[kind]
    for part in parts:
        key = part.get(key_field)
        if not isinstance(key, str) or not key:
            raise ValueError(f"A {kind} in the document has no {key_field}: the diff cannot match it.")
        if key in by_key:
            raise ValueError(f"The document lists the {kind} {key!r} twice: the diff cannot tell them apart.")
        by_key[key] = part
    return by_key


def _compare_item(kind: str, key: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> DiffItem:
    if old is None and new is None:
        raise ValueError(f"Nothing to compare for the {kind} {key!r}.")
    status: Status = "added" if old is None else "removed" if new is None else "changed"
    changes = []
    for label, field_kind, field, old_value, new_value in _fields(kind, old, new):
        spec = SPECS[field_kind].get(field)
        before, after = _normalise(old_value, spec), _normalise(new_value, spec)
        if status == "changed":
            same = _comparable(field, before) == _comparable(field, after)
        else:
            # A part added or removed whole: list what it says, not every empty or default field.
            present = after if old is None else before
            same = _comparable(field, present) == _comparable(field, _normalise(_default(spec), spec))
        if same:
            continue
        html = None
        if status == "changed" and field in LONG_TEXTS and isinstance(before, str) and isinstance(after, str):
            html = word_diff_html(before, after)
        # The side of a part added or removed whole has no fields at all, not default ones.
        shown_before = EMPTY if old is None else _display(field_kind, field, before)
        shown_after = EMPTY if new is None else _display(field_kind, field, after)
        changes.append(FieldChange(label, shown_before, shown_after, html))
    if status == "changed" and not changes:
        status = "unchanged"
    return DiffItem(kind, key, _item_label(kind, key, new or old or {}), status, tuple(changes))


def _fields(
    kind: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> Iterator[tuple[str, str, str, Any, Any]]:
    """(label, spec table, field, old value, new value) for every field either side has or the schema names."""
    old, new = old or {}, new or {}
    labels = LABELS[kind]
    extra = sorted((set(old) | set(new)) - set(labels))
    for field in [*labels, *extra]:
        if field == "trigger" and kind == "warning":
            old_trigger, new_trigger = old.get("trigger") or {}, new.get("trigger") or {}
            trigger_extra = sorted((set(old_trigger) | set(new_trigger)) - set(LABELS["trigger"]))
            for trigger_field in [*LABELS["trigger"], *trigger_extra]:
                label = LABELS["trigger"].get(trigger_field) or f"Trigger: {_humanise(trigger_field)}"
                yield label, "trigger", trigger_field, *_values(TRIGGER, trigger_field, old_trigger, new_trigger)
        else:
            label = labels.get(field) or _humanise(field)
            yield label, kind, field, *_values(SPECS[kind], field, old, new)


def _values(specs: Mapping[str, Spec], field: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Any, Any]:
    default = _default(specs.get(field))
    return old.get(field, default), new.get(field, default)


def _default(spec: Spec | None) -> Any:
    return None if spec is None else spec.default


def _normalise(value: Any, spec: Spec | None) -> Any:
    """One spelling per meaning: empty text is no text, 50 and 50.0 and "50.0" are one number, CRLF is LF."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) or (
        spec is not None and spec.kind == "number" and isinstance(value, str)
    ):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return str(value).strip() or None
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip() or None
    if isinstance(value, list | tuple):
        return tuple(_normalise(item, None) for item in value) or None
    return value


def _comparable(field: str, value: Any) -> Any:
    if isinstance(value, tuple) and field in UNORDERED:
        return frozenset(value)
    return value


def _display(kind: str, field: str, value: Any) -> str:
    choices = CHOICES.get((kind, field))
    if choices is not None:
        labels = dict(choices.choices)
        code = "" if value is None else value
        if code in labels:
            return str(labels[code])
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple):
        return ", ".join(_display(kind, field, item) for item in value)
    return str(value)


def _item_label(kind: str, key: str, part: Mapping[str, Any]) -> str:
    match kind:
        case "details":
            return "Medication details"
        case "product":
            return f"Product: {key}"
        case "use":
            return f"Use: {key}"
        case "section":
            return str(dict(SectionKind.choices).get(key, f"Section: {key}"))
        case _:
            return f"Warning: {part.get('title') or key} ({key})"


def _humanise(field: str) -> str:
    return field.replace("_", " ").capitalize()
