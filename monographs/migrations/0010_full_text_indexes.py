"""GIN indexes over the leaflet text that search matches, on PostgreSQL only (SQLite searches by substring): without
them every search computes to_tsvector over every section and warning of every leaflet."""

from django.db import migrations

from monographs.search_indexes import FULL_TEXT_INDEXES


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in FULL_TEXT_INDEXES:
        schema_editor.add_index(apps.get_model("monographs", model_name), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in FULL_TEXT_INDEXES:
        schema_editor.remove_index(apps.get_model("monographs", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("monographs", "0009_backfill_history_of_sources_and_classes")]

    operations = [migrations.RunPython(create, drop)]
