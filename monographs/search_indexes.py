"""The full-text documents of leaflet text on PostgreSQL, as the models' GIN indexes (migration 0002) declare them.

Search no longer reads these indexes: since migration 0008 it matches the search table of monographs/search/
postgres_index.py, which holds the same documents (the same expressions, stripped of word positions) in narrow rows.
They are kept until the models drop them in a migration of their own; nothing else queries them."""

from django.contrib.postgres.search import SearchVector

SECTION_DOCUMENT = SearchVector("body", config="english")
WARNING_DOCUMENT = SearchVector("title", "patient_text", config="english")
