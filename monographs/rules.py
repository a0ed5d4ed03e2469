"""The plain shape of a clinical rule, and the kidney-function bands: pure Python, no Django.

A ClinicalWarning row becomes a Rule (`ClinicalWarning.as_rule()`), and the screening engine evaluates Rules. The
admin, the leaflet and the engine all describe a CrCl band and decide membership with the two functions here, so
they can never disagree.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class SourceRef:
    title: str
    url: str


@dataclass(frozen=True)
class DrugClassRef:
    slug: str
    name: str


@dataclass(frozen=True)
class ConditionRef:
    slug: str
    name: str


@dataclass(frozen=True)
class KnownMedication:
    slug: str
    name: str
    classes: tuple[DrugClassRef, ...] = ()
    # A combination product (co-codamol, Percocet): the medicines it contains, each checked in its own right.
    ingredients: tuple["KnownMedication", ...] = ()

    @property
    def class_slugs(self) -> frozenset[str]:
        return frozenset(c.slug for c in self.classes)


@dataclass(frozen=True)
class Rule:
    """One clinical-use fact with its trigger, as plain data."""

    key: str
    title: str
    type: str
    severity: str
    trigger_kind: str
    condition: ConditionRef | None = None
    drug_class: DrugClassRef | None = None
    medication: KnownMedication | None = None
    crcl_min: float | None = None
    crcl_min_inclusive: bool = True
    crcl_max: float | None = None
    crcl_max_inclusive: bool = False
    age_min: int | None = None
    age_max: int | None = None
    patient_text: str = ""
    patient_html: str = ""
    clinician_text: str = ""
    clinician_html: str = ""
    action: str = ""
    action_html: str = ""
    sources: tuple[SourceRef, ...] = ()


# The fields of a rule that are its words (what a flag shows): listed once, for the snapshot and the API.
TEXT_FIELDS = ("patient_text", "patient_html", "clinician_text", "clinician_html", "action", "action_html")


class Band(Protocol):
    """A CrCl range with explicit edges: a Rule, or a ClinicalWarning row. Read-only members, so a Rule's floats
    and a row's Decimals both fit."""

    @property
    def crcl_min(self) -> float | Decimal | None: ...
    @property
    def crcl_min_inclusive(self) -> bool: ...
    @property
    def crcl_max(self) -> float | Decimal | None: ...
    @property
    def crcl_max_inclusive(self) -> bool: ...


def number_words(value: float | Decimal) -> str:
    """'30' for 30.0 and Decimal('30.0'), '42.5' for 42.5: how a figure is written in a band or a working."""
    return f"{float(value):g}"


def crcl_in_band(band: Band, crcl: float) -> bool:
    """Is this CrCl (mL/min) inside the band, honouring each edge's inclusiveness?"""
    if band.crcl_min is not None:
        low = float(band.crcl_min)
        if crcl < low or (crcl == low and not band.crcl_min_inclusive):
            return False
    if band.crcl_max is not None:
        high = float(band.crcl_max)
        if crcl > high or (crcl == high and not band.crcl_max_inclusive):
            return False
    return True


def band_words(band: Band) -> str:
    """The band in words: 'CrCl 30 to under 50 mL/min', 'CrCl under 30 mL/min', 'CrCl 80 mL/min or more'."""
    low, high = band.crcl_min, band.crcl_max
    if low is not None and high is not None:
        low_word = "" if band.crcl_min_inclusive else "over "
        high_word = "" if band.crcl_max_inclusive else "under "
        return f"CrCl {low_word}{number_words(low)} to {high_word}{number_words(high)} mL/min"
    if low is not None:
        if band.crcl_min_inclusive:
            return f"CrCl {number_words(low)} mL/min or more"
        return f"CrCl over {number_words(low)} mL/min"
    if high is not None:
        if band.crcl_max_inclusive:
            return f"CrCl {number_words(high)} mL/min or less"
        return f"CrCl under {number_words(high)} mL/min"
    return "Any CrCl"


def has_band(band: Band) -> bool:
    return band.crcl_min is not None or band.crcl_max is not None


class AgeRange(Protocol):
    @property
    def age_min(self) -> int | None: ...
    @property
    def age_max(self) -> int | None: ...


def age_in_range(ages: AgeRange, age: float) -> bool:
    """Is this age (years) inside the range: from age_min (included) to under age_max?"""
    if ages.age_min is not None and age < ages.age_min:
        return False
    return not (ages.age_max is not None and age >= ages.age_max)


def age_words(ages: AgeRange) -> str:
    """'65 or older', 'under 18', '18 to under 65'."""
    low, high = ages.age_min, ages.age_max
    if low is not None and high is not None:
        return f"aged {low} to under {high}"
    if low is not None:
        return f"aged {low} or older"
    if high is not None:
        return f"under {high} years old"
    return "of any age"
