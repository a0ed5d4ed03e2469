"""The pharmacists' workplace: roles, versioned saves with a reason and no lost edits (on a catalogue entry's form; a
leaflet is edited in the leaflet editor, test_leaflet_editor.py), publishing through a second pharmacist's review.

History, revert, sanitising, the live preview, the public leaflet after a save and the page's query counts are in
test_admin_saves.py."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from monographs.models import LeafletRevision, LeafletSection, Medication, MedicationName
from monographs.services import revisions as workflow
from monographs.services.publishing import REVIEW_INTERVAL_YEARS, add_years
from tests.admin_forms import (
    client_for,
    open_change_form,
    part_page_data,
    part_url,
    pharmacist_client,
    review_step,
    save_in_draft,
)
from tests.factories import make_source
from tests.users import make_user

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "clinician", "pharmacist", "superuser"]


def baclofen():
    return Medication.objects.get(slug="baclofen")


# --- Roles --------------------------------------------------------------------------------------------------------


def catalogue_entry(slug: str = "amlodipine") -> Medication:
    """A medication the screening knows by name, with brand names but no leaflet: the admin's own form edits it."""
    return Medication.objects.exclude(pk__in=Medication.objects.with_leaflet().values("pk")).get(slug=slug)


def admin_urls():
    """Every admin page, by kind: "content" (a list or form to work in), "to-editor" (a leaflet's change and revert
    pages, and the editor's POST-only steps opened with a GET, lead to the leaflet editor), "refused" (what nobody
    does in the plain admin: add or delete a warning, delete a published leaflet), "editor" (the leaflet editor's
    pages), "accounts"."""
    medication, catalogue = baclofen(), catalogue_entry()
    warning = medication.warnings.first()
    # An open draft, so that its comparison and preview pages exist.
    draft = workflow.draft_start(medication=medication, user=make_user("pharmacist"), reason="Roles test")
    urls = {}
    for model, obj in (
        ("medication", catalogue),
        ("clinicalwarning", warning),
        ("condition", warning.medication.uses.first().condition),
        ("source", medication.sources.first()),
        ("drugclass", medication.classes.first()),
    ):
        urls[f"{model}-changelist"] = (reverse(f"admin:monographs_{model}_changelist"), "content")
        urls[f"{model}-add"] = (reverse(f"admin:monographs_{model}_add"), "content")
        urls[f"{model}-change"] = (reverse(f"admin:monographs_{model}_change", args=[obj.pk]), "content")
        urls[f"{model}-history"] = (reverse(f"admin:monographs_{model}_history", args=[obj.pk]), "content")
        urls[f"{model}-delete"] = (reverse(f"admin:monographs_{model}_delete", args=[obj.pk]), "content")
    urls["clinicalwarning-add"] = (urls["clinicalwarning-add"][0], "refused")
    urls["clinicalwarning-delete"] = (urls["clinicalwarning-delete"][0], "refused")
    old = medication.history.first().history_id
    leaflet = "admin:monographs_medication_leaflet"
    urls |= {
        "leaflet-change": (reverse("admin:monographs_medication_change", args=[medication.pk]), "to-editor"),
        "leaflet-revert": (
            reverse("admin:monographs_medication_simple_history", args=[medication.pk, old]),
            "to-editor",
        ),
        "leaflet-delete": (reverse("admin:monographs_medication_delete", args=[medication.pk]), "refused"),
        "leaflet-history-of-its-row": (reverse("admin:monographs_medication_history", args=[medication.pk]), "content"),
        "editor-overview": (reverse(leaflet, args=[medication.pk]), "editor"),
        "editor-details": (reverse(f"{leaflet}_details", args=[medication.pk]), "editor"),
        "editor-section": (reverse(f"{leaflet}_part", args=[medication.pk, "section", "storage"]), "editor"),
        "editor-warning": (reverse(f"{leaflet}_part", args=[medication.pk, "warning", warning.key]), "editor"),
        "editor-add-use": (reverse(f"{leaflet}_add", args=[medication.pk, "use"]), "editor"),
        "editor-compare": (reverse(f"{leaflet}_compare", args=[medication.pk]), "editor"),
        "editor-preview": (reverse(f"{leaflet}_preview", args=[medication.pk]), "editor"),
        "editor-history": (reverse(f"{leaflet}_history", args=[medication.pk]), "editor"),
        "editor-approve-get": (reverse(f"{leaflet}_step", args=[medication.pk, "approve"]), "to-editor"),
        "editor-rollback-get": (reverse(f"{leaflet}_rollback", args=[medication.pk, draft.base.number]), "to-editor"),
        "catalogue-entry-editor": (reverse(leaflet, args=[catalogue.pk]), "editor"),
    }
    urls["user-changelist"] = (reverse("admin:auth_user_changelist"), "accounts")
    urls["group-changelist"] = (reverse("admin:auth_group_changelist"), "accounts")
    urls["user-add"] = (reverse("admin:auth_user_add"), "accounts")
    return medication, urls


