"""What an admin save leaves behind: history with who and why, a revert that restores text and sources, the public
leaflet showing the change at once, sanitised HTML, a refusal shown on the form, and a page whose cost in queries
does not grow with its rows."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from monographs.models import ClinicalWarning, Medication
from monographs.services.content import content_save
from tests.admin_forms import change_form_data, client_for, open_change_form
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def baclofen():
    return Medication.objects.get(slug="baclofen")


def leaflet(client) -> str:
    return client.get("/medicines/baclofen/").content.decode()


# --- History: diff and restore --------------------------------------------------------------------------------------


def test_history_shows_a_field_by_field_diff_and_restores_an_earlier_version(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    medication = baclofen()
    original = medication.summary
    url, data = open_change_form(client, medication)
    data["summary"] = "A mistaken summary."
    data["change_reason"] = "Mistake"
    assert client.post(url, data).status_code == 302

    history = client.get(reverse("admin:monographs_medication_history", args=[medication.pk])).content.decode()
    assert "A mistaken summary." in history and "Mistake" in history

    earlier = baclofen().history.exclude(summary="A mistaken summary.").order_by("-history_date").first()
    revert_url = reverse("admin:monographs_medication_simple_history", args=[medication.pk, earlier.history_id])
    response = client.get(revert_url)
    assert response.status_code == 200
    data = change_form_data(response)
    data["change_reason"] = "Restore the reviewed summary"
    assert client.post(revert_url, data).status_code == 302
    assert baclofen().summary == original


def test_content_loader_changes_are_recorded_in_history(shipped_content):
    record = baclofen().history.order_by("history_date").first()
    assert record.history_change_reason == "Loaded from the content files"


def test_a_change_of_sources_is_in_the_history_with_who_why_and_which_sources(client, shipped_content):
    client, user = client_for(client, "pharmacist")
    warning = ClinicalWarning.objects.get(medication__slug="baclofen", key="drowsiness-driving")
    url = reverse("admin:monographs_clinicalwarning_change", args=[warning.pk])
    response = client.get(url)
    data = change_form_data(response)
    before = set(warning.sources.values_list("pk", flat=True))
    added = make_source(title="Driver and Vehicle Licensing Agency: medicines and driving")
    data["sources"] = [str(pk) for pk in before | {added.pk}]
    data["change_reason"] = "Cite the DVLA guidance"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    latest, previous = warning.history.order_by("-history_date", "-history_id")[:2]
    assert set(latest.sources.values_list("source_id", flat=True)) == before | {added.pk}
    assert set(previous.sources.values_list("source_id", flat=True)) == before
    assert latest.history_user == user
    assert latest.history_change_reason == "Cite the DVLA guidance"
    page = client.get(reverse("admin:monographs_clinicalwarning_history", args=[warning.pk])).content.decode()
    assert "Driver and Vehicle Licensing Agency: medicines and driving" in page


def test_reverting_restores_the_sources_an_earlier_version_cited(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    warning = ClinicalWarning.objects.get(medication__slug="baclofen", key="drowsiness-driving")
    cited = set(warning.sources.values_list("pk", flat=True))
    url = reverse("admin:monographs_clinicalwarning_change", args=[warning.pk])
    data = change_form_data(client.get(url))
    data["sources"] = [str(min(cited))]
    data["change_reason"] = "Mistakenly dropped sources"
    assert client.post(url, data).status_code == 302
    assert set(warning.sources.values_list("pk", flat=True)) == {min(cited)}

    earlier = next(
        record
        for record in warning.history.order_by("-history_date", "-history_id")
        if set(record.sources.values_list("source_id", flat=True)) == cited
    )
    revert_url = reverse("admin:monographs_clinicalwarning_simple_history", args=[warning.pk, earlier.history_id])
    data = change_form_data(client.get(revert_url))
    data["change_reason"] = "Restore the sources"
    assert client.post(revert_url, data).status_code == 302
    assert set(warning.sources.values_list("pk", flat=True)) == cited


def driving_warning() -> ClinicalWarning:
    return ClinicalWarning.objects.get(medication__slug="baclofen", key="drowsiness-driving")


def test_a_revert_goes_through_the_service_and_reaches_the_public_leaflet(
    client, shipped_content, django_capture_on_commit_callbacks
):
    from django.test import Client

    patient = Client()
    client, user = client_for(client, "pharmacist")
    warning = driving_warning()
    url, data = open_change_form(client, warning)
    data["patient_text"] = "A mistaken sentence about driving."
    data["change_reason"] = "Mistake"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert "A mistaken sentence about driving." in leaflet(patient)

    earlier = warning.history.exclude(patient_text="A mistaken sentence about driving.").order_by("-history_date")[0]
    revert_url = reverse("admin:monographs_clinicalwarning_simple_history", args=[warning.pk, earlier.history_id])
    data = change_form_data(client.get(revert_url))
    data["change_reason"] = "Restore the reviewed wording"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(revert_url, data).status_code == 302
    page = leaflet(patient)
    assert "A mistaken sentence about driving." not in page
    assert "Do not drive or use machines until you know how baclofen affects you." in page
    restored = driving_warning()
    assert restored.patient_html.startswith("<p>Baclofen can make you sleepy")  # rendered by the service
    latest = restored.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (user, "Restore the reviewed wording")


def test_a_row_deleted_on_the_medication_page_is_in_the_history_with_who_and_why(
    client, shipped_content, django_capture_on_commit_callbacks
):
    client, user = client_for(client, "pharmacist")
    url, data = open_change_form(client, baclofen())
    first = baclofen().warnings.order_by("section", "position").first()
    data["warnings-0-DELETE"] = "on"
    data["change_reason"] = "Duplicate warning"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not ClinicalWarning.objects.filter(pk=first.pk).exists()
    deleted = ClinicalWarning.history.get(id=first.pk, history_type="-")
    assert (deleted.history_user, deleted.history_change_reason) == (user, "Duplicate warning")


def test_deleting_from_the_admin_is_in_the_history_with_who(client, shipped_content):
    client, user = client_for(client, "pharmacist")
    warning = driving_warning()
    url = reverse("admin:monographs_clinicalwarning_delete", args=[warning.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    deleted = ClinicalWarning.history.get(id=warning.pk, history_type="-")
    assert (deleted.history_user, deleted.history_change_reason) == (user, "Deleted in the admin")


def refuse(message):
    def content_save(**kwargs):
        raise ValidationError(message)

    return content_save


def test_a_refusal_by_the_service_is_shown_on_the_form_with_the_edits_kept(client, shipped_content, monkeypatch):
    monkeypatch.setattr("monographs.admin.base.content_save", refuse({"title": "Refused by the content service."}))
    client, _ = client_for(client, "pharmacist")
    url, data = open_change_form(client, driving_warning())
    data["title"] = "An edited title"
    data["change_reason"] = "Shorter title"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"title": ["Refused by the content service."]}
    assert 'value="An edited title"' in response.content.decode()
    assert driving_warning().title == "Drowsiness: driving and using machines"


def test_a_refusal_of_an_inline_row_is_shown_on_the_medication_page(client, shipped_content, monkeypatch):
    monkeypatch.setattr("monographs.admin.base.content_save", refuse("Refused by the content service."))
    client, _ = client_for(client, "pharmacist")
    url, data = open_change_form(client, baclofen())
    data["warnings-0-title"] = "An edited title"
    data["change_reason"] = "Shorter title"
    response = client.post(url, data)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.non_field_errors()
    assert error.startswith("Warning (clinical-use fact) “Baclofen: ")
    assert error.endswith(": Refused by the content service.")
    assert not ClinicalWarning.objects.filter(title="An edited title").exists()


# --- Sanitising and the live preview ---

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    '<p onclick="alert(1)">x</p>',
    "<object data=x></object><embed src=x>",
    '<form action="https://evil.example"><input></form>',
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_xss_payload_survives_into_the_public_leaflet(
    client, shipped_content, django_capture_on_commit_callbacks, payload
):
    section = baclofen().sections.get(kind="storage")
    section.body = f"Safe text. {payload}"
    with django_capture_on_commit_callbacks(execute=True):
        content_save(obj=section, reason="Sanitising test")
    assert "Safe text." in section.body_html
    html = section.body_html.lower()
    for dangerous in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "data:text",
        "<iframe",
        "style=",
        "<object",
        "<embed",
        "<form",
        "<style",
        "<svg",
    ):
        assert dangerous not in html, (payload, html)
    page = client.get("/medicines/baclofen/").content.decode().lower()
    assert "alert(1)" not in page.split('id="storage"')[1].split("</section>")[0] or "&lt;" in page


def test_live_preview_returns_sanitised_html_and_readability(client):
    client, _ = client_for(client, "pharmacist")
    response = client.post(
        reverse("admin:monographs_markdown_preview"), {"text": "**Take it** daily. <script>x</script>"}
    )
    assert response.status_code == 200
    body = response.json()
    assert "<strong>Take it</strong>" in body["html"] and "<script" not in body["html"]
    assert {"grade", "ease", "smog", "on_target"} <= set(body)


def test_live_preview_is_refused_to_clinicians(client):
    client, _ = client_for(client, "clinician")
    response = client.post(reverse("admin:monographs_markdown_preview"), {"text": "x"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Cache: a correction reaches readers at once ---


def test_an_admin_correction_purges_the_cached_leaflet_at_once(
    client, shipped_content, django_capture_on_commit_callbacks
):
    from django.test import Client

    patient = Client()
    assert "A corrected storage sentence." not in patient.get("/medicines/baclofen/").content.decode()
    client, _ = client_for(client, "pharmacist")
    medication = baclofen()
    url, data = open_change_form(client, medication)
    storage = list(medication.sections.order_by("position").values_list("kind", flat=True)).index("storage")
    data[f"sections-{storage}-body"] = "A corrected storage sentence."
    data["change_reason"] = "Correction"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert "A corrected storage sentence." in patient.get("/medicines/baclofen/").content.decode()


# --- Speed: a medication's page costs the same number of queries whatever its number of rows -----------------------


def admin_queries(client, warnings: int) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_medication

    medication = make_medication(sections=12, uses=3, warnings=warnings)
    url = reverse("admin:monographs_medication_change", args=[medication.pk])
    with CaptureQueriesContext(connection) as opened:
        response = client.get(url)
    assert response.status_code == 200
    data = change_form_data(response)
    index = list(medication.sections.order_by("position").values_list("kind", flat=True)).index("storage")
    data[f"sections-{index}-body"] = f"Keep it below 25°C ({warnings})."
    data["change_reason"] = "Storage wording"
    with CaptureQueriesContext(connection) as saved:
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert medication.sections.get(kind="storage").body == f"Keep it below 25°C ({warnings})."
    return len(opened), len(saved)


def test_the_medication_page_opens_and_saves_in_a_fixed_number_of_queries(client):
    client, _ = client_for(client, "pharmacist")
    admin_queries(client, warnings=4)  # warms the process-wide caches (content types) that the first page fills
    few = admin_queries(client, warnings=4)  # one of each trigger the factory makes
    many = admin_queries(client, warnings=40)
    assert few == many
    opened, saved = many
    assert opened <= 40 and saved <= 50, many  # 299 and 1,754 for baclofen before the inlines were batched
