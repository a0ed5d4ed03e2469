"""Content as files: read, check, load and export the TOML tree in monographs/content/.

Loading is all or nothing. Every file is parsed and checked before anything is written (reader: TOML and table
shapes; references: keys across files; rows: the models' field validators); the rows are then written in one
transaction through the models' full_clean (writer), and any error rolls the whole load back. Each error names the
file, the line and what is wrong. Loading twice changes nothing: a row is saved only when a value differs.

A draft of one leaflet is a document in the same shape (documents): read from the live rows, checked by the same
rules against the database, and written back through the same writer.
"""

from .documents import check_document, document_toml, monograph_document, normalise_document, write_document
from .errors import ContentError, ContentInvalid
from .exporter import export_tree
from .reader import read_tree
from .records import ContentTree
from .schema import DEFAULT_CONTENT_DIR, MEDICATIONS_DIR, REFERENCE_DIR
from .writer import LOADER_CHANGE_REASON, LoadReport, load_tree, write_tree

__all__ = [
    "DEFAULT_CONTENT_DIR",
    "LOADER_CHANGE_REASON",
    "MEDICATIONS_DIR",
    "REFERENCE_DIR",
    "ContentError",
    "ContentInvalid",
    "ContentTree",
    "LoadReport",
    "check_document",
    "document_toml",
    "export_tree",
    "load_tree",
    "monograph_document",
    "normalise_document",
    "read_tree",
    "write_document",
    "write_tree",
]
