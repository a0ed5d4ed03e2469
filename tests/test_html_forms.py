"""The HTML form reader used by the load test's pharmacist submits what a browser would: checked against Django's own
view of the forms it posts (a catalogue entry's change form with its brand names, the leaflet editor's part pages),
and by saving each from the HTML alone."""

import pytest
from django.urls import reverse

from monographs.content_io.documents import monograph_document
from monographs.models import ClinicalWarning, Medication
from monographs.services import revisions as workflow
from tests.admin_forms import change_form_data, part_page_data
from tests.html_forms import form_fields
from tests.users import make_user

CATALOGUE_ENTRY = "co-codamol"  # nine brand names and synonyms: a long inline


def baclofen() -> Medication:
    return Medication.objects.get(slug="baclofen")


def catalogue_entry() -> Medication:
    return Medication.objects.exclude(pk__in=Medication.objects.with_leaflet().values("pk")).get(slug=CATALOGUE_ENTRY)


def page(client, name: str):
    """The URL, the response, the form's id and what Django's own forms would post back unchanged, for each page."""
    client.force_login(make_user("pharmacist"))
    leaflet = "admin:monographs_medication_leaflet"
    medication = baclofen()
    renal = ClinicalWarning.objects.filter(medication=medication, trigger_kind="renal").first() or (
        ClinicalWarning.objects.filter(medication=medication).exclude(trigger_kind="none").first()
    )
    url = {
        "catalogue": reverse("admin:monographs_medication_change", args=[catalogue_entry().pk]),
        "section": reverse(f"{leaflet}_part", args=[medication.pk, "section", "storage"]),
        "warning": reverse(f"{leaflet}_part", args=[medication.pk, "warning", renal.key]),
        "details": reverse(f"{leaflet}_details", args=[medication.pk]),
    }[name]
    response = client.get(url)
    assert response.status_code == 200
    if name == "catalogue":
        return url, response, "medication_form", change_form_data(response)
    return url, response, "part-form", part_page_data(response)


def submitted(html: str, form_id: str) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in form_fields(html, form_id):
        data.setdefault(name, []).append(value)
    return data


@pytest.mark.parametrize(("name", "at_least"), [("catalogue", 60), ("section", 3), ("warning", 12), ("details", 8)])
def test_the_fields_read_from_html_match_the_forms_own_values(client, shipped_content, name, at_least):
    _, response, form_id, own = page(client, name)
    from_html = submitted(response.content.decode(), form_id)
    # A browser does not submit a disabled field (a published warning's key, a published leaflet's slug); Django
    # ignores one posted anyway.
    form = response.context.get("form")
    disabled = {key for key, field in form.fields.items() if field.disabled} if form is not None else set()
    assert disabled == {"catalogue": set(), "section": set(), "warning": {"key"}, "details": {"slug"}}[name]
    expected = {
        key: value if isinstance(value, list) else [value]
        for key, value in own.items()
        if value not in ("", []) and key not in disabled
    }
    assert len(expected) >= at_least
    # A browser also submits each inline's hidden "add another" template row (__prefix__); Django ignores it.
    sent = {key for key, values in from_html.items() if values != [""] and "__prefix__" not in key}
    assert sent - {"csrfmiddlewaretoken"} == set(expected)
    for key, values in expected.items():  # a multiple choice's values as a set: the page lists them in its order
        assert sorted(from_html[key]) == sorted(values), key


def changed_parts(before: dict, after: dict) -> list[tuple[str, str | None]]:
    """(table, key) of each part of a leaflet document that differs; key None for a table that is not a list."""
    keys = {"section": "kind", "use": "condition", "warning": "key", "product": "name"}
    changes = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table), after.get(table)
        if table in keys:
            old_parts = {part[keys[table]]: part for part in old or []}
            new_parts = {part[keys[table]]: part for part in new or []}
            changes += [
                (table, key)
                for key in sorted(set(old_parts) | set(new_parts))
                if old_parts.get(key) != new_parts.get(key)
            ]
        elif old != new:
            changes.append((table, None))
    return changes


def test_a_part_page_saved_from_its_html_alone_changes_only_what_was_edited(client, shipped_content):
    url, response, form_id, _ = page(client, "section")
    data = submitted(response.content.decode(), form_id)
    data["body"] = ["Keep baclofen below 25°C, out of the sight and reach of children."]
    data["reason"] = ["Storage wording from the HTML form reader"]
    live = monograph_document(baclofen())
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved.status_code
    draft = workflow.open_revision(baclofen()).document
    assert changed_parts(live, draft) == [("section", "storage")]
    storage = next(section for section in draft["section"] if section["kind"] == "storage")
    assert storage["body"] == "Keep baclofen below 25°C, out of the sight and reach of children."


def test_a_catalogue_page_saved_from_its_html_alone_changes_only_what_was_edited(client, shipped_content):
    url, response, form_id, _ = page(client, "catalogue")
    data = submitted(response.content.decode(), form_id)
    data["names-2-name"] = ["Zapain 30/500"]
    data["change_reason"] = ["Brand name from the HTML form reader"]
    entry = catalogue_entry()
    before = {(name.pk, name.version, name.name) for name in entry.names.all()} | {(entry.pk, entry.version, "")}
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved.status_code
    entry = catalogue_entry()
    after = {(name.pk, name.version, name.name) for name in entry.names.all()} | {(entry.pk, entry.version, "")}
    assert [(pk, name) for pk, _, name in after - before] == [(int(data["names-2-id"][0]), "Zapain 30/500")]
