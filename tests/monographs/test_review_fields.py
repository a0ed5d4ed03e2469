"""'Last reviewed', 'Next review due' and 'Reviewed by' change only through a review (publishing, or 'I have reviewed
all of this content today' with the publish permission): the public leaflet shows them, so a forged review would
mislead patients."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from monographs.models import Medication
from monographs.services.publishing import REVIEW_INTERVAL_YEARS, add_years, medication_save
from tests.admin_forms import change_form_data, client_for, open_change_form
from tests.users import make_user

pytestmark = pytest.mark.django_db
FORGED = {"last_reviewed": "01/01/2099", "next_review_due": "01/01/2100", "reviewed_by": "Forged Reviewer"}


def review_stamps(medication: Medication) -> tuple:
    medication.refresh_from_db()
    return medication.last_reviewed, medication.next_review_due, medication.reviewed_by


def editor_without_publish_permission(client):
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__in=["change_medication", "view_medication"]))
    client.force_login(editor)
    return client


@pytest.mark.parametrize("who", ["editor-without-publish", "pharmacist"])
def test_review_fields_posted_on_the_change_form_are_ignored(client, shipped_content, who):
    client = editor_without_publish_permission(client) if who != "pharmacist" else client_for(client, who)[0]
    medication = Medication.objects.get(slug="baclofen")
    before = review_stamps(medication)
    url, data = open_change_form(client, medication)
    assert not set(FORGED) & set(data)  # not on the form at all
    data |= FORGED | {"summary": "Baclofen relaxes tight muscles.", "change_reason": "Wording"}
    assert client.post(url, data).status_code == 302
    assert review_stamps(medication) == before
    assert Medication.objects.get(pk=medication.pk).summary == "Baclofen relaxes tight muscles."
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


def test_marking_reviewed_stamps_today_three_years_on_and_the_reviewer(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    medication = Medication.objects.get(slug="baclofen")
    url, data = open_change_form(client, medication)
    data |= {"mark_reviewed": "on", "change_reason": "Annual review"}
    assert client.post(url, data).status_code == 302
    today = timezone.localdate()
    assert review_stamps(medication) == (today, add_years(today, REVIEW_INTERVAL_YEARS), "Pharmacist")


def test_reverting_to_an_older_version_keeps_the_current_review(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    medication = Medication.objects.get(slug="baclofen")
    older = medication.history.order_by("-history_date").first()
    url, data = open_change_form(client, medication)
    data |= {"mark_reviewed": "on", "summary": "Reviewed wording.", "change_reason": "Review"}
    assert client.post(url, data).status_code == 302
    reviewed = review_stamps(medication)
    revert_url = reverse("admin:monographs_medication_simple_history", args=[medication.pk, older.history_id])
    data = change_form_data(client.get(revert_url)) | {"change_reason": "Back to the old wording"}
    response = client.post(revert_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Medication.objects.get(pk=medication.pk).summary == older.summary
    assert review_stamps(medication) == reviewed
