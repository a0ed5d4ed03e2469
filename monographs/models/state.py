"""The content version: the one row that says which state of the content the public pages show."""

from django.db import models
from django.db.models import Q


class ContentState(models.Model):
    """Given a new random version in the same transaction as every content write, so the version and the content
    it names commit together. Public pages key their ETag and their cache entries on it (monographs/cache.py). It
    lives here, not in Redis, because it must survive anything the cache goes through: an edit saved while Redis was
    down, or a Redis that comes back with old data or none, still reaches every reader. Random, not a counter: a
    restored backup or a second database sharing the Redis can never reuse a version for other content."""

    ONLY_ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY_ROW, editable=False)
    version = models.CharField(max_length=32, help_text="Changes with every content write; no meaning of its own.")
    changed_at = models.DateTimeField(help_text="When the content last changed.")

    class Meta:
        ordering = ["id"]
        verbose_name = "content version"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="contentstate_one_row")]

    def __str__(self) -> str:
        return f"Content version {self.version}"
