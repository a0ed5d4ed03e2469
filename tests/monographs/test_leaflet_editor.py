"""The leaflet editor's pages: an overview and one small page per part, whose saves go to the draft; the review
steps; catalogue entries told apart from leaflets; no page that grows with the leaflet."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monographs.models import ClinicalWarning, LeafletRevision, LeafletSection, Medication
from monographs.services import revisions as workflow
from tests.admin_forms import _form_fields
from tests.users import make_user

pytestmark = pytest.mark.django_db
MAX_PAGE_BYTES = 250_000


@pytest.fixture
def baclofen(shipped_content):
    return Medication.objects.get(slug="baclofen")


def overview_url(medication) -> str:
    return reverse("admin:monographs_medication_leaflet", args=[medication.pk])


def part_url(medication, table, key) -> str:
    return reverse("admin:monographs_medication_leaflet_part", args=[medication.pk, table, key])


def signed_in(client, username):
    user = make_user("pharmacist", username)
    client.force_login(user)
    return user


def part_form_data(response, **changes) -> dict:
    data: dict = {}
    _form_fields(response.context["form"], data)
    data["draft_version"] = str(response.context["draft_version"])
    return data | changes


def test_the_change_page_of_a_leaflet_leads_to_its_editor(client, baclofen):
    signed_in(client, "anna")
    response = client.get(reverse("admin:monographs_medication_change", args=[baclofen.pk]))
    assert response.status_code == 302 and response["Location"] == overview_url(baclofen)


def test_a_section_edit_goes_to_a_draft_and_the_public_page_is_unchanged(client, baclofen):
    signed_in(client, "anna")
    page = client.get(part_url(baclofen, "section", "storage"))
    assert page.status_code == 200
    data = part_form_data(page, body="Keep it below 25°C, away from children.", reason="Label update")
    response = client.post(part_url(baclofen, "section", "storage"), data)
    assert response.status_code == 302, response.context["form"].errors
    draft = workflow.open_revision(baclofen)
    assert draft is not None and draft.state == LeafletRevision.State.DRAFT
    storage = next(s for s in draft.document["section"] if s["kind"] == "storage")
    assert storage["body"] == "Keep it below 25°C, away from children."
    assert "away from children" not in LeafletSection.objects.get(medication=baclofen, kind="storage").body
    assert "away from children" not in client.get(baclofen.get_absolute_url()).content.decode()
    overview = client.get(overview_url(baclofen)).content.decode()
    assert "Changed in the draft" in overview and "Revision" in overview


def test_a_save_without_a_reason_is_refused_next_to_the_field_and_in_the_summary(client, baclofen):
    signed_in(client, "anna")
    page = client.get(part_url(baclofen, "section", "storage"))
    response = client.post(part_url(baclofen, "section", "storage"), part_form_data(page, body="New words.", reason=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and "Say why you are making this change" in html
    assert "New words." in html  # the input is kept
    assert workflow.open_revision(baclofen) is None


def test_a_warning_keeps_the_models_rules(client, baclofen):
    signed_in(client, "anna")
    warning = ClinicalWarning.objects.filter(medication=baclofen).exclude(trigger_kind="none").first()
    page = client.get(part_url(baclofen, "warning", warning.key))
    response = client.post(
        part_url(baclofen, "warning", warning.key), part_form_data(page, patient_text="", reason="Trim")
    )
    assert response.status_code == 400
    assert response.context["form"].errors.get("patient_text")


def test_four_eyes_on_the_pages(client, baclofen):
    author = signed_in(client, "anna")
    page = client.get(part_url(baclofen, "section", "storage"))
    client.post(
        part_url(baclofen, "section", "storage"), part_form_data(page, body="Cool, dry place.", reason="Wording")
    )
    step = lambda name: reverse("admin:monographs_medication_leaflet_step", args=[baclofen.pk, name])  # noqa: E731
    client.post(step("submit"), {"reason": "Storage wording"})
    assert workflow.open_revision(baclofen).state == LeafletRevision.State.SUBMITTED
    overview = client.get(overview_url(baclofen)).content.decode()
    assert "another pharmacist must review" in overview and 'id="approve-form"' not in overview
    client.post(step("approve"), {"comment": ""})  # the author tries anyway: refused by the service
    assert workflow.open_revision(baclofen).state == LeafletRevision.State.SUBMITTED
    client.force_login(make_user("pharmacist", "ben"))
    assert 'id="approve-form"' in client.get(overview_url(baclofen)).content.decode()
    client.post(step("approve"), {"comment": "Checked"})
    assert LeafletSection.objects.get(medication=baclofen, kind="storage").body == "Cool, dry place."
    assert workflow.live_revision(baclofen).submitted_by == author


def test_compare_preview_and_history_pages(client, baclofen):
    signed_in(client, "anna")
    page = client.get(part_url(baclofen, "section", "storage"))
    client.post(
        part_url(baclofen, "section", "storage"), part_form_data(page, body="Cool, dry place.", reason="Wording")
    )
    compare = client.get(reverse("admin:monographs_medication_leaflet_compare", args=[baclofen.pk]))
    assert compare.status_code == 200 and "<ins" in compare.content.decode()
    preview = client.get(reverse("admin:monographs_medication_leaflet_preview", args=[baclofen.pk]))
    assert preview.status_code == 200 and "Cool, dry place." in preview.content.decode()
    history = client.get(reverse("admin:monographs_medication_leaflet_history", args=[baclofen.pk]))
    assert history.status_code == 200 and "Edited the draft" in history.content.decode()


@pytest.mark.parametrize("page", ["overview", "warning", "section", "details"])
def test_editor_pages_stay_small_and_flat_in_queries(client, baclofen, page):
    signed_in(client, "anna")
    warning = ClinicalWarning.objects.filter(medication=baclofen).first()
    url = {
        "overview": overview_url(baclofen),
        "warning": part_url(baclofen, "warning", warning.key),
        "section": part_url(baclofen, "section", "side_effects"),
        "details": reverse("admin:monographs_medication_leaflet_details", args=[baclofen.pk]),
    }[page]
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) < MAX_PAGE_BYTES
    assert len(queries) <= 40, [q["sql"][:120] for q in queries]


def test_catalogue_entries_are_not_shown_as_published_leaflets(client, shipped_content):
    signed_in(client, "anna")
    html = client.get(reverse("admin:monographs_medication_changelist") + "?kind=catalogue").content.decode()
    catalogue = Medication.objects.exclude(pk__in=Medication.objects.with_leaflet().values("pk")).first()
    assert catalogue.name in html and "Catalogue entry" in html
    assert catalogue.get_absolute_url() not in html and ">View<" not in html


def test_a_published_leaflet_cannot_be_deleted(client, baclofen):
    signed_in(client, "anna")
    response = client.get(reverse("admin:monographs_medication_delete", args=[baclofen.pk]))
    assert response.status_code == 403
    assert Medication.objects.filter(pk=baclofen.pk).exists()


def test_the_slug_is_read_only_once_published(client, baclofen):
    signed_in(client, "anna")
    url = reverse("admin:monographs_medication_leaflet_details", args=[baclofen.pk])
    page = client.get(url)
    assert page.context["form"].fields["slug"].disabled
    response = client.post(url, part_form_data(page, slug="new-slug", reason="Rename"))
    draft = workflow.open_revision(baclofen)
    assert response.status_code == 302 and draft.document["medication"]["slug"] == "baclofen"


def test_the_admin_is_titled_for_what_it_is(client, baclofen):
    signed_in(client, "anna")
    html = client.get(reverse("admin:index")).content.decode()
    assert "Medicines portal — content" in html and "Django administration" not in html


def test_warnings_are_changed_in_the_leaflet_editor_only(client, baclofen):
    signed_in(client, "anna")
    warning = ClinicalWarning.objects.filter(medication=baclofen).first()
    change = client.post(reverse("admin:monographs_clinicalwarning_change", args=[warning.pk]), {"title": "x"})
    assert change.status_code == 403
    listing = client.get(reverse("admin:monographs_clinicalwarning_changelist")).content.decode()
    assert part_url(baclofen, "warning", warning.key) in listing


def test_a_draft_with_sixty_warnings_keeps_every_editor_page_small(client, baclofen):
    user = signed_in(client, "anna")
    draft = workflow.draft_start(medication=baclofen, user=user, reason="Many warnings")
    document = draft.document
    template = document["warning"][0]
    document["warning"] += [template | {"key": f"extra-{n}", "title": f"Extra {n}"} for n in range(60)]
    draft = workflow.draft_edit(
        revision=draft, user=user, document=document, reason="Many", part="Warnings", loaded_version=draft.version
    )
    assert len(draft.document["warning"]) >= 60
    for url in (overview_url(baclofen), part_url(baclofen, "warning", "extra-59")):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and len(response.content) < MAX_PAGE_BYTES
        assert len(queries) <= 40


def test_the_live_preview_scores_text_as_the_stored_figures(client, baclofen):
    signed_in(client, "anna")
    section = LeafletSection.objects.get(medication=baclofen, kind="side_effects")
    figures = client.post(reverse("admin:monographs_markdown_preview"), {"text": section.body}).json()
    assert (figures["grade"], figures["ease"], figures["smog"]) == (
        section.reading_grade,
        section.reading_ease,
        section.smog,
    )
    assert "<li>" in figures["html"] or "<p>" in figures["html"]


def test_a_warning_is_added_and_another_removed_in_the_draft(client, baclofen):
    signed_in(client, "anna")
    add_url = reverse("admin:monographs_medication_leaflet_add", args=[baclofen.pk, "warning"])
    page = client.get(add_url)
    source = baclofen.sources.first()
    data = part_form_data(
        page,
        key="grapefruit",
        title="Grapefruit juice",
        type="interaction",
        severity="caution",
        section="other_medicines",
        trigger_kind="none",
        patient_text="",
        clinician_text="No interaction is known.",
        action="None needed.",
        sources=[source.key],
        reason="Asked by patients",
    )
    response = client.post(add_url, data)
    assert response.status_code == 302, response.context["form"].errors
    removed = ClinicalWarning.objects.filter(medication=baclofen).first()
    page = client.get(part_url(baclofen, "warning", removed.key))
    response = client.post(part_url(baclofen, "warning", removed.key), part_form_data(page, remove="on", reason="Gone"))
    assert response.status_code == 302, response.context["form"].errors
    keys = {w["key"] for w in workflow.open_revision(baclofen).document["warning"]}
    assert "grapefruit" in keys and removed.key not in keys
    assert "Removed in the draft" in client.get(overview_url(baclofen)).content.decode()
    assert ClinicalWarning.objects.filter(pk=removed.pk).exists()  # live until approved
