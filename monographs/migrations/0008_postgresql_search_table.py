"""PostgreSQL only: the search table of leaflet text (one narrow row per section, and per warning patients read, with
its words as a stripped tsvector under a GIN index), the triggers that keep it in step with the sections and warnings,
and its first filling. See monographs/search/postgres_index.py for the design; this is a frozen copy of its SQL, as
migrations must not import app code. A no-op on SQLite, whose FTS5 table (migration 0007) serves the same searches.
No model state changes: the table is an index, not a model."""

from django.db import migrations

TABLE = "monographs_leaflet_search"
SECTION_DOCUMENT = "strip(to_tsvector('english'::regconfig, COALESCE({row}.body, '')))"
WARNING_DOCUMENT = (
    "strip(to_tsvector('english'::regconfig, COALESCE({row}.title, '') || ' ' || COALESCE({row}.patient_text, '')))"
)
WARNING_WEIGHT = "(CASE WHEN {row}.type = 'undesirable_effect' THEN 3 ELSE 2 END)"
SECTION_ROW = f"'s', {{row}}.id, {{row}}.medication_id, 1, '1:' || {{row}}.kind, {SECTION_DOCUMENT}"
WARNING_ROW = (
    f"'w', {{row}}.id, {{row}}.medication_id, {WARNING_WEIGHT}, {WARNING_WEIGHT} || ':' || {{row}}.section, "
    f"{WARNING_DOCUMENT}"
)
COLUMNS = f"{TABLE} (source, row_id, medication_id, weight, best, document)"


def row_function(name: str, source: str, row: str, shown: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN DELETE FROM {TABLE} WHERE source = '{source}' AND row_id = OLD.id; END IF; "
        f"IF TG_OP <> 'DELETE' AND {shown} THEN INSERT INTO {COLUMNS} VALUES ({row.format(row='NEW')}); END IF; "
        "RETURN NULL; END $$"
    )


def row_triggers(name: str, table: str, columns: tuple[str, ...]) -> list[str]:
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)
    return [
        f"CREATE TRIGGER {name}_write AFTER INSERT OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {TABLE}_truncate('{name[-1]}')",
    ]


SECTION_COLUMNS = ("id", "medication_id", "kind", "body")
WARNING_COLUMNS = ("id", "medication_id", "type", "section", "title", "patient_text")

CREATE = [
    f"CREATE TABLE {TABLE} ("
    'source "char" NOT NULL, row_id bigint NOT NULL, medication_id bigint NOT NULL, weight smallint NOT NULL, '
    'best text COLLATE "C" NOT NULL, document tsvector NOT NULL, PRIMARY KEY (source, row_id)'
    ") WITH (toast_tuple_target = 128)",
    f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE EXTERNAL",
    f"CREATE FUNCTION {TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f'DELETE FROM {TABLE} WHERE source = TG_ARGV[0]::"char"; RETURN NULL; END $$',
    row_function(f"{TABLE}_s", "s", SECTION_ROW, "TRUE"),
    row_function(f"{TABLE}_w", "w", WARNING_ROW, "NEW.patient_text <> ''"),
    *row_triggers(f"{TABLE}_s", "monographs_leafletsection", SECTION_COLUMNS),
    *row_triggers(f"{TABLE}_w", "monographs_clinicalwarning", WARNING_COLUMNS),
    # The rows already there, then the index (built once, faster than row by row).
    f"INSERT INTO {COLUMNS} SELECT {SECTION_ROW.format(row='s')} FROM monographs_leafletsection s",
    f"INSERT INTO {COLUMNS} SELECT {WARNING_ROW.format(row='w')} FROM monographs_clinicalwarning w "
    "WHERE w.patient_text <> ''",
    f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document) WITH (fastupdate = off)",
    f"ANALYZE {TABLE}",
]
DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {TABLE}_{source}_{event} ON {table}"
        for source, table in (("s", "monographs_leafletsection"), ("w", "monographs_clinicalwarning"))
        for event in ("write", "update", "truncate")
    ),
    f"DROP FUNCTION IF EXISTS {TABLE}_s()",
    f"DROP FUNCTION IF EXISTS {TABLE}_w()",
    f"DROP FUNCTION IF EXISTS {TABLE}_truncate()",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("monographs", "0007_sqlite_search_index")]

    operations = [migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP), elidable=False)]
