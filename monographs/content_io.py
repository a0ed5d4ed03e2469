"""Content as files: read, validate, load and export the TOML tree in monographs/content/.

Loading is all or nothing. Every file is parsed and checked (shape, references, uniqueness) before anything is
written; the rows are then written in one transaction with the models' own validation, and any error rolls the
whole load back. Each error names the file, the line and what is wrong. Loading twice changes nothing: a row is
saved only when a value differs.
"""

import datetime
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q

from .models import (
    Condition,
    DrugClass,
    LeafletSection,
    Medication,
    MedicationName,
    Product,
    SectionKind,
    Source,
    Use,
    Warning,
)
from .names import normalise_name

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent / "content"
REFERENCE_DIR = "reference"
MEDICATIONS_DIR = "medications"
LOADER_CHANGE_REASON = "Loaded from the content files"


# --- Errors ------------------------------------------------------------------------------------------------------


@dataclass
class ContentError:
    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# --- Shapes of the tables ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    kind: str  # str | date | bool | number | strlist | table
    required: bool = False
    default: Any = None


STR, STR_OPT = Spec("str", True), Spec("str", False, "")
LIST_OPT = Spec("strlist", False, ())

SOURCE = {
    "key": STR,
    "title": STR,
    "publisher": STR,
    "url": STR,
    "identifier": STR_OPT,
    "accessed": Spec("date", True),
}
DRUG_CLASS = {"slug": STR, "name": STR, "description": STR_OPT}
CONDITION = {
    "slug": STR,
    "name": STR,
    "aliases": LIST_OPT,
    "description": STR_OPT,
    "snomed_code": STR_OPT,
    "sources": LIST_OPT,
}
CATALOGUE_MEDICATION = {
    "slug": STR,
    "name": STR,
    "summary": STR_OPT,
    "atc_code": STR_OPT,
    "rxnorm_code": STR_OPT,
    "classes": LIST_OPT,
    "brands": LIST_OPT,
    "synonyms": LIST_OPT,
    "status": Spec("str", False, Medication.Status.PUBLISHED),
    "sources": LIST_OPT,
}
LEAFLET_MEDICATION = CATALOGUE_MEDICATION | {
    "summary": STR,
    "status": Spec("str", True),
    "last_reviewed": Spec("date", False),
    "next_review_due": Spec("date", False),
    "reviewed_by": STR_OPT,
}
PRODUCT = {"name": STR, "form": STR, "strength": STR}
USE = {"condition": STR, "status": STR, "how_it_helps": STR, "sources": Spec("strlist", True)}
SECTION = {"kind": STR, "body": STR, "sources": Spec("strlist", True)}
WARNING = {
    "key": STR,
    "type": STR,
    "severity": STR,
    "title": STR,
    "section": STR,
    "trigger": Spec("table", True),
    "frequency": STR_OPT,
    "frequency_note": STR_OPT,
    "urgent": Spec("bool", False, False),
    "patient_text": STR_OPT,
    "clinician_text": STR,
    "action": STR,
    "sources": Spec("strlist", True),
}
TRIGGER = {
    "kind": STR,
    "condition": Spec("str", False, None),
    "drug_class": Spec("str", False, None),
    "medication": Spec("str", False, None),
    "crcl_min": Spec("number", False, None),
    "crcl_min_inclusive": Spec("bool", False, True),
    "crcl_max": Spec("number", False, None),
    "crcl_max_inclusive": Spec("bool", False, False),
}
REFERENCE_TABLES = {
    "source": SOURCE,
    "drug_class": DRUG_CLASS,
    "condition": CONDITION,
    "medication": CATALOGUE_MEDICATION,
}
MONOGRAPH_TABLES = {"source": SOURCE, "product": PRODUCT, "use": USE, "section": SECTION, "warning": WARNING}


# --- Reading --------------------------------------------------------------------------------------------------------


_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*[A-Za-z0-9_.\-\" ]+\s*\]\]?\s*(#.*)?$")


