"""Search for patients: medicines by name, brand name, condition, class and leaflet text, tolerant of typos, ranked and
paged from the index. core.py runs one search; directory.py and names.py match names in memory; words.py and
patient_words.toml turn patient words into the label's words; text.py asks the full-text index (PostgreSQL: a search
table under a GIN index, postgres_index.py; SQLite: FTS5, sqlite_index.py)."""

from .core import PER_PAGE, MedicationHit, NoLeaflet, SearchResults, page_number, search

__all__ = ["PER_PAGE", "MedicationHit", "NoLeaflet", "SearchResults", "page_number", "search"]
