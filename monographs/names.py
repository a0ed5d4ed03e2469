"""Normalising medication names so that what people type matches what pharmacists entered.

"Oxycodone 5 mg bd", "OXYCODONE" and "Oxycodone 5mg tablets" all normalise to "oxycodone". Punctuation separates
words and never glues them: "co-careldopa" becomes "co careldopa".
"""

import re
import unicodedata

# A strength: a number with a unit, possibly a ratio ("10 mg", "0.5mg/5ml", "100 micrograms", "2.5%").
_UNIT = r"(?:mg|mcg|µg|ug|g|micrograms?|milligrams?|grams?|ml|mL|l|iu|units?|%|mmol|meq)"
_STRENGTH = rf"\d+(?:[.,]\d+)?\s*{_UNIT}(?:\s*/\s*\d*(?:[.,]\d+)?\s*{_UNIT})?"
# Words that describe how or how often, not what: dose forms and frequencies as clinicians abbreviate them.
_TRAILING_WORDS = {
    "tablet",
    "tablets",
    "tab",
    "tabs",
    "capsule",
    "capsules",
    "cap",
    "caps",
    "oral",
    "solution",
    "suspension",
    "liquid",
    "syrup",
    "granules",
    "injection",
    "patch",
    "patches",
    "cream",
    "gel",
    "inhaler",
    "modified",
    "release",
    "mr",
    "sr",
    "xr",
    "er",
    "cr",
    "la",
    "prolonged",
    "extended",
    "od",
    "bd",
    "bid",
    "tds",
    "tid",
    "qds",
    "qid",
    "qd",
    "nocte",
    "mane",
    "prn",
    "daily",
    "once",
    "twice",
    "three",
    "four",
    "times",
    "a",
    "day",
    "at",
    "night",
    "morning",
    "as",
    "needed",
    "required",
    "per",
    "every",
    "weekly",
    "hourly",
    "x",
    "po",
}
_STRENGTH_RE = re.compile(_STRENGTH, re.IGNORECASE)
_NUMBER_RE = re.compile(r"\b\d+(?:[.,]\d+)?\b")


def normalise_name(text: str) -> str:
    """The comparison key for a medication name: lower case, no accents, punctuation and spacing collapsed,
    strengths, numbers, dose forms and frequencies dropped from the end."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii") if text else ""
    folded = folded.casefold()
    folded = _STRENGTH_RE.sub(" ", folded)
    folded = _NUMBER_RE.sub(" ", folded)
    words = [w for w in re.split(r"[^a-z0-9]+", folded) if w]
    while words and words[-1] in _TRAILING_WORDS:
        words.pop()
    return " ".join(words)
