"""Redis down or hung: every cache call is a miss or a dropped write, fast, and the public site and the editors carry
on from the database (portal/redis_cache.py). Redis is played by tests/portal/conftest.py's dead and hung ports."""

import threading
import time

import pytest
from django.core.cache import cache, caches
from django.test import Client
from redis.exceptions import RedisError

from monographs.models import Medication
from monographs.services import revisions as workflow
from monographs.services.content import content_save
from tests.admin_forms import pharmacist_client, review_step, save_in_draft
from tests.portal.conftest import closed_port, redis_cache_at

URL = "/medicines/baclofen/"
PUBLIC_URLS = ["/", "/medicines/", URL, "/conditions/", "/conditions/multiple-sclerosis/", "/search/?q=baclofen"]


def test_every_operation_on_a_dead_redis_is_a_miss_or_a_dropped_write(dead_redis):
    cache = caches["default"]
    start = time.monotonic()
    assert cache.get("page", "fallback") == "fallback"
    cache.set("page", b"html")
    assert cache.add("page", b"html") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
    assert cache.has_key("page") is False
    assert cache.touch("page") is False
    assert cache.delete("page") is False
    cache.delete_many(["a", "b"])
    assert cache.clear() is False
    assert cache.get_or_set("page", "rendered") == "rendered"
    assert time.monotonic() - start < 0.5


def test_a_hung_redis_costs_one_timeout_then_is_skipped_until_it_is_tried_again(hung_redis, settings):
    cache = caches["default"]
    start = time.monotonic()
    assert cache.get("page") is None
    assert 0.15 <= time.monotonic() - start < 1.0  # one socket timeout (0.2 s here), not 5 s and a 500
    start = time.monotonic()
    for _ in range(200):
        assert cache.get("page") is None
    assert time.monotonic() - start < 0.1  # skipped: no timeout paid per request
    cache.circuit.reset()  # as when CACHE_RETRY_AFTER has passed
    start = time.monotonic()
    assert cache.get("page") is None
    assert time.monotonic() - start >= 0.15  # tried again


def test_every_thread_of_a_process_learns_from_the_first_failure(dead_redis):
    main_thread_cache = caches["default"]
    main_thread_cache.get("page")
    seen = {}

    def other_thread():
        cache = caches["default"]  # Django gives each thread its own cache object
        seen["same object"] = cache is main_thread_cache
        seen["open"] = cache.circuit.is_open

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == {"same object": False, "open": True}


def test_ping_tells_the_truth_whatever_the_circuit_says(dead_redis):
    cache = caches["default"]
    cache.get("page")  # opens the circuit: get() no longer even tries
    with pytest.raises(RedisError):
        cache.ping()


def test_public_pages_are_served_from_the_database_while_redis_is_down(
    client, shipped_content, dead_redis, django_assert_num_queries
):
    for url in PUBLIC_URLS:
        assert client.get(url).status_code == 200, url
    # This process still keeps the pages it rendered: the next answer needs neither Redis nor the database.
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200


def test_a_hung_redis_slows_one_request_not_every_request(client, shipped_content, hung_redis):
    start = time.monotonic()
    for n in range(20):
        assert client.get(f"{URL}?n={n}").status_code == 200
        assert client.get("/search/?q=baclofen").status_code == 200
    assert time.monotonic() - start < 4  # 40 requests: well under one 0.2 s timeout each


def test_a_pharmacist_saving_while_redis_is_down_gets_the_normal_answer_and_readers_the_edit(
    shipped_content, dead_redis, django_capture_on_commit_callbacks
):
    patient = Client()
    assert "A corrected storage sentence." not in patient.get(URL).content.decode()
    (author, _), (reviewer, _) = pharmacist_client("Anna"), pharmacist_client("Ben")
    medication = Medication.objects.get(slug="baclofen")
    # Each step answers as it does with Redis up (save_in_draft and review_step check the answers): not a 500.
    save_in_draft(author, medication, "section", "storage", body="A corrected storage sentence.", reason="Correction")
    review_step(author, medication, "submit", reason="Correction")
    with django_capture_on_commit_callbacks(execute=True):
        review_step(reviewer, medication, "approve", comment="Checked")
    assert workflow.open_revision(medication) is None  # approved and published
    assert "A corrected storage sentence." in patient.get(URL).content.decode()


def test_an_edit_saved_while_redis_was_down_reaches_readers_when_it_comes_back_with_its_old_data(
    client, shipped_content, settings, django_capture_on_commit_callbacks
):
    settings.CONTENT_VERSION_LOCAL_TTL = 0  # the reader is another app server: it reads the version on each request
    old = client.get(URL)  # kept in the shared cache (local memory here, standing in for Redis)
    working = settings.CACHES
    settings.CACHES = redis_cache_at(closed_port())  # Redis goes down
    section = Medication.objects.get(slug="baclofen").sections.get(kind="storage")
    section.body = "Keep it somewhere cool and dry. Saved while Redis was down."
    with django_capture_on_commit_callbacks(execute=True):
        content_save(obj=section, reason="Correction during the outage")
    settings.CACHES = working  # Redis is back with what it held: the old page, under the old version
    assert cache.get(f"page:{old['ETag']}") is not None
    fresh = client.get(URL, headers={"if-none-match": old["ETag"]})
    assert fresh.status_code == 200
    assert "Saved while Redis was down." in fresh.content.decode()
