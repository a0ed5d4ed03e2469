"""A parsed file's tables, each kept with where it came from, so any later check can name the file and the line."""

import re
from dataclasses import dataclass, field

from .errors import ContentError

# A table's header, [name] or [[name]] (group 1: the second bracket), with the name it opens (group 2).
_HEADER_NAME = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_\-]+)\s*\]")
_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*[A-Za-z0-9_.\-\" ]+\s*\]\]?\s*(#.*)?$")


class Locator:
    """Finds the line of a table or key in a TOML text, so errors can point at it."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self._headers: dict[tuple[str, bool], list[int]] | None = None  # each table's header lines, found once

    def table_line(self, name: str, index: int | None) -> int | None:
        if self._headers is None:  # one pass over the file for every table, on the first question
            self._headers = {}
            for number, line in enumerate(self.lines, start=1):
                found = _HEADER_NAME.match(line)
                if found:
                    self._headers.setdefault((found.group(2), bool(found.group(1))), []).append(number)
        found_lines = self._headers.get((name, index is not None), [])
        position = 0 if index is None else index
        return found_lines[position] if position < len(found_lines) else None

    def key_line(self, table_line: int | None, key: str) -> int | None:
        if table_line is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        # A table inside the table is written after its keys as [table.key] (as tomli_w writes a warning's trigger).
        subtable = re.compile(rf"^\s*\[\s*[A-Za-z0-9_\-]+\s*\.\s*{re.escape(key)}\s*\]")
        for number in range(table_line, len(self.lines)):
            line = self.lines[number]
            if subtable.match(line):
                return number + 1
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
    locator: Locator = field(repr=False)
    problems: int = field(default=0, repr=False)  # how many errors were made about this table so far

    @property
    def label(self) -> str:
        ident = self.values.get("key") or self.values.get("slug") or self.values.get("kind") or self.values.get("name")
        return f"[{self.table}] {ident!r}" if ident else f"[{self.table}]"

    def error(self, key: str | None, message: str, *, label: str | None = None) -> ContentError:
        """An error about this table, at the line of `key` when given (shown as `label`, e.g. 'trigger.kind'), counted
        in `problems`."""
        self.problems += 1
        line = self.locator.key_line(self.line, key) if key else self.line
        shown = label or key
        where = f"{self.label}, {shown!r}" if shown else self.label
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

    @property
    def medications(self) -> list[Record]:
        """Catalogue entries and leaflet monographs' [medication] tables, in that order."""
        return self.catalogue + [monograph.medication for monograph in self.monographs]
