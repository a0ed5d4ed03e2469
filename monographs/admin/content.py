"""The content outside a medication's own page: warnings on their own, conditions, drug classes and sources."""

from django.contrib import admin
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from monographs.models import ClinicalWarning, Condition, DrugClass, Source, Use

from .base import ChosenMedicationFilter, ContentAdmin, ReadOnlyAdmin
from .widgets import readability_badge

EDITOR_JS = ["js/admin-markdown-preview.js", "js/admin-a11y.js"]
EDITOR_CSS = ["css/admin.css"]
EDITOR_MEDIA = {"js": EDITOR_JS, "css": {"all": EDITOR_CSS}}


@admin.register(ClinicalWarning)
class WarningAdmin(ReadOnlyAdmin, ContentAdmin):
    """Every warning across the leaflets, to find one: read only. A warning is part of its leaflet and is changed in
    the leaflet editor, as a draft a second pharmacist approves."""

    list_display = ["title", "medication", "type", "severity", "applies", "readability", "edit_link"]
    list_filter = ["type", "severity", "trigger_kind", "section", ChosenMedicationFilter]
    list_select_related = ["medication", "trigger_condition", "trigger_class", "trigger_medication"]
    # Not the clinician text: the longest column, and scanning it doubled a search's time at a thousand leaflets.
    search_fields = ["title", "key", "medication__name", "patient_text"]
    search_help_text = "Finds a word in the title, the key, the medicine's name or what patients read."
    show_full_result_count = False  # tens of thousands of rows: counted once per page, not twice
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


USED_BY_SHOWN = 3  # medicines named in a condition's row; a common condition has hundreds


@admin.register(Condition)
class ConditionAdmin(ContentAdmin):
    list_display = ["name", "slug", "snomed_code", "medicines"]
    search_fields = ["name", "slug", "aliases"]
    autocomplete_fields = ["sources"]

    def get_queryset(self, request):
        # The first few medicines of each condition, in one query for the page (a sliced prefetch), and how many.
        first_uses = Use.objects.select_related("medication").order_by("medication__name")[:USED_BY_SHOWN]
        return (
            super()
            .get_queryset(request)
            .annotate(medicine_count=Count("uses"))
            .prefetch_related(Prefetch("uses", queryset=first_uses, to_attr="first_uses"))
        )

    @admin.display(description="Used by", ordering="medicine_count")
    def medicines(self, obj):
        names = format_html_join(", ", "{}", ((use.medication.name,) for use in obj.first_uses))
        more = obj.medicine_count - len(obj.first_uses)
        if more > 0:
            return format_html("{} and {} more", names, more)
        return names or "–"


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
