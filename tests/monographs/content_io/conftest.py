"""The content_io tests' database fixtures: each module runs in a transaction around an empty database."""

import pytest
from django.db import transaction

from monographs.content_io import DEFAULT_CONTENT_DIR, load_tree
from tests.monographs.content_io.helpers import delete_all_content


@pytest.fixture(scope="module", autouse=True)
def _empty_database(django_db_setup, django_db_blocker):
    """The session starts with the shipped content loaded; these tests load their own trees into nothing. Deleting it
    (a history row per row) takes seconds, so it is done once, in a transaction around the whole module that is rolled
    back at its end; each test runs in its own savepoint inside it and is rolled back to the empty database."""
    module = transaction.atomic()
    with django_db_blocker.unblock():
        module.__enter__()
        delete_all_content()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module.__exit__(None, None, None)


@pytest.fixture(scope="class")
def shipped_load(_empty_database, django_db_blocker):
    """The shipped files loaded once into the empty database for a class's tests (a full load takes seconds), in a
    savepoint rolled back after them. Returns the load's report."""
    savepoint = transaction.atomic()
    with django_db_blocker.unblock():
        savepoint.__enter__()
        report = load_tree(DEFAULT_CONTENT_DIR)
    yield report
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        savepoint.__exit__(None, None, None)