LOGIN = "login"  # a redirect to the admin's sign-in page
EDITOR = "editor"  # a redirect to this leaflet's pages in the editor
EXPECTED = {
    # role: {kind of page: answer}
    "anonymous": {"content": LOGIN, "to-editor": LOGIN, "refused": LOGIN, "editor": LOGIN, "accounts": LOGIN},
    # not staff: sent to the admin login
    "clinician": {"content": LOGIN, "to-editor": LOGIN, "refused": LOGIN, "editor": LOGIN, "accounts": LOGIN},
    "pharmacist": {"content": 200, "to-editor": EDITOR, "refused": 403, "editor": 200, "accounts": 403},
    "superuser": {"content": 200, "to-editor": EDITOR, "refused": 403, "editor": 200, "accounts": 200},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_as_the_roles_say(client, shipped_content, role):
    client, _ = client_for(client, role)
    medication, urls = admin_urls()
    for name, (url, kind) in urls.items():
        response = client.get(url)
        expected = EXPECTED[role][kind]
        if expected == LOGIN:
            answer = LOGIN if response.status_code == 302 and response["Location"].startswith("/admin/login/") else None
        elif expected == EDITOR:
            editor = f"/admin/monographs/medication/{medication.pk}/leaflet"
            answer = EDITOR if response.status_code == 302 and response["Location"].startswith(editor) else None
        else:
            answer = response.status_code
        assert answer == expected, f"{role} {name} {url}: {response.status_code} {response.get('Location', '')}"


def test_screening_records_are_not_in_the_admin_for_pharmacists(client):
    client, _ = client_for(client, "pharmacist")
    index = client.get(reverse("admin:index")).content.decode()
    assert "Screening records" not in index
    assert "Users" not in index


@pytest.mark.parametrize("role", ["anonymous", "clinician"])
def test_a_refused_post_changes_nothing(client, shipped_content, role):
    client, _ = client_for(client, role)
    medication = baclofen()
    url = reverse("admin:monographs_medication_change", args=[medication.pk])
    response = client.post(url, {"name": "Hacked", "change_reason": "x"})
    assert response.status_code == 302
    assert baclofen().name == "Baclofen"
    assert baclofen().version == medication.version


def test_a_pharmacist_cannot_create_users(client):
    client, _ = client_for(client, "pharmacist")
    before = User.objects.count()
    response = client.post(
        reverse("admin:auth_user_add"), {"username": "x", "password1": "a" * 20, "password2": "a" * 20}
    )
    assert response.status_code == 403
    assert User.objects.count() == before


def test_groups_have_exactly_the_permissions_of_their_role():
    pharmacist = set(Group.objects.get(name="pharmacist").permissions.values_list("codename", flat=True))
    clinician = set(Group.objects.get(name="clinician").permissions.values_list("codename", flat=True))
    assert "publish_medication" in pharmacist and "change_clinicalwarning" in pharmacist
    assert not {p for p in pharmacist if "user" in p or "group" in p or "screeningrecord" in p}
    assert clinician == {"add_screeningrecord", "view_screeningrecord"}


# --- Editing a catalogue entry on its page, saved with a reason (a leaflet: test_leaflet_editor.py) -----------------


def pharmacists(*names):
    return [pharmacist_client(name)[0] for name in names]


def test_pharmacist_edits_a_brand_name_and_the_history_keeps_who_when_and_why(client, shipped_content):
    client, user = client_for(client, "pharmacist")
    url, data = open_change_form(client, catalogue_entry())
    name = MedicationName.objects.get(pk=data["names-0-id"])
    data["names-0-name"] = "Norvasc Tablets"
    data["change_reason"] = "Name as on the 2026 pack"
    before = timezone.now()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    name.refresh_from_db()
    assert name.name == "Norvasc Tablets"
    record = name.history.first()
    assert record.history_user == user
    assert record.history_change_reason == "Name as on the 2026 pack"
    assert before <= record.history_date <= timezone.now()


def test_a_change_without_a_reason_is_refused_with_a_message_next_to_the_field(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    url, data = open_change_form(client, catalogue_entry())
    data["summary"] = "A changed summary."
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "change_reason": ["Say why you are making this change: it is kept in the history."]
    }
    assert catalogue_entry().summary != "A changed summary."


# --- No lost edits ------------------------------------------------------------------------------------------------


def test_the_second_of_two_stale_saves_is_refused_and_the_first_is_intact(shipped_content):
    first_client, second_client = pharmacists("first-pharmacist", "second-pharmacist")
    url, first = open_change_form(first_client, catalogue_entry())
    _, second = open_change_form(second_client, catalogue_entry())

    first["summary"] = "Summary from the first pharmacist."
    first["change_reason"] = "First edit"
    assert first_client.post(url, first).status_code == 302

    second["summary"] = "Summary from the second pharmacist."
    second["change_reason"] = "Second edit"
    response = second_client.post(url, second)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not saved" in html and "after you opened it" in html
    assert "Summary from the first pharmacist." in html  # what changed is shown
    assert catalogue_entry().summary == "Summary from the first pharmacist."


def test_stale_inline_edits_do_not_overwrite_each_other(shipped_content):
    """One pharmacist edits a brand name, another a second one, a third (with a stale page) both: the third is
    refused."""
    p1, p2, p3 = pharmacists("p1", "p2", "p3")
    url, stale = open_change_form(p3, catalogue_entry())
    _, d1 = open_change_form(p1, catalogue_entry())
    _, d2 = open_change_form(p2, catalogue_entry())
    first, second = d1["names-0-id"], d1["names-1-id"]

    d1["names-0-name"] = "Edited by p1"
    d1["change_reason"] = "p1"
    assert p1.post(url, d1).status_code == 302
    d2["names-1-name"] = "Edited by p2"
    d2["change_reason"] = "p2"
    assert p2.post(url, d2).status_code == 302
    # p1 and p2 edited different rows: both kept.
    assert MedicationName.objects.get(pk=first).name == "Edited by p1"
    assert MedicationName.objects.get(pk=second).name == "Edited by p2"

    stale["names-0-name"] = "Stale edit by p3"
    stale["names-1-name"] = "Another stale edit by p3"
    stale["change_reason"] = "p3"
    response = p3.post(url, stale)
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    assert MedicationName.objects.get(pk=first).name == "Edited by p1"
    assert MedicationName.objects.get(pk=second).name == "Edited by p2"


def test_a_change_of_sources_by_one_editor_does_not_block_another_editing_a_different_row(shipped_content):
    """p2 changes the medication's sources; p1, whose page was opened before, edits a brand name: both are kept."""
    p1, p2 = pharmacists("p1", "p2")
    url, d1 = open_change_form(p1, catalogue_entry())
    _, d2 = open_change_form(p2, catalogue_entry())

    kept_source = min(catalogue_entry().sources.values_list("pk", flat=True))
    d2["sources"] = [str(kept_source)]
    d2["change_reason"] = "p2: one source is enough"
    assert p2.post(url, d2).status_code == 302
    assert list(catalogue_entry().sources.values_list("pk", flat=True)) == [kept_source]

    d1["names-0-name"] = "Edited by p1"
    d1["change_reason"] = "p1"
    response = p1.post(url, d1)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert MedicationName.objects.get(pk=d1["names-0-id"]).name == "Edited by p1"
    assert list(catalogue_entry().sources.values_list("pk", flat=True)) == [kept_source]


def test_the_second_of_two_stale_saves_in_the_leaflet_editor_is_refused_and_the_first_is_intact(shipped_content):
    first_client, second_client = pharmacists("Anna", "Ben")
    url = part_url(baclofen(), "section", "storage")
    first = part_page_data(first_client.get(url)) | {"body": "Storage from the first pharmacist.", "reason": "First"}
    second = part_page_data(second_client.get(url)) | {"body": "Storage from the second pharmacist.", "reason": "2nd"}
    assert first_client.post(url, first).status_code == 302
    response = second_client.post(url, second)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()[0].startswith("Not saved: Anna saved this draft at ")
    assert "Storage from the second pharmacist." in response.content.decode()  # their text is kept on the page
    storage = next(s for s in workflow.open_revision(baclofen()).document["section"] if s["kind"] == "storage")
    assert storage["body"] == "Storage from the first pharmacist."


def test_a_save_that_races_past_the_form_check_still_loses(shipped_content):
    from monographs.models import EditConflict

    one = Medication.objects.get(slug="baclofen")
    two = Medication.objects.get(slug="baclofen")
    one.summary = "One."
    one.save()
    two.summary = "Two."
    from django.db import transaction

    with pytest.raises(EditConflict), transaction.atomic():
        two.save()
    assert baclofen().summary == "One."


# --- Review workflow ----------------------------------------------------------------------------------------------


def draft_medication() -> Medication:
    medication = Medication.objects.create(name="Draftamol", slug="draftamol", summary="A draft.", status="draft")
    section = LeafletSection.objects.create(medication=medication, kind="what_for", body="What it is for.")
    section.sources.add(make_source())
    return medication


def test_draft_is_invisible_to_the_public_and_previewable_by_pharmacists(client):
    medication = draft_medication()
    assert client.get(medication.get_absolute_url()).status_code == 404
    client, _ = client_for(client, "pharmacist")
    response = client.get(medication.get_absolute_url())
    assert response.status_code == 200
    assert "Preview" in response.content.decode()


def submitted_draft(medication: Medication) -> User:
    """A pharmacist writes the leaflet's words in a draft and submits it for review; returns the author."""
    author, user = pharmacist_client("Anna", "Author")
    save_in_draft(author, medication, "section", "what_for", body="What it is for, in plain words.", reason="Wording")
    review_step(author, medication, "submit", reason="Ready for review")
    return user


def test_publishing_needs_the_publish_permission(client):
    medication = draft_medication()
    submitted_draft(medication)
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__in=["change_medication", "view_medication"]))
    client.force_login(editor)
    overview = client.get(reverse("admin:monographs_medication_leaflet", args=[medication.pk])).content.decode()
    assert 'id="approve-form"' not in overview and "Approving needs the publish permission." in overview
    response = client.post(
        reverse("admin:monographs_medication_leaflet_step", args=[medication.pk, "approve"]), {}, follow=True
    )
    assert "Approving needs the publish permission." in response.content.decode()
    assert Medication.objects.get(pk=medication.pk).status == "draft"
    assert workflow.open_revision(medication).state == LeafletRevision.State.SUBMITTED
    assert medication.sections.get().body == "What it is for."


