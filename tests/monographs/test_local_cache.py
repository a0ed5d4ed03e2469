"""The per-process layer in front of the database and the shared cache: the remembered content version and the
local page LRU.

These are what make a 304 and a cached page cost no network round trip; the tests pin that they never serve a
page from another content version than the one the process knows, and that an edit saved elsewhere is picked up
within CONTENT_VERSION_LOCAL_TTL. Another app server is played by a second ContentVersion: its own memory of the
version, the same database.
"""

from unittest import mock

from django.core.cache import cache

from monographs.cache import ContentVersion, LocalPageCache, content_version, local_pages
from monographs.models import ContentState, Medication
from monographs.services.content import content_save
from tests.clock import FakeClock

URL = "/medicines/baclofen/"


def test_the_version_is_remembered_for_the_ttl_then_read_again(settings, db):
    settings.CONTENT_VERSION_LOCAL_TTL = 1.0
    clock = FakeClock()
    this_process = ContentVersion(clock=clock)
    mine = this_process.get()
    elsewhere = ContentVersion().bump()  # another app server saves an edit
    clock.now += 0.5
    assert this_process.get() == mine
    clock.now += 0.6
    assert this_process.get() == elsewhere


def test_the_process_that_saves_an_edit_sees_the_new_version_at_once(
    settings, shipped_content, django_capture_on_commit_callbacks
):
    settings.CONTENT_VERSION_LOCAL_TTL = 60.0
    before = content_version()
    section = Medication.objects.get(slug="baclofen").sections.get(kind="storage")
    section.body = "Keep it somewhere cool and dry."
    with django_capture_on_commit_callbacks(execute=True):
        content_save(obj=section, reason="Corrected storage advice")
        assert content_version() == before  # not before the commit: other requests would cache old pages under it
    after = content_version()
    assert after != before
    assert after == ContentState.objects.get().version
    assert ContentVersion().get() == after  # and so does any other process that reads it


def test_a_ttl_of_zero_asks_the_database_every_time(settings, db):
    settings.CONTENT_VERSION_LOCAL_TTL = 0
    content_version()
    elsewhere = ContentVersion().bump()
    assert content_version() == elsewhere


def test_a_304_and_a_cached_page_make_no_shared_cache_round_trip(client, shipped_content, django_assert_num_queries):
    first = client.get(URL)
    assert first.status_code == 200
    with (
        mock.patch.object(cache, "get", side_effect=AssertionError("shared cache read")),
        mock.patch.object(cache, "get_many", side_effect=AssertionError("shared cache read")),
        django_assert_num_queries(0),
    ):
        assert client.get(URL, headers={"if-none-match": first["ETag"]}).status_code == 304
        again = client.get(URL)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_page_cached_by_another_process_is_read_from_the_shared_cache_and_kept(
    client, shipped_content, django_assert_num_queries
):
    first = client.get(URL)
    local_pages.clear()  # as if this request had been served by another worker
    with django_assert_num_queries(0):  # not rendered again: the shared cache had it
        assert client.get(URL).content == first.content
    with mock.patch.object(cache, "get", side_effect=AssertionError("shared cache read")):
        assert client.get(URL).content == first.content  # and this process kept it


def test_an_edit_saved_by_another_process_is_served_once_the_ttl_has_passed(client, shipped_content, settings):
    settings.CONTENT_VERSION_LOCAL_TTL = 60.0
    old = client.get(URL)
    section = Medication.objects.get(slug="baclofen").sections.get(kind="storage")
    section.body = "Keep it somewhere cool and dry. Saved through another app server."
    # Saved through another app server: that process's transaction moves the version on; this one is not told.
    content_save(obj=section, reason="Corrected storage advice")

    # Within the TTL: the page (and the validator) this process already had.
    assert client.get(URL).content == old.content
    assert client.get(URL, headers={"if-none-match": old["ETag"]}).status_code == 304
    settings.CONTENT_VERSION_LOCAL_TTL = 0  # the TTL has passed
    fresh = client.get(URL, headers={"if-none-match": old["ETag"]})
    assert fresh.status_code == 200
    assert fresh["ETag"] != old["ETag"]
    assert "Saved through another app server." in fresh.content.decode()


def test_the_local_page_cache_keeps_the_most_recently_used_pages_within_its_byte_bound():
    pages = LocalPageCache(max_bytes=100)
    pages.set("a", (b"x" * 40, "text/html"))
    pages.set("b", (b"x" * 40, "text/html"))
    assert pages.get("a") is not None  # "a" is now the most recently used
    pages.set("c", (b"x" * 40, "text/html"))
    assert pages.get("b") is None
    assert pages.get("a") is not None and pages.get("c") is not None
    assert pages.size == 80
    pages.set("huge", (b"x" * 101, "text/html"))  # larger than the whole cache: not kept, nothing evicted
    assert pages.get("huge") is None and len(pages) == 2
    pages.set("a", (b"y" * 10, "text/html"))  # replacing an entry counts its new size only
    assert pages.size == 50


def test_rendered_cached_and_304_answers_carry_the_same_caching_headers(client, shipped_content):
    rendered = client.get(URL)
    cached = client.get(URL)
    not_modified = client.get(URL, headers={"if-none-match": rendered["ETag"]})
    assert not_modified.status_code == 304
    for name in ("ETag", "Cache-Control", "Vary"):
        assert rendered[name] == cached[name] == not_modified[name], name
    assert rendered["Cache-Control"] == "public, max-age=300, must-revalidate"
    assert rendered["Vary"] == "Cookie"
