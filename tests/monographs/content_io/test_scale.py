"""The loader at scale: a reload of unchanged files writes nothing, and its queries do not grow with the number of
leaflets (bench.loader times the same at a thousand)."""

import pytest
from django.db import connection

from bench.corpus import generate
from monographs.content_io import load_tree
from monographs.models import LeafletSection, Medication


def _statements(action) -> list[str]:
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    return statements


def _writes(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


@pytest.mark.django_db
def test_reloading_unchanged_files_writes_nothing_in_queries_that_do_not_grow_with_the_leaflets(
    tmp_path, django_capture_on_commit_callbacks
):
    counts = {}
    for leaflets in (13, 40):
        root = tmp_path / str(leaflets)
        generate(root, leaflets)
        with django_capture_on_commit_callbacks(execute=True):  # the renders after the commit: all current
            load_tree(root)
        assert Medication.objects.with_leaflet().count() == leaflets
        reload = _statements(lambda root=root: load_tree(root))
        assert _writes(reload) == []
        counts[leaflets] = len(reload)
    assert counts[40] == counts[13]


@pytest.mark.django_db
def test_a_load_writes_each_model_in_a_few_statements_whatever_the_number_of_leaflets(tmp_path):
    generate(tmp_path / "few", 13)
    few = len(_writes(_statements(lambda: load_tree(tmp_path / "few"))))
    LeafletSection.objects.all().delete()  # every section written again by the next load
    generate(tmp_path / "many", 40)
    many = _writes(_statements(lambda: load_tree(tmp_path / "many")))
    # Bulk writes grow with the rows (batches of SQLite's parameter limit), not one statement per row.
    assert len(many) < 3 * few
