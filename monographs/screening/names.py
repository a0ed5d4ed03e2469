"""Reading the current medications a clinician typed: the index of every name a medication is known by, and
recognising each line (by generic, brand or other name), or saying why not and what it may have meant.

Wrong recognition is worse than none: a line is recognised only when its whole name is known once strengths, salts,
dose forms and frequencies are set aside. Any other word ("Plus", "Night", "PM") or product number ("Tylenol 3")
names a different product, so the line is not recognised and the close names are offered as suggestions, each
saying what it contains. A suggestion is never applied here: the clinician chooses. Pure: no Django.
"""

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

from monographs.names import normalise_name, without_numbers
from monographs.rules import KnownMedication

SUGGESTION_CANDIDATES = 50
MAX_SUGGESTIONS = 3
# Salt and hydrate words on a pack ("oxycodone hydrochloride", "sodium valproate"): the same active ingredient.
SALT_WORDS = frozenset(
    {
        "hydrochloride",
        "hcl",
        "dihydrochloride",
        "hydrobromide",
        "sodium",
        "disodium",
        "potassium",
        "calcium",
        "magnesium",
        "sulfate",
        "sulphate",
        "tartrate",
        "bitartrate",
        "maleate",
        "citrate",
        "phosphate",
        "besylate",
        "besilate",
        "mesylate",
        "mesilate",
        "succinate",
        "fumarate",
        "acetate",
        "bromide",
        "hyclate",
        "monohydrate",
        "dihydrate",
        "trihydrate",
        "hemihydrate",
        "anhydrous",
        "propionate",
        "dipropionate",
        "valerate",
        "malate",
        "lactate",
        "gluconate",
        "xinafoate",
        "napsylate",
        "pamoate",
        "tosylate",
        "oxalate",
        "base",
    }
)
# Why a known name is suggested for a line that was not recognised.
SPELLING, PRODUCT_NUMBER, FEWER_WORDS = "spelling", "product_number", "fewer_words"


class NameEntry(NamedTuple):
    """One name a clinician may type for a medication: its generic name, a brand name or a synonym. (A named tuple:
    an index holds thousands, built once per content version.)"""

    spelling: str
    medication: KnownMedication
    normalised: str = ""  # the comparison key; computed from the spelling when empty
    generic: bool = False


@dataclass(frozen=True)
class NameIndex:
    names: Mapping[str, KnownMedication]
    spellings: Mapping[str, str]

    @cached_property
    def keys_by_bigram(self) -> dict[str, tuple[str, ...]]:
        """Narrows "did you mean" to names that share letter pairs. Built on the first unrecognised line only."""
        return _keys_by_bigram(tuple(self.names))

    @cached_property
    def class_sizes(self) -> Counter[str]:
        """How many known medicines are in each class: the narrower a class, the more specific a rule about it."""
        medicines = {medication.slug: medication for medication in self.names.values()}
        return Counter(slug for medication in medicines.values() for slug in medication.class_slugs)

    @cached_property
    def numbered(self) -> dict[str, tuple[str, ...]]:
        """Names followed by a product number ("tylenol" → "tylenol 3", "tylenol 4"): a line naming the product
        with another number, or none, is ambiguous."""
        found: dict[str, list[str]] = defaultdict(list)
        for key in self.names:
            base = without_numbers(key)
            if base != key:
                found[base].append(key)
        return {base: tuple(sorted(keys)) for base, keys in found.items()}


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
    """A current medication recognised in the answers, with every line that named it and, when it came from a
    combination product, that product's name."""

    medication: KnownMedication
    lines: tuple[str, ...]
    combinations: tuple[str, ...] = ()
    considered: bool = False  # the medicine being considered, as another medicine's rules see it

    @property
    def described(self) -> str:
        if self.considered:
            return f"{self.medication.name} (the medicine being considered)"
        quoted = ", ".join(f"“{line}”" for line in self.lines)
        if self.combinations:
            return f"{self.medication.name} (in {quoted}: {', '.join(self.combinations)})"
        return f"{self.medication.name} (from {quoted})"


@dataclass(frozen=True)
class Suggestion:
    """A known name offered for a line that was not recognised, and why."""

    spelling: str
    medication: KnownMedication
    reason: str

    @property
    def contains(self) -> tuple[str, ...]:
        """The names of the medicines it contains: what the screening would check if the clinician chose it."""
        return tuple(m.name for m in (self.medication.ingredients or (self.medication,)))

    @property
    def label(self) -> str:
        """'Oxycodone', 'Zestril (lisinopril)', 'Percocet (oxycodone and paracetamol)': never a bare brand."""
        contents = _and(name.lower() for name in self.contains)
        if normalise_name(self.spelling) == normalise_name(contents):
            return self.spelling
        return f"{self.spelling} ({contents})"

    def note(self, line: str) -> str:
        """What choosing it would change, when that is more than the spelling."""
        if self.reason == FEWER_WORDS:
            return f"“{line}” has more words: it may be a different product with other medicines in it. Check the pack."
        if self.reason == PRODUCT_NUMBER:
            return f"“{line}” may be a different product: products with a number contain different medicines."
        return ""


