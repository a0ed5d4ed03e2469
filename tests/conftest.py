"""Shared fixtures: the shipped content, named users for each role, and the CI rule that nothing is skipped."""

import os

import pytest
from django.core.cache import cache

from monographs.cache import forget_local_state
from monographs.content_io import DEFAULT_CONTENT_DIR, load_tree
from monographs.models import Medication
from tests.users import make_user


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    forget_local_state()
    yield
    cache.clear()
    forget_local_state()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the shipped content, loaded once for the session (each test's changes are
    rolled back). Tests that need an empty database delete it inside their own transaction."""
    with django_db_blocker.unblock():
        load_tree(DEFAULT_CONTENT_DIR)
    yield
    # Django keeps one connection per thread *and context* (asgiref's Local). Playwright's sync API runs the browser
    # tests' page calls in greenlets, so the test thread opens connections in contexts that close_all() at the end
    # never sees; on PostgreSQL they would stop the test database from being dropped. End them here.
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def shipped_content(db):
    """The content shipped in monographs/content/, as loaded at the start of the session (loaded again if a
    transactional test has flushed the database since)."""
    if not Medication.objects.filter(slug="baclofen").exists():
        load_tree(DEFAULT_CONTENT_DIR)


# --- CI: a skipped test is a failed run ----------------------------------------------------------------------------

_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("FAIL_ON_SKIP") == "1" and _skipped and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if os.environ.get("FAIL_ON_SKIP") == "1" and _skipped:
        terminalreporter.write_line(
            f"FAIL_ON_SKIP=1 and {len(_skipped)} test(s) were skipped: " + ", ".join(_skipped[:10]), red=True
        )


# --- Named users (the permission matrix): one way to make each, tests/users.py ---------------------------------------


@pytest.fixture
def clinician(db):
    return make_user("clinician")


@pytest.fixture
def pharmacist(db):
    return make_user("pharmacist")


@pytest.fixture
def superuser(db):
    return make_user("superuser")
