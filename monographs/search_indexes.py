"""The full-text documents of leaflet text on PostgreSQL, shared by the models' indexes and the search that must use
the very same expressions (an expression index serves only a query that repeats its expression)."""

from django.contrib.postgres.search import SearchVector

SECTION_DOCUMENT = SearchVector("body", config="english")
WARNING_DOCUMENT = SearchVector("title", "patient_text", config="english")
