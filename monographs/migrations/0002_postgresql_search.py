"""Search on PostgreSQL: trigram similarity for typo-tolerant names, and GIN indexes over the leaflet text that
full-text search matches. SQLite searches by substring, so there the indexes are recorded in the migration state
(they are declared on the models) but not created."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations


class AddPostgreSQLIndex(migrations.AddIndex):
    """AddIndex whose state change always applies and whose SQL runs on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("monographs", "0001_initial")]

    operations = [
        TrigramExtension(),
        AddPostgreSQLIndex(
            model_name="leafletsection",
            index=GinIndex(SearchVector("body", config="english"), name="section_body_fts"),
        ),
        AddPostgreSQLIndex(
            model_name="clinicalwarning",
            index=GinIndex(SearchVector("title", "patient_text", config="english"), name="warning_text_fts"),
        ),
    ]
