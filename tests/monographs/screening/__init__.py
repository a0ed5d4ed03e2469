"""Screening tests: shared answers (the users are the named users of tests/users.py)."""

from tests.users import make_user

__all__ = ["EXAMPLE_BODY", "EXAMPLE_FORM", "EXAMPLE_KEYS", "make_user"]

# The JSON contract's example body (ARCHITECTURE.md).
EXAMPLE_BODY = {
    "medication": "baclofen",
    "pregnancy": "pregnant",
    "breastfeeding": False,
    "crcl_ml_min": 42,
    "dialysis": False,
    "conditions": ["epilepsy"],
    "current_medications": ["Oxycodone 5 mg", "lisinopril"],
}
EXAMPLE_KEYS = {"pregnancy", "epilepsy", "renal-crcl-30-50", "opioids", "cns-depressants", "antihypertensives"}

# The same answers as the HTML form posts them.
EXAMPLE_FORM = {
    "medication": "baclofen",
    "pregnancy": "pregnant",
    "breastfeeding": "no",
    "crcl_ml_min": "42",
    "conditions": ["epilepsy"],
    "current_medications": "Oxycodone 5 mg\nlisinopril",
}
