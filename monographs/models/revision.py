"""A leaflet's revisions: every version of its words, drafted, reviewed by a second pharmacist, then published.

The live rows (Medication and its parts) are what the public pages and the screening read. A change to a leaflet is
made on a revision's `document` (the leaflet in the content-file shape, content_io.documents) and reaches the live
rows only when another pharmacist approves it (services/revisions.py). Published revisions are kept, so any earlier
version can be compared and brought back, as a new draft, through the same review.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .base import choices_check
from .medication import Medication


class RevisionKind(models.TextChoices):
    EDIT = "edit", "Edit"
    ROLLBACK = "rollback", "Roll back"
    RETIRE = "retire", "Withdraw from the public"
    LOAD = "load", "Loaded from the content files"


class RevisionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for review"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"


OPEN_STATES = (RevisionState.DRAFT, RevisionState.SUBMITTED)


class LeafletRevision(models.Model):
    Kind = RevisionKind
    State = RevisionState

    medication = models.ForeignKey(Medication, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="1, 2, 3 … per medication.")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.EDIT)
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    document = models.JSONField(help_text="The whole leaflet as this revision has it (content-file shape).")
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The published revision this draft started from: approving it refuses if the live leaflet moved on.",
    )
    reason = models.CharField(max_length=300, help_text="Why this change is made, as the history shows it.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Everyone who changed the draft: none of them may approve it (four eyes).
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_edited_at = models.DateTimeField(null=True, blank=True)
    editing_since = models.DateTimeField(
        null=True, blank=True, help_text="When last_edited_by began this run of edits (the soft lock shown to others)."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True, help_text="The reviewer's comment when sending a draft back.")
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Moves on with every change: a stale form is refused.")

    class Meta:
        ordering = ["medication", "-number"]
        verbose_name = "leaflet revision"
        get_latest_by = "number"
        constraints = [
            choices_check("kind", RevisionKind, "leafletrevision_kind_valid"),
            choices_check("state", RevisionState, "leafletrevision_state_valid"),
            models.UniqueConstraint(fields=["medication", "number"], name="leafletrevision_unique_number"),
            # One open draft per leaflet: everyone works on the same one, so no change is lost between two drafts.
            models.UniqueConstraint(
                fields=["medication"],
                condition=Q(state__in=["draft", "submitted"]),
                name="leafletrevision_one_open_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.medication} revision {self.number} ({self.get_state_display().lower()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RevisionAction(models.TextChoices):
    STARTED = "started", "Started a draft"
    EDITED = "edited", "Edited the draft"
    SUBMITTED = "submitted", "Submitted for review"
    SENT_BACK = "sent_back", "Sent back"
    APPROVED = "approved", "Approved and published"
    DISCARDED = "discarded", "Discarded the draft"
    LOADED = "loaded", "Loaded from the content files"


class RevisionEvent(models.Model):
    """One step in a leaflet's timeline: who did what to which revision, when and why."""

    Action = RevisionAction

    revision = models.ForeignKey(LeafletRevision, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300, blank=True)
    part = models.CharField(max_length=200, blank=True, help_text="Which part was edited, e.g. 'Side effects'.")

    class Meta:
        ordering = ["at", "pk"]
        constraints = [choices_check("action", RevisionAction, "revisionevent_action_valid")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.revision})"
