"""One search: names first (from the in-memory directory), then leaflet text (from the full-text index), one page
at a time.

The results are one list: medicines found by name, brand name, condition or class (best first; all of them known
in memory), then the leaflets whose text mentions what was typed (ranked and paged by the database, leaving out
those already listed). Page n is a slice of that list, so a search costs the same whatever page is asked for and
however many leaflets mention the word: in the steady state one query (two or three for a page past the end, and the
directory's seven after a content change). A medicine that matches by name but has no public leaflet is not a result:
it is answered "we have no leaflet for it yet", with the leaflets of the medicines it contains and of its kind.
"""

from dataclasses import dataclass, field

from monographs.models import SectionKind

from .directory import ClassEntry, ConditionEntry, Directory, Entry, directory
from .names import match_names
from .text import TextHit, text_page
from .words import Term, describe, only_patient_words, text_terms

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
MAX_NAMED = 200  # medicines listed by name before the text results: beyond this the query names nothing in particular
MAX_NO_LEAFLET = 3
MAX_KINDS = 3
MAX_PER_KIND = 6


@dataclass
class MedicationHit:
    medication: Entry | TextHit  # both have pk, slug, name, summary
    score: float
    reason: str
    anchor: str = ""  # the leaflet section to open, for a text match

    @property
    def url(self) -> str:
        from django.urls import reverse

        base = reverse("medication_detail", args=[self.medication.slug])
        return f"{base}#{self.anchor}" if self.anchor else base


@dataclass
class KindLeaflets:
    """Leaflets of one drug class, for a medicine without its own: 'Opioid (strong painkillers …): Oxycodone'."""

    drug_class: ClassEntry
    leaflets: list[Entry]
    more: int = 0


@dataclass
class NoLeaflet:
    spelling: str  # as matched: 'MS Contin'
    medication: Entry  # Morphine
    contains: list[Entry] = field(default_factory=list)  # a combination's medicines
    ingredient_leaflets: list[Entry] = field(default_factory=list)
    same_kind: list[KindLeaflets] = field(default_factory=list)

    @property
    def named(self) -> str:
        """'Morphine', or 'MS Contin (morphine)' for a brand."""
        if not self.spelling or self.spelling.casefold() == self.medication.name.casefold():
            return self.medication.name
        return f"{self.spelling} ({self.medication.name.lower()})"


@dataclass
class SearchResults:
    query: str
    medications: list[MedicationHit] = field(default_factory=list)  # this page's
    conditions: list[ConditionEntry] = field(default_factory=list)
    no_leaflet: list[NoLeaflet] = field(default_factory=list)
    suggestion: str = ""
    page: int = 1
    per_page: int = PER_PAGE
    total: int = 0
    named_total: int = 0
    text_total: int = 0
    text_words: str = ""  # 'drowsiness and alcohol'

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def count_sentence(self) -> str:
        """'2 medicines by name; 23 other leaflets mention drowsiness.'"""
        parts = []
        if self.named_total:
            parts.append(f"{self.named_total} medicine{'s' if self.named_total != 1 else ''} by name")
            parts[-1] += " or condition" if self.conditions else ""
        if self.text_total:
            other = "other " if self.named_total else ""
            verb = "mention" if self.text_total != 1 else "mentions"
            parts.append(
                f"{self.text_total} {other}leaflet{'s' if self.text_total != 1 else ''} {verb} {self.text_words}"
            )
        return "; ".join(parts) + "." if parts else ""

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1


def page_number(raw: str | None) -> int:
    """?page= as a number from 1; anything else is page 1 (as Django's Paginator.get_page reads it)."""
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100_000 else 1


