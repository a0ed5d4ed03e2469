"""Build the POST data an editor's browser would send for an admin change form, from the rendered page; sign in as
a role."""

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
