from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Trigram similarity for typo-tolerant search on PostgreSQL (a no-op on SQLite)."""

    dependencies = [("monographs", "0001_initial")]
    operations = [TrigramExtension()]
