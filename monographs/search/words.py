"""From what a patient typed to what the full-text search looks for: words and phrases, each widened by the synonym
table in patient_words.toml ("drowsy" also finds "somnolence"), stop words dropped. Pure: no database, no Django."""

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

PATIENT_WORDS_FILE = Path(__file__).with_name("patient_words.toml")
MAX_TERMS = 6  # a search is a few words; a pasted paragraph is cut here rather than ANDed into nothing
MAX_PHRASE_WORDS = 4
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


def words_of(text: str) -> tuple[str, ...]:
    """Lower-case words, apostrophes and hyphens kept inside a word ("can't", "light-headed")."""
    return tuple(_WORD.findall(text.casefold().replace("’", "'")))


@dataclass(frozen=True)
class Group:
    label: str
    words: tuple[str, ...]
    finds: tuple[str, ...] = ()

    @property
    def alternatives(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.words, *self.finds)))


@dataclass(frozen=True)
class PatientWords:
    groups: tuple[Group, ...]
    by_phrase: dict[tuple[str, ...], Group]  # a patient word or phrase, as words → its group
    stop_words: frozenset[str]


class PatientWordsError(ValueError):
    """patient_words.toml is not as its header describes."""


@functools.cache
def patient_words(path: Path = PATIENT_WORDS_FILE) -> PatientWords:
    """The synonym table, read and checked once per process."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    problems = []
    stop_words = data.get("stop_words", [])
    if not isinstance(stop_words, list) or not all(isinstance(w, str) and words_of(w) == (w,) for w in stop_words):
        problems.append("stop_words must be a list of single lower-case words")
        stop_words = []
    groups: list[Group] = []
    by_phrase: dict[tuple[str, ...], Group] = {}
    for number, raw in enumerate(data.get("group", []), 1):
        label, words, finds = raw.get("label"), raw.get("words"), raw.get("finds", [])
        where = f"group {number} ({label!r})"
        if set(raw) - {"label", "words", "finds"}:
            problems.append(f"{where}: unknown keys {sorted(set(raw) - {'label', 'words', 'finds'})}")
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{where}: a label is needed")
        for key, values in (("words", words), ("finds", finds)):
            if not isinstance(values, list) or not all(isinstance(v, str) and words_of(v) for v in values):
                problems.append(f"{where}: {key} must be a list of words or phrases")
        if problems:
            continue
        group = Group(label=label, words=tuple(words), finds=tuple(finds))
        for word in words:
            phrase = words_of(word)
            if word != word.casefold():
                problems.append(f"{where}: {word!r} must be lower case")
            if len(phrase) > MAX_PHRASE_WORDS:
                problems.append(f"{where}: {word!r} is longer than {MAX_PHRASE_WORDS} words")
            if phrase in by_phrase and by_phrase[phrase] is not group:
                problems.append(f"{where}: {word!r} is already in the group {by_phrase[phrase].label!r}")
            by_phrase[phrase] = group
        groups.append(group)
    if problems:
        raise PatientWordsError(f"{path.name}: " + "; ".join(problems))
    return PatientWords(groups=tuple(groups), by_phrase=by_phrase, stop_words=frozenset(stop_words))


@dataclass(frozen=True)
class Term:
    """One thing the text must mention: any of its alternatives (words or phrases, matched with stemming)."""

    label: str
    alternatives: tuple[str, ...]
    from_table: bool = False
    follows: bool = False  # typed right after the previous term, both plain words: described together ("side effects")


def text_terms(query: str, table: PatientWords | None = None) -> list[Term]:
    """The terms a leaflet's text must all mention, in the order typed, each at most once. The longest phrase of the
    synonym table wins at each point ("feeling sick" before "sick"); other words are kept unless they are stop
    words."""
    table = table or patient_words()
    words = words_of(query)
    terms: dict[str, Term] = {}
    i = 0
    last_plain = -2  # where the last plain word was
    while i < len(words) and len(terms) < MAX_TERMS:
        for length in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            group = table.by_phrase.get(words[i : i + length])
            if group is not None:
                terms.setdefault(group.label, Term(group.label, group.alternatives, from_table=True))
                i += length
                break
        else:
            word = words[i]
            if word not in table.stop_words and word not in terms:
                terms[word] = Term(word, (word,), follows=last_plain == i - 1)
                last_plain = i
            i += 1
    return list(terms.values())


def only_patient_words(query: str, table: PatientWords | None = None) -> bool:
    """Does every word of the query belong to the synonym table (or is a stop word)? Such a search is about symptoms,
    so it is not also tried as a misspelt medicine name."""
    table = table or patient_words()
    terms = text_terms(query, table)
    return bool(terms) and all(term.from_table for term in terms)


def describe(terms: list[Term]) -> str:
    """'drowsiness', 'drowsiness and alcohol', 'drowsiness, alcohol and driving'."""
    labels: list[str] = []
    for term in terms:
        if term.follows and labels:
            labels[-1] += " " + term.label
        else:
            labels.append(term.label)
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
