"""A catalogue entry (a medicine the screening knows by name, with no leaflet) keeps its own small form: plain labels,
and a change to one of its names needs the page's reason like any other change."""

import pytest
from django.urls import reverse

from monographs.models import Medication
from tests.admin_forms import client_for, open_change_form

pytestmark = pytest.mark.django_db


def catalogue_entry_with_names() -> Medication:
    leaflets = Medication.objects.with_leaflet().values("pk")
    return Medication.objects.exclude(pk__in=leaflets).filter(names__isnull=False).distinct().first()


def test_a_name_changed_without_a_reason_is_refused_and_with_one_is_saved(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    entry = catalogue_entry_with_names()
    url, data = open_change_form(client, entry)
    data["names-0-name"] = data["names-0-name"] + " Retard"
    data["change_reason"] = ""
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Say why you are making this change" in refused.content.decode()
    assert not entry.names.filter(name__endswith=" Retard").exists()
    data["change_reason"] = "Brand spelling from the pack"
    assert client.post(url, data).status_code == 302
    name = entry.names.get(name__endswith=" Retard")
    assert name.history.first().history_change_reason == "Brand spelling from the pack"


def test_the_catalogue_form_uses_plain_labels_and_links_to_writing_a_leaflet(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    entry = catalogue_entry_with_names()
    html = client.get(reverse("admin:monographs_medication_change", args=[entry.pk])).content.decode()
    assert "ATC code" in html and "RxNorm code" in html
    assert reverse("admin:monographs_medication_leaflet", args=[entry.pk]) in html
