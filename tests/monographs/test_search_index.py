"""The full-text index stays in step with the content, however it is written: an edit through the services, a reload
of the content files, bulk writes, a cascade delete. On SQLite it is the FTS5 table of migration 0007, on PostgreSQL
the search table of migration 0008, each kept by triggers."""

import importlib
import shutil

import pytest
from django.db import connection

from monographs.content_io import DEFAULT_CONTENT_DIR, load_tree
from monographs.models import ClinicalWarning, LeafletSection, Medication
from monographs.search import postgres_index, search, sqlite_index
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


def search_table_rows() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT source, row_id, medication_id, weight, best FROM {postgres_index.TABLE}")
        return set(cursor.fetchall())


def expected_search_table_rows() -> set[tuple]:
    """What PostgreSQL's search table must hold, worked out here from the rows: every section (weight 1), and every
    warning with patient text (3 for a side effect, else 2), each with 'weight:place' (postgres_index.py)."""
    sections = LeafletSection.objects.values_list("pk", "medication", "kind")
    rows = {("s", pk, m, 1, f"1:{kind}") for pk, m, kind in sections}
    for pk, m, kind, section in ClinicalWarning.objects.exclude(patient_text="").values_list(
        "pk", "medication", "type", "section"
    ):
        weight = 3 if kind == "undesirable_effect" else 2
        rows.add(("w", pk, m, weight, f"{weight}:{section}"))
    return rows


def assert_index_matches_the_tables():
    if connection.vendor == "sqlite":
        assert indexed_rowids() == expected_rowids()
    else:
        assert search_table_rows() == expected_search_table_rows()


def test_the_index_exists_only_where_the_engine_needs_it(db):
    tables = connection.introspection.table_names()
    if connection.vendor == "sqlite":
        assert sqlite_index.missing_objects(connection) == []
        assert postgres_index.TABLE not in tables
    else:
        assert sqlite_index.TABLE not in tables
        assert postgres_index.TABLE in tables
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", [postgres_index.TABLE + "%"])
            triggers = {name for (name,) in cursor.fetchall()}
        assert triggers == {
            f"{postgres_index.TABLE}_{source}_{event}" for source in "sw" for event in ("write", "update", "truncate")
        }
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


def test_an_unpublished_leaflet_is_no_longer_found_and_is_again_once_published(shipped_content):
    baclofen = Medication.objects.get(slug="baclofen")
    assert "baclofen" in found("drowsy")
    baclofen.status = Medication.Status.RETIRED
    content_save(obj=baclofen, reason="test retire")
    assert "baclofen" not in found("drowsy")
    baclofen.status = Medication.Status.PUBLISHED
    content_save(obj=baclofen, reason="test publish")
    assert "baclofen" in found("drowsy")
    assert_index_matches_the_tables()


def test_a_section_moved_to_another_kind_or_a_warning_to_another_type_is_ranked_by_where_it_is_now(shipped_content):
    warning = ClinicalWarning.objects.filter(medication__slug="baclofen", type="warning").exclude(patient_text="")[0]
    warning.patient_text += " It can make you feel blorvish."
    content_save(obj=warning, reason="test edit")
    [hit] = search("blorvish").medications
    assert (hit.score, hit.anchor) == (2, warning.section.replace("_", "-"))
    warning.type, warning.section, warning.frequency = "undesirable_effect", "side_effects", "common"
    content_save(obj=warning, reason="test edit")
    [hit] = search("blorvish").medications
    assert (hit.score, hit.anchor) == (3, "side-effects")
    assert_index_matches_the_tables()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search table")
class TestPostgresSearchTable:
    def row_version(self, source: str, row_id: int) -> str:
        """Where the row is stored: any write of it stores a new version elsewhere."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT ctid::text FROM {postgres_index.TABLE} WHERE source = %s AND row_id = %s", [source, row_id]
            )
            return cursor.fetchone()[0]

    def test_a_save_that_changes_no_searched_column_leaves_the_row_alone(self, shipped_content):
        section = Medication.objects.get(slug="baclofen").sections.get(kind="storage")
        before = self.row_version("s", section.pk)
        LeafletSection.objects.filter(pk=section.pk).update(reading_grade=3.5, body_html="<p>Other.</p>")
        assert self.row_version("s", section.pk) == before
        LeafletSection.objects.filter(pk=section.pk).update(body="Keep it somewhere frumbly.")
        assert self.row_version("s", section.pk) != before
        assert found("frumbly") == {"baclofen"}

    def test_a_truncate_empties_the_rows_it_took(self, shipped_content):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE monographs_clinicalwarning CASCADE")
        assert_index_matches_the_tables()
        assert search_table_rows() and {row[0] for row in search_table_rows()} == {"s"}

    def test_the_migration_fills_the_table_from_the_rows_already_there(self, shipped_content):
        migration = importlib.import_module("monographs.migrations.0008_postgresql_search_table")
        clone_leaflets(3)
        with connection.cursor() as cursor:
            for statement in [*migration.DROP, *migration.CREATE]:
                cursor.execute(statement)
        assert_index_matches_the_tables()
        assert found("drowsy") >= {"baclofen", "tizanidine"}

    def test_a_search_reads_the_index_not_the_table(self, shipped_content):
        """The GIN index answers which rows match; the table is only read for the rows it names."""
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            search("drowsy")
        [sql] = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
        sql = sql.removeprefix("SET LOCAL enable_seqscan = off; ").removesuffix("; SET LOCAL enable_seqscan TO DEFAULT")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"Bitmap Index Scan on {postgres_index.INDEX}" in plan, plan
        assert "section_body_fts" not in plan and "warning_text_fts" not in plan, plan
