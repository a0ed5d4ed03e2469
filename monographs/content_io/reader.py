"""Reading the tree: parse each TOML file, check every table's shape against its spec, then the references between
files and the models' field rules. Nothing is written here; every problem found is reported at once."""

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from .errors import ContentError, ContentInvalid
from .records import ContentTree, Locator, Monograph, Record
from .references import check_references
from .rows import field_errors
from .schema import (
    CATALOGUE_MEDICATION,
    CONDITION,
    CONTROL_CHARACTER,
    DEFAULT_CONTENT_DIR,
    DRUG_CLASS,
    LEAFLET_MEDICATION,
    MEDICATIONS_DIR,
    MONOGRAPH_TABLES,
    PRODUCT,
    REFERENCE_DIR,
    REFERENCE_TABLES,
    SECTION,
    SOURCE,
    TRIGGER,
    USE,
    WARNING,
    Spec,
    check_value,
)

# Past these, the TOML parser fails with a bare ValueError (Python will not convert an integer this long) or a
# RecursionError (it parses nested arrays recursively) instead of a TOMLDecodeError with a line: find the line here.
LONG_NUMBER = re.compile(rf"[0-9_]{{{sys.get_int_max_str_digits() or 4300},}}")
DEEP_NESTING = 100


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _deep_nesting_line(text: str) -> int | None:
    """The line where brackets first nest DEEP_NESTING deep (strings are not skipped: this only places an error)."""
    depth = 0
    for position, character in enumerate(text):
        depth = max(depth + (character in "[{") - (character in "]}"), 0)
        if depth >= DEEP_NESTING:
            return _line_of(text, position)
    return None


def shape(raw: Any, spec: dict[str, Spec], record: Record, errors: list[ContentError]) -> dict:
    """Check a table's keys and value types; fill defaults. Returns the clean values."""
    if not isinstance(raw, dict):
        errors.append(record.error(None, "expected a table"))
        return {}
    clean = {}
    for key in raw:
        if key not in spec:
            errors.append(record.error(key, f"unknown key; expected one of: {', '.join(spec)}"))
    for key, key_spec in spec.items():
        # TOML has no null: None is how a draft (JSON, content_io.documents) gives a key that has no value.
        if key not in raw or (raw[key] is None and key_spec.default is None):
            if key_spec.required:
                errors.append(record.error(None, f"missing required key {key!r}"))
            clean[key] = key_spec.missing()
            continue
        problem = check_value(key_spec, raw[key])
        if problem:
            errors.append(record.error(key, problem))
        clean[key] = raw[key]
    return clean


def _records(data: dict, name: str, spec: dict, rel: str, locator: Locator, errors: list[ContentError]) -> list[Record]:
    items = data.get(name, [])
    if not isinstance(items, list):
        errors.append(ContentError(rel, locator.table_line(name, None), f"[{name}]", f"write it as [[{name}]]"))
        return []
    records = []
    for index, raw in enumerate(items):
        record = Record(name, raw if isinstance(raw, dict) else {}, rel, locator.table_line(name, index), locator)
        record.values = shape(raw, spec, record, errors)
        records.append(record)
    return records


def _parse(path: Path, root: Path, errors: list[ContentError]) -> tuple[dict, Locator, str] | None:
    rel = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.append(ContentError(rel, None, "", f"not UTF-8 text ({exc.reason})"))
        return None
    control = CONTROL_CHARACTER.search(text)  # TOML allows none outside escapes; name it plainly
    if control:
        line = _line_of(text, control.start())
        errors.append(ContentError(rel, line, "", f"not valid TOML: control character {control.group()!r}"))
        return None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        errors.append(ContentError(rel, _deep_nesting_line(text), "", "not valid content: nested far too deep"))
        return None
    except ValueError as exc:
        if isinstance(exc, tomllib.TOMLDecodeError):
            errors.append(_decode_error(rel, exc))
            return None
        long_number = LONG_NUMBER.search(text)
        if long_number is None:
            raise
        line = _line_of(text, long_number.start())
        errors.append(ContentError(rel, line, "", "not valid content: a number far too long to read"))
        return None
    return data, Locator(text), rel


def _decode_error(rel: str, exc: tomllib.TOMLDecodeError) -> ContentError:
    # Python 3.14 gives exc.lineno; before it, the line is only in the message: "... (at line 5, column 9)".
    found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
    line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
    message = getattr(exc, "msg", None) or re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
    return ContentError(rel, line, "", f"not valid TOML: {message}")


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
        if parsed is not None:
            _read_monograph(path, *parsed, tree, errors)

    if not errors:
        check_references(tree, errors)
        for record in _all_records(tree):
            errors += field_errors(record)
    if errors:
        raise ContentInvalid(errors)
    return tree


def _read_monograph(path: Path, data: dict, locator: Locator, rel: str, tree: ContentTree, errors: list) -> None:
    monograph = read_monograph(data, locator, rel, errors, medication_spec=LEAFLET_MEDICATION, tables=MONOGRAPH_TABLES)
    if monograph is None:
        return
    medication = monograph.medication
    if medication.values.get("slug") and path.stem != medication.values["slug"]:
        errors.append(medication.error("slug", f"must match the file name ({path.stem!r})"))
    tree.sources += _records(data, "source", SOURCE, rel, locator, errors)
    tree.monographs.append(monograph)


def read_monograph(
    data: dict, locator: Locator, rel: str, errors: list[ContentError], *, medication_spec: dict, tables: dict
) -> Monograph | None:
    """One medication's leaflet tables (a monograph file's, or a draft's: content_io.documents), each shaped by its
    spec. `tables` are the ones allowed besides [medication]. None when there is no [medication] table."""
    for table in data:
        if table != "medication" and table not in tables:
            allowed = ", ".join(["medication", *tables])
            errors.append(ContentError(rel, None, f"[{table}]", f"unknown table; expected: {allowed}"))
    raw_medication = data.get("medication")
    if not isinstance(raw_medication, dict):
        errors.append(ContentError(rel, None, "", "a monograph needs one [medication] table"))
        return None
    medication = Record("medication", raw_medication, rel, locator.table_line("medication", None), locator)
    medication.values = shape(raw_medication, medication_spec, medication, errors)
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
            warning.values["trigger"] = shape(trigger, TRIGGER, warning, errors)
    return monograph


def _all_records(tree: ContentTree):
    yield from tree.sources
    yield from tree.drug_classes
    yield from tree.conditions
    yield from tree.medications
    for monograph in tree.monographs:
        yield from monograph.products
        yield from monograph.uses
        yield from monograph.sections
        yield from monograph.warnings
