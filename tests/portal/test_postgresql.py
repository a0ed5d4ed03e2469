"""PostgreSQL that hangs must not hold every worker: timeouts on the server, and on the client a deadline on every
answer and a circuit on connecting (portal/postgresql/base.py)."""

import json
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from django.db.utils import ConnectionHandler

from portal.postgresql import base as postgresql
from tests.portal.test_guards import PRODUCTION_ENV, ROOT


@pytest.fixture(autouse=True)
def _closed_circuit():
    postgresql.circuit.reset()
    yield
    postgresql.circuit.reset()


def test_a_postgresql_url_gets_the_portal_backend_with_connect_and_statement_timeouts():
    url = "postgres://portal@db.example.org:5432/portal?options=-c%20search_path%3Dportal"
    script = (
        "import json; from django.conf import settings; d = settings.DATABASES['default']; "
        "print(json.dumps([d['ENGINE'], d['OPTIONS'], settings.DATABASE_ANSWER_DEADLINE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=PRODUCTION_ENV | {"DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    engine, options, deadline = json.loads(result.stdout)
    assert engine == "portal.postgresql"
    assert options["connect_timeout"] == 2
    assert options["keepalives"] == 1 and options["keepalives_idle"] == 30
    assert options["options"] == "-c statement_timeout=5000 -c search_path=portal"  # the URL's own options kept
    assert deadline == 6  # a second after the server's own statement timeout


def test_a_server_that_accepts_connections_but_never_answers_is_given_up_on_then_not_waited_for(django_db_blocker):
    with socket.socket() as hung, django_db_blocker.unblock():
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)  # the kernel completes the handshake; nothing ever answers
        hung_database = {"ENGINE": "portal.postgresql", "NAME": "portal", "USER": "postgres", "HOST": "127.0.0.1"}
        hung_database |= {"PORT": hung.getsockname()[1], "OPTIONS": {"connect_timeout": 2}}
        start = time.monotonic()
        with pytest.raises(OperationalError):
            ConnectionHandler({"default": hung_database})["default"].ensure_connection()
        assert 1.5 < time.monotonic() - start < 4  # connect_timeout (PostgreSQL's clients count at least 2 s)
        assert postgresql.circuit.is_open
        start = time.monotonic()
        with pytest.raises(OperationalError, match="not trying again yet"):
            ConnectionHandler({"default": hung_database})["default"].ensure_connection()
        assert time.monotonic() - start < 0.1  # refused at once while the circuit is open


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_postgresql_sessions_carry_the_statement_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("5s",)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_statement_the_server_does_not_answer_in_time_is_given_up_on_at_the_deadline(db, settings):
    settings.DATABASE_ANSWER_DEADLINE = 0.5
    outcome = {}

    def on_a_connection_of_its_own():  # the one closed must not be the test's own transaction
        own = connections["default"]
        try:
            with own.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")  # as if the server never even saw the statement
                start = time.monotonic()
                try:
                    cursor.execute("SELECT pg_sleep(3)")
                except OperationalError as error:
                    outcome.update(error=str(error), after=time.monotonic() - start)
        finally:
            own.close()

    thread = threading.Thread(target=on_a_connection_of_its_own)
    thread.start()
    thread.join(10)
    assert outcome["error"] == "PostgreSQL did not answer within 0.5 s"
    assert 0.4 < outcome["after"] < 1.5
    assert postgresql.circuit.is_open
