"""Render on write: after a transaction that changes a leaflet commits, its HTML is rendered once and stored. A GET
only reads.

Inside the transaction a write moves the leaflet's revision on and gives the content a new version (which purges
every cached public page once it commits; one UPDATE each); the render runs after commit, so it reads what was
committed; until it has stored, a reader under the new version gets the page assembled on the fly. A render that
finds a newer revision when it stores is dropped: that newer write has its own render coming. A render that never
ran (the process died) or failed leaves the revision ahead of the render, and the page is then assembled on the fly,
unstored, until `manage.py render_leaflets` or the next write renders it. A failed render is logged, never raised:
the database has committed, so the editor who saved gets their normal answer.
"""

import threading
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from monographs.cache import bump_content_version, forget_content_version
from monographs.leaflet import render_leaflets_html
from monographs.models import LeafletRender, Medication

# Leaflets rendered per batch of queries: a load of a thousand renders in a few dozen queries, in bounded memory.
RENDER_BATCH = 200

# Set by every write, cleared by the first refresh after a commit: a transaction that saved forty rows registers
# forty callbacks, and only the first does the work. (A transaction rolled back leaves it set; the next commit's
# refresh then finds nothing due, which is harmless.)
_refresh_due = threading.local()


def leaflets_changed(medication_ids: Iterable[int]) -> None:
    """Mark these leaflets for rendering, give the content a new version, and schedule the render for after the
    commit."""
    ids = set(medication_ids)
    if ids:
        existing = set(LeafletRender.objects.filter(medication_id__in=ids).values_list("medication_id", flat=True))
        LeafletRender.objects.filter(medication_id__in=existing).update(revision=F("revision") + 1)
        missing = ids - existing
        if missing:
            present = Medication.objects.filter(pk__in=missing).values_list("pk", flat=True)
            LeafletRender.objects.bulk_create(
                [LeafletRender(medication_id=pk) for pk in present], ignore_conflicts=True
            )
    bump_content_version()
    _refresh_due.pending = True
    # robust: an exception is logged, never raised to the request whose transaction has already committed.
    transaction.on_commit(refresh_after_commit, robust=True)


def refresh_after_commit() -> None:
    forget_content_version()  # this process reads the committed version on its next request
    if not getattr(_refresh_due, "pending", False):
        return  # an earlier callback of the same commit has rendered
    _refresh_due.pending = False
    render_due_leaflets()


def render_due_leaflets() -> int:
    """Render and store every leaflet whose revision is ahead of its render. Returns how many were stored."""
    stored = 0
    due = dict(
        LeafletRender.objects.filter(rendered_revision__lt=F("revision")).values_list("medication_id", "revision")
    )
    ids = list(due)
    for start in range(0, len(ids), RENDER_BATCH):
        rendered = render_leaflets_html(ids[start : start + RENDER_BATCH])
        # A batch's renders are stored in one transaction: outside one, each UPDATE is a commit of its own, and a
        # commit waits for the disk (on SQLite a load of a thousand leaflets waited some 15 s for them). Inside a
        # transaction already, no savepoint: a failed UPDATE fails the caller's transaction either way.
        with transaction.atomic(savepoint=False):
            for medication_id, html in rendered.items():
                revision = due[medication_id]
                stored += LeafletRender.objects.filter(medication_id=medication_id, revision=revision).update(
                    html=html, rendered_revision=revision, rendered_at=timezone.now()
                )
    return stored


def render_all_leaflets() -> int:
    """Render every medication's leaflet again (after a deploy that changed the leaflet template)."""
    with transaction.atomic():
        leaflets_changed(Medication.objects.values_list("pk", flat=True))
    return LeafletRender.objects.count()
