"""The pharmacists' workplace: roles, versioned saves with a reason, no lost edits, the review workflow.

History, revert, sanitising, the live preview, the public leaflet after a save and the page's query counts are in
test_admin_saves.py."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from monographs.models import ClinicalWarning, LeafletSection, Medication
from monographs.services.publishing import REVIEW_INTERVAL_YEARS, add_years
from tests.admin_forms import client_for, open_change_form
from tests.factories import make_source
from tests.users import make_user

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "clinician", "pharmacist", "superuser"]


def baclofen():
    return Medication.objects.get(slug="baclofen")


# --- Roles --------------------------------------------------------------------------------------------------------


def admin_urls():
    medication = baclofen()
    warning = medication.warnings.first()
    urls = {}
    for model, obj in (
        ("medication", medication),
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
    urls["user-changelist"] = (reverse("admin:auth_user_changelist"), "accounts")
    urls["group-changelist"] = (reverse("admin:auth_group_changelist"), "accounts")
    urls["user-add"] = (reverse("admin:auth_user_add"), "accounts")
    return urls


EXPECTED = {
    # role: {kind of page: status}
    "anonymous": {"content": 302, "accounts": 302},
    "clinician": {"content": 302, "accounts": 302},  # not staff: sent to the admin login
    "pharmacist": {"content": 200, "accounts": 403},
    "superuser": {"content": 200, "accounts": 200},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_as_the_roles_say(client, shipped_content, role):
    client, _ = client_for(client, role)
    for name, (url, kind) in admin_urls().items():
        status = client.get(url).status_code
        assert status == EXPECTED[role][kind], f"{role} {name} {url}: {status}"


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


# --- Editing: a whole medication on one page, saved with a reason -------------------------------------------------


def test_pharmacist_edits_a_section_and_the_history_keeps_who_when_and_why(client, shipped_content):
    client, user = client_for(client, "pharmacist")
    medication = baclofen()
    url, data = open_change_form(client, medication)
    section = medication.sections.get(kind="storage")
    index = list(medication.sections.order_by("position").values_list("pk", flat=True)).index(section.pk)
    data[f"sections-{index}-body"] = "Keep baclofen in a cool, dry place. Keep it out of the sight of children."
    data["change_reason"] = "Simpler storage wording"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    section.refresh_from_db()
    assert section.body.startswith("Keep baclofen in a cool, dry place.")
    record = section.history.first()
    assert record.history_user == user
    assert record.history_change_reason == "Simpler storage wording"


def test_a_change_without_a_reason_is_refused_with_a_message_next_to_the_field(client, shipped_content):
    client, _ = client_for(client, "pharmacist")
    url, data = open_change_form(client, baclofen())
    data["summary"] = "A changed summary."
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say why you are making this change" in response.content.decode()
    assert baclofen().summary != "A changed summary."


# --- No lost edits ------------------------------------------------------------------------------------------------


def test_the_second_of_two_stale_saves_is_refused_and_the_first_is_intact(client, shipped_content):
    first_client, _ = client_for(client, "pharmacist")
    from django.test import Client

    second_client = Client()
    second_client.force_login(make_user("pharmacist", "second-pharmacist"))
    medication = baclofen()
    url, first = open_change_form(first_client, medication)
    _, second = open_change_form(second_client, medication)

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
    assert baclofen().summary == "Summary from the first pharmacist."


def test_stale_inline_edits_do_not_overwrite_each_other(client, shipped_content):
    """One pharmacist edits a section, another a warning, a third (with a stale page) both: the third is refused."""
    from django.test import Client

    medication = baclofen()
    clients = []
    for name in ("p1", "p2", "p3"):
        c = Client()
        c.force_login(make_user("pharmacist", name))
        clients.append(c)
    url, stale = open_change_form(clients[2], medication)
    _, d1 = open_change_form(clients[0], medication)
    _, d2 = open_change_form(clients[1], medication)

    sections = list(medication.sections.order_by("position").values_list("pk", flat=True))
    warnings = list(medication.warnings.order_by("section", "position").values_list("pk", flat=True))
    storage = sections.index(medication.sections.get(kind="storage").pk)
    d1[f"sections-{storage}-body"] = "Section edited by p1."
    d1["change_reason"] = "p1"
    assert clients[0].post(url, d1).status_code == 302
    d2["warnings-0-title"] = "ClinicalWarning title edited by p2"
    d2["change_reason"] = "p2"
    assert clients[1].post(url, d2).status_code == 302
    # p1 and p2 edited different rows: both kept.
    assert LeafletSection.objects.get(pk=sections[storage]).body == "Section edited by p1."
    assert ClinicalWarning.objects.get(pk=warnings[0]).title == "ClinicalWarning title edited by p2"

    stale[f"sections-{storage}-body"] = "Stale section edit by p3."
    stale["warnings-0-title"] = "Stale warning edit by p3"
    stale["change_reason"] = "p3"
    response = clients[2].post(url, stale)
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    assert LeafletSection.objects.get(pk=sections[storage]).body == "Section edited by p1."
    assert ClinicalWarning.objects.get(pk=warnings[0]).title == "ClinicalWarning title edited by p2"


def test_a_change_of_sources_by_one_editor_does_not_block_another_editing_a_different_row(client, shipped_content):
    """p2 changes a warning's sources; p1, whose page was opened before, edits a section: both are kept."""
    from django.test import Client

    medication = baclofen()
    editors = []
    for name in ("p1", "p2"):
        c = Client()
        c.force_login(make_user("pharmacist", name))
        editors.append(c)
    url, d1 = open_change_form(editors[0], medication)
    _, d2 = open_change_form(editors[1], medication)

    warning = medication.warnings.order_by("section", "position").first()
    kept_source = min(warning.sources.values_list("pk", flat=True))
    d2["warnings-0-sources"] = [str(kept_source)]
    d2["change_reason"] = "p2: one source is enough"
    assert editors[1].post(url, d2).status_code == 302
    assert list(warning.sources.values_list("pk", flat=True)) == [kept_source]

    sections = list(medication.sections.order_by("position").values_list("pk", flat=True))
    storage = sections.index(medication.sections.get(kind="storage").pk)
    d1[f"sections-{storage}-body"] = "Section edited by p1."
    d1["change_reason"] = "p1"
    response = editors[0].post(url, d1)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LeafletSection.objects.get(pk=sections[storage]).body == "Section edited by p1."
    assert list(warning.sources.values_list("pk", flat=True)) == [kept_source]


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


def test_publishing_needs_the_publish_permission(client):
    medication = draft_medication()
    editor = User.objects.create_user("editor", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__in=["change_medication", "view_medication"]))
    client.force_login(editor)
    url, data = open_change_form(client, medication)
    data["status"] = "published"
    data["change_reason"] = "Ready"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "needs the publish permission" in response.content.decode()
    assert Medication.objects.get(pk=medication.pk).status == "draft"


def test_publishing_records_who_and_when_and_sets_the_review_dates(client, django_capture_on_commit_callbacks):
    medication = draft_medication()
    client, user = client_for(client, "pharmacist")
    url, data = open_change_form(client, medication)
    data["status"] = "published"
    data["change_reason"] = "Reviewed and ready"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    medication.refresh_from_db()
    today = timezone.localdate()
    assert medication.published_by == user and medication.published_at is not None
    assert medication.last_reviewed == today
    assert medication.next_review_due == add_years(today, REVIEW_INTERVAL_YEARS)
    assert medication.reviewed_by == "Pharmacist"
    client.logout()
    assert client.get(medication.get_absolute_url()).status_code == 200


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
