"""The content outside a medication's own page: warnings on their own, conditions, drug classes and sources."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from monographs.models import ClinicalWarning, Condition, DrugClass, Source

from .base import ContentAdmin, ReadOnlyAdmin
from .widgets import readability_badge

EDITOR_JS = ["js/admin-markdown-preview.js", "js/admin-a11y.js"]
EDITOR_CSS = ["css/admin.css"]
EDITOR_MEDIA = {"js": EDITOR_JS, "css": {"all": EDITOR_CSS}}


@admin.register(ClinicalWarning)
class WarningAdmin(ReadOnlyAdmin, ContentAdmin):
    """Every warning across the leaflets, to find one: read only. A warning is part of its leaflet and is changed in
    the leaflet editor, as a draft a second pharmacist approves."""

    list_display = ["title", "medication", "type", "severity", "applies", "readability", "edit_link"]
    list_filter = ["type", "severity", "trigger_kind", "section", "medication"]
    list_select_related = ["medication", "trigger_condition", "trigger_class", "trigger_medication"]
    search_fields = ["title", "key", "medication__name", "patient_text", "clinician_text"]
    autocomplete_fields = ["medication", "trigger_condition", "trigger_class", "trigger_medication", "sources"]
    readonly_fields = ["applies", "readability"]

    class Media:
        js = EDITOR_MEDIA["js"]
        css = EDITOR_MEDIA["css"]

    @admin.display(description="Applies")
    def applies(self, obj):
        return obj.trigger_description if obj.pk else "–"

    @admin.display(description="Edit")
    def edit_link(self, obj):
        url = reverse("admin:monographs_medication_leaflet_part", args=[obj.medication_id, "warning", obj.key])
        return format_html('<a href="{}">Edit in the leaflet editor</a>', url)

    @admin.display(description="Readability", ordering="reading_grade")
    def readability(self, obj):
        return readability_badge(obj.reading_grade, obj.reading_ease, obj.smog)


@admin.register(Condition)
class ConditionAdmin(ContentAdmin):
    list_display = ["name", "slug", "snomed_code", "medicines"]
    search_fields = ["name", "slug", "aliases"]
    autocomplete_fields = ["sources"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("uses__medication")

    @admin.display(description="Used by")
    def medicines(self, obj):
        return format_html_join(", ", "{}", ((use.medication.name,) for use in obj.uses.all())) or "–"


@admin.register(DrugClass)
class DrugClassAdmin(ContentAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ["title", "publisher", "accessed", "link"]
    search_fields = ["title", "publisher", "identifier", "key"]
    list_filter = ["publisher"]

    @admin.display(description="Link")
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.url, obj.url)
