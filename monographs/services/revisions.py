"""The editorial workflow of a leaflet, after the NHS Standard for creating health content: a change is drafted,
submitted with its reason, and published only when a second pharmacist with the publish permission approves it.

- The live rows stay exactly as published until an approval writes the draft's document to them, in one
  transaction (one render and one purge after it commits).
- Nobody approves a draft they changed (four eyes), here in the service, whatever page or script calls it.
- Review stamps (last reviewed, next review due, reviewed by) are set by an approval, never by hand.
- Withdrawing a leaflet from the public (retire) is a revision too, reviewed the same way.
- A rollback is a new draft holding an earlier published revision's document, reviewed the same way.
- Each draft records everyone who changed it and each step (RevisionEvent): the leaflet's timeline.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from monographs.cache import forget_content_version
from monographs.content_io.documents import check_document, monograph_document, write_document
from monographs.content_io.errors import ContentInvalid
from monographs.leaflet import render_leaflet_html
from monographs.models import OPEN_STATES, LeafletRevision, Medication, RevisionEvent
from monographs.services.content import content_write
from monographs.services.leaflets import leaflets_changed
from monographs.services.publishing import PUBLISH_PERMISSION, REVIEW_INTERVAL_YEARS, add_years

EDIT_PERMISSION = "monographs.change_medication"
# How long an editor's last save keeps telling others they are at work on the draft (the soft lock).
EDITING_WINDOW = datetime.timedelta(minutes=30)
Kind = LeafletRevision.Kind
State = LeafletRevision.State
Action = RevisionEvent.Action


class StaleDraft(Exception):
    """The draft changed after the editor opened it: saving would overwrite someone else's edit."""

    def __init__(self, revision: LeafletRevision):
        self.revision = revision
        super().__init__(f"revision {revision.pk} changed")


def user_name(user) -> str:
    if user is None:
        return "the content files"
    return user.get_full_name() or user.get_username()


