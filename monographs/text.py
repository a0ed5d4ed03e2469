"""Text from outside (query strings, forms, the JSON API, content files): the characters it may not hold, and how
free text is split into lines. One rule everywhere, so a value the admin accepts is one the loader accepts too.

Control characters (C0, DEL and C1) other than tab, line feed and carriage return are refused: PostgreSQL cannot
store NUL at all (a search for "baclofen%00" was a 500), and the others are invisible, have no place in anything a
person types, and some of them (\\x0b, \\x0c, \\x1c-\\x1e, \\x85) start a new line in str.splitlines() where the
reader sees none.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError

CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What splits lines: \n, \r\n and \r only. The other separators str.splitlines() knows are spaces within a line.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
OTHER_LINE_SEPARATOR = re.compile(r"[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def control_character(value: str) -> str | None:
    """The first control character in value that text may not hold, or None."""
    found = CONTROL_CHARACTER.search(value)
    return found.group() if found else None


def control_character_message(character: str) -> str:
    name = "NUL" if character == "\x00" else f"U+{ord(character):04X}"
    return f"This contains an invisible control character ({name}): remove it or retype the text."


def control_character_in(data: Any) -> str | None:
    """The first control character in any text of a parsed JSON value (keys included), or None. Iterative: a
    payload nested as deep as the JSON parser allows must not exhaust the stack here."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if found := control_character(value):
                return found
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return None


def validate_no_control_characters(value: Any) -> None:
    """A form or model field validator: refuse text holding a control character."""
    if isinstance(value, str) and (found := control_character(value)):
        raise ValidationError(control_character_message(found), code="control_character")


def split_lines(text: str) -> list[str]:
    """The lines of free text, broken at \\n, \\r\\n or \\r only; any other line separator inside a line (U+2028,
    \\x85, a vertical tab) is a space, so one line is never read as several."""
    return [OTHER_LINE_SEPARATOR.sub(" ", line) for line in LINE_BREAK.split(text)]
