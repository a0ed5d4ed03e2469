"""SQLite's full-text index of leaflet text: one FTS5 table over every leaflet section and every warning patients read,
kept in step with those tables by triggers. (PostgreSQL has its own search table, kept the same way: postgres_index.py.)

Why triggers, not a rebuild hook in the services: a trigger runs inside the very statement that changes a row, so the
index can never drift from the text, whoever writes it: the services, the loader's bulk writes, a cascade delete, a
data migration or a shell. A hook would have to be remembered by every writer.

Layout. The table is *contentless* (`content=''`): it keeps only the index, not a second copy of every text, and a
search reads nothing but the index. The row's identity is packed into its rowid, so a search needs no join to learn
which leaflet a match belongs to (joining each match to its section row read the long text rows too, and cost twice the
search itself with 1,000 leaflets):

    rowid = medication id << 32 | section or warning id << 2 | place

`place` is 0 for a leaflet section, 1 for a warning, 2 for a side effect (search ranks a match by where it is). The
triggers refuse ids that would not fit (a medication id from 2**31, a row id from 2**30) rather than index them wrongly.
A contentless table forgets a row only when told its old text ('delete'), which the triggers have as `old.*`.

Table remakes. Django alters a SQLite table by copying it to a new one and dropping the old, and the old table's
triggers go with it. So `ensure_index` (run after every `migrate`, see apps.py) recreates what is missing and then
rebuilds the index from the tables; migration 0007 created the same objects, with its own frozen copy of this SQL.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "monographs_leaflet_fts"
SECTIONS = "monographs_leafletsection"
WARNINGS = "monographs_clinicalwarning"
SIDE_EFFECT = "undesirable_effect"
ROW_ID_BITS = 30  # a section or warning id must be below 2**30; a medication id below 2**31

CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(text, content='', "
    "tokenize='porter unicode61 remove_diacritics 2')"
)


def _rowid(row: str, place: str) -> str:
    return f"(({row}.medication_id << 32) | ({row}.id << 2) | {place})"


_SECTION_ROWID = {row: _rowid(row, "0") for row in ("new", "old")}
_WARNING_PLACE = {row: f"(CASE WHEN {row}.type = '{SIDE_EFFECT}' THEN 2 ELSE 1 END)" for row in ("new", "old")}
_WARNING_ROWID = {row: _rowid(row, _WARNING_PLACE[row]) for row in ("new", "old")}
_WARNING_TEXT = {row: f"({row}.title || ' ' || {row}.patient_text)" for row in ("new", "old")}
# A warning with no patient text is not shown on the leaflet, so it is not searched either.
_SHOWN = {row: f"{row}.patient_text <> ''" for row in ("new", "old")}
_GUARD = (
    "SELECT RAISE(ABORT, 'search index: id too large for the packed rowid (monographs/search/sqlite_index.py)') "
    f"WHERE new.id >= {1 << ROW_ID_BITS} OR new.medication_id >= {1 << 31};"
)


def _insert(rowid: str, text: str, where: str = "") -> str:
    condition = f" WHERE {where}" if where else ""
    return f"INSERT INTO {TABLE}(rowid, text) SELECT {rowid}, {text}{condition};"


def _delete(rowid: str, text: str, where: str = "") -> str:
    condition = f" WHERE {where}" if where else ""
    return f"INSERT INTO {TABLE}({TABLE}, rowid, text) SELECT 'delete', {rowid}, {text}{condition};"


TRIGGERS = {
    "monographs_leaflet_fts_section_insert": (
        f"AFTER INSERT ON {SECTIONS}",
        _GUARD + _insert(_SECTION_ROWID["new"], "new.body"),
    ),
    "monographs_leaflet_fts_section_delete": (
        f"AFTER DELETE ON {SECTIONS}",
        _delete(_SECTION_ROWID["old"], "old.body"),
    ),
    "monographs_leaflet_fts_section_update": (
        f"AFTER UPDATE OF body, medication_id, id ON {SECTIONS}",
        _GUARD + _delete(_SECTION_ROWID["old"], "old.body") + _insert(_SECTION_ROWID["new"], "new.body"),
    ),
    "monographs_leaflet_fts_warning_insert": (
        f"AFTER INSERT ON {WARNINGS}",
        _GUARD + _insert(_WARNING_ROWID["new"], _WARNING_TEXT["new"], _SHOWN["new"]),
    ),
    "monographs_leaflet_fts_warning_delete": (
        f"AFTER DELETE ON {WARNINGS}",
        _delete(_WARNING_ROWID["old"], _WARNING_TEXT["old"], _SHOWN["old"]),
    ),
    "monographs_leaflet_fts_warning_update": (
        f"AFTER UPDATE OF title, patient_text, type, medication_id, id ON {WARNINGS}",
        _GUARD
        + _delete(_WARNING_ROWID["old"], _WARNING_TEXT["old"], _SHOWN["old"])
        + _insert(_WARNING_ROWID["new"], _WARNING_TEXT["new"], _SHOWN["new"]),
    ),
}


def create_trigger_sql(name: str) -> str:
    when, body = TRIGGERS[name]
    return f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN {body} END"


def rebuild_sql() -> list[str]:
    """Empty the index and fill it again from the tables (the triggers' expressions, applied to every row)."""
    sections = _SECTION_ROWID["new"].replace("new.", "s.")
    warnings = _WARNING_ROWID["new"].replace("new.", "w.")
    warning_text = _WARNING_TEXT["new"].replace("new.", "w.")
    return [
        f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')",
        f"INSERT INTO {TABLE}(rowid, text) SELECT {sections}, s.body FROM {SECTIONS} s",
        f"INSERT INTO {TABLE}(rowid, text) SELECT {warnings}, {warning_text} FROM {WARNINGS} w "
        "WHERE w.patient_text <> ''",
    ]


def missing_objects(connection: BaseDatabaseWrapper) -> list[str]:
    """The index's table and triggers that do not exist in this SQLite database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in (TABLE, *TRIGGERS) if name not in present]


def ensure_index(connection: BaseDatabaseWrapper) -> bool:
    """On SQLite, create whatever part of the index is missing and, if anything was, rebuild it. Returns whether it
    did. A no-op on any other database, and when the app's tables do not exist yet."""
    if connection.vendor != "sqlite":
        return False
    tables = set(connection.introspection.table_names())
    if not {SECTIONS, WARNINGS} <= tables:
        return False
    missing = missing_objects(connection)
    if not missing:
        return False
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        for name in TRIGGERS:
            cursor.execute(create_trigger_sql(name))
        for statement in rebuild_sql():
            cursor.execute(statement)
    return True
