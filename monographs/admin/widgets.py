"""Form fields and widgets that label and check a page's rows from what was loaded with them, so a medication's page
costs a fixed number of queries whatever its number of rows; and the readability badge."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.utils.html import format_html

from monographs.readability import MIN_WORDS_TO_SCORE, TARGET_EASE, TARGET_GRADE


def readability_badge(grade, ease, smog) -> str:
    if grade is None:
        return f"Not scored: fewer than {MIN_WORDS_TO_SCORE} words"
    over = grade > TARGET_GRADE or ease < TARGET_EASE
    return format_html(
        '<span class="readability {}">Grade {} · ease {} · SMOG {}{}</span>',
        "over-target" if over else "on-target",
        grade,
        ease,
        smog,
        " · over target" if over else "",
    )


class FilteredCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes with a search box that shows only the matching ones (js/admin-leaflet-editor.js): one click never
    clears the others, as a plain click in a multiple select does."""

    def render(self, name, value, attrs=None, renderer=None):
        boxes = super().render(name, value, attrs, renderer)
        list_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return format_html(
            '<p class="choice-search"><label for="{0}-filter">Find</label> '
            '<input type="search" id="{0}-filter" class="choice-filter" data-filters="{0}"></p>'
            '<div class="choice-list">{1}</div>',
            list_id,
            boxes,
        )


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose selected option is labelled from the related row already loaded with the form's row
    (select_related) instead of one query per form: a medication's page has forty-odd warning forms."""

    known_labels: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.known_labels
        if known is None or not selected <= known.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in sorted(selected):
            options.append(self.create_option(name, pk, known[pk], True, len(options)))  # only selected rows
        return [(None, options, 0)]


class PreloadedModelChoiceField(forms.ModelChoiceField):
    """A foreign key whose posted value, when it is still the row's current one, is the related object already
    loaded with the row (select_related): only a changed value is looked up."""

    preloaded: dict[str, object] | None = None

    def to_python(self, value):
        if self.preloaded and value not in self.empty_values and str(value) in self.preloaded:
            return self.preloaded[str(value)]
        return super().to_python(value)


class LoadedChoicesMultipleField(forms.ModelMultipleChoiceField):
    """A many-to-many select whose options are read once per page, not once per form (a posted value is still
    checked against the database by ModelMultipleChoiceField.clean, and only on a row the editor changed)."""

    def load_choices(self) -> None:
        queryset = self.queryset if self.queryset is not None else []
        self.choices = [(obj.pk, self.label_from_instance(obj)) for obj in queryset]


def preload_related(instance, name: str, field) -> None:
    """Hand a foreign key's field and widget the related row loaded with the instance (select_related)."""
    if not isinstance(field, PreloadedModelChoiceField) or instance.pk is None:
        return
    if not instance._meta.get_field(name).is_cached(instance):
        return
    related = getattr(instance, name)
    field.preloaded = {} if related is None else {str(related.pk): related}
    widget = getattr(field.widget, "widget", field.widget)  # inside the admin's related-field wrapper
    if isinstance(widget, PreloadedAutocompleteSelect):
        widget.known_labels = {} if related is None else {str(related.pk): field.label_from_instance(related)}


class ListedAutocomplete(AutocompleteSelectMultiple):
    """The admin's autocomplete for several choices, without select2's "clear all" button: select2 puts it inside its
    list of choices as a bare <span>, not a list item (axe: "lists must only directly contain li"). Each choice keeps
    its own remove button."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        return super().build_attrs(base_attrs, extra_attrs) | {"data-allow-clear": "false"}
