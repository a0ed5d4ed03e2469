"""Running a screening and keeping its record: the answers and the result exactly as shown."""

from typing import Any

from monographs.models import ScreeningRecord
from monographs.screening import engine, selectors
from monographs.screening.snapshot import snapshot


class MedicationNotScreenable(Exception):
    """The medication is not (or no longer) published, so it has no rules to screen against."""


def screening_create(
    *, clinician, medication_slug: str, answers: engine.Answers, answers_record: dict[str, Any], summary: list
) -> ScreeningRecord:
    """Screen one patient against the published medication's rules and keep the snapshot. `answers_record` is the
    answers in the API's shape and `summary` the answers in words, both stored as given (no identifiers)."""
    data = selectors.screening_data(medication_slug=medication_slug)
    if data is None:
        raise MedicationNotScreenable(medication_slug)
    result = engine.screen(
        medication=data.medication, rules=data.rules, index=data.index, answers=answers, rules_for=data.rules_for
    )
    return ScreeningRecord.objects.create(
        clinician=clinician,
        medication_id=data.medication_pk,
        answers=answers_record,
        result=snapshot(result) | {"answers_summary": summary},
    )
