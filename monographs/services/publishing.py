"""A medication's review and publication: who may publish or retire it, and the review dates a publish stamps."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from monographs.models import Medication

from .content import content_save

REVIEW_INTERVAL_YEARS = 3  # NHS Standard for creating health content: review at least every three years
PUBLISH_PERMISSION = "monographs.publish_medication"
GATED_STATUSES = {Medication.Status.PUBLISHED, Medication.Status.RETIRED}


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` on; 29 February becomes 28 February in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def publication_errors(*, user, status_before: str | None, status_after: str, mark_reviewed: bool) -> dict:
    """Field errors for a change this user may not make (empty when allowed)."""
    if user.has_perm(PUBLISH_PERMISSION):
        return {}
    errors = {}
    if status_after in GATED_STATUSES and status_after != status_before:
        errors["status"] = "Publishing or retiring needs the publish permission. Set it to 'In review'."
    elif status_before in GATED_STATUSES and status_after != status_before:
        errors["status"] = "Only someone with the publish permission can change a published status."
    if mark_reviewed:
        errors["mark_reviewed"] = "Marking content as reviewed needs the publish permission."
    return errors


def medication_save(
    *,
    medication: Medication,
    user,
    reason: str,
    status_before: str | None,
    mark_reviewed: bool = False,
    next_review_due_given: bool = False,
    m2m: dict | None = None,
) -> models.Model:
    """Save a medication's own fields. Publishing (a change to Published) or marking it reviewed stamps last
    reviewed (today), next review due (three years on, unless a later date was given) and the reviewer's name.
    Raises ValidationError when the user lacks the publish permission for the change."""
    errors = publication_errors(
        user=user, status_before=status_before, status_after=medication.status, mark_reviewed=mark_reviewed
    )
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    newly_published = medication.status == Medication.Status.PUBLISHED and status_before != Medication.Status.PUBLISHED
    if newly_published or mark_reviewed:
        medication.last_reviewed = today
        due = medication.next_review_due
        if not next_review_due_given or not due or due <= today:
            medication.next_review_due = add_years(today, REVIEW_INTERVAL_YEARS)
        medication.reviewed_by = user.get_full_name() or user.get_username()
    if newly_published:
        medication.published_at = timezone.now()
        medication.published_by = user
    return content_save(obj=medication, user=user, reason=reason, m2m=m2m)
