"""The shapes of the tables in the content files: which keys each table has, of what TOML type, which are required
and what a missing optional key means. Only the file format lives here; what a value may be (choices, lengths,
trigger rules) is the models' business and is checked by their own validation."""

import datetime
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monographs.models import Medication
from monographs.text import CONTROL_CHARACTER

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
REFERENCE_DIR = "reference"
MEDICATIONS_DIR = "medications"


@dataclass(frozen=True)
class Spec:
    kind: str  # str | date | bool | number | strlist | table
    required: bool = False
    default: Any = None

    def missing(self) -> Any:
        """What the key means when a table leaves it out (a fresh list for a list)."""
        return list(self.default) if isinstance(self.default, tuple) else self.default


STR, STR_OPT = Spec("str", True), Spec("str", False, "")
LIST_OPT = Spec("strlist", False, ())

SOURCE = {
    "key": STR,
    "title": STR,
    "publisher": STR,
    "url": STR,
    "identifier": STR_OPT,
    "accessed": Spec("date", True),
}
DRUG_CLASS = {"slug": STR, "name": STR, "description": STR_OPT}
CONDITION = {
    "slug": STR,
    "name": STR,
    "aliases": LIST_OPT,
    "description": STR_OPT,
    "snomed_code": STR_OPT,
    "sources": LIST_OPT,
}
CATALOGUE_MEDICATION = {
    "slug": STR,
    "name": STR,
    "summary": STR_OPT,
    "atc_code": STR_OPT,
    "rxnorm_code": STR_OPT,
    "classes": LIST_OPT,
    "ingredients": LIST_OPT,
    "brands": LIST_OPT,
    "synonyms": LIST_OPT,
    "status": Spec("str", False, Medication.Status.PUBLISHED),
    "sources": LIST_OPT,
}
LEAFLET_MEDICATION = CATALOGUE_MEDICATION | {
    "summary": STR,
    "status": Spec("str", True),
    "last_reviewed": Spec("date", False),
    "next_review_due": Spec("date", False),
    "reviewed_by": STR_OPT,
}
PRODUCT = {"name": STR, "form": STR, "strength": STR}
USE = {"condition": STR, "status": STR, "how_it_helps": STR, "sources": Spec("strlist", True)}
SECTION = {"kind": STR, "body": STR, "sources": Spec("strlist", True)}
WARNING = {
    "key": STR,
    "type": STR,
    "severity": STR,
    "title": STR,
    "section": STR,
    "trigger": Spec("table", True),
    "frequency": STR_OPT,
    "frequency_note": STR_OPT,
    "frequency_percent_min": Spec("number", False, None),
    "frequency_percent_max": Spec("number", False, None),
    "urgent": Spec("bool", False, False),
    "patient_text": STR_OPT,
    "clinician_text": STR,
    "action": STR,
    "sources": Spec("strlist", True),
}
TRIGGER = {
    "kind": STR,
    "condition": Spec("str", False, None),
    "drug_class": Spec("str", False, None),
    "medication": Spec("str", False, None),
    "crcl_min": Spec("number", False, None),
    "crcl_min_inclusive": Spec("bool", False, True),
    "crcl_max": Spec("number", False, None),
    "crcl_max_inclusive": Spec("bool", False, False),
    "age_min": Spec("number", False, None),
    "age_max": Spec("number", False, None),
}
REFERENCE_TABLES = {
    "source": SOURCE,
    "drug_class": DRUG_CLASS,
    "condition": CONDITION,
    "medication": CATALOGUE_MEDICATION,
}
MONOGRAPH_TABLES = {"source": SOURCE, "product": PRODUCT, "use": USE, "section": SECTION, "warning": WARNING}
# A draft of a leaflet (content_io.documents) is one monograph file's tables without its sources (they are shared
# rows, edited on their own) and without the review keys, which only the workflow sets, when it publishes.
WORKFLOW_KEYS = ("status", "last_reviewed", "next_review_due", "reviewed_by")
DOCUMENT_MEDICATION = {key: spec for key, spec in LEAFLET_MEDICATION.items() if key not in WORKFLOW_KEYS}
DOCUMENT_TABLES = {"product": PRODUCT, "use": USE, "section": SECTION, "warning": WARNING}


def _text_problem(value: str) -> str | None:
    # Text may hold tabs and line breaks, no other control character: the admin's rule too (monographs/text.py).
    found = CONTROL_CHARACTER.search(value)
    return f"contains the control character {found.group()!r}" if found else None


def check_value(spec: Spec, value: Any) -> str | None:
    """What is wrong with this value's TOML type for its spec, or None."""
    match spec.kind:
        case "str":
            if not isinstance(value, str):
                return f"expected text, got {type(value).__name__}"
            if spec.required and not value.strip():
                return "must not be empty"
            return _text_problem(value)
        case "date":
            if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
                return f"expected a date like 2026-11-29, got {value!r}"
        case "bool":
            if not isinstance(value, bool):
                return f"expected true or false, got {value!r}"
        case "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"expected a number, got {value!r}"
            if isinstance(value, float) and not math.isfinite(value):
                return f"expected a finite number, got {value!r}"
            if value < 0:
                return "must not be negative"
        case "strlist":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                return 'expected a list of non-empty texts, like ["a", "b"]'
            if spec.required and not value:
                return "must list at least one entry"
            duplicates = [v for v, n in Counter(value).items() if n > 1]
            if duplicates:
                return f"lists {duplicates[0]!r} twice"
            return next(filter(None, map(_text_problem, value)), None)
        case "table":
            if not isinstance(value, dict):
                return 'expected an inline table, like { kind = "none" }'
    return None
