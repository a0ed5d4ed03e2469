"""Form fields for the screening questionnaire: numbers as clinicians type them ("45,5", "70kg", "64 years")."""

import re

from django import forms
from django.core.exceptions import ValidationError

_NUMBER_WITH_UNIT = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*([^\d\s].*?)?\s*$")


def readable(value: str) -> None:
    """JSON can carry lone surrogates, which no database can store."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("This contains characters that cannot be read: retype it.", code="unreadable") from None


def number_input(numeric: bool = False) -> forms.TextInput:
    """A text input with a numeric keyboard: browsers' number inputs change values on scroll and reject "42,5"
    silently."""
    mode = "numeric" if numeric else "decimal"
    return forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off", "spellcheck": "false"})


def range_messages(what: str, low: float, high: float, unit: str = "") -> dict[str, str]:
    suffix = f" {unit}" if unit else ""
    message = f"Enter {what} from {low:g} to {high:g}{suffix}."
    return {"min_value": message, "max_value": message, "invalid": f"Enter {what} as a number, like {high / 4:g}."}


def _number_text(value, units: tuple[str, ...], what: str):
    """The number in a typed value, with a decimal comma read as a point and the field's own unit allowed after it;
    any other unit is an error that names it (never a silent conversion)."""
    if not isinstance(value, str):
        return value
    try:
        float(value)
    except ValueError:
        pass
    else:
        return value
    match = _NUMBER_WITH_UNIT.match(value)
    if match is None:
        return value  # not a number at all: the field's own "invalid" message
    number, unit = match.groups()
    if unit and unit.strip().casefold().rstrip(".") not in units:
        expected = units[0] if units else "a number"
        raise ValidationError(
            f"Enter {what} in {expected}, as a number only: “{unit.strip()}” is not {expected}.", code="unit"
        )
    return number.replace(",", ".")


class MeasureField(forms.FloatField):
    """A measurement that accepts "45,5" and "70kg" (its own unit), and says so clearly when the unit is another."""

    def __init__(self, *, units: tuple[str, ...] = (), what: str = "a number", **kwargs):
        self.units, self.what = units, what
        kwargs.setdefault("widget", number_input())
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(_number_text(value, self.units, self.what))


class WholeNumberField(forms.IntegerField):
    """A whole number such as an age, accepting "64 years"."""

    def __init__(self, *, units: tuple[str, ...] = (), what: str = "a number", **kwargs):
        self.units, self.what = units, what
        kwargs.setdefault("widget", number_input(numeric=True))
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(_number_text(value, self.units, self.what))