class _Locator:
    """Finds the line of a table or key in a TOML text, so errors can point at it."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def table_line(self, name: str, index: int | None) -> int | None:
        header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]" if index is not None else rf"^\s*\[\s*{name}\s*\]")
        seen = 0
        for number, line in enumerate(self.lines, start=1):
            if header.match(line):
                if index is None or seen == index:
                    return number
                seen += 1
        return None

    def key_line(self, table_line: int | None, key: str) -> int | None:
        if table_line is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(table_line, len(self.lines)):
            line = self.lines[number]
            if _TABLE_HEADER.match(line):
                break
            if pattern.match(line):
                return number + 1
        return table_line


@dataclass
class Record:
    """One table of a file, with its values checked against its Spec and where it came from."""

    table: str
    values: dict
    file: str
    line: int | None
    locator: _Locator = field(repr=False)

    @property
    def label(self) -> str:
        ident = self.values.get("key") or self.values.get("slug") or self.values.get("kind") or self.values.get("name")
        return f"[{self.table}] {ident!r}" if ident else f"[{self.table}]"

    def error(self, key: str | None, message: str) -> ContentError:
        line = self.locator.key_line(self.line, key) if key else self.line
        where = f"{self.label}, {key!r}" if key else self.label
        return ContentError(self.file, line, where, message)


@dataclass
class Monograph:
    medication: Record
    products: list[Record]
    uses: list[Record]
    sections: list[Record]
    warnings: list[Record]


@dataclass
class ContentTree:
    sources: list[Record] = field(default_factory=list)
    drug_classes: list[Record] = field(default_factory=list)
    conditions: list[Record] = field(default_factory=list)
    catalogue: list[Record] = field(default_factory=list)
    monographs: list[Monograph] = field(default_factory=list)


def _check_value(spec: Spec, value: Any) -> str | None:
    match spec.kind:
        case "str":
            if not isinstance(value, str):
                return f"expected text, got {type(value).__name__}"
            if spec.required and not value.strip():
                return "must not be empty"
        case "date":
            if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
                return f"expected a date like 2026-11-29, got {value!r}"
        case "bool":
            if not isinstance(value, bool):
                return f"expected true or false, got {value!r}"
        case "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"expected a number, got {value!r}"
            if value < 0:
                return "must not be negative"
        case "strlist":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                return 'expected a list of non-empty texts, like ["a", "b"]'
            if spec.required and not value:
                return "must list at least one entry"
            duplicates = [v for v, n in Counter(value).items() if n > 1]
            if duplicates:
                return f"lists {duplicates[0]!r} twice"
        case "table":
            if not isinstance(value, dict):
                return 'expected an inline table, like { kind = "none" }'
    return None


def _shape(raw: Any, spec: dict[str, Spec], record: Record, errors: list[ContentError]) -> dict:
    """Check a table's keys and value types; fill defaults. Returns the clean values."""
    if not isinstance(raw, dict):
        errors.append(record.error(None, "expected a table"))
        return {}
    clean = {}
    for key in raw:
        if key not in spec:
            errors.append(record.error(key, f"unknown key; expected one of: {', '.join(spec)}"))
    for key, key_spec in spec.items():
        if key not in raw:
            if key_spec.required:
                errors.append(record.error(None, f"missing required key {key!r}"))
            clean[key] = list(key_spec.default) if isinstance(key_spec.default, tuple) else key_spec.default
            continue
        problem = _check_value(key_spec, raw[key])
        if problem:
            errors.append(record.error(key, problem))
        clean[key] = raw[key]
    return clean


def _records(
    data: dict, name: str, spec: dict, rel: str, locator: _Locator, errors: list[ContentError]
) -> list[Record]:
    items = data.get(name, [])
    if not isinstance(items, list):
        errors.append(ContentError(rel, locator.table_line(name, None), f"[{name}]", f"write it as [[{name}]]"))
        return []
    records = []
    for index, raw in enumerate(items):
        record = Record(name, raw if isinstance(raw, dict) else {}, rel, locator.table_line(name, index), locator)
        record.values = _shape(raw, spec, record, errors)
        records.append(record)
    return records