def search(query: str, page: int = 1) -> SearchResults:
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return SearchResults(query)
    known = directory()
    matches = match_names(query, known, try_similar=not only_patient_words(query))
    named = sorted(
        (
            MedicationHit(known.medications[pk], score, reason)
            for pk, (score, reason, _) in matches.medications.items()
            if known.medications[pk].published
        ),
        key=lambda hit: (-hit.score, hit.medication.name.casefold(), hit.medication.pk),
    )[:MAX_NAMED]
    terms = _text_terms(query, matches.name_words)
    results = SearchResults(
        query,
        conditions=matches.conditions,
        no_leaflet=_no_leaflet(matches.medications, known),
        suggestion="" if matches.exact else matches.suggestion,
        page=page,
        named_total=len(named),
        text_words=describe(terms),
    )
    _fill_page(results, named, terms)
    return results


def _text_terms(query: str, name_words: set[str]) -> list[Term]:
    """What the text must mention: the query's words, less those that named a medicine when others are left
    ('baclofen drowsy' looks for leaflets that mention drowsiness; 'baclofen' alone for those that mention it)."""
    terms = text_terms(query)
    rest = [term for term in terms if term.from_table or term.label not in name_words]
    return rest or terms


def _fill_page(results: SearchResults, named: list[MedicationHit], terms: list[Term]) -> None:
    while True:
        start = (results.page - 1) * PER_PAGE
        on_page = named[start : start + PER_PAGE]
        exclude = [hit.medication.pk for hit in named]
        offset = max(0, start - len(named))
        wanted = PER_PAGE - len(on_page)
        found = text_page(terms, exclude=exclude, offset=offset, limit=max(wanted, 1))
        if found.total is None:  # past the end: ask for the count, then show the last page
            found = text_page(terms, exclude=exclude, offset=0, limit=1)
            results.text_total = found.total or 0
            results.total = len(named) + results.text_total
            results.page = results.pages
            continue
        results.text_total = found.total
        results.total = len(named) + found.total
        if results.page > results.pages:
            results.page = results.pages
            continue
        results.medications = on_page + [_text_hit(hit, results.text_words) for hit in found.hits[:wanted]]
        return


def _text_hit(hit: TextHit, words: str) -> MedicationHit:
    place = SectionKind(hit.place).label if hit.place in SectionKind.values else ""
    reason = f"Mentions {words}" + (f", in “{place}”" if place else "")
    return MedicationHit(hit, hit.score, reason, anchor=hit.place.replace("_", "-") if place else "")


def _no_leaflet(matched: dict[int, tuple[float, str, str]], known: Directory) -> list[NoLeaflet]:
    """The medicines named (not found only as members of a condition or class) that have no public leaflet."""
    named = sorted(
        ((score, pk, spelling) for pk, (score, _, spelling) in matched.items() if spelling),
        key=lambda item: (-item[0], known.medications[item[1]].name.casefold()),
    )
    answers: list[NoLeaflet] = []
    for _, pk, spelling in named:
        medication = known.medications[pk]
        if medication.published or len(answers) == MAX_NO_LEAFLET:
            continue
        contains = [known.medications[p] for p in medication.ingredient_pks if p in known.medications]
        answer = NoLeaflet(spelling, medication, contains, [m for m in contains if m.published])
        answer.same_kind = _same_kind(medication, contains, known, shown={m.pk for m in answer.ingredient_leaflets})
        answers.append(answer)
    return answers


def _same_kind(medication: Entry, contains: list[Entry], known: Directory, shown: set[int]) -> list[KindLeaflets]:
    """Leaflets of the classes it (or, for a combination, each medicine in it without a leaflet) belongs to, the
    narrowest classes first."""
    class_pks = dict.fromkeys(
        [*medication.class_pks, *(pk for part in contains if not part.published for pk in part.class_pks)]
    )
    classes = sorted((known.classes[pk] for pk in class_pks if pk in known.classes), key=lambda c: (c.size, c.name))
    kinds: list[KindLeaflets] = []
    for drug_class in classes:
        members = [known.medications[pk] for pk in drug_class.members if pk not in shown]
        if members and len(kinds) < MAX_KINDS:
            kinds.append(KindLeaflets(drug_class, members[:MAX_PER_KIND], max(0, len(members) - MAX_PER_KIND)))
    return kinds
