"""The full-text indexes of leaflet text on PostgreSQL, shared by the migration that creates them and the search that
must use the very same expressions (an expression index serves only a query that repeats its expression)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector

SECTION_DOCUMENT = SearchVector("body", config="english")
WARNING_DOCUMENT = SearchVector("title", "patient_text", config="english")

FULL_TEXT_INDEXES = [
    ("LeafletSection", GinIndex(SECTION_DOCUMENT, name="section_body_fts")),
    ("Warning", GinIndex(WARNING_DOCUMENT, name="warning_text_fts")),
]
