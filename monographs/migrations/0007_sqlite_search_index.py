"""SQLite only: the FTS5 full-text index of leaflet text, and the triggers that keep it in step with the sections and
warnings (see monographs/search/sqlite_index.py for the design; this is a frozen copy of its SQL, as migrations must
not import app code). A no-op on PostgreSQL, whose GIN indexes (migration 0002) serve the same searches. No model
state changes: the index is not a model."""

from django.db import migrations

TABLE = "monographs_leaflet_fts"
GUARD = (
    "SELECT RAISE(ABORT, 'search index: id too large for the packed rowid (monographs/search/sqlite_index.py)') "
    "WHERE new.id >= 1073741824 OR new.medication_id >= 2147483648;"
)
SECTION_ROWID = "(({row}.medication_id << 32) | ({row}.id << 2) | 0)"
WARNING_ROWID = (
    "(({row}.medication_id << 32) | ({row}.id << 2) | (CASE WHEN {row}.type = 'undesirable_effect' THEN 2 ELSE 1 END))"
)
WARNING_TEXT = "({row}.title || ' ' || {row}.patient_text)"


def insert(rowid, text, where=""):
    return f"INSERT INTO {TABLE}(rowid, text) SELECT {rowid}, {text}{where};"


def delete(rowid, text, where=""):
    return f"INSERT INTO {TABLE}({TABLE}, rowid, text) SELECT 'delete', {rowid}, {text}{where};"


NEW_SECTION = insert(SECTION_ROWID.format(row="new"), "new.body")
OLD_SECTION = delete(SECTION_ROWID.format(row="old"), "old.body")
NEW_WARNING = insert(
    WARNING_ROWID.format(row="new"), WARNING_TEXT.format(row="new"), " WHERE new.patient_text <> ''"
)
OLD_WARNING = delete(
    WARNING_ROWID.format(row="old"), WARNING_TEXT.format(row="old"), " WHERE old.patient_text <> ''"
)

CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(text, content='', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS monographs_leaflet_fts_section_insert AFTER INSERT ON monographs_leafletsection "
    f"BEGIN {GUARD}{NEW_SECTION} END",
    "CREATE TRIGGER IF NOT EXISTS monographs_leaflet_fts_section_delete AFTER DELETE ON monographs_leafletsection "
    f"BEGIN {OLD_SECTION} END",
    "CREATE TRIGGER IF NOT EXISTS monographs_leaflet_fts_section_update "
    "AFTER UPDATE OF body, medication_id, id ON monographs_leafletsection "
    f"BEGIN {GUARD}{OLD_SECTION}{NEW_SECTION} END",
    "CREATE TRIGGER IF NOT EXISTS monographs_leaflet_fts_warning_insert AFTER INSERT ON monographs_clinicalwarning "
    f"BEGIN {GUARD}{NEW_WARNING} END",
    "CREATE TRIGGER IF NOT EXISTS monographs_leaflet_fts_warning_delete AFTER DELETE ON monographs_clinicalwarning "
    f"BEGIN {OLD_WARNING} END",
    "CREATE TRIGGER IF NOT EXISTS monographs_leaflet_fts_warning_update "
    "AFTER UPDATE OF title, patient_text, type, medication_id, id ON monographs_clinicalwarning "
    f"BEGIN {GUARD}{OLD_WARNING}{NEW_WARNING} END",
    # The rows already there.
    f"INSERT INTO {TABLE}(rowid, text) SELECT {SECTION_ROWID.format(row='s')}, s.body FROM monographs_leafletsection s",
    f"INSERT INTO {TABLE}(rowid, text) SELECT {WARNING_ROWID.format(row='w')}, {WARNING_TEXT.format(row='w')} "
    "FROM monographs_clinicalwarning w WHERE w.patient_text <> ''",
]
DROP = [
    *(
        f"DROP TRIGGER IF EXISTS monographs_leaflet_fts_{rows}_{event}"
        for rows in ("section", "warning")
        for event in ("insert", "delete", "update")
    ),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def run_on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("monographs", "0006_leaflet_revisions")]

    operations = [migrations.RunPython(run_on_sqlite(CREATE), run_on_sqlite(DROP), elidable=False)]
