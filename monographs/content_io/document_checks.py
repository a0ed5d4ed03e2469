"""The rules a draft of a leaflet (content_io.documents) must pass, once its tables are shaped: a monograph file's
rules (references.py, rows.py), with what it refers to looked up in the database instead of the other files, and
the names and slugs of the other medications as the database has them. Nothing is written."""

from collections.abc import Iterable

from django.db import models

from monographs.models import Condition, DrugClass, Medication, MedicationName, Source
from monographs.names import normalise_name

from .errors import ContentError
from .records import Monograph, Record
from .references import check_medication, check_monograph, check_names
from .rows import field_errors, rule_errors


def check_leaflet(monograph: Monograph, medication: Medication | None, errors: list[ContentError]) -> None:
    """Append every problem of the leaflet's records. `medication`: the row the draft is of (its own names and slug
    are its to keep), or None for a new leaflet. A table whose shape is wrong has had its errors; its values cannot
    be checked further."""
    sound = Monograph(
        medication=monograph.medication,
        products=[r for r in monograph.products if not r.problems],
        uses=[r for r in monograph.uses if not r.problems],
        sections=[r for r in monograph.sections if not r.problems],
        warnings=[r for r in monograph.warnings if not r.problems],
    )
    record = None if monograph.medication.problems else monograph.medication
    own = {} if record is None else {record.values["slug"]: medication.pk if medication else 0}
    rows = [*sound.products, *sound.uses, *sound.sections, *sound.warnings]
    triggers = [r.values["trigger"] for r in sound.warnings]
    citing = [*([record] if record else []), *sound.uses, *sound.sections, *sound.warnings]
    sources = _existing(Source, "key", (key for r in citing for key in r.values["sources"]))
    classes = _existing(DrugClass, "slug", [*_values(record, "classes"), *(t["drug_class"] for t in triggers)])
    conditions = _existing(
        Condition, "slug", [*(r.values["condition"] for r in sound.uses), *(t["condition"] for t in triggers)]
    )
    medications = own | _existing(
        Medication, "slug", [*_values(record, "ingredients"), *(t["medication"] for t in triggers)]
    )

    if record is not None:
        _check_identity(record, medication, errors)
        check_medication(
            record,
            errors,
            sources=sources,
            classes=classes,
            medications=medications,
            combinations=_combinations(record.values["ingredients"]),
        )
    check_monograph(sound, errors, sources=sources, classes=classes, conditions=conditions, medications=medications)

    for row in [*([record] if record else []), *rows]:
        errors += field_errors(row)
        related = None
        if row.table == "warning":
            trigger = row.values["trigger"]
            related = {
                "trigger_condition_id": _pk(trigger["condition"], conditions),
                "trigger_class_id": _pk(trigger["drug_class"], classes),
                "trigger_medication_id": _pk(trigger["medication"], medications),
            }
        errors += rule_errors(row, related)


def _values(record: Record | None, key: str) -> list[str]:
    return [] if record is None else record.values[key]


def _existing(model: type[models.Model], field: str, wanted: Iterable[str | None]) -> dict[str, int]:
    """Which of these keys name a row, with its id."""
    keys = {key for key in wanted if key is not None}
    if not keys:
        return {}
    return dict(model._default_manager.filter(**{f"{field}__in": keys}).values_list(field, "pk"))


def _pk(slug: str | None, ids: dict[str, int]) -> int | None:
    # One that names nothing has its own error already; the model's rule only asks whether one is given.
    return None if slug is None else ids.get(slug, 0)


def _combinations(slugs: list[str]) -> set[str]:
    """Which of these medications are combinations (have ingredients)."""
    if not slugs:
        return set()
    return set(Medication.objects.filter(slug__in=slugs, ingredients__isnull=False).values_list("slug", flat=True))


def _check_identity(record: Record, medication: Medication | None, errors: list[ContentError]) -> None:
    """The slug stays (it is the leaflet's address); no name is another medication's; a medication that is in a
    combination does not become one."""
    slug = record.values["slug"]
    if medication is not None and slug != medication.slug:
        errors.append(record.error("slug", f"must stay {medication.slug!r}: it is the leaflet's public address"))
    elif medication is None and Medication.objects.filter(slug=slug).exists():
        errors.append(record.error("slug", f"medication {slug!r} already exists"))

    others = Medication.objects.all() if medication is None else Medication.objects.exclude(pk=medication.pk)
    names = [record.values["name"], *record.values["brands"], *record.values["synonyms"]]
    wanted = {normalise_name(name) for name in names} - {""}
    by_name = MedicationName.objects.filter(normalised__in=wanted, medication__in=others)
    taken = {
        norm: (name, f"[medication] {other!r}")
        for query in (
            by_name.values_list("normalised", "name", "medication__slug"),
            others.filter(normalised_name__in=wanted).values_list("normalised_name", "name", "slug"),
        )
        for norm, name, other in query
    }
    check_names([record], errors, taken)

    if record.values["ingredients"] and medication is not None:
        for combination in Medication.objects.filter(ingredients=medication).values_list("slug", flat=True):
            errors.append(
                record.error(
                    "ingredients", f"{combination!r} lists this medication as an ingredient: it cannot be a combination"
                )
            )
