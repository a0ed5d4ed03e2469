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
# Set only by a review (publishing, or marking the content reviewed), never by hand.
REVIEW_FIELDS = ("last_reviewed", "next_review_due", "reviewed_by")


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


def _refuse_review_changes(medication: Medication) -> None:
    """The review fields as stored (empty for a new medication) must be what is saved: outside a review, nobody
    sets them."""
    stored = Medication.objects.filter(pk=medication.pk).values(*REVIEW_FIELDS).first() if medication.pk else None
    stored = stored or {"last_reviewed": None, "next_review_due": None, "reviewed_by": ""}
    changed = [name for name in REVIEW_FIELDS if getattr(medication, name) != stored[name]]
    if changed:
        message = "Changes only when the content is published or marked reviewed, never by hand."
        raise ValidationError(dict.fromkeys(changed, message))


def medication_save(
    *,
    medication: Medication,
    user,
    reason: str,
    status_before: str | None,
    mark_reviewed: bool = False,
    m2m: dict | None = None,
) -> models.Model:
    """Save a medication's own fields. Publishing (a change to Published) or marking it reviewed stamps last
    reviewed (today), next review due (three years on) and the reviewer's name; those are the only ways they change.
    Raises ValidationError when the user lacks the publish permission for the change, or when a review field was
    changed by hand."""
    errors = publication_errors(
        user=user, status_before=status_before, status_after=medication.status, mark_reviewed=mark_reviewed
    )
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    newly_published = medication.status == Medication.Status.PUBLISHED and status_before != Medication.Status.PUBLISHED
    if newly_published or mark_reviewed:
        medication.last_reviewed = today
        medication.next_review_due = add_years(today, REVIEW_INTERVAL_YEARS)
        medication.reviewed_by = user.get_full_name() or user.get_username()
    else:
        _refuse_review_changes(medication)
    if newly_published:
        medication.published_at = timezone.now()
        medication.published_by = user
    return content_save(obj=medication, user=user, reason=reason, m2m=m2m)
