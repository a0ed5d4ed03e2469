"""A medication's parts, edited on its page: names, products, uses, leaflet sections and warnings. The page costs a
fixed number of queries whatever its number of rows."""

from functools import cached_property
from typing import Any

from django import forms
from django.contrib import admin

from monographs.models import ClinicalWarning, LeafletSection, MedicationName, Product, Use

from .forms import VersionedInlineForm
from .widgets import (
    LoadedChoicesMultipleField,
    PreloadedAutocompleteSelect,
    PreloadedModelChoiceField,
    readability_badge,
)


class VersionedInlineFormSet(forms.BaseInlineFormSet):
    """Hands every row's form the versions of the rows loaded for the page (one query per form otherwise), and lets
    a row the editor left alone go unvalidated: it is not saved, and validating it costs a query per foreign key and
    per constraint, on a page of forty-odd rows."""

    @cached_property
    def current_versions(self) -> dict:
        return {row.pk: row.version for row in self.get_queryset()}

    def clean(self):
        """A change to a row on the page needs the page's reason, as a change to the page's own fields does."""
        super().clean()
        if any(form.has_changed() for form in self.forms) and not str(self.data.get("change_reason", "")).strip():
            raise forms.ValidationError(
                "Say why you are making this change (the reason field): it is kept in the history."
            )

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["current_versions"] = self.current_versions
        if index is not None and index < self.initial_form_count():  # None: the "add another" template
            kwargs["empty_permitted"] = True  # validated only when changed (VersionedForm.has_changed)
        return kwargs


class VersionedInline(admin.options.InlineModelAdmin):
    """Related rows loaded with the rows, the choices of each many-to-many select read once per page (not once per
    form), and autocomplete labels from the loaded rows."""

    form: Any = VersionedInlineForm
    formset: Any = VersionedInlineFormSet
    extra = 0
    show_change_link = False
    list_select_related_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("medication", *self.list_select_related_fields)
        if any(field.name == "sources" for field in self.model._meta.many_to_many):
            queryset = queryset.prefetch_related("sources")
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", PreloadedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name not in self.get_autocomplete_fields(request):
            kwargs.setdefault("form_class", LoadedChoicesMultipleField)
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if isinstance(formfield, LoadedChoicesMultipleField):
            formfield.load_choices()  # once here, for this page: every form renders the same list
        return formfield


class ReadabilityColumn:
    @admin.display(description="Readability")
    def readability(self, obj):
        return readability_badge(obj.reading_grade, obj.reading_ease, obj.smog)


class MedicationNameInline(VersionedInline, admin.TabularInline):
    model = MedicationName
    fields = ["name", "kind", "position", "loaded_version"]


class ProductInline(VersionedInline, admin.TabularInline):
    model = Product
    fields = ["name", "form", "strength", "position", "loaded_version"]


class UseInline(VersionedInline, ReadabilityColumn, admin.StackedInline):
    model = Use
    autocomplete_fields = ["condition"]
    list_select_related_fields = ("condition",)
    fields = ["condition", "status", "how_it_helps", "readability", "sources", "position", "loaded_version"]
    readonly_fields = ["readability"]


class LeafletSectionInline(VersionedInline, ReadabilityColumn, admin.StackedInline):
    model = LeafletSection
    fields = ["kind", "body", "readability", "sources", "loaded_version"]
    readonly_fields = ["readability"]


class WarningInline(VersionedInline, admin.StackedInline):
    model = ClinicalWarning
    fk_name = "medication"
    autocomplete_fields = ["trigger_condition", "trigger_class", "trigger_medication"]
    list_select_related_fields = ("trigger_condition", "trigger_class", "trigger_medication")
    readonly_fields = ["applies", "readability"]
    fields = [
        ("key", "type", "severity"),
        "title",
        ("section", "position", "urgent"),
        ("frequency", "frequency_note"),
        ("frequency_percent_min", "frequency_percent_max"),
        "trigger_kind",
        ("trigger_condition", "trigger_class", "trigger_medication"),
        ("age_min", "age_max"),
        ("crcl_min", "crcl_min_inclusive", "crcl_max", "crcl_max_inclusive"),
        "applies",
        "patient_text",
        "readability",
        "clinician_text",
        "action",
        "sources",
        "loaded_version",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("section", "position")

    @admin.display(description="Applies")
    def applies(self, obj):
        return obj.trigger_description if obj.pk else "–"

    @admin.display(description="Readability of the patient text")
    def readability(self, obj):
        return readability_badge(obj.reading_grade, obj.reading_ease, obj.smog)
