"""The editorial workflow at the service layer (whatever page or script calls it): a change to a published leaflet is
a draft that leaves the public page alone, a second pharmacist approves it, nobody approves their own change,
review stamps come only from an approval, withdrawing is reviewed too, and any published revision can come back."""

import copy
import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from monographs.content_io.documents import monograph_document
from monographs.content_io.errors import ContentInvalid
from monographs.models import LeafletRevision, LeafletSection, Medication, RevisionEvent
from monographs.services import revisions as workflow
from monographs.services.publishing import REVIEW_INTERVAL_YEARS, add_years
from tests.users import make_user

pytestmark = pytest.mark.django_db
State = LeafletRevision.State


@pytest.fixture
def baclofen(shipped_content):
    return Medication.objects.get(slug="baclofen")


@pytest.fixture
def author(db):
    return make_user("pharmacist", "author")


@pytest.fixture
def reviewer(db):
    return make_user("pharmacist", "reviewer")


def edited(
    document: dict, kind: str = "storage", text: str = "Keep it below 25°C, out of the reach of children."
) -> dict:
    document = copy.deepcopy(document)
    for section in document["section"]:
        if section["kind"] == kind:
            section["body"] = text
    return document


def section_body(medication, kind="storage") -> str:
    return LeafletSection.objects.get(medication=medication, kind=kind).body


def drafted(medication, user, document=None, reason="Storage wording from the 2026 label"):
    draft = workflow.draft_start(medication=medication, user=user, reason=reason)
    document = document if document is not None else edited(draft.document)
    return workflow.draft_edit(
        revision=draft, user=user, document=document, reason=reason, part="Storage", loaded_version=draft.version
    )


def submitted(medication, user):
    return workflow.draft_submit(revision=drafted(medication, user), user=user, reason="Storage wording")


def test_a_draft_leaves_the_live_leaflet_and_public_page_alone(client, baclofen, author):
    before = section_body(baclofen)
    page_before = client.get(baclofen.get_absolute_url())
    draft = submitted(baclofen, author)
    assert draft.state == State.SUBMITTED
    assert section_body(baclofen) == before
    assert Medication.objects.get(pk=baclofen.pk).status == Medication.Status.PUBLISHED
    page = client.get(baclofen.get_absolute_url())
    assert page.status_code == 200 and page.content == page_before.content


def test_a_second_pharmacist_approves_and_the_change_goes_live_with_the_review_stamps(
    client, baclofen, author, reviewer
):
    draft = submitted(baclofen, author)
    published = workflow.revision_approve(revision=draft, user=reviewer)
    assert published.state == State.PUBLISHED and published.reviewed_by == reviewer
    assert section_body(baclofen) == "Keep it below 25°C, out of the reach of children."
    baclofen.refresh_from_db()
    today = timezone.localdate()
    assert baclofen.last_reviewed == today
    assert baclofen.next_review_due == add_years(today, REVIEW_INTERVAL_YEARS)
    assert baclofen.reviewed_by == reviewer.get_full_name() or reviewer.username
    assert "below 25°C" in client.get(baclofen.get_absolute_url()).content.decode()
    assert workflow.live_revision(baclofen) == published
    history = LeafletSection.objects.get(medication=baclofen, kind="storage").history.first()
    assert history.history_user == author and "approved by" in history.history_change_reason


@pytest.mark.parametrize("who", ["author", "co-editor", "submitter"])
def test_nobody_approves_a_change_they_made(baclofen, author, who):
    draft = drafted(baclofen, author)
    other = make_user("pharmacist", "other")
    if who == "co-editor":
        draft = workflow.draft_edit(
            revision=draft,
            user=other,
            document=edited(draft.document, "overdose", "Call 999 or go to A&E at once."),
            reason="Overdose wording",
            part="Overdose",
            loaded_version=draft.version,
        )
    submitter = other if who == "submitter" else author
    draft = workflow.draft_submit(revision=draft, user=submitter, reason="Wording")
    approver = author if who == "author" else other
    with pytest.raises(PermissionDenied, match="another pharmacist"):
        workflow.revision_approve(revision=draft, user=approver)
    assert LeafletRevision.objects.get(pk=draft.pk).state == State.SUBMITTED
    assert section_body(baclofen) != "Keep it below 25°C, out of the reach of children."


def test_approving_needs_the_publish_permission(baclofen, author):
    draft = submitted(baclofen, author)
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__in=["change_medication", "view_medication"]))
    with pytest.raises(PermissionDenied, match="publish permission"):
        workflow.revision_approve(revision=draft, user=User.objects.get(pk=editor.pk))


def test_only_a_submitted_draft_is_approved(baclofen, author, reviewer):
    draft = drafted(baclofen, author)
    with pytest.raises(PermissionDenied, match="submitted"):
        workflow.revision_approve(revision=draft, user=reviewer)


def test_sent_back_with_a_comment_then_resubmitted(baclofen, author, reviewer):
    draft = submitted(baclofen, author)
    with pytest.raises(ValidationError):
        workflow.draft_send_back(revision=draft, user=reviewer, comment="  ")
    back = workflow.draft_send_back(revision=draft, user=reviewer, comment="Say 'below 25 degrees'.")
    assert back.state == State.DRAFT and back.review_comment == "Say 'below 25 degrees'."
    again = workflow.draft_submit(revision=back, user=author, reason="Storage wording, as asked")
    assert workflow.revision_approve(revision=again, user=reviewer).state == State.PUBLISHED


def test_editing_a_submitted_draft_takes_it_back_to_draft(baclofen, author):
    draft = submitted(baclofen, author)
    changed = workflow.draft_edit(
        revision=draft,
        user=author,
        document=edited(draft.document, text="Keep it below 30°C."),
        reason="Temperature",
        part="Storage",
        loaded_version=draft.version,
    )
    assert changed.state == State.DRAFT and changed.submitted_at is None


