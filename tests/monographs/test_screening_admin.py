"""Screening records in the admin: a read-only list and detail for superusers (ARCHITECTURE.md: a superuser sees
everything), invisible to pharmacists, and unchangeable by anyone (a record is a snapshot of what was shown)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from monographs.models import Medication, ScreeningRecord
from tests.admin_forms import client_for
from tests.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(shipped_content):
    flag = {"title": "Avoid with opioids", "severity": "avoid"}
    return ScreeningRecord.objects.create(
        clinician=make_user("clinician"),
        medication=Medication.objects.get(slug="baclofen"),
        answers={"medication": "baclofen", "current_medications": ["oxycodone 5 mg"]},
        result={"flags": [flag], "notes": []},
    )


def urls(record) -> dict[str, str]:
    return {
        "list": reverse("admin:monographs_screeningrecord_changelist"),
        "detail": reverse("admin:monographs_screeningrecord_change", args=[record.pk]),
        "add": reverse("admin:monographs_screeningrecord_add"),
        "delete": reverse("admin:monographs_screeningrecord_delete", args=[record.pk]),
        "history": reverse("admin:monographs_screeningrecord_history", args=[record.pk]),
    }


def test_a_superuser_sees_the_records_list_and_each_record(client, record):
    client, _ = client_for(client, "superuser")
    assert "Screening records" in client.get(reverse("admin:index")).content.decode()
    listing = client.get(urls(record)["list"]).content.decode()
    assert record.clinician.username in listing and "Baclofen" in listing
    detail = client.get(urls(record)["detail"])
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Avoid with opioids" in text and "oxycodone 5 mg" in text
    assert 'name="_save"' not in text  # read-only: nothing to save


def test_nobody_adds_changes_or_deletes_a_record(client, record):
    client, _ = client_for(client, "superuser")
    assert client.get(urls(record)["add"]).status_code == 403
    assert client.post(urls(record)["delete"], {"post": "yes"}).status_code == 403
    assert client.post(urls(record)["detail"], {"answers": "{}"}).status_code == 403
    record.refresh_from_db()
    assert record.answers["current_medications"] == ["oxycodone 5 mg"]


@pytest.mark.parametrize("role", ["pharmacist", "pharmacist-and-clinician"])
def test_staff_who_are_not_superusers_never_see_records_in_the_admin(client, record, role):
    user = make_user("pharmacist")
    if role == "pharmacist-and-clinician":  # may see their own records on the screening pages, never everyone's here
        user.groups.add(Group.objects.get(name="clinician"))
    client.force_login(user)
    assert "Screening records" not in client.get(reverse("admin:index")).content.decode()
    for name, url in urls(record).items():
        assert client.get(url).status_code == 403, name
