"""Patient identifiers in a current-medications line, found so the form can refuse them before anything is stored.

A screening record holds no patient identifier (ARCHITECTURE.md), but medication lines are free text, and "John
Smith NHS 943 476 5919 oxycodone" was once stored as typed. What counts follows the NHS number's format and HIPAA's
Safe Harbor list: NHS numbers (10 digits, or 3-3-4, with the modulus 11 check), US social security numbers (3-2-4),
phone numbers, e-mail addresses, dates other than a bare year, any number of six or more digits (a hospital or
record number), a number labelled as an identifier ("MRN 12345"), and names: a title with a surname ("Mrs Jones"),
or capitalised words next to one of those numbers ("John Smith 943 476 5919").

Strengths and doses are not identifiers, however they are written: "oxycodone 5 mg", "co-codamol 30/500",
"Tylenol #3", "fentanyl 25 mcg/hr", "colecalciferol 100000 units". A number followed by a unit is a dose.

Pure: text in, findings out (no Django), so it is tested on its own.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
UNIT = re.compile(
    r"\s*(?:%|(?:mg|mcg|µg|μg|ug|g|kg|ng|ml|l|iu|units?|u|mmol|mol|meq|micrograms?|milligrams?|grams?|nanograms?"
    r"|tablets?|tabs?|caps|capsules?|puffs?|drops?|doses?|sachets?|patch(?:es)?|kcal|hours?|hrs?|days?|weeks?"
    r"|months?|years?)\b)",
    re.IGNORECASE,
)
LABEL = (
    r"(?:NHS|MRN|SSN|CHI|DOB|D\.O\.B|date of birth|born|hospital|hosp|patient|medical record|record"
    r"|medicare|medicaid|insurance|policy)"
)
NUMBERISH = r"[A-Z]{0,3}\d(?:[ /.-]?\d)*"
# A capitalised word that may be a first name or surname (a name-like word).
NAME_WORD = r"[A-Z][a-z]+(?:['’-][A-Za-z]+)*"


@dataclass(frozen=True)
class Identifier:
    kind: str  # in words, for the message: "an NHS number"
    text: str  # as it appears in the line
    start: int
    end: int


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 to 2 on the first nine digits; 11 minus the remainder (11 read
    as 0, 10 never valid) must be the tenth digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    remainder = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = (11 - remainder) % 11
    return check != 10 and check == int(digits[9])


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _is_date(first: str, second: str, third: str) -> bool:
    """Whether three numbers read as a calendar date: day, month and year in any usual order (d/m/y, m/d/y, y-m-d)."""
    a, b, c = int(first), int(second), int(third)
    if len(first) == 4:
        return 1 <= b <= 12 and 1 <= c <= 31
    if len(third) not in (2, 4):
        return False
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)


def _ten_digits(match: re.Match) -> str | None:
    return "an NHS number" if nhs_number_is_valid(_digits(match.group())) else "a phone number"


def _nhs_number(match: re.Match) -> str | None:
    return "an NHS number" if nhs_number_is_valid(match.group()) else None


def _numeric_date(match: re.Match) -> str | None:
    return "a date" if _is_date(*match.group().split(match.group(1))) else None


def _phone(match: re.Match) -> str | None:
    # Digits alone are a long number (the next rule); a phone number is written in groups or after a +.
    text = match.group()
    return "a phone number" if 9 <= len(_digits(text)) <= 15 and not text.isdigit() else None


Judge = Callable[[re.Match], str | None]
# (what it is, pattern, case-insensitive?, a judge that names the match or clears it (None: it is what it says)).
# Earlier rules win where matches overlap, so a labelled number is reported once, with its label.
RULES: list[tuple[str, str, bool, Judge | None]] = [
    ("an e-mail address", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", True, None),
    ("an identifier", rf"\b{LABEL}\b\.?(?:\s*(?:number|num|no|id)\b\.?)?\s*[:#-]?\s*{NUMBERISH}", True, None),
    ("a date", rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{2,4}}\b", True, None),
    ("a date", rf"\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", True, None),
    ("a date", r"(?<![\d/.-])\d{1,4}([/.-])\d{1,2}\1\d{1,4}(?![\d/.-]*\d)", False, _numeric_date),
    ("a US social security number", r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-]*\d)", False, None),
    ("an NHS or phone number", r"(?<![\d-])\d{3}[- ]\d{3}[- ]\d{4}(?![\d-]*\d)", False, _ten_digits),
    ("an NHS number", r"(?<![\d.,])\d{10}(?!\d)", False, _nhs_number),
    ("a phone number", r"(?<![\w.])(?:\+\s?)?\(?\d[\d ().-]{6,}\d(?!\w)", False, _phone),
    ("a long number, like a hospital or record number", r"(?<![\d.,])\d{6,}(?![\d])", False, None),
    ("a name", rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+{NAME_WORD}(?:\s+{NAME_WORD})?", False, None),
]
COMPILED = [
    (kind, re.compile(pattern, re.IGNORECASE if ignore_case else 0), judge)
    for kind, pattern, ignore_case, judge in RULES
]
NAME_BEFORE = re.compile(rf"((?:{NAME_WORD}\s+){{1,3}})$")
NAME_AFTER = re.compile(rf"^\s+((?:{NAME_WORD}\s*){{1,3}})")


def _is_dose(line: str, end: int) -> bool:
    return UNIT.match(line, end) is not None


def _names_next_to(line: str, found: list[Identifier]) -> list[Identifier]:
    """Two or more capitalised words just before or after an identifier: most likely the patient's name."""
    names = []
    for identifier in found:
        if identifier.kind == "a name":
            continue
        before = NAME_BEFORE.search(line[: identifier.start])
        if before and len(before.group(1).split()) >= 2:
            text = before.group(1).rstrip()
            names.append(Identifier("a name", text, before.start(1), before.start(1) + len(text)))
        after = NAME_AFTER.match(line[identifier.end :])
        if after and len(after.group(1).split()) >= 2:
            text = after.group(1).rstrip()
            start = identifier.end + after.start(1)
            names.append(Identifier("a name", text, start, start + len(text)))
    return names


def find_identifiers(line: str) -> list[Identifier]:
    """What in this line looks like a patient identifier, in the order it appears (empty for a plain medication)."""
    found: list[Identifier] = []
    for kind, pattern, judge in COMPILED:
        for match in pattern.finditer(line):
            start, end = match.span()
            if any(start < other.end and other.start < end for other in found):
                continue
            if kind != "a name" and _is_dose(line, end):
                continue
            named = judge(match) if judge is not None else kind
            if named:
                found.append(Identifier(named, match.group(), start, end))
    found += [
        name
        for name in _names_next_to(line, found)
        if not any(name.start < other.end and other.start < name.end for other in found)
    ]
    return sorted(set(found), key=lambda identifier: identifier.start)


def identifier_errors(numbered_lines: Iterable[tuple[int, str]]) -> list[str]:
    """One message per line holding something that looks like a patient identifier, naming what to remove."""
    errors = []
    for number, line in numbered_lines:
        found = find_identifiers(line)
        if found:
            parts = [f"“{identifier.text}” ({identifier.kind})" for identifier in found]
            listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
            errors.append(
                f"Line {number}: remove {listed}: screening records must not hold patient identifiers "
                "(names, NHS, social security or hospital numbers, dates, phone numbers, e-mail addresses)."
            )
    return errors
