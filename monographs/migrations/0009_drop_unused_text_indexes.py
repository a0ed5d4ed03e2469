"""PostgreSQL: drop the GIN indexes of leaflet text that migration 0002 made. Search has read the narrow search table
of migration 0008 since then (monographs/search/postgres_index.py), so these cost every write of a section or a
warning and answered nothing. As in 0002, the state changes everywhere and the SQL runs on PostgreSQL only."""

from django.db import migrations


class RemovePostgreSQLIndex(migrations.RemoveIndex):
    """RemoveIndex whose state change always applies and whose SQL runs on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("monographs", "0008_postgresql_search_table")]

    operations = [
        RemovePostgreSQLIndex(model_name="leafletsection", name="section_body_fts"),
        RemovePostgreSQLIndex(model_name="clinicalwarning", name="warning_text_fts"),
    ]