def _parse(path: Path, root: Path, errors: list[ContentError]) -> tuple[dict, _Locator, str] | None:
    rel = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.append(ContentError(rel, None, "", f"not UTF-8 text ({exc.reason})"))
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.14 gives exc.lineno; before it, the line is only in the message: "... (at line 5, column 9)".
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        message = getattr(exc, "msg", None) or re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        errors.append(ContentError(rel, line, "", f"not valid TOML: {message}"))
        return None
    return data, _Locator(text), rel


def read_tree(root: Path = DEFAULT_CONTENT_DIR) -> ContentTree:
    """Parse and check every file under root. Raises ContentInvalid listing every problem found."""
    errors: list[ContentError] = []
    tree = ContentTree()
    root = Path(root)
    if not (root / REFERENCE_DIR).is_dir() and not (root / MEDICATIONS_DIR).is_dir():
        raise ContentInvalid([ContentError(str(root), None, "", f"no {REFERENCE_DIR}/ or {MEDICATIONS_DIR}/ folder")])

    for path in sorted((root / REFERENCE_DIR).glob("*.toml")):
        parsed = _parse(path, root, errors)
        if parsed is None:
            continue
        data, locator, rel = parsed
        for table in data:
            if table not in REFERENCE_TABLES:
                errors.append(
                    ContentError(rel, None, f"[{table}]", f"unknown table; expected: {', '.join(REFERENCE_TABLES)}")
                )
        tree.sources += _records(data, "source", SOURCE, rel, locator, errors)
        tree.drug_classes += _records(data, "drug_class", DRUG_CLASS, rel, locator, errors)
        tree.conditions += _records(data, "condition", CONDITION, rel, locator, errors)
        tree.catalogue += _records(data, "medication", CATALOGUE_MEDICATION, rel, locator, errors)

    for path in sorted((root / MEDICATIONS_DIR).glob("*.toml")):
        parsed = _parse(path, root, errors)
        if parsed is None:
            continue
        data, locator, rel = parsed
        for table in data:
            if table != "medication" and table not in MONOGRAPH_TABLES:
                allowed = ", ".join(["medication", *MONOGRAPH_TABLES])
                errors.append(ContentError(rel, None, f"[{table}]", f"unknown table; expected: {allowed}"))
        raw_medication = data.get("medication")
        if not isinstance(raw_medication, dict):
            errors.append(ContentError(rel, None, "", "a monograph file needs one [medication] table"))
            continue
        medication = Record("medication", raw_medication, rel, locator.table_line("medication", None), locator)
        medication.values = _shape(raw_medication, LEAFLET_MEDICATION, medication, errors)
        if medication.values.get("slug") and path.stem != medication.values["slug"]:
            errors.append(medication.error("slug", f"must match the file name ({path.stem!r})"))
        tree.sources += _records(data, "source", SOURCE, rel, locator, errors)
        monograph = Monograph(
            medication=medication,
            products=_records(data, "product", PRODUCT, rel, locator, errors),
            uses=_records(data, "use", USE, rel, locator, errors),
            sections=_records(data, "section", SECTION, rel, locator, errors),
            warnings=_records(data, "warning", WARNING, rel, locator, errors),
        )
        for warning in monograph.warnings:
            trigger = warning.values.get("trigger")
            if isinstance(trigger, dict):
                warning.values["trigger"] = _shape(trigger, TRIGGER, warning, errors)
        tree.monographs.append(monograph)

    if not errors:
        _check_references(tree, errors)
    if errors:
        raise ContentInvalid(errors)
    return tree


def _unique(records: list[Record], key: str, errors: list[ContentError], what: str, normalise=lambda v: v) -> dict:
    seen: dict = {}
    for record in records:
        value = record.values.get(key)
        if value is None:
            continue
        norm = normalise(value)
        if norm in seen:
            first = seen[norm]
            errors.append(record.error(key, f"{what} {value!r} is already defined in {first.file}:{first.line}"))
        else:
            seen[norm] = record
    return seen


def _check_choice(record: Record, key: str, choices: type, errors: list[ContentError]) -> None:
    value = record.values.get(key)
    if value not in choices.values:
        allowed = ", ".join(v for v in choices.values if v)
        errors.append(record.error(key, f"{value!r} is not one of: {allowed}"))


