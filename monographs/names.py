"""Normalising medication names so that what people type matches what pharmacists entered.

"Oxycodone 5 mg bd", "OXYCODONE" and "Oxycodone 5mg tablets" all normalise to "oxycodone". Punctuation separates
words and never glues them: "co-careldopa" becomes "co careldopa".
"""

import re
import unicodedata

# A strength: a number with a unit, possibly per another unit or a time ("10 mg", "0.5mg/5ml", "25 mcg/hr",
# "100 micrograms", "2.5%"), or a bare ratio as combination strengths are written ("30/500" in co-codamol 30/500).
_UNIT = r"(?:mg|mcg|µg|ug|g|micrograms?|milligrams?|grams?|ml|mL|l|iu|units?|%|mmol|meq|nanograms?|ng)"
_PER = r"(?:h|hr|hrs|hours?|24\s*h(?:ours?|rs?)?|day|dose|actuation|spray|puff)"
_STRENGTH = (
    rf"\d+(?:[.,]\d+)?\s*{_UNIT}(?:\s*/\s*(?:\d*(?:[.,]\d+)?\s*{_UNIT}|{_PER}))?\b"
    r"|\b\d+(?:[.,]\d+)?\s*/\s*\d+(?:[.,]\d+)?\b"
)
# Words that describe how or how often, not what: dose forms and frequencies as clinicians abbreviate them. Only
# these are dropped, and only from the end: any other word ("Plus", "Night", "PM", "3") names a different product.
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
    "transdermal",
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
    "times",
    "hourly",
    "weekly",
    "po",
}
# Frequencies of several words, dropped from the end as a whole ("at night" but not "Night" in "Panadol Night").
_TRAILING_PHRASES = (
    ("at", "night"),
    ("at", "bedtime"),
    ("in", "the", "morning"),
    ("every", "morning"),
    ("a", "day"),
    ("per", "day"),
    ("each", "day"),
    ("every", "day"),
    ("as", "needed"),
    ("as", "required"),
    ("when", "required"),
    ("if", "needed"),
    ("three",),
    ("four",),
)
_STRENGTH_RE = re.compile(_STRENGTH, re.IGNORECASE)
# An interval with its number ("every 4 hours", "q6h", "4-hourly"): dropped wherever it is, before numbers are read.
# A count of doses ("1 tab", "2 puffs") goes too: it says how many, not what.
_INTERVAL_RE = re.compile(
    r"\b(?:(?:every|q)\s*\d+(?:\s*-\s*\d+)?\s*(?:h|hr|hrs|hours?)|\d+\s*-?\s*hourly"
    r"|\d+(?:\s*-\s*\d+)?\s*(?:tabs?|tablets?|caps?|capsules?|puffs?|drops?|sachets?|sprays?))\b"
)


def _drop_trailing(words: list[str]) -> list[str]:
    while words:
        if words[-1] in _TRAILING_WORDS:
            words.pop()
            continue
        phrase = next((p for p in _TRAILING_PHRASES if tuple(words[-len(p) :]) == p and len(words) > len(p)), None)
        if phrase is None:
            break
        del words[-len(phrase) :]
    return words


def normalise_name(text: str) -> str:
    """The comparison key for a medication name: lower case, no accents, punctuation and spacing collapsed,
    strengths, dose forms and frequencies dropped from the end. Bare numbers stay: "Tylenol 3" is not Tylenol."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii") if text else ""
    folded = folded.casefold()
    folded = _STRENGTH_RE.sub(" ", _INTERVAL_RE.sub(" ", folded))
    words = [w for w in re.split(r"[^a-z0-9]+", folded) if w]
    return " ".join(_drop_trailing(words))


def without_numbers(key: str) -> str:
    """A normalised key without its bare numbers ("oxycodone 5" → "oxycodone"): a strength written without a unit,
    or a product number. Callers decide which it is."""
    return " ".join(word for word in key.split() if not word.isdigit())
