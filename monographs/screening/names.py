"""Reading the current medications a clinician typed: the index of every name a medication is known by, and
recognising each line (by generic, brand or other name) or suggesting a close known name. Pure: no Django."""

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

from monographs.names import normalise_name
from monographs.rules import KnownMedication

SUGGESTION_CANDIDATES = 50
SUGGESTION_CUTOFF = 0.75


class NameEntry(NamedTuple):
    """One name a clinician may type for a medication: its generic name, a brand name or a synonym. (A named tuple:
    an index holds thousands, built on every screening.)"""

    spelling: str
    medication: KnownMedication
    normalised: str = ""  # the stored comparison key; computed from the spelling when empty
    generic: bool = False


@dataclass(frozen=True)
class NameIndex:
    names: Mapping[str, KnownMedication]
    spellings: Mapping[str, str]

    @cached_property
    def keys_by_bigram(self) -> dict[str, tuple[str, ...]]:
        """Narrows "did you mean" to names that share letter pairs. Built on the first unrecognised line only."""
        return _keys_by_bigram(tuple(self.names))


@lru_cache(maxsize=4)
def _keys_by_bigram(keys: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    # Memoised on the names themselves, so it can never be stale: rebuilt only when a name changes.
    postings: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for gram in _bigrams(key):
            postings[gram].append(key)
    return {gram: tuple(found) for gram, found in postings.items()}


def _bigrams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def build_name_index(entries: Iterable[NameEntry]) -> NameIndex:
    """Normalised name → medication. Generic names win over brands and synonyms that normalise the same way."""
    names: dict[str, KnownMedication] = {}
    spellings: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: not e.generic):
        key = entry.normalised or normalise_name(entry.spelling)
        if key and key not in names:
            names[key] = entry.medication
            spellings[key] = entry.spelling
    return NameIndex(names=names, spellings=spellings)


@dataclass(frozen=True)
class MatchedMedication:
    """A current medication recognised in the answers, with every line that named it."""

    medication: KnownMedication
    lines: tuple[str, ...]

    @property
    def described(self) -> str:
        quoted = ", ".join(f"“{line}”" for line in self.lines)
        return f"{self.medication.name} (from {quoted})"


@dataclass(frozen=True)
class Unrecognised:
    line: str
    suggestion: str | None


def recognise(line: str, index: NameIndex) -> KnownMedication | None:
    """The medication a line names ("Oxycodone 5mg bd", "Zestril"), by generic, brand or other name."""
    key = normalise_name(line)
    return index.names.get(key) if key else None


def suggest(line: str, index: NameIndex) -> str | None:
    """A close known name for a line that was not recognised, as written by the pharmacists, or None."""
    key = normalise_name(line)
    if not key:
        return None
    words = key.split()
    # A known name followed by more words, e.g. a salt: "oxycodone hydrochloride".
    for length in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:length])
        if prefix in index.names:
            return _suggestion_text(prefix, index)
    # difflib over every name costs ~30 ms a line with thousands of names: rank by shared letter pairs first.
    shared: Counter[str] = Counter()
    for gram in _bigrams(key):
        shared.update(index.keys_by_bigram.get(gram, ()))
    candidates = [candidate for candidate, _ in shared.most_common(SUGGESTION_CANDIDATES)]
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=SUGGESTION_CUTOFF)
    return _suggestion_text(close[0], index) if close else None


def _suggestion_text(key: str, index: NameIndex) -> str:
    spelling, medication = index.spellings[key], index.names[key]
    if normalise_name(medication.name) == key:
        return spelling
    return f"{spelling} ({medication.name.lower()})"


def read_current_medications(
    lines: Iterable[str], index: NameIndex
) -> tuple[tuple[MatchedMedication, ...], tuple[Unrecognised, ...]]:
    """Recognised medications (each once, with the lines that named it) and the lines not recognised."""
    matched: dict[str, tuple[KnownMedication, list[str]]] = {}
    unrecognised = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        medication = recognise(line, index)
        if medication is None:
            unrecognised.append(Unrecognised(line=line, suggestion=suggest(line, index)))
        else:
            matched.setdefault(medication.slug, (medication, []))[1].append(line)
    recognised = tuple(MatchedMedication(medication, tuple(found)) for medication, found in matched.values())
    return recognised, tuple(unrecognised)
