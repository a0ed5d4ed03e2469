"""The HTML form reader used by the load test's pharmacist submits what a browser would: checked against Django's own
view of the admin change form, and by saving baclofen's whole page from the HTML alone."""

from django.urls import reverse

from monographs.models import Medication
from tests.admin_forms import change_form_data
from tests.html_forms import form_fields
from tests.users import make_user


def baclofen_change_page(client):
    client.force_login(make_user("pharmacist"))
    medication = Medication.objects.get(slug="baclofen")
    url = reverse("admin:monographs_medication_change", args=[medication.pk])
    return url, client.get(url)


def test_the_fields_read_from_html_match_the_forms_own_values(client, shipped_content):
    _, response = baclofen_change_page(client)
    from_html: dict[str, list[str]] = {}
    for name, value in form_fields(response.content.decode(), "medication_form"):
        from_html.setdefault(name, []).append(value)
    expected = {
        name: value if isinstance(value, list) else [value]
        for name, value in change_form_data(response).items()
        if value not in ("", [])
    }
    assert len(expected) > 500
    # A browser also submits each inline's hidden "add another" template row (__prefix__); Django ignores it.
    submitted = {name for name, values in from_html.items() if values != [""] and "__prefix__" not in name}
    assert submitted - {"csrfmiddlewaretoken"} == set(expected)
    dates = {"last_reviewed", "next_review_due"}  # rendered in the admin's display format (29/11/2026)
    for name, values in expected.items():
        if name not in dates:
            assert from_html[name] == values, name


def test_a_page_saved_from_its_html_alone_changes_only_what_was_edited(client, shipped_content):
    url, response = baclofen_change_page(client)
    fields = form_fields(response.content.decode(), "medication_form")
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    storage = next(
        name.removesuffix("-kind") for name, values in data.items() if name.endswith("-kind") and values == ["storage"]
    )
    data[f"{storage}-body"] = ["Keep baclofen below 25°C, out of the sight and reach of children."]
    data["change_reason"] = ["Storage wording from the HTML form reader"]
    before = {
        (section.kind, section.version, section.body)
        for section in Medication.objects.get(slug="baclofen").sections.all()
    }
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved.status_code
    after = {
        (section.kind, section.version, section.body)
        for section in Medication.objects.get(slug="baclofen").sections.all()
    }
    changed = after - before
    assert [(kind, body) for kind, _, body in changed] == [
        ("storage", "Keep baclofen below 25°C, out of the sight and reach of children.")
    ]
