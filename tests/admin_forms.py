"""Build the POST data an editor's browser would send for an admin change form or a leaflet editor's part page, from
the rendered page; sign in as a role; take a leaflet draft through its review steps."""

from django import forms
from django.urls import reverse

from tests.users import make_user


def _form_fields(form, data: dict) -> None:
    for bound in form:
        value = bound.value()
        name = bound.html_name
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(value)


def change_form_data(response) -> dict:
    """Everything on the page as loaded: the main form, every inline's management form and rows."""
    context = response.context
    data: dict = {}
    _form_fields(context["adminform"].form, data)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        _form_fields(formset.management_form, data)
        for form in formset.forms:
            _form_fields(form, data)
    return {k: v for k, v in data.items() if v is not None}


def client_for(client, role):
    """The test client signed in as a new user of `role` (none for "anonymous"), and that user."""
    user = make_user(role)
    if user is not None:
        client.force_login(user)
    return client, user


def open_change_form(client, obj):
    """Open obj's admin change page and return its URL and what the browser would post back unchanged."""
    url = reverse(f"admin:monographs_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, change_form_data(response)


# --- The leaflet editor: a part saved in the draft, and the review steps, as the pharmacist's browser does them ----


def part_url(medication, table: str, key: str) -> str:
    return reverse("admin:monographs_medication_leaflet_part", args=[medication.pk, table, key])


def part_page_data(response) -> dict:
    """What the browser would post back unchanged from a part page of the leaflet editor (no reason typed yet)."""
    data: dict = {}
    _form_fields(response.context["form"], data)
    data["draft_version"] = str(response.context["draft_version"])
    return data


def save_in_draft(client, medication, table: str, key: str, *, reason: str, **changes) -> None:
    """Open one part of the leaflet in the editor, change it, and save it in the draft (asserting it was saved)."""
    url = part_url(medication, table, key)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, part_page_data(page) | changes | {"reason": reason})
    assert response.status_code == 302, response.context["form"].errors


def review_step(client, medication, step: str, **data):
    """Post a review step (submit, approve, send-back, discard, retire); the editor answers with its overview."""
    response = client.post(reverse("admin:monographs_medication_leaflet_step", args=[medication.pk, step]), data)
    assert response.status_code == 302
    return response


def pharmacist_client(first_name: str, last_name: str = ""):
    """A new test client signed in as a new pharmacist with this name (as review stamps and the history show it), and
    that user: for the two pharmacists of a review."""
    from django.test import Client

    user = make_user("pharmacist")
    user.first_name, user.last_name = first_name, last_name
    user.save()
    client = Client()
    client.force_login(user)
    return client, user
