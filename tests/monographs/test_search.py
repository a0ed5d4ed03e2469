"""Search: by name, brand name, condition and leaflet text; typos tolerated; exact names first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monographs.search import postgres_index, search
from monographs.services.content import content_save
from tests.factories import make_medication
from tests.monographs.test_leaflet_views import DIRECTORY_QUERIES

pytestmark = pytest.mark.django_db


def slugs(results) -> list[str]:
    return [hit.medication.slug for hit in results.medications]


@pytest.mark.parametrize(
    "query",
    ["baclofen", "Baclofen", "BACLOFEN 10 mg", "Lioresal", "lioresal", "Ozobax", "Lyvispah", "baclofen tablets"],
)
def test_name_or_brand_name_finds_the_medication_first(shipped_content, query):
    assert slugs(search(query))[:1] == ["baclofen"]


@pytest.mark.parametrize("query", ["baclofn", "bacloffen", "baklofen", "Lioresall", "Liorsal"])
def test_a_typo_still_finds_the_medication_and_suggests_the_name(shipped_content, query):
    results = search(query)
    assert slugs(results)[:1] == ["baclofen"]
    assert results.suggestion


def test_a_misspelt_or_cut_short_brand_finds_the_medication(shipped_content):
    assert slugs(search("Lyvispa"))[:1] == ["baclofen"]
    assert slugs(search("Lyvispha"))[:1] == ["baclofen"]


@pytest.mark.parametrize("query", ["multiple sclerosis", "MS", "spinal cord injury"])
def test_a_condition_finds_the_medications_used_for_it(shipped_content, query):
    results = search(query)
    assert "baclofen" in slugs(results)
    assert results.conditions


def test_leaflet_text_is_searched(shipped_content):
    assert "baclofen" in slugs(search("sleepy"))
    assert "baclofen" in slugs(search("Drowsiness"))


def test_nothing_matching_gives_no_results_and_no_error(shipped_content):
    results = search("zzqqxx")
    assert results.medications == [] and results.conditions == []


def test_catalogue_medications_without_a_leaflet_are_not_results(shipped_content):
    assert "morphine" not in slugs(search("morphine"))  # a catalogue entry (oxycodone now has a leaflet)


def test_unpublished_medications_are_never_results(db):
    make_medication(name="Secretol", slug="secretol", status="draft", sections=2)
    assert slugs(search("Secretol")) == []


def test_exact_name_ranks_above_partial_and_text_matches(db):
    make_medication(name="Zorb", slug="zorb", sections=1)
    make_medication(name="Zorbamine", slug="zorbamine", sections=1)
    assert slugs(search("zorb"))[0] == "zorb"
    assert slugs(search("zorbamine"))[0] == "zorbamine"


def test_exact_brand_ranks_above_a_medication_that_only_mentions_it(db):
    other = make_medication(name="Othermed", slug="othermed", sections=1)
    section = other.sections.first()
    section.body = "Do not confuse this with Brandix."
    content_save(obj=section, reason="test edit")
    make_medication(name="Genericol", slug="genericol", brands=["Brandix"], sections=1)
    assert slugs(search("Brandix"))[0] == "genericol"


def test_leaflet_text_is_ranked_by_where_it_says_it(db):
    """A section scores 1, a warning 2, a side effect 3 (make_medication: warning 0 is a side effect, 2 a warning
    shown under 'Who can and cannot take it', 3 one under 'Pregnancy'); ties by name; each links to its best place."""

    def mention(medication, *, sections=(), warnings=()):
        for section in medication.sections.filter(kind__in=sections):
            section.body += " It can make you glimmish."
            content_save(obj=section, reason="test edit")
        for warning in medication.warnings.filter(key__in=[f"warning-{i}" for i in warnings]):
            warning.patient_text += " It can make you glimmish."
            content_save(obj=warning, reason="test edit")

    most, second, third, never = (
        make_medication(name=name, slug=name.lower(), sections=3, warnings=4) for name in ("Cee", "Bee", "Dee", "Aye")
    )
    mention(most, sections=["what_for"], warnings=[0, 2])  # 1 + 3 + 2
    mention(second, sections=["how_it_works"], warnings=[3])  # 1 + 2
    mention(third, warnings=[0])  # 3
    results = search("glimmish")
    assert [(hit.medication.slug, hit.score, hit.anchor) for hit in results.medications] == [
        ("cee", 6, "side-effects"),
        ("bee", 3, "pregnancy"),
        ("dee", 3, "side-effects"),
    ]
    assert results.count_sentence == "3 leaflets mention glimmish."
    assert never.slug not in slugs(results)


# One query for a search: the page of leaflet text and its count. After a content change, each process first reads
# the content version (monographs/cache.py) and builds its directory of names (search/directory.py), once.
SEARCH_QUERIES = 1


@pytest.mark.parametrize("count", [1, 30])
def test_search_takes_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    for i in range(count):
        make_medication(name=f"Medicine{i}x", slug=f"med-{i}x", sections=2, uses=1, brands=[f"Brand{i}x"])
    with django_assert_num_queries(1 + DIRECTORY_QUERIES + SEARCH_QUERIES):
        response = client.get("/search/?q=Medicine1x")
    assert response.status_code == 200
    with django_assert_num_queries(SEARCH_QUERIES):  # another search, the directory in memory
        response = client.get("/search/?q=Brand0x")
    assert "Medicine0x" in response.content.decode()


def test_search_page_shows_the_suggestion_and_escapes_the_query(client, shipped_content):
    html = client.get("/search/?q=<script>baclofn").content.decode()
    assert "<script>baclofn" not in html
    assert "&lt;script&gt;baclofn" in html


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (pg_trgm, full-text search)")
class TestPostgresSearch:
    def test_pg_trgm_extension_is_installed_by_migration(self, db):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            assert cursor.fetchone() is not None

    def test_full_text_search_matches_word_forms(self, shipped_content):
        # "stopping" in the query, "stop" in the text: the English stemmer joins them.
        assert "baclofen" in slugs(search("stopping suddenly"))

    def test_leaflet_text_is_searched_through_its_full_text_index(self, shipped_content):
        """The search matches the search table's GIN index (migration 0008), not the text (forced here: with a few
        dozen rows it would rightly prefer a sequential scan)."""
        with CaptureQueriesContext(connection) as queries:
            search("stopping suddenly")
        [sql] = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
        # The statement itself, without the planner setting text.py wraps it in (the test sets its own below).
        sql = sql.removeprefix("SET LOCAL enable_seqscan = off; ").removesuffix("; SET LOCAL enable_seqscan TO DEFAULT")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            # With a dozen published leaflets the planner would rather start from the medications and filter each
            # one's rows: rule that out too, so the plan shows whether the text condition can use the index.
            cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert postgres_index.INDEX in plan, plan
