"""A whole medication on one page: its own fields, its parts inline, its review and publication."""

import datetime

from django.contrib import admin
from django.db.models import Max
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from monographs.models import Medication
from monographs.readability import TARGET_GRADE, measure
from monographs.services.publishing import REVIEW_FIELDS, medication_save

from .base import ContentAdmin, change_reason
from .content import EDITOR_MEDIA
from .forms import MedicationForm
from .inlines import LeafletSectionInline, MedicationNameInline, ProductInline, UseInline, WarningInline
from .preview import markdown_preview
from .widgets import readability_badge


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("due_30", "Due within 30 days"), ("not_set", "No review date")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "overdue":
                return queryset.filter(next_review_due__lt=today)
            case "due_30":
                return queryset.filter(next_review_due__gte=today, next_review_due__lte=today + datetime.timedelta(30))
            case "not_set":
                return queryset.filter(next_review_due__isnull=True)
        return queryset


class LeafletFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("leaflet", "Has a leaflet"), ("catalogue", "Catalogue entry only")]

    def queryset(self, request, queryset):
        if self.value() == "leaflet":
            return queryset.with_leaflet()
        if self.value() == "catalogue":
            return queryset.exclude(pk__in=Medication.objects.with_leaflet().values("pk"))
        return queryset


@admin.register(Medication)
class MedicationAdmin(ContentAdmin):
    form = MedicationForm
    list_display = ["name", "status", "leaflet_readability_column", "last_reviewed", "next_review_due", "page_link"]
    list_filter = ["status", LeafletFilter, ReviewDueFilter, "classes"]
    search_fields = ["name", "slug", "atc_code", "names__name"]
    autocomplete_fields = ["ingredients"]
    prepopulated_fields = {"slug": ["name"]}
    # The review stamps change only when a pharmacist with the publish permission publishes or marks the content
    # reviewed (services.publishing): never typed, so nobody can forge a review the public page then shows.
    readonly_fields = ["page_link", "leaflet_readability", "published_at", "published_by", *REVIEW_FIELDS]
    inlines = [MedicationNameInline, ProductInline, UseInline, LeafletSectionInline, WarningInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "page_link", "leaflet_readability"]}),
        ("Codes and classes", {"fields": ["atc_code", "rxnorm_code", "classes", "ingredients", "sources"]}),
        (
            "Review and publication",
            {
                "fields": [
                    "status",
                    "mark_reviewed",
                    "last_reviewed",
                    "next_review_due",
                    "reviewed_by",
                    "published_at",
                    "published_by",
                ]
            },
        ),
        ("Your change", {"fields": ["change_reason", "loaded_version"]}),
    ]

    class Media:
        js = EDITOR_MEDIA["js"]
        css = EDITOR_MEDIA["css"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(worst_grade=Max("sections__reading_grade"))

    def save_model(self, request, obj, form, change):
        mark_reviewed = bool(form.cleaned_data.get("mark_reviewed"))
        if change and not form.has_changed() and not mark_reviewed:
            return  # only inline rows changed (or nothing): leave this row, and anyone else's edit to it, alone
        medication_save(
            medication=obj,
            user=request.user,
            reason=change_reason(form, change),
            status_before=form.status_before,
            mark_reviewed=mark_reviewed,
            m2m=form.many_to_many_values(),
        )

    @admin.display(description="Public page")
    def page_link(self, obj):
        if obj.pk is None:
            return "–"
        label = "View" if obj.status == Medication.Status.PUBLISHED else "Preview (as the public will see it)"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    @admin.display(description="Worst section grade", ordering="worst_grade")
    def leaflet_readability_column(self, obj):
        if obj.worst_grade is None:
            return "–"
        if obj.worst_grade > TARGET_GRADE:
            return format_html('<span class="readability over-target">{} · over target</span>', obj.worst_grade)
        return format_html('<span class="readability on-target">{}</span>', obj.worst_grade)

    @admin.display(description="Leaflet readability (all patient text)")
    def leaflet_readability(self, obj):
        if obj.pk is None:
            return "–"
        texts = list(obj.sections.values_list("body", flat=True))
        texts += list(obj.warnings.exclude(patient_text="").values_list("patient_text", flat=True))
        texts += list(obj.uses.values_list("how_it_helps", flat=True))
        if not texts:
            return "–"
        figures = measure("\n\n".join(texts))
        return readability_badge(figures.grade, figures.ease, figures.smog)

    def get_urls(self):
        return [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="monographs_markdown_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        return markdown_preview(request, self)
