"""What an admin save leaves behind: history with who and why, a revert that restores text and sources, the public
pages showing the change at once, sanitised HTML, a refusal shown on the form, and a page whose cost in queries does
not grow with its rows. Forms of the plain admin: a catalogue entry's (with its brand names), a condition's, a
source's; a leaflet's words change through the leaflet editor's draft and a second pharmacist's approval."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from monographs.models import ClinicalWarning, Condition, Medication, MedicationName, Source
from monographs.services import revisions as workflow
from monographs.services.content import content_save
from tests.admin_forms import (
    change_form_data,
    client_for,
    open_change_form,
    pharmacist_client,
    review_step,
    save_in_draft,
)
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def baclofen():
    return Medication.objects.get(slug="baclofen")


def catalogue_entry(slug: str = "amlodipine") -> Medication:
    """A medication the screening knows by name, with brand names but no leaflet: the admin's own form edits it."""
    return Medication.objects.exclude(pk__in=Medication.objects.with_leaflet().values("pk")).get(slug=slug)


def multiple_sclerosis() -> Condition:
    return Condition.objects.get(slug="multiple-sclerosis")


def leaflet(client) -> str:
    return client.get("/medicines/baclofen/").content.decode()


def approved(author, reviewer, medication, reason: str, capture) -> None:
    """The author submits the open draft and the reviewer approves it; the render and purge after the commit run."""
    review_step(author, medication, "submit", reason=reason)
    with capture(execute=True):
        review_step(reviewer, medication, "approve", comment="Checked")
    assert workflow.open_revision(medication) is None, "not published"


# --- History: diff and restore --------------------------------------------------------------------------------------


