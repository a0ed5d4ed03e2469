"""Leaflet text, searched from the full-text index, ranked, and one page of it fetched with its count: one query.

Only published leaflets, and only what patients read (sections, and warnings that have patient text). The terms come
from words.py: every term must appear in the same section or warning, any of its alternatives will do, and words
are matched by their stem.

- PostgreSQL: the search table of migration 0008 (postgres_index.py), matched with `@@` through its GIN index.
- SQLite: the FTS5 table of migration 0007 (sqlite_index.py), matched with MATCH.

Ranking. A leaflet scores one point for each section that mentions the terms, two for each warning, three for each
side effect: how much of the leaflet is about it, where it matters most. Both engines compute this from what the
index alone gives (on SQLite the rowid says where the match is; on PostgreSQL the search table's weight column), so
a search costs index lookups, not text: ts_rank must parse each matching text again (350 ms for "doctor" with 1,000
leaflets), and FTS5's bm25 doubled the query's time. Ties go to the name, A to Z, so pages are stable and the two
engines agree. Each result also says where its strongest match is (`place`, a leaflet section), so the page can link
to it.

The SQL is written here, not built with the ORM: composing the query from expressions cost a search more than the
database's answer did.
"""

import functools
import re
from dataclasses import dataclass

from django.db import connection

from monographs.models import ClinicalWarning, LeafletSection, Medication

from . import postgres_index, sqlite_index
from .words import Term

# PostgreSQL's 'english' stop words (share/tsearch_data/english.stop, Snowball's list). They are not in the index at
# all, so a phrase with one of them in it would be searched without it: "being sick" as "sick" (which "feel sick" has
# too), "the runs" as "runs", "too much" as "much". Such phrases are left out on PostgreSQL (the rest of their group
# still finds the leaflets); SQLite's FTS5 keeps every word and searches them as typed.
_ENGLISH_STOP = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself "
    "it its itself they them their theirs themselves what which who whom this that these those am is are was were be "
    "been being have has had having do does did doing a an the and but if or because as until while of at by for "
    "with about against between into through during before after above below to from up down in out on off over "
    "under again further then once here there when where why how all any both each few more most other some such no "
    "nor not only own same so than too very s t can will just don should now"
)
POSTGRES_STOP_WORDS = frozenset(_ENGLISH_STOP.split())


@dataclass(frozen=True)
class TextHit:
    pk: int
    slug: str
    name: str
    summary: str
    score: int
    place: str  # the SectionKind where the leaflet mentions it most


@dataclass(frozen=True)
class TextPage:
    hits: list[TextHit]
    total: int | None  # how many leaflets match in all; None when the page was past the end (no row to carry it)


def text_page(terms: list[Term], *, exclude: list[int], offset: int, limit: int) -> TextPage:
    """Leaflets whose text mentions every term, best first, `limit` of them from `offset`, with the total."""
    if not terms:
        return TextPage([], 0)
    postgres = connection.vendor == "postgresql"
    hits_sql, hits_params = _postgres_hits(terms) if postgres else _sqlite_hits(terms)
    published_sql, published_params = _published(connection.vendor)
    m = Medication._meta.db_table  # not aliased: the published condition names it
    excluded = f"AND {m}.id NOT IN ({', '.join(['%s'] * len(exclude))})" if exclude else ""
    # The matches are added up per leaflet first, straight from the index; only then are the leaflets joined (one row
    # each, not one per match: half the time of a common word's search).
    # PostgreSQL: the best match's place as the greatest "weight:place" (weights are one digit), cheaper than sorting
    # each leaflet's matches; SQLite: see _SQLITE_BEST.
    best = "MAX(h.place) AS place" if postgres else _SQLITE_BEST
    sql = (
        f"SELECT {m}.id, {m}.slug, {m}.name, {m}.summary, g.score, g.place, COUNT(*) OVER () AS total "
        f"FROM (SELECT h.medication_id, SUM(h.weight) AS score, {best} FROM ({hits_sql}) h GROUP BY h.medication_id) g "
        f"JOIN {m} ON {m}.id = g.medication_id "
        f"WHERE {published_sql} {excluded} "
        f"ORDER BY g.score DESC, {m}.name, {m}.id LIMIT %s OFFSET %s"
    )
    params = [*hits_params, *published_params, *exclude, limit, offset]
    with connection.cursor() as cursor:
        if postgres:
            # One round trip, three statements: the search planned with sequential scans ruled out (see _postgres_hits),
            # and the setting put back, so a transaction around it is left as it was.
            cursor.execute(f"SET LOCAL enable_seqscan = off; {sql}; SET LOCAL enable_seqscan TO DEFAULT", params)
            cursor.cursor.nextset()
        else:
            cursor.execute(_sqlite_places(sql), params)
        rows = cursor.fetchall()
    hits = [
        TextHit(pk, slug, name, summary, int(score), (place or "").rpartition(":")[2])
        for pk, slug, name, summary, score, place, _ in rows
    ]
    return TextPage(hits, rows[0][-1] if rows else (None if offset else 0))