def test_a_stale_draft_edit_is_refused(baclofen, author):
    draft = drafted(baclofen, author)
    stale_version = draft.version - 1
    with pytest.raises(workflow.StaleDraft):
        workflow.draft_edit(
            revision=draft, user=author, document=draft.document, reason="x", part="x", loaded_version=stale_version
        )


def test_every_save_needs_its_reason(baclofen, author):
    with pytest.raises(ValidationError, match="Say why"):
        workflow.draft_start(medication=baclofen, user=author, reason=" ")
    draft = drafted(baclofen, author)
    with pytest.raises(ValidationError):
        workflow.draft_edit(
            revision=draft, user=author, document=draft.document, reason="", part="x", loaded_version=draft.version
        )
    with pytest.raises(ValidationError):
        workflow.draft_submit(revision=draft, user=author, reason="")


def test_a_draft_that_would_not_publish_is_refused_whole(baclofen, author):
    draft = workflow.draft_start(medication=baclofen, user=author, reason="Bad source")
    document = copy.deepcopy(draft.document)
    document["section"][0]["sources"] = ["no-such-source"]
    with pytest.raises(ContentInvalid):
        workflow.draft_edit(
            revision=draft, user=author, document=document, reason="x", part="x", loaded_version=draft.version
        )
    assert LeafletRevision.objects.get(pk=draft.pk).document == monograph_document(baclofen)


def test_a_draft_that_changes_nothing_is_not_submitted(baclofen, author):
    draft = workflow.draft_start(medication=baclofen, user=author, reason="Looking")
    with pytest.raises(ValidationError, match="changes nothing"):
        workflow.draft_submit(revision=draft, user=author, reason="Nothing")


def test_approval_refuses_when_the_live_leaflet_moved_on(baclofen, author, reviewer):
    draft = submitted(baclofen, author)
    # The live leaflet changes underneath (a content load): the draft's words were written against older text.
    section = LeafletSection.objects.get(medication=baclofen, kind="overdose")
    LeafletSection.objects.filter(pk=section.pk).update(body=section.body + " Take the pack with you.")
    with pytest.raises(ValidationError, match="changed after this draft"):
        workflow.revision_approve(revision=draft, user=reviewer)
    assert section_body(baclofen) != "Keep it below 25°C, out of the reach of children."


def test_one_open_draft_per_leaflet(baclofen, author, reviewer):
    first = drafted(baclofen, author)
    assert workflow.draft_start(medication=baclofen, user=reviewer, reason="Also editing") == first
    with pytest.raises(ValidationError, match="already open"):
        workflow.revision_rollback(
            medication=baclofen, revision=workflow.live_revision(baclofen), user=reviewer, reason="Back"
        )


def test_withdrawing_a_leaflet_is_reviewed_too(client, baclofen, author, reviewer, django_capture_on_commit_callbacks):
    request = workflow.retire_request(medication=baclofen, user=author, reason="Product discontinued")
    assert request.state == State.SUBMITTED
    assert client.get(baclofen.get_absolute_url()).status_code == 200  # still public until approved
    with pytest.raises(PermissionDenied):
        workflow.revision_approve(revision=request, user=author)
    with django_capture_on_commit_callbacks(execute=True):  # the purge after the commit
        workflow.revision_approve(revision=request, user=reviewer)
    baclofen.refresh_from_db()
    assert baclofen.status == Medication.Status.RETIRED
    assert client.get(baclofen.get_absolute_url()).status_code in (404, 410)


def test_roll_back_to_an_earlier_revision_through_review(baclofen, author, reviewer):
    original = section_body(baclofen)
    workflow.revision_approve(revision=submitted(baclofen, author), user=reviewer)
    first = workflow.live_revision(baclofen).base
    assert first is not None and first.state == State.PUBLISHED
    draft = workflow.revision_rollback(medication=baclofen, revision=first, user=author, reason="Undo storage edit")
    assert draft.kind == LeafletRevision.Kind.ROLLBACK and draft.document == first.document
    assert section_body(baclofen) != original  # a rollback is a draft: nothing live changes yet
    draft = workflow.draft_submit(revision=draft, user=author, reason="Undo storage edit")
    workflow.revision_approve(revision=draft, user=reviewer)
    assert section_body(baclofen) == original


def test_the_timeline_records_who_did_what_and_why(baclofen, author, reviewer):
    draft = submitted(baclofen, author)
    workflow.revision_approve(revision=draft, user=reviewer, comment="Checked against the label")
    events = list(RevisionEvent.objects.filter(revision=draft).values_list("action", "user__username", "reason"))
    assert [e[0] for e in events] == ["started", "edited", "submitted", "approved"]
    assert events[-1][1:] == ("reviewer", "Checked against the label")
    assert events[1][1] == "author"


def test_the_soft_lock_names_the_other_editor_and_when(baclofen, author, reviewer):
    draft = drafted(baclofen, author)
    assert workflow.editing_notice(draft, author) == ""
    notice = workflow.editing_notice(draft, reviewer)
    assert "editing this draft since" in notice and (author.get_full_name() or "author") in notice
    draft.last_edited_at = timezone.now() - datetime.timedelta(hours=2)
    assert workflow.editing_notice(draft, reviewer) == ""


def test_the_preview_shows_the_draft_and_changes_nothing(baclofen, author):
    draft = drafted(baclofen, author)
    html = workflow.preview_html(draft)
    assert "Keep it below 25°C" in html
    assert "Keep it below 25°C" not in section_body(baclofen)