def _require(user, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(message)


def _reason(reason: str, what: str = "Say why you are making this change: it is kept in the history.") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": what})
    return reason


def _event(revision: LeafletRevision, action: str, user, reason: str = "", part: str = "") -> None:
    RevisionEvent.objects.create(revision=revision, action=action, user=user, reason=reason[:300], part=part[:200])


# --- Reading ----------------------------------------------------------------------------------------------------------


def open_revision(medication: Medication) -> LeafletRevision | None:
    return medication.revisions.filter(state__in=OPEN_STATES).first()


def live_revision(medication: Medication) -> LeafletRevision | None:
    """The published revision the public sees: the latest one."""
    return medication.revisions.filter(state=State.PUBLISHED).order_by("-number").first()


def editing_notice(revision: LeafletRevision | None, user) -> str:
    """Who else is working on this draft and since when (empty when nobody else is, lately)."""
    if revision is None or revision.last_edited_by_id in (None, user.pk) or revision.last_edited_at is None:
        return ""
    if timezone.now() - revision.last_edited_at > EDITING_WINDOW:
        return ""
    since = timezone.localtime(revision.editing_since or revision.last_edited_at)
    last = timezone.localtime(revision.last_edited_at)
    return (
        f"{user_name(revision.last_edited_by)} has been editing this draft since {since:%H:%M} "
        f"(last change at {last:%H:%M}). Your change is saved only if nobody saves this part in between."
    )


def approval_refusal(revision: LeafletRevision, user) -> str:
    """Why this user may not approve this revision (empty when they may)."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return "Approving needs the publish permission."
    if revision.state != State.SUBMITTED:
        return "Only a draft submitted for review can be approved."
    if user.pk in _editor_ids(revision):
        return "You changed or submitted this draft, so another pharmacist must review and approve it."
    return ""


def _editor_ids(revision: LeafletRevision) -> set[int]:
    ids = set(revision.editors.values_list("pk", flat=True))
    return ids | {pk for pk in (revision.created_by_id, revision.submitted_by_id) if pk is not None}


# --- The live leaflet as a revision ----------------------------------------------------------------------------------


def record_live(medication: Medication, *, user=None, reason: str, kind: str = Kind.LOAD) -> LeafletRevision | None:
    """Record the live leaflet as a published revision when it differs from the latest one (content loaded from the
    files, or live before revisions existed), so the timeline and rollback know every version the public saw."""
    document = monograph_document(medication)
    latest = live_revision(medication)
    if latest is not None and latest.document == document:
        return latest
    if latest is None and (medication.status != Medication.Status.PUBLISHED or not document["section"]):
        return None  # never published, or a catalogue entry: there is no live leaflet to record
    now = timezone.now()
    revision = LeafletRevision.objects.create(
        medication=medication,
        number=_next_number(medication),
        kind=kind,
        state=State.PUBLISHED,
        document=document,
        reason=reason[:300],
        created_by=user,
        published_at=now,
    )
    _event(revision, Action.LOADED, user, reason)
    return revision


def _next_number(medication: Medication) -> int:
    return (medication.revisions.aggregate(n=Max("number"))["n"] or 0) + 1


def _locked(medication: Medication) -> Medication:
    """The medication row, locked until the transaction ends, so two workflow steps on one leaflet run in turn."""
    return Medication.objects.select_for_update().get(pk=medication.pk)


# --- Drafting ---------------------------------------------------------------------------------------------------------


def draft_start(
    *, medication: Medication, user, reason: str, kind: str = Kind.EDIT, document: dict | None = None
) -> LeafletRevision:
    """Open the leaflet's draft (everyone works on the one open draft): from the live leaflet, or from `document`
    (a rollback). Returns the open draft if there already is one and no document was asked for."""
    _require(user, EDIT_PERMISSION, "Editing a leaflet needs the change permission.")
    reason = _reason(reason)
    with transaction.atomic():
        medication = _locked(medication)
        existing = open_revision(medication)
        if existing is not None:
            if document is None and kind == Kind.EDIT:
                return existing
            raise ValidationError(
                f"Revision {existing.number} is already open ({existing.get_state_display().lower()}): "
                "finish or discard it first."
            )
        base = record_live(medication, reason="The live leaflet, recorded before its first draft")
        now = timezone.now()
        revision = LeafletRevision.objects.create(
            medication=medication,
            number=_next_number(medication),
            kind=kind,
            document=document if document is not None else monograph_document(medication),
            base=base,
            reason=reason[:300],
            created_by=user,
            last_edited_by=user,
            last_edited_at=now,
            editing_since=now,
        )
        revision.editors.add(user)
        _event(revision, Action.STARTED, user, reason)
    return revision


def draft_errors(revision: LeafletRevision) -> list[str]:
    """What stops this draft being published, in words (empty when nothing does)."""
    return [str(error) for error in check_document(revision.document, medication=revision.medication)]


def draft_edit(
    *, revision: LeafletRevision, user, document: dict, reason: str, part: str, loaded_version: int
) -> LeafletRevision:
    """Save an edit of the draft's document. The whole document must pass the content checks; a draft edited after
    it was submitted goes back to Draft (the reviewer must see the final words); a draft another editor saved since
    `loaded_version` raises StaleDraft."""
    _require(user, EDIT_PERMISSION, "Editing a leaflet needs the change permission.")
    reason = _reason(reason)
    errors = check_document(document, medication=revision.medication)
    if errors:
        raise ContentInvalid(errors)
    with transaction.atomic():
        current = LeafletRevision.objects.select_for_update().get(pk=revision.pk)
        if current.state not in OPEN_STATES:
            raise ValidationError("This revision is no longer a draft: open the leaflet again.")
        if current.version != loaded_version:
            raise StaleDraft(current)
        now = timezone.now()
        same_run = (
            current.last_edited_by_id == user.pk
            and current.last_edited_at is not None
            and now - current.last_edited_at <= EDITING_WINDOW
        )
        current.document = document
        current.version += 1
        current.last_edited_by = user
        current.last_edited_at = now
        current.editing_since = current.editing_since if same_run else now
        if current.state == State.SUBMITTED:
            current.state = State.DRAFT
            current.submitted_by = None
            current.submitted_at = None
        current.save()
        current.editors.add(user)
        _event(current, Action.EDITED, user, reason, part)
    return current


def draft_submit(*, revision: LeafletRevision, user, reason: str) -> LeafletRevision:
    """Ask a second pharmacist to review the draft. Refused when it would not publish, or changes nothing."""
    _require(user, EDIT_PERMISSION, "Submitting a leaflet needs the change permission.")
    reason = _reason(reason, "Say what this change is and why: the reviewer reads it first.")
    with transaction.atomic():
        current = LeafletRevision.objects.select_for_update().get(pk=revision.pk)
        if current.state != State.DRAFT:
            raise ValidationError("Only a draft can be submitted.")
        errors = draft_errors(current)
        if errors:
            raise ValidationError(["Fix these before submitting:", *errors])
        if current.kind != Kind.RETIRE and current.base is not None and current.document == current.base.document:
            raise ValidationError("This draft changes nothing: edit it, or discard it.")
        current.state = State.SUBMITTED
        current.submitted_by = user
        current.submitted_at = timezone.now()
        current.reason = reason[:300]
        current.version += 1
        current.save()
        _event(current, Action.SUBMITTED, user, reason)
    return current


def draft_send_back(*, revision: LeafletRevision, user, comment: str) -> LeafletRevision:
    """The reviewer returns the draft to its authors with what to change (or the author withdraws it)."""
    comment = _reason(comment, "Say what needs to change: the author reads it.")
    with transaction.atomic():
        current = LeafletRevision.objects.select_for_update().get(pk=revision.pk)
        if current.state != State.SUBMITTED:
            raise ValidationError("Only a draft waiting for review can be sent back.")
        if user.pk not in _editor_ids(current):
            _require(user, PUBLISH_PERMISSION, "Reviewing needs the publish permission.")
        current.state = State.DRAFT
        current.review_comment = comment
        current.version += 1
        current.save()
        _event(current, Action.SENT_BACK, user, comment)
    return current


def draft_discard(*, revision: LeafletRevision, user, reason: str) -> LeafletRevision:
    _require(user, EDIT_PERMISSION, "Discarding a draft needs the change permission.")
    reason = _reason(reason)
    with transaction.atomic():
        current = LeafletRevision.objects.select_for_update().get(pk=revision.pk)
        if current.state not in OPEN_STATES:
            raise ValidationError("This revision is not open.")
        current.state = State.DISCARDED
        current.version += 1
        current.save()
        _event(current, Action.DISCARDED, user, reason)
    return current


def revision_approve(*, revision: LeafletRevision, user, comment: str = "") -> LeafletRevision:
    """Publish a submitted draft: its document becomes the live leaflet, in one transaction, with the review stamps.
    Refused (PermissionDenied) for anyone who changed or submitted it or lacks the publish permission; refused
    (ValidationError) when the live leaflet changed since the draft was started."""
    with transaction.atomic():
        medication = _locked(revision.medication)
        current = LeafletRevision.objects.select_for_update().get(pk=revision.pk)
        refusal = approval_refusal(current, user)
        if refusal:
            raise PermissionDenied(refusal)
        live = live_revision(medication)
        if (live.pk if live else None) != current.base_id or (
            live is not None and monograph_document(medication) != live.document
        ):
            raise ValidationError(
                "The live leaflet changed after this draft was started. Send it back: its author starts a new "
                "draft from the live text."
            )
        author = current.submitted_by or current.created_by
        history_reason = f"Revision {current.number}: {current.reason} (approved by {user_name(user)})"[:100]
        if current.kind != Kind.RETIRE:
            write_document(medication, current.document, user=author, reason=history_reason)
        _stamp(medication, current, user, history_reason)
        now = timezone.now()
        current.state = State.PUBLISHED
        current.reviewed_by = user
        current.reviewed_at = now
        current.published_at = now
        current.review_comment = comment
        current.version += 1
        current.save()
        _event(current, Action.APPROVED, user, comment or current.reason)
    return current


def _stamp(medication: Medication, revision: LeafletRevision, reviewer, reason: str) -> None:
    """The review stamps and the publication status an approval sets, in the approval's transaction."""
    medication = Medication.objects.get(pk=medication.pk)  # as the document write left it
    today = timezone.localdate()
    medication.last_reviewed = today
    medication.next_review_due = add_years(today, REVIEW_INTERVAL_YEARS)
    medication.reviewed_by = user_name(reviewer)
    if revision.kind == Kind.RETIRE:
        medication.status = Medication.Status.RETIRED
    else:
        if medication.status != Medication.Status.PUBLISHED:
            medication.published_at = timezone.now()
            medication.published_by = reviewer
        medication.status = Medication.Status.PUBLISHED
    leaflets_changed(content_write(obj=medication, user=reviewer, reason=reason))


def retire_request(*, medication: Medication, user, reason: str) -> LeafletRevision:
    """Ask to withdraw a published leaflet from the public: submitted at once, for a second pharmacist to approve."""
    if medication.status != Medication.Status.PUBLISHED:
        raise ValidationError("Only a published leaflet can be withdrawn.")
    revision = draft_start(
        medication=medication, user=user, reason=reason, kind=Kind.RETIRE, document=monograph_document(medication)
    )
    return draft_submit(revision=revision, user=user, reason=reason)


def revision_rollback(*, medication: Medication, revision: LeafletRevision, user, reason: str) -> LeafletRevision:
    """A new draft holding an earlier published revision's words, to be reviewed like any change."""
    if revision.medication_id != medication.pk or revision.state != State.PUBLISHED:
        raise ValidationError("Only a published revision of this leaflet can be brought back.")
    return draft_start(
        medication=medication, user=user, reason=reason, kind=Kind.ROLLBACK, document=dict(revision.document)
    )


class _Rollback(Exception):
    pass


def preview_html(revision: LeafletRevision) -> str:
    """The leaflet as the draft would show it, rendered exactly as the public page is: the draft is written to the
    live rows inside a transaction that is then rolled back, so nothing is published, stored or purged."""
    html = ""
    try:
        with transaction.atomic():
            write_document(revision.medication, revision.document, user=None, reason="Preview (rolled back)")
            html = render_leaflet_html(revision.medication_id)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        forget_content_version()
    return html
