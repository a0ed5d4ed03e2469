from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using="default", **kwargs) -> None:
    """SQLite: put back the full-text index's triggers if a migration remade a table (and dropped them with it)."""
    from monographs.search.sqlite_index import ensure_index

    ensure_index(connections[using])


class MonographsConfig(AppConfig):
    name = "monographs"
    verbose_name = "Medicines content"

    def ready(self):
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="monographs_search_index")
