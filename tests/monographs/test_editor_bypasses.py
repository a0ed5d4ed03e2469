"""Ways round the leaflet editor that are closed: a simple-history revert of a warning, a bulk delete of a published
leaflet."""

import pytest
from django.urls import reverse

from monographs.models import ClinicalWarning, Medication
from tests.admin_forms import change_form_data, client_for

pytestmark = pytest.mark.django_db


def test_a_warnings_old_version_cannot_be_posted_past_the_leaflet_editor(client, shipped_content):
    """The warning admin is read-only (a POST to its change page is a 403), but simple-history's revert page
    (history_form_view) saves a POST for anyone who may *view* the warning."""
    client, _ = client_for(client, "pharmacist")
    warning = ClinicalWarning.objects.get(medication__slug="baclofen", key="drowsiness-driving")
    record = warning.history.first()
    url = reverse("admin:monographs_clinicalwarning_simple_history", args=[warning.pk, record.history_id])
    data = change_form_data(client.get(url)) | {"patient_text": "Forged.", "change_reason": "Bypass"}
    response = client.post(url, data)
    warning.refresh_from_db()
    assert response.status_code == 403, response.status_code
    assert warning.patient_text != "Forged."


def test_a_bulk_delete_cannot_remove_a_published_leaflet(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    baclofen = Medication.objects.get(slug="baclofen")
    url = reverse("admin:monographs_medication_changelist")
    data = {"action": "delete_selected", "index": "0", "_selected_action": str(baclofen.pk), "post": "yes"}
    response = client.post(url, data)
    assert Medication.objects.filter(pk=baclofen.pk).exists()
    assert response.status_code == 403 or "Cannot delete medication" in response.content.decode()
