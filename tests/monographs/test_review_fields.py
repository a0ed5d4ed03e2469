"""'Last reviewed', 'Next review due' and 'Reviewed by' change only through a review: a second pharmacist's approval of
a leaflet's draft (services.revisions), never a posted form: the public leaflet shows them, so a forged review would
mislead patients."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from monographs.models import Medication
from monographs.services import revisions as workflow
from monographs.services.publishing import REVIEW_INTERVAL_YEARS, add_years, medication_save
from tests.admin_forms import (
    change_form_data,
    client_for,
    open_change_form,
    part_page_data,
    pharmacist_client,
    review_step,
    save_in_draft,
)
from tests.users import make_user

pytestmark = pytest.mark.django_db
FORGED = {"last_reviewed": "01/01/2099", "next_review_due": "01/01/2100", "reviewed_by": "Forged Reviewer"}
REVIEW_KEYS = ("last_reviewed", "next_review_due", "reviewed_by")
FORGED_DATES = {datetime.date(2099, 1, 1), datetime.date(2100, 1, 1)}


def review_stamps(medication: Medication) -> tuple:
    medication.refresh_from_db()
    return medication.last_reviewed, medication.next_review_due, medication.reviewed_by


def baclofen() -> Medication:
    return Medication.objects.get(slug="baclofen")


def catalogue_entry(slug: str = "amlodipine") -> Medication:
    return Medication.objects.exclude(pk__in=Medication.objects.with_leaflet().values("pk")).get(slug=slug)


def editor_without_publish_permission(client):
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__in=["change_medication", "view_medication"]))
    client.force_login(editor)
    return client


def signed_in(client, who: str):
    return editor_without_publish_permission(client) if who != "pharmacist" else client_for(client, who)[0]


@pytest.mark.parametrize("who", ["editor-without-publish", "pharmacist"])
def test_review_fields_posted_on_the_catalogue_form_are_ignored(client, shipped_content, who):
    client = signed_in(client, who)
    medication = catalogue_entry()
    before = review_stamps(medication)
    url, data = open_change_form(client, medication)
    assert not set(FORGED) & set(data)  # not on the form at all
    data |= FORGED | {"summary": "Amlodipine lowers blood pressure.", "change_reason": "Wording"}
    assert client.post(url, data).status_code == 302
    assert review_stamps(medication) == before
    assert Medication.objects.get(pk=medication.pk).summary == "Amlodipine lowers blood pressure."


@pytest.mark.parametrize("who", ["editor-without-publish", "pharmacist"])
def test_review_fields_posted_on_the_editors_details_page_are_ignored(
    client, shipped_content, who, django_capture_on_commit_callbacks
):
    client = signed_in(client, who)
    medication = baclofen()
    before = review_stamps(medication)
    url = reverse("admin:monographs_medication_leaflet_details", args=[medication.pk])
    data = part_page_data(client.get(url))
    assert not set(FORGED) & set(data)  # not on the form at all
    data |= FORGED | {"summary": "Baclofen relaxes tight muscles.", "reason": "Wording"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    draft = workflow.open_revision(medication)
    assert draft.document["medication"]["summary"] == "Baclofen relaxes tight muscles."
    assert "Forged Reviewer" not in str(draft.document) and "2099" not in str(draft.document)
    assert review_stamps(medication) == before
    review_step(client, medication, "submit", reason="Wording")
    reviewer, _ = pharmacist_client("Ben", "Reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        review_step(reviewer, medication, "approve")
    stamps = review_stamps(medication)
    assert stamps[2] == "Ben Reviewer" and not FORGED_DATES & set(stamps[:2])
    assert "Forged Reviewer" not in client.get(medication.get_absolute_url()).content.decode()


def test_the_service_refuses_review_fields_changed_outside_a_review(shipped_content):
    medication = Medication.objects.get(slug="baclofen")
    before = review_stamps(medication)
    medication.reviewed_by = "Forged Reviewer"
    medication.last_reviewed = datetime.date(2099, 1, 1)
    with pytest.raises(ValidationError) as refused:
        medication_save(medication=medication, user=make_user("pharmacist"), reason="x", status_before="published")
    assert set(refused.value.message_dict) == {"reviewed_by", "last_reviewed"}
    assert review_stamps(medication) == before


def test_a_new_medication_cannot_arrive_already_reviewed(db):
    medication = Medication(name="Newol", slug="newol", reviewed_by="Nobody", next_review_due=datetime.date(2030, 1, 1))
    with pytest.raises(ValidationError) as refused:
        medication_save(medication=medication, user=make_user("pharmacist"), reason="x", status_before=None)
    assert set(refused.value.message_dict) == {"reviewed_by", "next_review_due"}


def test_approving_stamps_today_three_years_on_and_the_reviewer(shipped_content):
    (author, _), (reviewer, _) = pharmacist_client("Anna", "Author"), pharmacist_client("Ben", "Reviewer")
    medication = baclofen()
    reviewed_before = (datetime.date(2024, 1, 1), datetime.date(2027, 1, 1), "Old Reviewer")
    Medication.objects.filter(pk=medication.pk).update(**dict(zip(REVIEW_KEYS, reviewed_before, strict=True)))
    save_in_draft(author, medication, "section", "storage", body="Keep it below 25°C.", reason="Annual review")
    review_step(author, medication, "submit", reason="Annual review")
    assert review_stamps(medication) == reviewed_before  # writing and submitting are not reviewing
    review_step(reviewer, medication, "approve")
    today = timezone.localdate()
    assert review_stamps(medication) == (today, add_years(today, REVIEW_INTERVAL_YEARS), "Ben Reviewer")


def test_a_rollback_is_a_new_review_stamped_when_it_is_approved(shipped_content):
    (author, _), (first, _), (second, _) = (
        pharmacist_client("Anna", "Author"),
        pharmacist_client("Ben", "Reviewer"),
        pharmacist_client("Cara", "Checker"),
    )
    medication = baclofen()
    original = medication.sections.get(kind="storage").body
    save_in_draft(author, medication, "section", "storage", body="Keep it below 25°C.", reason="Wording")
    review_step(author, medication, "submit", reason="Wording")
    review_step(first, medication, "approve")
    # That review was long ago: its stamps are older than today's.
    Medication.objects.filter(pk=medication.pk).update(
        last_reviewed=datetime.date(2024, 1, 1), next_review_due=datetime.date(2027, 1, 1)
    )
    earlier = workflow.live_revision(medication).base
    rollback = reverse("admin:monographs_medication_leaflet_rollback", args=[medication.pk, earlier.number])
    assert author.post(rollback, {"reason": "Back to the reviewed wording"}).status_code == 302
    assert review_stamps(medication) == (datetime.date(2024, 1, 1), datetime.date(2027, 1, 1), "Ben Reviewer")
    review_step(author, medication, "submit", reason="Back to the reviewed wording")
    review_step(second, medication, "approve")
    assert medication.sections.get(kind="storage").body == original
    today = timezone.localdate()
    assert review_stamps(medication) == (today, add_years(today, REVIEW_INTERVAL_YEARS), "Cara Checker")


def test_reverting_a_catalogue_entry_to_an_older_version_keeps_the_current_review(client, shipped_content):
    """Restoring old words on the catalogue form is not a review: the stamps it has now stay."""
    client, _ = client_for(client, "pharmacist")
    medication = catalogue_entry()
    older = medication.history.order_by("-history_date").first()
    url, data = open_change_form(client, medication)
    data |= {"summary": "Reviewed wording.", "change_reason": "Review"}
    assert client.post(url, data).status_code == 302
    reviewed = (datetime.date(2026, 1, 5), datetime.date(2029, 1, 5), "Ben Reviewer")
    Medication.objects.filter(pk=medication.pk).update(**dict(zip(REVIEW_KEYS, reviewed, strict=True)))
    assert (older.last_reviewed, older.next_review_due, older.reviewed_by) != reviewed
    revert_url = reverse("admin:monographs_medication_simple_history", args=[medication.pk, older.history_id])
    data = change_form_data(client.get(revert_url)) | {"change_reason": "Back to the old wording"}
    response = client.post(revert_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Medication.objects.get(pk=medication.pk).summary == older.summary
    assert review_stamps(medication) == reviewed
