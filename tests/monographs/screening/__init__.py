"""Screening tests: shared answers (the users are the named users of tests/users.py)."""

from tests.users import make_user

__all__ = ["CONTRACT_BODY", "EXAMPLE_BODY", "EXAMPLE_FORM", "EXAMPLE_KEYS", "make_user"]

# The JSON contract's example body (ARCHITECTURE.md).
EXAMPLE_BODY = {
    "medication": "baclofen",
    "pregnancy": "pregnant",
    "breastfeeding": False,
    "age": 34,
    "sex": "female",
    "crcl_ml_min": 42,
    "dialysis": False,
    "conditions": ["epilepsy"],
    "current_medications": ["Oxycodone 5 mg", "lisinopril"],
}
# The contract's example exactly: weight and height are accepted alongside a CrCl (and not used).
CONTRACT_BODY = EXAMPLE_BODY | {"weight_kg": 62, "height_cm": 165}
# Baclofen's own flags for those answers (the opioid flag carries the CNS-depressant rule as its second reason).
EXAMPLE_KEYS = {"pregnancy", "epilepsy", "renal-crcl-30-50", "opioids", "antihypertensives"}

# The same answers as the HTML form posts them.
EXAMPLE_FORM = {
    "medication": "baclofen",
    "pregnancy": "pregnant",
    "breastfeeding": "no",
    "crcl_ml_min": "42",
    "conditions": ["epilepsy"],
    "current_medications": "Oxycodone 5 mg\nlisinopril",
}