def test_publishing_records_who_and_when_and_sets_the_review_dates(client, django_capture_on_commit_callbacks):
    medication = draft_medication()
    author = submitted_draft(medication)
    client, reviewer = client_for(client, "pharmacist")
    reviewer.first_name, reviewer.last_name = "Ben", "Reviewer"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        review_step(client, medication, "approve", comment="Checked")
    medication.refresh_from_db()
    today = timezone.localdate()
    assert medication.status == "published"
    assert medication.published_by == reviewer and medication.published_at is not None
    assert medication.last_reviewed == today
    assert medication.next_review_due == add_years(today, REVIEW_INTERVAL_YEARS)
    assert medication.reviewed_by == "Ben Reviewer"
    assert workflow.live_revision(medication).submitted_by == author
    client.logout()
    page = client.get(medication.get_absolute_url())
    assert page.status_code == 200 and "What it is for, in plain words." in page.content.decode()


def test_review_filters_show_overdue_and_due_soon(client):
    today = timezone.localdate()
    Medication.objects.create(name="Overduol", slug="overduol", next_review_due=today - datetime.timedelta(1))
    Medication.objects.create(name="Soonol", slug="soonol", next_review_due=today + datetime.timedelta(10))
    client, _ = client_for(client, "pharmacist")
    changelist = reverse("admin:monographs_medication_changelist")
    overdue = client.get(changelist, {"review": "overdue"}).content.decode()
    soon = client.get(changelist, {"review": "due_30"}).content.decode()
    assert "Overduol" in overdue and "Soonol" not in overdue
    assert "Soonol" in soon and "Overduol" not in soon


# --- Demo users -------------------------------------------------------------------------------------------------------


def test_demo_users_get_fresh_random_passwords_and_their_groups(settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    first = capsys.readouterr().out
    call_command("create_demo_users")
    second = capsys.readouterr().out
    assert first != second
    assert User.objects.get(username="demo-pharmacist").groups.filter(name="pharmacist").exists()
    assert not User.objects.get(username="demo-clinician").is_staff


def test_demo_users_refuse_to_run_without_debug(settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_users")
