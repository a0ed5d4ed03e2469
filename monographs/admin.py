from django.contrib import admin
from django.utils.html import format_html

from .models import (
    Condition,
    DrugClass,
    LeafletSection,
    Medication,
    MedicationName,
    Product,
    Source,
    Use,
    Warning,
)


class MedicationNameInline(admin.TabularInline):
    model = MedicationName
    extra = 0
    fields = ["name", "kind", "position"]


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    fields = ["name", "form", "strength", "position"]


class UseInline(admin.StackedInline):
    model = Use
    extra = 0
    autocomplete_fields = ["condition", "sources"]
    fields = ["condition", "status", "how_it_helps", "sources", "position"]


class LeafletSectionInline(admin.StackedInline):
    model = LeafletSection
    extra = 0
    autocomplete_fields = ["sources"]
    fields = ["kind", "body", "sources"]


class WarningInline(admin.StackedInline):
    model = Warning
    fk_name = "medication"
    extra = 0
    autocomplete_fields = ["trigger_condition", "trigger_class", "trigger_medication", "sources"]
    fields = [
        ("key", "type", "severity"),
        "title",
        ("section", "position", "urgent"),
        ("frequency", "frequency_note"),
        "trigger_kind",
        ("trigger_condition", "trigger_class", "trigger_medication"),
        ("crcl_min", "crcl_min_inclusive", "crcl_max", "crcl_max_inclusive"),
        "patient_text",
        "clinician_text",
        "action",
        "sources",
    ]


@admin.register(Medication)
class MedicationAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "atc_code", "last_reviewed", "next_review_due", "public_page"]
    list_filter = ["status", "classes", "next_review_due"]
    search_fields = ["name", "slug", "atc_code", "names__name"]
    autocomplete_fields = ["classes", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MedicationNameInline, ProductInline, UseInline, LeafletSectionInline, WarningInline]

    @admin.display(description="Page")
    def public_page(self, obj):
        return format_html('<a href="{}">View</a>', obj.get_absolute_url())


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    list_display = ["title", "medication", "type", "severity", "trigger_in_words"]
    list_filter = ["type", "severity", "trigger_kind", "medication"]
    list_select_related = ["medication", "trigger_condition", "trigger_class", "trigger_medication"]
    search_fields = ["title", "key", "medication__name", "patient_text", "clinician_text"]
    autocomplete_fields = ["medication", "trigger_condition", "trigger_class", "trigger_medication", "sources"]

    @admin.display(description="Applies")
    def trigger_in_words(self, obj):
        return obj.trigger_description


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "snomed_code"]
    search_fields = ["name", "slug", "aliases"]
    autocomplete_fields = ["sources"]


@admin.register(DrugClass)
class DrugClassAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "accessed"]
    search_fields = ["title", "publisher", "identifier", "key"]
