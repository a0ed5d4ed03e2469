"""PostgreSQL's full-text index of leaflet text: a narrow search table, one row per leaflet section and per warning
patients read, kept in step with those tables by triggers (migration 0008). SQLite has its FTS5 table instead
(sqlite_index.py).

    source "char"      's' a leaflet section, 'w' a warning  } the row it comes from
    row_id bigint      its id                                }
    medication_id      whose leaflet it is in
    weight smallint    1 a section, 2 a warning, 3 a side effect (how search ranks a match there, text.py)
    best text "C"      weight:place, e.g. '3:side_effects': the greatest of a leaflet's matches is where its best is
    document tsvector  the words, stemmed ('english'), without positions; GIN-indexed (fastupdate off)

Why a table, not the GIN indexes on the sections' and warnings' own expressions (migration 0002; 0009 drops them): a
search reads every matching row, to add up its leaflet's score. From the content tables that meant a heap row with the
whole text and its HTML for each match, and "drowsy" matches 7,000 rows with 1,000 leaflets: that search cost five times
the leaflet's page, "doctor" (22,000 rows) eight times. Here a matching row is a small one (the stemmed words without
their positions, a few hundred bytes; a long section's words are moved out of line, `toast_tuple_target`), the score and
the place are plain columns, and the search costs about half as much (bench/search_scale.py). Its cost still grows with
the number of matching rows: a leaflet's score is a count of its rows that match, which no index can keep for every
possible query.

Why triggers, as on SQLite: they run inside the statement that changes a row, so the table cannot drift from the text
whoever writes it: the services, the loader's bulk writes, a cascade delete, a TRUNCATE (Django's test flush), a
shell. An update that changes none of the columns the row is made of does not touch it. PostgreSQL alters tables in
place, so unlike SQLite's, these triggers are never lost to a table remake. The GIN index has fastupdate off: a write
adds its index entries at once (a load of 1,000 leaflets takes a few seconds more), so a search never has to read
through a list of pending ones.

Publishing is not in the table: search joins the published leaflets at query time, so an unpublished leaflet drops
out of the results with no write here.
"""

TABLE = "monographs_leaflet_search"
INDEX = f"{TABLE}_document"