def _check_references(tree: ContentTree, errors: list[ContentError]) -> None:
    sources = _unique(tree.sources, "key", errors, "source key")
    classes = _unique(tree.drug_classes, "slug", errors, "drug class")
    conditions = _unique(tree.conditions, "slug", errors, "condition")
    all_medications = tree.catalogue + [m.medication for m in tree.monographs]
    medications = _unique(all_medications, "slug", errors, "medication")

    # Every name a clinician may type must lead to one medication only.
    names: dict[str, tuple[Record, str]] = {}
    for record in all_medications:
        for key, values in (
            ("name", [record.values["name"]]),
            ("brands", record.values["brands"]),
            ("synonyms", record.values["synonyms"]),
        ):
            for value in values:
                norm = normalise_name(value)
                if not norm:
                    errors.append(record.error(key, f"{value!r} has no letters left once strengths are removed"))
                elif norm in names:
                    other, other_value = names[norm]
                    errors.append(
                        record.error(
                            key,
                            f"{value!r} is the same name as {other_value!r} of {other.label} once case, "
                            "punctuation, strengths and dose forms are ignored",
                        )
                    )
                else:
                    names[norm] = (record, value)

    def cited(record: Record, key: str, table: dict, what: str) -> None:
        for ref in record.values.get(key) or []:
            if ref not in table:
                errors.append(record.error(key, f"no {what} {ref!r} is defined"))

    for record in tree.conditions:
        cited(record, "sources", sources, "source")
    for record in all_medications:
        cited(record, "sources", sources, "source")
        cited(record, "classes", classes, "drug class")
        _check_choice(record, "status", Medication.Status, errors)

    for monograph in tree.monographs:
        _unique(monograph.products, "name", errors, "product")
        _unique(monograph.uses, "condition", errors, "use for")
        _unique(monograph.sections, "kind", errors, "section")
        _unique(monograph.warnings, "key", errors, "warning key")
        for product in monograph.products:
            _check_choice(product, "form", Product.Form, errors)
        for use in monograph.uses:
            _check_choice(use, "status", Use.Status, errors)
            if use.values["condition"] not in conditions:
                errors.append(use.error("condition", f"no condition {use.values['condition']!r} is defined"))
            cited(use, "sources", sources, "source")
        for section in monograph.sections:
            _check_choice(section, "kind", SectionKind, errors)
            cited(section, "sources", sources, "source")
        for warning in monograph.warnings:
            for key, choices in (
                ("type", Warning.Type),
                ("severity", Warning.Severity),
                ("section", SectionKind),
                ("frequency", Warning.Frequency),
            ):
                _check_choice(warning, key, choices, errors)
            cited(warning, "sources", sources, "source")
            _check_trigger(warning, conditions, classes, medications, errors)


def _check_trigger(warning: Record, conditions: dict, classes: dict, medications: dict, errors: list) -> None:
    trigger = warning.values["trigger"]
    kind = trigger.get("kind")
    if kind not in Warning.TriggerKind.values:
        errors.append(warning.error("trigger", f"kind {kind!r} is not one of: {', '.join(Warning.TriggerKind.values)}"))
        return
    references = {"condition": conditions, "drug_class": classes, "medication": medications}
    for ref_kind, table in references.items():
        value = trigger.get(ref_kind)
        if kind == ref_kind:
            if not value:
                errors.append(warning.error("trigger", f'a {kind!r} trigger needs {ref_kind} = "..."'))
            elif value not in table:
                errors.append(warning.error("trigger", f"no {ref_kind.replace('_', ' ')} {value!r} is defined"))
        elif value is not None:
            errors.append(warning.error("trigger", f"{ref_kind!r} is only used by a {ref_kind!r} trigger"))
    has_bounds = trigger.get("crcl_min") is not None or trigger.get("crcl_max") is not None
    if kind == "renal" and not has_bounds:
        errors.append(warning.error("trigger", "a renal trigger needs crcl_min, crcl_max or both"))
    if kind != "renal" and has_bounds:
        errors.append(warning.error("trigger", "crcl_min and crcl_max are only used by a renal trigger"))


# --- Loading --------------------------------------------------------------------------------------------------------


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


