"""/healthz/ tells a load balancer the truth about each dependency, always within a second, over plain HTTP.

503 when the database does not answer (refused, or no answer in time); 200 "degraded" when only the cache does not
(the site still serves from the database, and every app server shares the one Redis).
"""

import subprocess
import sys
import threading
import time

import pytest
from django.db import DatabaseError

from portal import health
from tests.portal.test_guards import PRODUCTION_ENV, ROOT

pytestmark = pytest.mark.django_db


def healthz(client):
    start = time.monotonic()
    response = client.get("/healthz/")
    return response, time.monotonic() - start


@pytest.fixture
def database_check(monkeypatch):
    """Replace what the database probe runs, keeping the real cache probe."""

    def replace(check):
        monkeypatch.setattr(health, "PROBES", (health.Probe("database", check), health.PROBES[1]))

    return replace


def test_healthz_is_200_ok_when_the_database_and_the_cache_answer(client):
    response, took = healthz(client)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert took < 1


def test_healthz_is_200_degraded_when_the_cache_is_down(client, dead_redis):
    response, took = healthz(client)
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}
    assert took < 1


def test_healthz_is_200_degraded_within_a_second_when_the_cache_hangs(client, hung_redis):
    for _ in range(3):
        response, took = healthz(client)
        assert response.status_code == 200
        assert response.json()["status"] == "degraded"
        assert response.json()["cache"] in {"down", "timeout"}
        assert took < 1


def test_healthz_is_503_when_the_database_refuses(client, database_check):
    def refused():
        raise DatabaseError("connection refused")

    database_check(refused)
    response, took = healthz(client)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "down", "cache": "ok"}


def test_healthz_is_503_within_a_second_when_the_database_hangs_and_holds_one_thread(client, database_check):
    release = threading.Event()
    probes_started = []

    def hangs():
        probes_started.append(time.monotonic())
        release.wait(10)

    database_check(hangs)
    try:
        for _ in range(3):
            response, took = healthz(client)
            assert response.status_code == 503
            assert response.json() == {"status": "error", "database": "timeout", "cache": "ok"}
            assert took < 1
        assert len(probes_started) == 1  # the later requests waited on the same hung probe
    finally:
        release.set()


def test_healthz_over_plain_http_is_answered_not_redirected_under_production_settings():
    script = (
        "import django; django.setup(); from django.test import Client; "
        "c = Client(HTTP_HOST='medicines.example.org'); home = c.get('/'); "
        "print(c.get('/healthz/').status_code, home.status_code, home['Location'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=PRODUCTION_ENV, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["200", "301", "https://medicines.example.org/"], result.stderr