@functools.cache
def _published(vendor: str) -> tuple[str, tuple]:
    """The condition of Medication.objects.published() (the one rule of what is public) on the medication table itself,
    compiled once per process (it never changes). A condition on the row already joined, not `id IN (published)`: that
    looked each matching leaflet up a second time, a quarter of a common word's search on PostgreSQL."""
    query = Medication.objects.published().query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, tuple(params)


def _postgres_hits(terms: list[Term]) -> tuple[str, list[str]]:
    """(medication_id, weight, place) of every matching section and warning, from the search table (postgres_index.py)
    through its GIN index: each term as any of its alternatives (`||`), all terms in one row (`&&`).

    A phrase of the synonym table ("dry mouth") is searched as all its words in one section or warning, not as words
    side by side: plain words are answered by the index alone, where a phrase operator makes PostgreSQL recheck every
    candidate row against the word positions (which the table does not keep, to keep its rows small).

    The planner is kept from reading the whole table. For a common word it would rather scan the table than the index,
    and while the tables are small it always would. So the query goes in as a subquery (`@@ (SELECT tsquery)`: planned
    without looking at the words, which are then assumed rare), and text_page plans it with sequential scans off."""
    groups: list[str] = []
    params: list[str] = []
    for term in terms:
        alternatives = _without_stop_words(term.alternatives)
        groups.append("(" + " || ".join(["plainto_tsquery('english'::regconfig, %s)"] * len(alternatives)) + ")")
        params.extend(alternatives)
    sql = (
        "SELECT medication_id, weight, best AS place "
        f"FROM {postgres_index.TABLE} WHERE document @@ (SELECT {' && '.join(groups)})"
    )
    return sql, params


def _without_stop_words(alternatives: tuple[str, ...]) -> tuple[str, ...]:
    """The alternatives PostgreSQL can search as written (all of them if none can: a plain word the patient typed)."""
    kept = tuple(a for a in alternatives if not POSTGRES_STOP_WORDS & set(re.split(r"[^a-z0-9]+", a.casefold())))
    return kept or alternatives


def fts5_match(terms: list[Term]) -> str:
    """An FTS5 query: every term, each as any of its alternatives, each alternative a quoted phrase (so nothing typed
    is read as FTS5 syntax; the porter tokenizer stems the words inside)."""
    groups = []
    for term in terms:
        quoted = ['"' + alternative.replace('"', '""') + '"' for alternative in term.alternatives]
        groups.append("(" + " OR ".join(quoted) + ")")
    return " AND ".join(groups)


def _sqlite_hits(terms: list[Term]) -> tuple[str, tuple]:
    """(medication_id, weight, row_key) of every matching row: all of it read from the index's rowids."""
    sql = (
        f"SELECT rowid >> 32 AS medication_id, (rowid & 3) + 1 AS weight, rowid AS row_key "
        f"FROM {sqlite_index.TABLE} WHERE {sqlite_index.TABLE} MATCH %s"
    )
    return sql, (fts5_match(terms),)


# SQLite: the row_key of each leaflet's highest-weighted match, as a bare column beside MAX() (SQLite takes it from
# the row that has the maximum); the section it is in is looked up for the page's rows only (_sqlite_places).
_SQLITE_BEST = "MAX(h.weight) AS top, h.row_key AS place"


def _sqlite_places(page: str) -> str:
    """The page's rows, with the leaflet section of each one's best match in place of its row_key."""
    row_id = f"((p.place >> 2) & {(1 << sqlite_index.ROW_ID_BITS) - 1})"
    return (
        "SELECT p.id, p.slug, p.name, p.summary, p.score, COALESCE(s.kind, w.section), p.total "
        f"FROM ({page}) p "
        f"LEFT JOIN {LeafletSection._meta.db_table} s ON (p.place & 3) = 0 AND s.id = {row_id} "
        f"LEFT JOIN {ClinicalWarning._meta.db_table} w ON (p.place & 3) > 0 AND w.id = {row_id} "
        "ORDER BY p.score DESC, p.name, p.id"
    )
