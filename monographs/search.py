"""Search for patients: medications by name, brand name, condition and leaflet text, tolerant of typos.

PostgreSQL: full-text search over leaflet text and trigram similarity (pg_trgm) over names.
SQLite: substring matching, with difflib's close matches for typos. Exact name matches rank first on both.
The number of queries is fixed whatever the query or the amount of content.
"""

import difflib
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import F, Q

from .models import ClinicalWarning, Condition, LeafletSection, Medication, MedicationName
from .names import normalise_name
from .search_indexes import SECTION_DOCUMENT, WARNING_DOCUMENT

MAX_QUERY_LENGTH = 200
TRIGRAM_THRESHOLD = 0.3
CLOSE_MATCH_CUTOFF = 0.75

# Scores: an exact name beats a partial or misspelt name, which beats a condition, which beats leaflet text.
EXACT, NAME, CONDITION, TEXT = 100.0, 50.0, 30.0, 10.0


@dataclass
class MedicationHit:
    medication: Medication
    score: float
    reason: str


@dataclass
class SearchResults:
    query: str
    medications: list[MedicationHit]
    conditions: list[Condition]
    suggestion: str = ""


def _add(scores: dict, pk: int, score: float, reason: str) -> None:
    if pk not in scores or scores[pk][0] < score:
        scores[pk] = (score, reason)


def _name_rows():
    """(medication id, display name, normalised name) for every name of every published medication."""
    published = Medication.objects.published()
    rows = [(pk, name, norm) for pk, name, norm in published.values_list("pk", "name", "normalised_name")]
    rows += list(
        MedicationName.objects.filter(medication__in=published).values_list("medication_id", "name", "normalised")
    )
    return rows


def _search_sqlite(query: str, norm: str, scores: dict) -> str:
    rows = _name_rows()
    for pk, name, name_norm in rows:
        if norm and name_norm == norm:
            _add(scores, pk, EXACT, f"Name: {name}")
        elif norm and (norm in name_norm or name_norm in norm.split()):
            _add(scores, pk, NAME, f"Name: {name}")
    suggestion = ""
    if norm and not any(score >= NAME for score, _ in scores.values()):
        by_norm: dict[str, list[tuple[int, str]]] = {}
        for pk, name, name_norm in rows:
            by_norm.setdefault(name_norm, []).append((pk, name))
        for close in difflib.get_close_matches(norm, list(by_norm), n=5, cutoff=CLOSE_MATCH_CUTOFF):
            for pk, name in by_norm[close]:
                ratio = difflib.SequenceMatcher(None, norm, close).ratio()
                _add(scores, pk, NAME * ratio, f"Similar name: {name}")
                suggestion = suggestion or name
    mentioned = (
        Medication.objects.published()
        .filter(
            Q(sections__body__icontains=query)
            | Q(warnings__title__icontains=query)
            | Q(warnings__patient_text__icontains=query)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    for pk in mentioned:
        _add(scores, pk, TEXT, "Mentioned in the leaflet")
    return suggestion


def _search_postgres(query: str, norm: str, scores: dict) -> str:
    published = Medication.objects.published()
    suggestion = ""
    name_rows = list(
        published.annotate(similarity=TrigramSimilarity("normalised_name", norm))
        .filter(Q(normalised_name=norm) | Q(similarity__gte=TRIGRAM_THRESHOLD) | Q(normalised_name__contains=norm))
        .values_list("pk", "name", "normalised_name", "similarity")
    )
    name_rows += list(
        MedicationName.objects.filter(medication__in=published)
        .annotate(similarity=TrigramSimilarity("normalised", norm))
        .filter(Q(normalised=norm) | Q(similarity__gte=TRIGRAM_THRESHOLD) | Q(normalised__contains=norm))
        .values_list("medication_id", "name", "normalised", "similarity")
    )
    for pk, name, name_norm, similarity in name_rows:
        if name_norm == norm:
            _add(scores, pk, EXACT, f"Name: {name}")
        elif norm in name_norm:
            _add(scores, pk, NAME, f"Name: {name}")
        else:
            _add(scores, pk, NAME * similarity, f"Similar name: {name}")
            suggestion = suggestion or name
    search_query = SearchQuery(query, config="english", search_type="websearch")
    # Matched with @@ on the indexed expressions (search_indexes.py), so PostgreSQL reads the GIN index and ranks only
    # the rows that match.
    in_sections = (
        LeafletSection.objects.filter(medication__in=published)
        .annotate(document=SECTION_DOCUMENT)
        .filter(document=search_query)
        .annotate(rank=SearchRank(F("document"), search_query))
        .values_list("medication_id", "rank")
        .order_by()
    )
    in_warnings = (
        ClinicalWarning.objects.filter(medication__in=published)
        .annotate(document=WARNING_DOCUMENT)
        .filter(document=search_query)
        .annotate(rank=SearchRank(F("document"), search_query))
        .values_list("medication_id", "rank")
        .order_by()
    )
    for pk, rank in [*in_sections, *in_warnings]:
        _add(scores, pk, TEXT * (1 + min(rank, 1.0)), "Mentioned in the leaflet")
    return suggestion


def _matching_conditions(query: str, norm: str) -> list[Condition]:
    """Conditions whose name or an alias matches; the aliases are few, so they are compared in Python."""
    conditions = list(Condition.objects.filter(uses__medication__in=Medication.objects.published()).distinct())
    matched = []
    for condition in conditions:
        names = [normalise_name(n) for n in [condition.name, *condition.aliases]]
        if any(norm and (norm == n or norm in n) for n in names):
            matched.append(condition)
    if not matched and norm:
        by_name = {normalise_name(c.name): c for c in conditions}
        matched = [by_name[n] for n in difflib.get_close_matches(norm, list(by_name), n=3, cutoff=CLOSE_MATCH_CUTOFF)]
    return matched


def search(query: str) -> SearchResults:
    query = query.strip()[:MAX_QUERY_LENGTH]
    norm = normalise_name(query)
    if not query:
        return SearchResults(query, [], [])
    scores: dict[int, tuple[float, str]] = {}
    if connection.vendor == "postgresql":
        suggestion = _search_postgres(query, norm, scores)
    else:
        suggestion = _search_sqlite(query, norm, scores)

    conditions = _matching_conditions(query, norm)
    condition_ids = [c.pk for c in conditions]
    for pk, condition_name in (
        Medication.objects.published()
        .filter(uses__condition__in=condition_ids)
        .values_list("pk", "uses__condition__name")
    ):
        _add(scores, pk, CONDITION, f"Used for {condition_name.lower()}")

    medications = Medication.objects.published().filter(pk__in=scores).prefetch_related("names").in_bulk()
    hits = [
        MedicationHit(medications[pk], score, reason) for pk, (score, reason) in scores.items() if pk in medications
    ]
    hits.sort(key=lambda hit: (-hit.score, hit.medication.name))
    exact = any(hit.score >= EXACT for hit in hits)
    return SearchResults(query, hits, conditions, suggestion="" if exact else suggestion)
