"""Readability of patient text: Flesch–Kincaid grade, Flesch reading ease and SMOG.

Computed here, offline and deterministically: no dictionary download, no network (textstat 0.7.13 fetches data on
first use, which fails behind a hospital firewall). Syllables are counted with the usual vowel-group rules; the
figures match the published formulas for the counts they are given.
"""

import re
from dataclasses import dataclass
from math import sqrt

TARGET_GRADE = 8.0
TARGET_EASE = 60.0
# The formulas average over sentences and words: below this many words they measure noise ("Trouble sleeping
# (insomnia)." would be grade 17), so such texts are not scored at all rather than flagged.
MIN_WORDS_TO_SCORE = 10

_MARKDOWN = re.compile(r"(\*\*|__|\*|_|`|#+\s|>\s|\[|\]\([^)]*\)|^\s*[-+]\s+|^\s*\d+\.\s+)", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n|\n\s*(?=[-*+]\s)|:\s*\n")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def count_syllables(word: str) -> int:
    word = word.lower().replace("’", "'").split("'")[0]
    if not word:
        return 0
    if len(word) <= 3:
        return 1
    # Silent endings: "-e" (make), "-es"/"-ed" after most consonants (takes, used), but not "-le" (table).
    stripped = re.sub(r"(?:[^laeiouy]es|[^laeiouytd]ed|[^laeiouy]e)$", lambda m: m.group(0)[0], word)
    stripped = re.sub(r"^y", "", stripped)
    count = len(_VOWEL_GROUPS.findall(stripped))
    # Vowel pairs that are usually two syllables: "ia" (medial), "io" (period), "eo" (video), "ua" (usual).
    count += len(re.findall(r"[^aeiou](?:ia|io|eo|ua|uo)", stripped)) - len(
        re.findall(r"(?:tion|sion|cious|tious|gious)", stripped)
    )
    return max(1, count)


def plain_text(markdown_text: str) -> str:
    return _MARKDOWN.sub(" ", markdown_text)


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int
    polysyllables: int

    @property
    def grade(self) -> float:
        """Flesch–Kincaid grade level."""
        if not self.words:
            return 0.0
        return round(0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59, 1)

    @property
    def ease(self) -> float:
        """Flesch reading ease (higher is easier; 60 or more is plain English)."""
        if not self.words:
            return 100.0
        return round(206.835 - 1.015 * self.words / self.sentences - 84.6 * self.syllables / self.words, 1)

    @property
    def smog(self) -> float:
        """SMOG grade (McLaughlin 1969), scaled to 30 sentences."""
        if not self.words:
            return 0.0
        return round(1.0430 * sqrt(self.polysyllables * 30 / self.sentences) + 3.1291, 1)

    @property
    def scorable(self) -> bool:
        return self.words >= MIN_WORDS_TO_SCORE

    @property
    def on_target(self) -> bool:
        """Within the plain-language target; a text too short to score is not held against it."""
        return not self.scorable or (self.grade <= TARGET_GRADE and self.ease >= TARGET_EASE)


def measure(markdown_text: str) -> Readability:
    text = plain_text(markdown_text or "")
    words = _WORD.findall(text)
    if not words:
        return Readability(0, 0, 0, 0)
    pieces = [p for p in _SENTENCE_END.split(text) if _WORD.search(p)]
    syllables = [count_syllables(w) for w in words]
    return Readability(
        sentences=max(1, len(pieces)),
        words=len(words),
        syllables=sum(syllables),
        polysyllables=sum(1 for s in syllables if s >= 3),
    )