def _number(value):
    return None if value is None else Decimal(str(value))


class _Writer:
    def __init__(self):
        self.report = LoadReport()
        self.errors: list[ContentError] = []

    def upsert(self, record: Record, model, lookup: dict, values: dict, m2m: dict | None = None):
        """Create or update one row from one record; save only what differs. Returns the row (or None)."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        changed = created
        for name, value in values.items():
            attname = model._meta.get_field(name).attname
            current = getattr(obj, attname)
            target = value.pk if hasattr(value, "pk") else value
            if current != target:
                setattr(obj, attname, target)
                changed = True
        if changed:
            try:
                obj.full_clean()
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    self.errors.append(record.error(None, f"{key}: {' '.join(messages)}"))
                return None
            obj._change_reason = LOADER_CHANGE_REASON
            obj.save()
            (self.report.created if created else self.report.updated)[model._meta.verbose_name_plural] += 1
        for name, targets in (m2m or {}).items():
            manager = getattr(obj, name)
            target_ids = {t.pk for t in targets}
            if set(manager.values_list("pk", flat=True)) != target_ids:
                manager.set(target_ids)
                if not changed:
                    self.report.updated[model._meta.verbose_name_plural] += 1
                    changed = True
        return obj

    def prune(self, queryset) -> None:
        count = queryset.count()
        if count:
            queryset.delete()
            self.report.deleted[queryset.model._meta.verbose_name_plural] += count


def load_tree(root: Path = DEFAULT_CONTENT_DIR) -> LoadReport:
    """Validate every file, then write all of it in one transaction. Raises ContentInvalid on any problem."""
    tree = read_tree(root)
    writer = _Writer()
    with transaction.atomic():
        _write(tree, writer)
        if writer.errors:
            transaction.set_rollback(True)
    if writer.errors:
        raise ContentInvalid(writer.errors)
    return writer.report


def _write(tree: ContentTree, w: _Writer) -> None:
    sources = {}
    for r in tree.sources:
        v = r.values
        fields = {k: v[k] for k in ("title", "publisher", "url", "identifier", "accessed")}
        sources[v["key"]] = w.upsert(r, Source, {"key": v["key"]}, fields)
    classes = {}
    if w.errors:
        return
    for r in tree.drug_classes:
        v = r.values
        classes[v["slug"]] = w.upsert(
            r, DrugClass, {"slug": v["slug"]}, {"name": v["name"], "description": v["description"]}
        )
    conditions = {}
    for r in tree.conditions:
        v = r.values
        fields = {k: v[k] for k in ("name", "aliases", "description", "snomed_code")}
        conditions[v["slug"]] = w.upsert(
            r, Condition, {"slug": v["slug"]}, fields, {"sources": [sources[s] for s in v["sources"]]}
        )
    if w.errors:
        return

    monograph_records = [m.medication for m in tree.monographs]
    all_records = tree.catalogue + monograph_records
    # Names may move between medications: remove the stale ones first so uniqueness holds throughout.
    wanted_names = {
        (r.values["slug"], normalise_name(n)) for r in all_records for n in r.values["brands"] + r.values["synonyms"]
    }
    stale = [
        pk
        for pk, slug, norm in MedicationName.objects.filter(
            medication__slug__in=[r.values["slug"] for r in all_records]
        ).values_list("pk", "medication__slug", "normalised")
        if (slug, norm) not in wanted_names
    ]
    w.prune(MedicationName.objects.filter(pk__in=stale))

    medications = {}
    for r in all_records:
        v = r.values
        fields = {k: v[k] for k in ("name", "summary", "atc_code", "rxnorm_code", "status")}
        if r in monograph_records:
            fields |= {k: v[k] for k in ("last_reviewed", "next_review_due", "reviewed_by")}
        m2m = {"classes": [classes[c] for c in v["classes"]], "sources": [sources[s] for s in v["sources"]]}
        medication = w.upsert(r, Medication, {"slug": v["slug"]}, fields, m2m)
        medications[v["slug"]] = medication
        if medication is None:
            continue
        named = [(n, MedicationName.Kind.BRAND) for n in v["brands"]] + [
            (n, MedicationName.Kind.SYNONYM) for n in v["synonyms"]
        ]
        for position, (name, kind) in enumerate(named):
            w.upsert(
                r,
                MedicationName,
                {"normalised": normalise_name(name)},
                {"medication": medication, "name": name, "kind": kind, "position": position},
            )
    if w.errors:
        return

    for monograph in tree.monographs:
        medication = medications[monograph.medication.values["slug"]]
        _write_monograph(monograph, medication, sources, conditions, classes, medications, w)
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
                    "", None, model._meta.verbose_name_plural, f"cannot remove rows still used by {still_used}"
                )
            )


def _write_monograph(monograph, medication, sources, conditions, classes, medications, w: _Writer) -> None:
    cite = lambda r: {"sources": [sources[s] for s in r.values["sources"]]}  # noqa: E731

    w.prune(medication.products.exclude(name__in=[r.values["name"] for r in monograph.products]))
    for position, r in enumerate(monograph.products):
        fields = {"form": r.values["form"], "strength": r.values["strength"], "position": position}
        w.upsert(r, Product, {"medication": medication, "name": r.values["name"]}, fields)

    wanted_conditions = [conditions[r.values["condition"]] for r in monograph.uses]
    w.prune(medication.uses.exclude(condition__in=wanted_conditions))
    for position, r in enumerate(monograph.uses):
        fields = {"status": r.values["status"], "how_it_helps": r.values["how_it_helps"], "position": position}
        condition = conditions[r.values["condition"]]
        w.upsert(r, Use, {"medication": medication, "condition": condition}, fields, cite(r))

    w.prune(medication.sections.exclude(kind__in=[r.values["kind"] for r in monograph.sections]))
    for r in monograph.sections:
        w.upsert(
            r, LeafletSection, {"medication": medication, "kind": r.values["kind"]}, {"body": r.values["body"]}, cite(r)
        )

    w.prune(medication.warnings.exclude(key__in=[r.values["key"] for r in monograph.warnings]))
    for position, r in enumerate(monograph.warnings):
        v, t = r.values, r.values["trigger"]
        fields = {
            k: v[k]
            for k in (
                "type",
                "severity",
                "title",
                "section",
                "frequency",
                "frequency_note",
                "urgent",
                "patient_text",
                "clinician_text",
                "action",
            )
        }
        fields |= {
            "position": position,
            "trigger_kind": t["kind"],
            "trigger_condition": conditions.get(t["condition"]) if t["condition"] else None,
            "trigger_class": classes.get(t["drug_class"]) if t["drug_class"] else None,
            "trigger_medication": medications.get(t["medication"]) if t["medication"] else None,
            "crcl_min": _number(t["crcl_min"]),
            "crcl_min_inclusive": t["crcl_min_inclusive"],
            "crcl_max": _number(t["crcl_max"]),
            "crcl_max_inclusive": t["crcl_max_inclusive"],
        }
        w.upsert(r, Warning, {"medication": medication, "key": v["key"]}, fields, cite(r))


# --- Exporting ------------------------------------------------------------------------------------------------------


def _plain_number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _drop_empty(table: dict, keep: tuple = ()) -> dict:
    return {k: v for k, v in table.items() if k in keep or v not in ("", None, [])}


def _medication_table(medication: Medication, leaflet: bool) -> dict:
    names = list(medication.names.all())
    table = {
        "slug": medication.slug,
        "name": medication.name,
        "summary": medication.summary,
        "atc_code": medication.atc_code,
        "rxnorm_code": medication.rxnorm_code,
        "classes": [c.slug for c in medication.classes.order_by("slug")],
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


def _warning_table(warning: Warning) -> dict:
    trigger = {
        "kind": warning.trigger_kind,
        "condition": warning.trigger_condition.slug if warning.trigger_condition else None,
        "drug_class": warning.trigger_class.slug if warning.trigger_class else None,
        "medication": warning.trigger_medication.slug if warning.trigger_medication else None,
    }
    if warning.trigger_kind == Warning.TriggerKind.RENAL:
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
        data = {
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
            {k: v for k, v in data.items() if v},
        )
        written.append(path)
    return written
