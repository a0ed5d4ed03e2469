"""NUL and other control characters wherever text comes in, oversized requests, and the staff-only 500s the review
found: each is a clear 400 (JSON on the API's paths) or an error next to its field, never a 500, and nothing is
stored. These run on SQLite and on PostgreSQL, where NUL in a query was a 500."""

import pytest
from django.urls import reverse

from monographs.models import Condition, Medication
from monographs.services import revisions as workflow
from tests.admin_forms import client_for, open_change_form, part_page_data, part_url
from tests.users import make_user

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return response.content.decode()


# --- Query strings: refused before any view, cache or database sees them --------------------------------------------


@pytest.mark.parametrize("query", ["%00", "baclofen%00", "bac%07lofen", "baclofen%0B", "baclofen%C2%85"])
def test_a_search_with_a_control_character_is_a_400_page_in_the_site_layout(client, shipped_content, query):
    response = client.get(f"/search/?q={query}")
    assert response.status_code == 400
    text = page_text(response)
    assert "invisible control character" in text
    assert 'class="skip-link"' in text and text.count("<h1") == 1
    assert f'href="{reverse("home")}"' in text


def test_a_search_with_a_tab_is_still_a_search(client, shipped_content):
    assert client.get("/search/?q=baclofen%09").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/monographs/medication/?status=%00",
        "/admin/monographs/medication/?q=%00",
        "/admin/monographs/medication/?%00=1",
        "/admin/autocomplete/?term=%00&app_label=monographs&model_name=clinicalwarning&field_name=medication",
    ],
)
def test_admin_filters_and_autocomplete_with_nul_are_a_400(client, shipped_content, url):
    client, _ = client_for(client, "pharmacist")
    assert client.get(url).status_code == 400


def test_a_posted_form_with_nul_is_an_error_on_the_form_and_signs_nobody_in(client, db):
    make_user("superuser", username="admin")
    response = client.post("/accounts/login/", {"username": "admin\x00", "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["Null characters are not allowed."]
    assert "_auth_user_id" not in client.session


# --- Forms: a control character is an error next to its field, the editor's input kept ------------------------------


def test_an_admin_edit_with_a_control_character_is_refused_next_to_the_field(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    catalogue = Medication.objects.exclude(pk__in=Medication.objects.with_leaflet().values("pk"))
    medication = catalogue.get(slug="amlodipine")
    url, data = open_change_form(client, medication)
    data |= {"summary": "Amlodipine lowers\x0bblood pressure.", "change_reason": "Pasted from a word processor"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "invisible control character (U+000B)" in str(response.context["adminform"].form.errors["summary"])
    assert Medication.objects.get(pk=medication.pk).summary == medication.summary


def test_a_leaflet_edit_with_a_control_character_is_refused_next_to_the_field(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    medication = Medication.objects.get(slug="baclofen")
    url = part_url(medication, "section", "storage")
    data = part_page_data(client.get(url))
    data |= {"body": "Keep it below\x0b25°C.", "reason": "Pasted from a word processor"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "body": ["This contains an invisible control character (U+000B): remove it or retype the text."]
    }
    assert "Keep it below" in response.content.decode()  # the editor's input is kept
    assert workflow.open_revision(medication) is None  # no draft was opened, nothing saved


def test_a_condition_alias_with_a_control_character_is_refused(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    condition = Condition.objects.get(slug="multiple-sclerosis")
    url, data = open_change_form(client, condition)
    data |= {"aliases": '["M\\u0007S"]', "change_reason": "Testing aliases"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "aliases" in response.context["adminform"].form.errors
    condition.refresh_from_db()
    assert condition.aliases == ["MS"]


# --- Oversized requests ---------------------------------------------------------------------------------------------


def test_a_form_with_too_many_fields_is_a_400_page_that_says_so(client, settings, db):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/accounts/login/", {f"field{n}": "x" for n in range(20)})
    assert response.status_code == 400
    assert "too many fields" in page_text(response)
    assert 'class="skip-link"' in page_text(response)


# --- Staff-only 500s -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("selected", ["", "not-a-number"])
def test_a_list_action_whose_selection_names_no_row_changes_nothing(client, shipped_content, selected):
    client, _ = client_for(client, "superuser")
    before = Medication.objects.count()
    url = reverse("admin:monographs_medication_changelist")
    response = client.post(url, {"action": "delete_selected", "index": "0", "_selected_action": selected})
    assert response.status_code == 302
    assert Medication.objects.count() == before
    assert "Select rows from the list" in page_text(client.get(response["Location"]))


def test_a_list_action_with_rows_selected_still_runs(client, shipped_content):
    client, _ = client_for(client, "superuser")
    medication = Medication.objects.create(name="Deletol", slug="deletol")
    url = reverse("admin:monographs_medication_changelist")
    data = {"action": "delete_selected", "index": "0", "_selected_action": str(medication.pk), "post": "yes"}
    assert client.post(url, data).status_code == 302
    assert not Medication.objects.filter(pk=medication.pk).exists()


def test_a_signed_in_user_with_nul_in_the_query_gets_the_400_too(client, db):
    client.force_login(make_user("clinician"))
    assert client.get("/screening/?medication=%00").status_code == 400
