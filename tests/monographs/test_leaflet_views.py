"""The public pages: status codes, validators, caching, visibility, and a fixed number of queries."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from monographs.leaflet import render_leaflet_html
from monographs.models import LeafletRender, Medication, SectionKind
from monographs.services.content import content_save
from tests.factories import make_medication

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/medicines/",
    "/medicines/baclofen/",
    "/conditions/",
    "/conditions/multiple-sclerosis/",
    "/search/?q=baclofen",
    "/search/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_is_200_with_one_h1_and_validators(client, shipped_content, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert response["ETag"]
    assert "public" in response["Cache-Control"]
    assert "max-age" in response["Cache-Control"]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_conditional_request_with_matching_etag_is_304_without_queries(
    client, shipped_content, url, django_assert_num_queries
):
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_public_get_only_reads(client, shipped_content, url):
    """Render on write: whatever the state of the stored leaflet, reading a page never writes content. (A signed-in
    reader's session is still refreshed on each request: that is the sign-in, not the page.)"""
    LeafletRender.objects.update(revision=F("revision") + 1)  # every render due, as just after a write
    for reader in ("anonymous", "pharmacist"):
        if reader == "pharmacist":
            client.force_login(User.objects.create_user("previewer", is_staff=True))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url + ("&" if "?" in url else "?") + f"as={reader}").status_code == 200
        writes = [
            query["sql"]
            for query in queries
            # (A UNION on PostgreSQL is written "(SELECT …) UNION ALL (SELECT …)", and search sets a planner option for
            # its own statement with SET LOCAL: both still only read.)
            if not query["sql"].lstrip("( \n").upper().startswith(("SELECT", "SAVEPOINT", "RELEASE", "SET LOCAL"))
            and (reader == "anonymous" or "django_session" not in query["sql"])
        ]
        assert not writes


@pytest.mark.parametrize(
    "url",
    [
        "/medicines/no-such-medicine/",
        "/medicines/morphine/",  # a catalogue entry: no leaflet of its own
        "/conditions/no-such-condition/",
        "/conditions/porphyria/",  # a condition medicines warn about, not one any medicine is used for
    ],
)
def test_unknown_or_leafletless_pages_are_404(client, shipped_content, url):
    assert client.get(url).status_code == 404


def test_a_content_edit_changes_the_etag_and_the_cached_page_at_once(
    client, shipped_content, django_capture_on_commit_callbacks
):
    url = "/medicines/baclofen/"
    first = client.get(url)
    section = Medication.objects.get(slug="baclofen").sections.get(kind="storage")
    section.body = "Keep it somewhere cool and dry. A corrected sentence."
    with django_capture_on_commit_callbacks(execute=True):
        content_save(obj=section, reason="test edit")
    second = client.get(url, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "A corrected sentence." in second.content.decode()


def test_repeat_request_is_served_from_the_cache_without_queries(client, shipped_content, django_assert_num_queries):
    client.get("/medicines/baclofen/")
    with django_assert_num_queries(0):
        response = client.get("/medicines/baclofen/")
    assert response.status_code == 200
    assert "Baclofen" in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "in_review", "retired"])
def test_unpublished_medication_is_404_for_patients(client, status):
    medication = make_medication(status=status, sections=3)
    assert client.get(medication.get_absolute_url()).status_code == 404
    assert medication.name not in client.get("/medicines/").content.decode()


def test_unpublished_medication_is_previewable_by_pharmacists(client):
    medication = make_medication(status="draft", sections=3)
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_medication"))
    client.force_login(editor)
    response = client.get(medication.get_absolute_url())
    assert response.status_code == 200
    assert "Preview" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_leaflet_shows_review_dates_sources_and_get_help_box(client, shipped_content):
    html = client.get("/medicines/baclofen/").content.decode()
    assert "Last reviewed" in html and "Next review due" in html
    assert 'id="sources"' in html and "dailymed.nlm.nih.gov" in html
    assert "Get help now" in html
    for kind in SectionKind.values:
        assert f'id="{kind.replace("_", "-")}"' in html, kind


def test_overdue_review_is_announced_but_page_stays_visible(client):
    medication = make_medication(
        last_reviewed=datetime.date(2020, 1, 1), next_review_due=datetime.date(2021, 1, 1), sections=2
    )
    response = client.get(medication.get_absolute_url())
    assert response.status_code == 200
    assert "overdue for its review" in response.content.decode()


def test_brand_names_are_listed_in_the_a_to_z_and_link_to_their_medication(client, shipped_content):
    html = client.get("/medicines/?letter=l").content.decode()  # one letter per page
    assert "Lioresal (brand name): see" in html
    assert 'href="/medicines/baclofen/"' in html


