"""Build the POST data an editor's browser would send for an admin change form, from the rendered page."""

from django import forms


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
