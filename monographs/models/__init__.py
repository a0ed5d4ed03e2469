"""The content model: medications and the clinical facts pharmacists curate about them.

Models hold data, constraints and small properties; they import nothing above them (no services, views, admin or
screening). Writes go through monographs.services; reads for pages through monographs.selectors.
"""

from .base import EditConflict, ReadabilityFields, Versioned, choices_check
from .medication import (
    LeafletRender,
    LeafletSection,
    Medication,
    MedicationName,
    MedicationQuerySet,
    MedicationStatus,
    NameKind,
    Product,
    ProductForm,
    SectionKind,
    Use,
    UseStatus,
)
from .reference import Condition, DrugClass, Source, validate_aliases
from .revision import OPEN_STATES, LeafletRevision, RevisionEvent, RevisionKind, RevisionState
from .screening import ScreeningRecord
from .state import ContentState
from .warning import RULE_FIELDS, RULE_RELATED, ClinicalWarning, Frequency, Severity, TriggerKind, WarningType

__all__ = [
    "RULE_FIELDS",
    "RULE_RELATED",
    "ClinicalWarning",
    "Condition",
    "ContentState",
    "DrugClass",
    "EditConflict",
    "Frequency",
    "LeafletRender",
    "LeafletRevision",
    "LeafletSection",
    "Medication",
    "MedicationName",
    "MedicationQuerySet",
    "MedicationStatus",
    "NameKind",
    "OPEN_STATES",
    "Product",
    "ProductForm",
    "ReadabilityFields",
    "RevisionEvent",
    "RevisionKind",
    "RevisionState",
    "ScreeningRecord",
    "SectionKind",
    "Source",
    "Severity",
    "TriggerKind",
    "Use",
    "UseStatus",
    "Versioned",
    "WarningType",
    "choices_check",
    "validate_aliases",
]