def test_condition_page_lists_the_medicines_used_for_it(client, shipped_content):
    html = client.get("/conditions/multiple-sclerosis/").content.decode()
    assert 'href="/medicines/baclofen/"' in html
    assert "Licensed" in html


def test_public_pages_refuse_post(client, shipped_content):
    assert client.post("/medicines/baclofen/").status_code == 405


# --- Query counts: fixed whatever the amount of content -------------------------------------------------------------

# Rendering a leaflet (after each write that changes it): the row and its prefetches.
LEAFLET_FIRST_RENDER_QUERIES = 10
# Every later render (until the next content change): the row, with its stored leaflet.
LEAFLET_STORED_QUERIES = 1
# The directory of every name (monographs/search/directory.py), read once per content version by each process for
# the search, the A to Z and a leaflet's links to the leaflets of what it interacts with: by the first such request
# after a content change.
DIRECTORY_QUERIES = 8
# A process's first public request reads the content version (monographs/cache.py), then remembers it for a while.
CONTENT_VERSION_READ = 1


@pytest.mark.parametrize("warnings", [1, 50, 200])
def test_leaflet_renders_with_a_fixed_number_of_queries(client, django_assert_num_queries, warnings):
    medication = make_medication(sections=12, warnings=warnings, uses=5, brands=["Brandone", "Brandtwo"])
    # Rendered once, on write (the factory saves through the services and renders as after a commit).
    with django_assert_num_queries(LEAFLET_FIRST_RENDER_QUERIES):
        html = render_leaflet_html(medication.pk)
    assert html.count("Patient text") == warnings
    # A GET reads the stored leaflet: one query (after the content version), and never a write.
    with django_assert_num_queries(CONTENT_VERSION_READ + LEAFLET_STORED_QUERIES + DIRECTORY_QUERIES):
        response = client.get(medication.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Patient text") == warnings
    # A leaflet whose render is due (its write committed a moment ago) is assembled for that request, not stored.
    LeafletRender.objects.filter(medication=medication).update(revision=F("revision") + 1)
    with django_assert_num_queries(LEAFLET_STORED_QUERIES + LEAFLET_FIRST_RENDER_QUERIES):
        due = client.get(medication.get_absolute_url() + "?while=due")
    assert due.content.decode().count("Patient text") == warnings
    assert not LeafletRender.objects.get(medication=medication).is_current


def test_a_content_change_re_renders_the_stored_leaflet(client, django_capture_on_commit_callbacks):
    medication = make_medication(sections=12, warnings=3)
    client.get(medication.get_absolute_url())
    warning = medication.warnings.first()
    warning.patient_text = "A corrected warning."
    with django_capture_on_commit_callbacks(execute=True):
        content_save(obj=warning, reason="test edit")
    assert "A corrected warning." in client.get(medication.get_absolute_url() + "?after=edit").content.decode()


def test_a_transaction_of_many_writes_renders_and_purges_once(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    medication = make_medication(sections=12, warnings=4, uses=1)
    etag = client.get(medication.get_absolute_url())["ETag"]
    with django_capture_on_commit_callbacks() as callbacks:
        for warning in medication.warnings.all():
            warning.patient_text = f"Corrected {warning.key}."
            content_save(obj=warning, reason="test edit")
    assert len(callbacks) == 4
    # The first callback renders the leaflet (its row and prefetches) and stores it; the other three do nothing.
    with django_assert_num_queries(1 + LEAFLET_FIRST_RENDER_QUERIES + 1):
        for callback in callbacks:
            callback()
    page = client.get(medication.get_absolute_url(), headers={"if-none-match": etag})
    assert page.status_code == 200 and "Corrected warning-3." in page.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_list_pages_render_with_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    for _ in range(count):
        make_medication(sections=2, uses=2, brands=[])
    # The home page's letters and the A to Z come from the directory (built by the first), the conditions from a query.
    for url, queries in (("/", CONTENT_VERSION_READ + DIRECTORY_QUERIES + 1), ("/medicines/", 0), ("/conditions/", 1)):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_unknown_query_parameters_are_served_but_never_fill_the_page_cache(
    client, shipped_content, django_assert_num_queries
):
    client.get("/medicines/baclofen/")
    with django_assert_num_queries(0):  # the canonical address is cached
        assert client.get("/medicines/baclofen/").status_code == 200
    for _ in range(2):
        # Asked twice, and both times the view runs: the stray address was served but never stored.
        with django_assert_num_queries(LEAFLET_STORED_QUERIES):
            assert client.get("/medicines/baclofen/?utm_source=mail").status_code == 200
