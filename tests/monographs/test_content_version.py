"""The content version lives in the database and changes in the transaction of each content write, so nothing that
happens to the cache can lose an edit; and what the process does when the database itself cannot be read."""

import logging
import threading
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, transaction

from monographs.cache import ContentVersion, forget_local_state
from monographs.models import ContentState, LeafletRender, Medication
from monographs.services.content import content_save
from tests.clock import FakeClock

pytestmark = pytest.mark.django_db

URL = "/medicines/baclofen/"


def storage_section(body: str):
    section = Medication.objects.get(slug="baclofen").sections.get(kind="storage")
    section.body = body
    return section


def test_the_version_survives_the_cache_being_emptied(client, shipped_content):
    first = client.get(URL)
    cache.clear()  # Redis restarted empty
    forget_local_state()  # and every app server restarted
    again = client.get(URL, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304  # the same version: a reader's copy is still known current


def test_the_version_changes_with_the_content_in_one_transaction(shipped_content):
    before = ContentState.objects.get().version
    with pytest.raises(RuntimeError), transaction.atomic():
        content_save(obj=storage_section("Keep it cool. Never committed."), reason="test edit")
        assert ContentState.objects.get().version != before
        raise RuntimeError("the save fails later in the same transaction")
    assert ContentState.objects.get().version == before  # rolled back with the content it would have named


def test_a_render_that_fails_after_the_commit_is_logged_and_readers_still_get_the_edit(
    client, shipped_content, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    client.get(URL)

    def broken_render(medication_ids):
        raise OperationalError("the database went away after the commit")

    monkeypatch.setattr("monographs.services.leaflets.render_leaflets_html", broken_render)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        content_save(obj=storage_section("Keep it cool. Saved before the render failed."), reason="test edit")
    assert "refresh_after_commit" in caplog.text  # logged, not raised to the editor whose save committed
    assert not LeafletRender.objects.get(medication__slug="baclofen").is_current  # left due
    assert "Saved before the render failed." in client.get(URL).content.decode()  # assembled for the reader


def test_a_database_that_cannot_be_read_keeps_the_known_version_and_logs_one_line(db, caplog):
    clock = FakeClock()
    versions = ContentVersion(clock=clock)
    known = versions.get()
    with (
        mock.patch.object(ContentState.objects, "filter", side_effect=OperationalError("no answer")),
        caplog.at_level(logging.WARNING, logger="monographs.circuit"),
    ):
        for _ in range(5):
            clock.now += 61  # past the TTL every time: asked again, and it fails again
            assert versions.get() == known  # cached pages are still served under it
    clock.now += 61
    with caplog.at_level(logging.WARNING, logger="monographs.circuit"):
        assert versions.get() == known
    lines = [record.getMessage() for record in caplog.records if record.name == "monographs.circuit"]
    assert len(lines) == 2
    assert "failed (OperationalError: no answer)" in lines[0]
    assert "is back" in lines[1]


def test_a_process_that_knows_no_version_yet_fails_when_the_database_cannot_be_read(db):
    with (
        mock.patch.object(ContentState.objects, "filter", side_effect=OperationalError("no answer")),
        pytest.raises(OperationalError),
    ):
        ContentVersion().get()


def test_one_thread_reads_the_version_again_while_the_others_serve_the_one_they_know(db):
    clock = FakeClock()
    versions = ContentVersion(clock=clock)
    known = versions.get()
    clock.now += 61
    reading, answer = threading.Event(), threading.Event()

    def slow_database():
        reading.set()
        answer.wait(5)
        return "newer"

    query = mock.MagicMock()
    query.values_list.return_value.first.side_effect = slow_database
    with mock.patch.object(ContentState.objects, "filter", return_value=query):
        reader = threading.Thread(target=versions.get)
        reader.start()
        assert reading.wait(5)
        assert versions.get() == known  # not queued behind the slow read
        answer.set()
        reader.join(5)
    assert versions.get() == "newer"
