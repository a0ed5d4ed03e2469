from django.apps import AppConfig


class MonographsConfig(AppConfig):
    name = "monographs"
    verbose_name = "Medicines content"

    def ready(self):
        from . import signals  # noqa: F401  (connects the cache purge to every content write)
