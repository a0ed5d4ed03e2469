"""The live leaflets a load of the content files changed, recorded as published revisions in bulk: what
revisions.record_live does for one leaflet, in a fixed number of queries for any number of them."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from monographs.content_io.exporter import LEAFLET_PREFETCH, leaflet_tables
from monographs.models import LeafletRevision, Medication, RevisionEvent

State = LeafletRevision.State
CHUNK = 500  # medications a query reads at once (their rows and their latest revision's document)
DOCUMENTS_PER_STATEMENT = 100


def unrecorded_leaflets() -> set[int]:
    """Leaflets live with no published revision yet (live before revisions existed, or never recorded)."""
    recorded = LeafletRevision.objects.filter(state=State.PUBLISHED).values("medication_id")
    return set(Medication.objects.with_leaflet().exclude(pk__in=recorded).values_list("pk", flat=True))


def record_live_leaflets(medication_ids: Iterable[int], *, reason: str) -> int:
    """Record each of these leaflets as a published revision (kind 'load') when it differs from its latest one, as
    record_live does. Returns how many were recorded."""
    ids = sorted(set(medication_ids))
    recorded = 0
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            recorded += _record(ids[start : start + CHUNK], reason=reason[:300])
    return recorded


def _record(ids: list[int], *, reason: str) -> int:
    published = LeafletRevision.objects.filter(medication=OuterRef("medication"), state=State.PUBLISHED)
    latest = dict(
        LeafletRevision.objects.filter(
            medication_id__in=ids, number=Subquery(published.order_by("-number").values("number")[:1])
        ).values_list("medication_id", "document")
    )
    numbers = dict(
        LeafletRevision.objects.filter(medication_id__in=ids)
        .values("medication_id")
        .annotate(last=Max("number"))
        .values_list("medication_id", "last")
    )
    now = timezone.now()
    new = []
    for medication in Medication.objects.with_leaflet().filter(pk__in=ids).prefetch_related(*LEAFLET_PREFETCH):
        document = leaflet_tables(medication)
        if medication.pk in latest and latest[medication.pk] == document:
            continue
        if medication.pk not in latest and medication.status != Medication.Status.PUBLISHED:
            continue  # never published: there is no live leaflet to record
        new.append(
            LeafletRevision(
                medication=medication,
                number=numbers.get(medication.pk, 0) + 1,
                kind=LeafletRevision.Kind.LOAD,
                state=State.PUBLISHED,
                document=document,
                reason=reason,
                published_at=now,
            )
        )
    # A hundred documents a statement: PostgreSQL takes a statement of any size, but must parse it within its timeout.
    LeafletRevision.objects.bulk_create(new, batch_size=DOCUMENTS_PER_STATEMENT)
    RevisionEvent.objects.bulk_create(
        RevisionEvent(revision=revision, action=RevisionEvent.Action.LOADED, reason=reason) for revision in new
    )
    return len(new)