def test_history_shows_a_field_by_field_diff_and_restores_an_earlier_version(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    medication = catalogue_entry()
    url, data = open_change_form(client, medication)
    data["summary"] = "A calcium-channel blocker for high blood pressure."
    data["change_reason"] = "Summary from the BNF"
    assert client.post(url, data).status_code == 302
    url, data = open_change_form(client, medication)
    data["summary"] = "A mistaken summary."
    data["change_reason"] = "Mistake"
    assert client.post(url, data).status_code == 302

    history = client.get(reverse("admin:monographs_medication_history", args=[medication.pk])).content.decode()
    assert "A mistaken summary." in history and "Mistake" in history

    earlier = catalogue_entry().history.get(summary="A calcium-channel blocker for high blood pressure.")
    revert_url = reverse("admin:monographs_medication_simple_history", args=[medication.pk, earlier.history_id])
    response = client.get(revert_url)
    assert response.status_code == 200
    data = change_form_data(response)
    data["change_reason"] = "Restore the reviewed summary"
    assert client.post(revert_url, data).status_code == 302
    assert catalogue_entry().summary == "A calcium-channel blocker for high blood pressure."


def test_an_earlier_version_of_a_leaflet_comes_back_only_through_review(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    medication = baclofen()
    earlier = medication.history.order_by("history_date").first()
    revert_url = reverse("admin:monographs_medication_simple_history", args=[medication.pk, earlier.history_id])
    history = reverse("admin:monographs_medication_leaflet_history", args=[medication.pk])
    response = client.post(revert_url, {"name": "Reverted", "summary": "Reverted.", "change_reason": "Revert"})
    assert (response.status_code, response["Location"]) == (302, history)  # where a rollback is asked for
    assert (baclofen().name, baclofen().version) == ("Baclofen", medication.version)


def test_content_loader_changes_are_recorded_in_history(shipped_content):
    record = baclofen().history.order_by("history_date").first()
    assert record.history_change_reason == "Loaded from the content files"


def test_a_change_of_sources_is_in_the_history_with_who_why_and_which_sources(client, shipped_content):
    client, user = client_for(client, "pharmacist")
    condition = multiple_sclerosis()
    url, data = open_change_form(client, condition)
    before = set(condition.sources.values_list("pk", flat=True))
    added = make_source(title="NICE guideline NG220: multiple sclerosis in adults")
    data["sources"] = [str(pk) for pk in before | {added.pk}]
    data["change_reason"] = "Cite the NICE guideline"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    latest, previous = condition.history.order_by("-history_date", "-history_id")[:2]
    assert set(latest.sources.values_list("source_id", flat=True)) == before | {added.pk}
    assert set(previous.sources.values_list("source_id", flat=True)) == before
    assert latest.history_user == user
    assert latest.history_change_reason == "Cite the NICE guideline"
    page = client.get(reverse("admin:monographs_condition_history", args=[condition.pk])).content.decode()
    assert "NICE guideline NG220: multiple sclerosis in adults" in page


def test_reverting_restores_the_sources_an_earlier_version_cited(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    condition = multiple_sclerosis()
    cited = set(condition.sources.values_list("pk", flat=True))
    url, data = open_change_form(client, condition)
    data["sources"] = [str(make_source().pk)]
    data["change_reason"] = "Mistakenly replaced the sources"
    assert client.post(url, data).status_code == 302
    assert set(condition.sources.values_list("pk", flat=True)).isdisjoint(cited)

    earlier = next(
        record
        for record in condition.history.order_by("-history_date", "-history_id")
        if set(record.sources.values_list("source_id", flat=True)) == cited
    )
    revert_url = reverse("admin:monographs_condition_simple_history", args=[condition.pk, earlier.history_id])
    data = change_form_data(client.get(revert_url))
    data["change_reason"] = "Restore the sources"
    assert client.post(revert_url, data).status_code == 302
    assert set(condition.sources.values_list("pk", flat=True)) == cited


def driving_warning() -> ClinicalWarning:
    return ClinicalWarning.objects.get(medication__slug="baclofen", key="drowsiness-driving")


def test_a_revert_goes_through_the_service_and_reaches_the_public_leaflet(
    shipped_content, django_capture_on_commit_callbacks
):
    """A leaflet's revert is a rollback: a draft holding an earlier published revision, approved by a second
    pharmacist, then written to the live rows by the services."""
    patient = Client()
    (author, author_user), (reviewer, _) = pharmacist_client("Anna"), pharmacist_client("Ben")
    medication = baclofen()
    mistake = "A mistaken sentence about driving."
    save_in_draft(author, medication, "warning", "drowsiness-driving", patient_text=mistake, reason="Mistake")
    approved(author, reviewer, medication, "Mistake", django_capture_on_commit_callbacks)
    assert mistake in leaflet(patient)

    earlier = workflow.live_revision(medication).base
    rollback = reverse("admin:monographs_medication_leaflet_rollback", args=[medication.pk, earlier.number])
    assert author.post(rollback, {"reason": "Restore the reviewed wording"}).status_code == 302
    number = workflow.open_revision(medication).number
    assert mistake in leaflet(patient)  # a draft until it is approved
    approved(author, reviewer, medication, "Restore the reviewed wording", django_capture_on_commit_callbacks)
    page = leaflet(patient)
    assert mistake not in page
    assert "Do not drive or use machines until you know how baclofen affects you." in page
    restored = driving_warning()
    assert restored.patient_html.startswith("<p>Baclofen can make you sleepy")  # rendered by the service
    latest = restored.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == author_user
    assert latest.history_change_reason.startswith(f"Revision {number}: Restore the reviewed wording (approved by Ben")


def test_a_reverted_condition_goes_through_the_service_and_reaches_its_public_page(
    client, shipped_content, django_capture_on_commit_callbacks
):
    patient = Client()
    client, user = client_for(client, "pharmacist")
    condition = multiple_sclerosis()
    url, data = open_change_form(client, condition)
    data["description"] = "A mistaken description."
    data["change_reason"] = "Mistake"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert "A mistaken description." in patient.get(condition.get_absolute_url()).content.decode()

    earlier = condition.history.exclude(description="A mistaken description.").order_by("-history_date")[0]
    revert_url = reverse("admin:monographs_condition_simple_history", args=[condition.pk, earlier.history_id])
    data = change_form_data(client.get(revert_url))
    data["change_reason"] = "Restore the reviewed wording"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(revert_url, data).status_code == 302
    page = patient.get(condition.get_absolute_url()).content.decode()
    assert "A mistaken description." not in page and "immune system attacks the coating" in page
    restored = multiple_sclerosis()
    assert restored.description_html.startswith("<p>A long-term condition")  # rendered by the service
    latest = restored.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (user, "Restore the reviewed wording")


def test_a_row_deleted_on_the_medication_page_is_in_the_history_with_who_and_why(client, shipped_content):
    client, user = client_for(client, "pharmacist")
    url, data = open_change_form(client, catalogue_entry())
    first = data["names-0-id"]
    data["names-0-DELETE"] = "on"
    data["change_reason"] = "Duplicate brand name"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not MedicationName.objects.filter(pk=first).exists()
    deleted = MedicationName.history.get(id=first, history_type="-")
    assert (deleted.history_user, deleted.history_change_reason) == (user, "Duplicate brand name")


def test_deleting_from_the_admin_is_in_the_history_with_who(client, shipped_content):
    client, user = client_for(client, "pharmacist")
    source = make_source(title="A source nothing cites")
    url = reverse("admin:monographs_source_delete", args=[source.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    deleted = Source.history.get(id=source.pk, history_type="-")
    assert (deleted.history_user, deleted.history_change_reason) == (user, "Deleted in the admin")
    # A warning is part of its leaflet: it is removed in the leaflet editor's draft, never deleted here.
    warning = driving_warning()
    url = reverse("admin:monographs_clinicalwarning_delete", args=[warning.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert ClinicalWarning.objects.filter(pk=warning.pk).exists()


def refuse(message):
    def content_save(**kwargs):
        raise ValidationError(message)

    return content_save


def test_a_refusal_by_the_service_is_shown_on_the_form_with_the_edits_kept(client, shipped_content, monkeypatch):
    monkeypatch.setattr("monographs.admin.base.content_save", refuse({"name": "Refused by the content service."}))
    client, _ = client_for(client, "pharmacist")
    url, data = open_change_form(client, multiple_sclerosis())
    data["name"] = "An edited name"
    data["change_reason"] = "Shorter name"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name": ["Refused by the content service."]}
    assert 'value="An edited name"' in response.content.decode()
    assert multiple_sclerosis().name == "Multiple sclerosis"


def test_a_refusal_of_an_inline_row_is_shown_on_the_medication_page(client, shipped_content, monkeypatch):
    monkeypatch.setattr("monographs.admin.base.content_save", refuse("Refused by the content service."))
    client, _ = client_for(client, "pharmacist")
    url, data = open_change_form(client, catalogue_entry())
    data["names-0-name"] = "An edited name"
    data["change_reason"] = "Brand spelling"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Brand name or synonym “An edited name”: Refused by the content service."
    ]
    assert not MedicationName.objects.filter(name="An edited name").exists()


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


def test_an_admin_correction_purges_the_cached_leaflet_at_once(shipped_content, django_capture_on_commit_callbacks):
    patient = Client()
    assert "A corrected storage sentence." not in leaflet(patient)  # and the page is now in the cache
    (author, _), (reviewer, _) = pharmacist_client("Anna"), pharmacist_client("Ben")
    medication = baclofen()
    save_in_draft(author, medication, "section", "storage", body="A corrected storage sentence.", reason="Correction")
    assert "A corrected storage sentence." not in leaflet(patient)  # a draft: the public page is unchanged
    approved(author, reviewer, medication, "Correction", django_capture_on_commit_callbacks)
    assert "A corrected storage sentence." in leaflet(patient)


# --- Speed: a catalogue entry's page costs the same number of queries whatever its number of names -----------------

_brands = itertools.count(1)


def admin_queries(client, names: int) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_medication

    medication = make_medication(sections=0, brands=[f"Testbrand {next(_brands)}" for _ in range(names)])
    url = reverse("admin:monographs_medication_change", args=[medication.pk])
    with CaptureQueriesContext(connection) as opened:
        response = client.get(url)
    assert response.status_code == 200
    data = change_form_data(response)
    renamed = f"Renamed testbrand {next(_brands)}"
    data["names-0-name"] = renamed
    data["change_reason"] = "Brand spelling"
    with CaptureQueriesContext(connection) as saved:
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert medication.names.filter(name=renamed).count() == 1
    return len(opened), len(saved)


def test_the_medication_page_opens_and_saves_in_a_fixed_number_of_queries(client):
    client, _ = client_for(client, "pharmacist")
    admin_queries(client, names=4)  # warms the process-wide caches (content types) that the first page fills
    few = admin_queries(client, names=4)
    many = admin_queries(client, names=40)
    assert few == many
    opened, saved = many
    assert opened <= 25 and saved <= 45, many  # 20 and 39 when written
