"""The full-text index stays in step with the content, however it is written: an edit through the services, a reload
of the content files, bulk writes, a cascade delete. On SQLite it is the FTS5 table of migration 0007, kept by
triggers; on PostgreSQL the GIN indexes of migration 0002, which index the tables' own columns."""

import importlib
import shutil

import pytest
from django.db import connection

from monographs.content_io import DEFAULT_CONTENT_DIR, load_tree
from monographs.models import ClinicalWarning, LeafletSection, Medication
from monographs.search import search, sqlite_index
from monographs.services.content import content_delete, content_save
from tests.corpus import clone_leaflets, rare_word

pytestmark = pytest.mark.django_db


def found(word: str) -> set[str]:
    return {hit.medication.slug for hit in search(word).medications}


def indexed_rowids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {sqlite_index.TABLE}")
        return {rowid for (rowid,) in cursor.fetchall()}


def expected_rowids() -> set[int]:
    """What the index must hold, worked out here from the rows: every section, and every warning with patient text,
    packed as sqlite_index.py describes (medication << 32 | row << 2 | place)."""
    rows = {m << 32 | pk << 2 for pk, m in LeafletSection.objects.values_list("pk", "medication_id")}
    for pk, medication_id, kind in ClinicalWarning.objects.exclude(patient_text="").values_list(
        "pk", "medication_id", "type"
    ):
        rows.add(medication_id << 32 | pk << 2 | (2 if kind == "undesirable_effect" else 1))
    return rows


def assert_index_matches_the_tables():
    if connection.vendor == "sqlite":  # PostgreSQL's indexes are on the columns themselves: nothing to drift
        assert indexed_rowids() == expected_rowids()


def test_the_index_exists_only_where_the_engine_needs_it(db):
    tables = connection.introspection.table_names()
    if connection.vendor == "sqlite":
        assert sqlite_index.missing_objects(connection) == []
    else:
        assert sqlite_index.TABLE not in tables
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_fts'")
            assert {name for (name,) in cursor.fetchall()} == {"section_body_fts", "warning_text_fts"}
        assert sqlite_index.ensure_index(connection) is False  # the post-migrate check does nothing here


def test_the_app_and_the_migration_define_the_same_index():
    """The migration keeps a frozen copy of the SQL (migrations import no app code); the copy the app uses to put
    triggers back after a table remake must be the same."""
    migration = importlib.import_module("monographs.migrations.0007_sqlite_search_index")

    def normal(sql: str) -> str:
        return " ".join(sql.replace("IF NOT EXISTS ", "").split())

    app = [sqlite_index.CREATE_TABLE, *(sqlite_index.create_trigger_sql(name) for name in sqlite_index.TRIGGERS)]
    assert [normal(sql) for sql in migration.CREATE[: len(app)]] == [normal(sql) for sql in app]
    rebuild = sqlite_index.rebuild_sql()[1:]
    assert [normal(sql) for sql in migration.CREATE[len(app) :]] == [normal(sql) for sql in rebuild]


def test_a_section_edit_is_searched_at_once_and_the_old_words_are_forgotten(shipped_content):
    assert found("zanzibarish") == set()
    section = Medication.objects.get(slug="baclofen").sections.get(kind="storage")
    section.body = "Keep it somewhere zanzibarish and dry."
    content_save(obj=section, reason="test edit")
    assert found("zanzibarish") == {"baclofen"}
    section.body = "Keep it somewhere quillowish and dry."
    content_save(obj=section, reason="test edit")
    assert found("zanzibarish") == set()
    assert found("quillowish") == {"baclofen"}
    assert_index_matches_the_tables()


def test_warnings_are_searched_only_while_patients_can_read_them(shipped_content):
    warning = (
        ClinicalWarning.objects.filter(medication__slug="baclofen", trigger_kind="none")
        .exclude(patient_text="")
        .first()
    )
    warning.patient_text = "You may feel plinthous."
    content_save(obj=warning, reason="test edit")
    assert found("plinthous") == {"baclofen"}
    warning.patient_text = ""  # not shown on the leaflet, so not searched either
    content_save(obj=warning, reason="test edit")
    assert found("plinthous") == set()
    warning.patient_text = "You may feel plinthous again."
    content_save(obj=warning, reason="test edit")
    assert found("plinthous") == {"baclofen"}
    content_delete(obj=warning, reason="test delete")
    assert found("plinthous") == set()
    assert_index_matches_the_tables()


def test_a_reload_of_the_content_files_is_searched(shipped_content, tmp_path):
    tree = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, tree)
    path = tree / "medications" / "tizanidine.toml"
    text = path.read_text()
    marker = 'kind = "storage"\nbody = """'
    assert marker in text
    path.write_text(text.replace(marker, marker + "Keep it somewhere brindlewise. ", 1))
    load_tree(tree)
    assert found("brindlewise") == {"tizanidine"}
    assert_index_matches_the_tables()


def test_bulk_writes_and_cascade_deletes_keep_the_index(shipped_content):
    clones = clone_leaflets(3)
    assert found(rare_word(1)) == {clones[1].slug}
    clones[1].delete()  # its sections and warnings go with it
    assert found(rare_word(1)) == set()
    assert_index_matches_the_tables()


def test_after_a_table_remake_the_index_is_put_back_and_rebuilt(shipped_content):
    if connection.vendor != "sqlite":
        assert sqlite_index.ensure_index(connection) is False
        return
    with connection.cursor() as cursor:  # as Django's SQLite table remake does: the old table's triggers are gone
        cursor.execute("DROP TRIGGER monographs_leaflet_fts_section_update")
        cursor.execute(f"INSERT INTO {sqlite_index.TABLE}({sqlite_index.TABLE}) VALUES ('delete-all')")
    assert sqlite_index.missing_objects(connection) == ["monographs_leaflet_fts_section_update"]
    assert sqlite_index.ensure_index(connection) is True
    assert sqlite_index.missing_objects(connection) == []
    assert_index_matches_the_tables()
    assert "baclofen" in found("drowsy")
    test_a_section_edit_is_searched_at_once_and_the_old_words_are_forgotten(shipped_content)
