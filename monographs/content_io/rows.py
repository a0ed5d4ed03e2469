"""Which model each table fills and which model field each key becomes: the one place that knows both the file
format and the models. The models' own validation decides what a value may be; this module only runs it and
reports each ValidationError at the key the author wrote."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models

from monographs.models import (
    ClinicalWarning,
    Condition,
    DrugClass,
    LeafletSection,
    Medication,
    MedicationName,
    Product,
    Source,
    Use,
)

from .errors import ContentError
from .records import Record

TABLE_MODELS: dict[str, type[models.Model]] = {
    "source": Source,
    "drug_class": DrugClass,
    "condition": Condition,
    "medication": Medication,
    "product": Product,
    "use": Use,
    "section": LeafletSection,
    "warning": ClinicalWarning,
}
# Keys stored as they are, in a model field of the same name (relations and positions are the writer's).
PLAIN_KEYS: dict[str, tuple[str, ...]] = {
    "source": ("key", "title", "publisher", "url", "identifier", "accessed"),
    "drug_class": ("slug", "name", "description"),
    "condition": ("slug", "name", "aliases", "description", "snomed_code"),
    "medication": (
        "slug",
        "name",
        "summary",
        "atc_code",
        "rxnorm_code",
        "status",
        # A catalogue entry has no review of its own: these keys exist only in a monograph's [medication].
        "last_reviewed",
        "next_review_due",
        "reviewed_by",
    ),
    "product": ("name", "form", "strength"),
    "use": ("status", "how_it_helps"),
    "section": ("kind", "body"),
    "warning": (
        "key",
        "type",
        "severity",
        "title",
        "section",
        "frequency",
        "frequency_note",
        "frequency_percent_min",
        "frequency_percent_max",
        "urgent",
        "patient_text",
        "clinician_text",
        "action",
    ),
}
# A warning's trigger is one inline table in the files and several fields on the model.
TRIGGER_FIELDS = {
    "kind": "trigger_kind",
    "condition": "trigger_condition",
    "drug_class": "trigger_class",
    "medication": "trigger_medication",
    "crcl_min": "crcl_min",
    "crcl_min_inclusive": "crcl_min_inclusive",
    "crcl_max": "crcl_max",
    "crcl_max_inclusive": "crcl_max_inclusive",
    "age_min": "age_min",
    "age_max": "age_max",
}
_TRIGGER_PLAIN = ("kind", "crcl_min", "crcl_min_inclusive", "crcl_max", "crcl_max_inclusive", "age_min", "age_max")
_TRIGGER_KEY_OF = {field: f"trigger.{key}" for key, field in TRIGGER_FIELDS.items()}
_KEY_OF = {"medication": {"normalised_name": "name"}, "warning": _TRIGGER_KEY_OF}


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def plain_values(record: Record) -> dict[str, Any]:
    """The record's values for the model's own (non-relational) fields, by field name."""
    values = {key: record.values[key] for key in PLAIN_KEYS[record.table] if key in record.values}
    if record.table == "warning":
        trigger = record.values["trigger"]
        values |= {
            "trigger_kind": trigger["kind"],
            "crcl_min": _number(trigger["crcl_min"]),
            "crcl_min_inclusive": trigger["crcl_min_inclusive"],
            "crcl_max": _number(trigger["crcl_max"]),
            "crcl_max_inclusive": trigger["crcl_max_inclusive"],
            "age_min": trigger["age_min"],
            "age_max": trigger["age_max"],
        }
        for key in ("frequency_percent_min", "frequency_percent_max"):
            values[key] = _number(values.get(key))
    return values


def _messages(field: models.Field | None, error: ValidationError) -> list[str]:
    messages = []
    for item in error.error_list:
        message = " ".join(item.messages)
        if item.code == "invalid_choice" and field is not None and field.choices:
            # The model's message names the value; the author also needs the values it may be.
            allowed = ", ".join(str(value) for value, _ in field.flatchoices if value != "")
            message = f"{message.rstrip('.')}; expected one of: {allowed}"
        messages.append(message)
    return messages


def validation_errors(record: Record, model, error: ValidationError, key_of: dict | None = None) -> list[ContentError]:
    """The model's ValidationError as content errors, each at the line of the key its field comes from."""
    key_of = _KEY_OF.get(record.table, {}) | (key_of or {})
    found = []
    by_field = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
    for name, errors in by_field.items():
        if name == NON_FIELD_ERRORS:  # constraints across fields or rows: the table's header line
            found += [record.error(None, message) for item in errors for message in _messages(None, item)]
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a clean() may name something that is not a field
            field = None
        label = key_of.get(name, name)
        key = label.split(".")[0]  # 'trigger.kind' is on the line of trigger = { ... }
        key = key if key in record.values else None  # not from the file (e.g. position): the header line
        found += [record.error(key, message, label=label) for item in errors for message in _messages(field, item)]
    return found


def field_errors(record: Record) -> list[ContentError]:
    """What the model's field validators (choices, lengths, URLs, slugs) find in the record's own values. No database:
    rules across fields and rows are found by full_clean when the row is written."""
    model = TABLE_MODELS[record.table]
    found = _field_problems(record, model, plain_values(record).items())
    if record.table == "medication":
        for key in ("brands", "synonyms"):
            names = (("name", name) for name in record.values[key])
            found += _field_problems(record, MedicationName, names, key_of={"name": key})
    return found


def checked_fields(record: Record, model) -> list[str]:
    """The fields of `model` whose values from this record field_errors has validated (the reader runs it on every
    record, and so does the check of a draft): the writer's full_clean need not run their validators again."""
    if model is MedicationName and record.table == "medication":
        return ["name"]  # each brand and synonym
    if TABLE_MODELS[record.table] is not model:
        return []
    keys = [key for key in PLAIN_KEYS[record.table] if key in record.values]
    return keys + [TRIGGER_FIELDS[key] for key in _TRIGGER_PLAIN] if record.table == "warning" else keys


def _field_problems(record: Record, model, values, key_of: dict | None = None) -> list[ContentError]:
    problems: dict[str, list[ValidationError]] = {}
    for name, value in values:
        try:
            model._meta.get_field(name).clean(value, None)
        except ValidationError as exc:
            problems.setdefault(name, []).append(exc)
    return validation_errors(record, model, ValidationError(problems), key_of) if problems else []


def rule_errors(record: Record, related: dict[str, Any] | None = None) -> list[ContentError]:
    """What the model's clean() finds in the record's own values (its rules across fields, e.g. a trigger other than
    'none' needs patient text), on an unsaved row: no database. `related`: foreign keys by attname, for the rules
    that only ask whether one is given."""
    model = TABLE_MODELS[record.table]
    try:
        model(**plain_values(record), **(related or {})).clean()
    except ValidationError as exc:
        return validation_errors(record, model, exc)
    return []