def _and(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class Unrecognised:
    line: str
    suggestions: tuple[Suggestion, ...] = ()


class Reading(NamedTuple):
    medication: KnownMedication | None
    suggestions: tuple[Suggestion, ...] = ()


def read_line(line: str, index: NameIndex) -> Reading:
    """The medication a line names ("Oxycodone 5mg bd", "Zestril", "oxycodone hydrochloride"), or None with the
    known names it may have meant."""
    key = normalise_name(line)
    if not key:
        return Reading(None)
    if key in index.names:
        return Reading(index.names[key])
    unsalted = _unsalted(key)
    if unsalted in index.names:
        return Reading(index.names[unsalted])
    bare = _bare(unsalted)
    if bare != unsalted and bare in index.names:
        variants = index.numbered.get(bare)
        if not variants:  # "oxycodone 5": a strength without its unit
            return Reading(index.names[bare])
        numbered = tuple(_suggestion(v, index, PRODUCT_NUMBER) for v in variants)
        return Reading(None, (*numbered, _suggestion(bare, index, PRODUCT_NUMBER))[:MAX_SUGGESTIONS])
    return Reading(None, suggest(key, index))


def _unsalted(key: str) -> str:
    return " ".join(word for word in key.split() if word not in SALT_WORDS) or key


def _bare(key: str) -> str:
    """Without bare numbers, or a count in front ("2 x paracetamol")."""
    return without_numbers(key).removeprefix("x ") or key


def recognise(line: str, index: NameIndex) -> KnownMedication | None:
    return read_line(line, index).medication


def suggest(key: str, index: NameIndex) -> tuple[Suggestion, ...]:
    """Known names close to a normalised key that is not one: misspellings first, then a known name the line
    starts with ("nurofen plus" → Nurofen, saying the product may differ)."""
    key = _bare(_unsalted(key))
    found = [_suggestion(k, index, SPELLING) for k in _misspelt(key, index)]
    words = key.split()
    for length in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:length])
        if prefix in index.names:
            found.append(_suggestion(prefix, index, FEWER_WORDS))
            break
    unique = {(s.spelling, s.reason): s for s in found}
    return tuple(unique.values())[:MAX_SUGGESTIONS]


def _misspelt(key: str, index: NameIndex) -> list[str]:
    """Known names within a typing slip of the key: one edit for short names, two for long ones, none under five
    letters (there, one letter makes another medicine)."""
    allowed = 0 if len(key) < 5 else 1 if len(key) < 9 else 2
    if not allowed:
        return []
    shared: Counter[str] = Counter()
    for gram in _bigrams(key):
        shared.update(index.keys_by_bigram.get(gram, ()))
    candidates = [candidate for candidate, _ in shared.most_common(SUGGESTION_CANDIDATES)]
    close = [c for c in candidates if abs(len(c) - len(key)) <= allowed and edit_distance(key, c) <= allowed]
    return sorted(close, key=lambda c: (edit_distance(key, c), -difflib.SequenceMatcher(None, key, c).ratio()))


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _suggestion(key: str, index: NameIndex, reason: str) -> Suggestion:
    return Suggestion(spelling=index.spellings[key], medication=index.names[key], reason=reason)


def read_current_medications(
    lines: Iterable[str], index: NameIndex
) -> tuple[tuple[MatchedMedication, ...], tuple[Unrecognised, ...]]:
    """Recognised medications (each once, with the lines that named it; a combination product as each of its
    medicines) and the lines not recognised, with their suggestions."""
    matched: dict[str, tuple[KnownMedication, list[str], list[str]]] = {}
    unrecognised = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        medication, suggestions = read_line(line, index)
        if medication is None:
            unrecognised.append(Unrecognised(line=line, suggestions=suggestions))
            continue
        for ingredient in medication.ingredients or (medication,):
            _, found_lines, combinations = matched.setdefault(ingredient.slug, (ingredient, [], []))
            found_lines.append(line)
            if medication.ingredients and medication.name not in combinations:
                combinations.append(medication.name)
    recognised = tuple(
        MatchedMedication(medication, tuple(found), tuple(combos)) for medication, found, combos in matched.values()
    )
    return recognised, tuple(unrecognised)
