"""What a clinician's screening leaves behind: the answers and the result exactly as shown."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from .medication import Medication


class ScreeningRecord(models.Model):
    """One precautions screening: who ran it, when, the answers and the flags exactly as shown (a snapshot, so
    later content edits never rewrite history). No patient name or identifier is asked for or stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screenings", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    medication = models.ForeignKey(Medication, on_delete=models.PROTECT, related_name="screenings")
    answers = models.JSONField(help_text="The answers as given (no patient identifiers).")
    result = models.JSONField(help_text="The result as shown: flags, CrCl used, unrecognised lines, notes.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "screening record"

    def __str__(self) -> str:
        return f"Screening for {self.medication} on {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("screening_result", args=[self.pk])
