"""Matching what was typed against the directory's names, in memory: medicine names (generic, brand, other), condition
names and aliases, drug class names; misspellings when nothing matches as typed."""

import difflib
from collections import Counter
from dataclasses import dataclass, field

from monographs.names import normalise_name
from monographs.screening.names import SALT_WORDS

from .directory import ConditionEntry, Directory, bigrams

# Scores: the whole query is a name; a word of it is a name (or it is part of one); a close spelling; a condition the
# medicine is used for; a class it belongs to. Leaflet text comes after all of these (core.py).
EXACT, NAME, CONDITION, CLASS = 100.0, 50.0, 30.0, 25.0
CLOSE_MATCH_CUTOFF = 0.75
SIMILAR_CANDIDATES = 50
MIN_PARTIAL = 3  # a shorter query is part of too many names to mean any of them
KIND_WORDS = {"generic": "Name", "brand": "Brand name", "synonym": "Also called"}


@dataclass
class NameMatches:
    medications: dict[int, tuple[float, str, str]] = field(default_factory=dict)  # pk → score, reason, spelling
    conditions: list[ConditionEntry] = field(default_factory=list)
    class_pks: list[int] = field(default_factory=list)
    suggestion: str = ""
    name_words: set[str] = field(default_factory=set)  # words of the query that are (part of) a medicine's name

    def add(self, pk: int, score: float, reason: str, spelling: str) -> None:
        if pk not in self.medications or self.medications[pk][0] < score:
            self.medications[pk] = (score, reason, spelling)

    @property
    def exact(self) -> bool:
        return any(score >= EXACT for score, _, _ in self.medications.values())


def _unsalted(key: str) -> str:
    return " ".join(word for word in key.split() if word not in SALT_WORDS) or key


def _spans(key: str) -> list[tuple[int, int, str]]:
    """Every run of words in the key as (start, end, words), longest first."""
    words = key.split()
    return [(i, i + n, " ".join(words[i : i + n])) for n in range(len(words), 0, -1) for i in range(len(words) - n + 1)]


def match_names(query: str, directory: Directory, *, try_similar: bool) -> NameMatches:
    """Names equal to the query or to a run of its words (longest first, each word used by one name: 'MS Contin' is
    a brand of morphine, not multiple sclerosis), and names containing the whole query; close spellings when nothing
    matched and the query is not made of patient words only."""
    matches = NameMatches()
    key = _unsalted(normalise_name(query))
    if not key:
        return matches
    used: set[int] = set()
    for start, end, phrase in _spans(key):
        if used & set(range(start, end)):
            continue
        whole = start == 0 and end == len(key.split())
        found = _add_exact(phrase, whole, directory, matches)
        if found:
            used |= set(range(start, end))
            if phrase in directory.names:
                matches.name_words.update(phrase.split())
    if len(key) >= MIN_PARTIAL:
        for name in directory.names:
            if key in name and name != key:
                _add_medicines(name, NAME, directory, matches)
        for name, condition in directory.condition_keys.items():
            if key in name and name != key and condition not in matches.conditions:
                matches.conditions.append(condition)
        for name, class_pk in directory.class_keys.items():
            if key in name and name != key and class_pk not in matches.class_pks:
                matches.class_pks.append(class_pk)
    if try_similar and not (matches.medications or matches.conditions or matches.class_pks):
        _similar(key, directory, matches)
    for condition in matches.conditions:
        for pk in condition.medication_pks:
            matches.add(pk, CONDITION, f"Used for {condition.name.lower()}", "")
    for class_pk in matches.class_pks:
        drug_class = directory.classes[class_pk]
        for pk in drug_class.members:
            matches.add(pk, CLASS, f"Medicine of the kind: {drug_class.name}", "")
    return matches


def _add_medicines(name: str, score: float, directory: Directory, matches: NameMatches) -> None:
    for ref in directory.names[name]:
        matches.add(ref.medication_pk, score, f"{KIND_WORDS.get(ref.kind, 'Name')}: {ref.spelling}", ref.spelling)


def _add_exact(phrase: str, whole: bool, directory: Directory, matches: NameMatches) -> bool:
    """Whatever is called exactly `phrase`: medicines, a condition, a class. Returns whether anything is."""
    found = False
    if phrase in directory.names:
        _add_medicines(phrase, EXACT if whole else NAME, directory, matches)
        found = True
    condition = directory.condition_keys.get(phrase)
    if condition is not None:
        if condition not in matches.conditions:
            matches.conditions.append(condition)
        found = True
    class_pk = directory.class_keys.get(phrase)
    if class_pk is not None:
        if class_pk not in matches.class_pks:
            matches.class_pks.append(class_pk)
        found = True
    return found


def _similar(key: str, directory: Directory, matches: NameMatches) -> None:
    """Names within a typing slip of the key (difflib's ratio), among those sharing the most letter pairs with it."""
    shared: Counter[str] = Counter()
    for gram in bigrams(key):
        shared.update(directory.keys_by_bigram.get(gram, ()))
    candidates = [candidate for candidate, _ in shared.most_common(SIMILAR_CANDIDATES)]
    close = difflib.get_close_matches(key, candidates, n=5, cutoff=CLOSE_MATCH_CUTOFF)
    for candidate in close:
        ratio = difflib.SequenceMatcher(None, key, candidate).ratio()
        for ref in directory.names.get(candidate, ()):
            matches.add(ref.medication_pk, NAME * ratio, f"Similar name: {ref.spelling}", ref.spelling)
            matches.suggestion = matches.suggestion or ref.spelling
        condition = directory.condition_keys.get(candidate)
        if condition is not None and condition not in matches.conditions:
            matches.conditions.append(condition)
            matches.suggestion = matches.suggestion or condition.name
