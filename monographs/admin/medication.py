"""The medications list, and the form of a catalogue entry; a leaflet is edited in the leaflet editor."""

import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from monographs.models import OPEN_STATES, LeafletRevision, LeafletSection, Medication
from monographs.readability import TARGET_GRADE

from .base import ContentAdmin
from .content import EDITOR_CSS, EDITOR_JS
from .forms import MedicationForm
from .inlines import MedicationNameInline
from .leaflet_editor import LeafletEditor
from .preview import markdown_preview
from .widgets import FilteredCheckboxes, ListedAutocomplete


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
    """The list of medications, and the form of a catalogue entry (a name the screening knows, without a leaflet).
    A medication with a leaflet, or a draft of one, is edited in the leaflet editor (leaflet_editor.py): its change
    page leads there, so no change reaches the public without a second pharmacist's approval."""

    form = MedicationForm
    list_display = [
        "name",
        "kind",
        "public_status",
        "draft_state",
        "leaflet_readability_column",
        "next_review_due",
        "page_link",
    ]
    list_filter = [LeafletFilter, "status", ReviewDueFilter, "classes"]
    search_fields = ["name", "slug", "atc_code", "names__name"]
    # A combination is chosen among a thousand medicines by typing (the checkboxes of every one were most of the page).
    autocomplete_fields = ["ingredients"]
    # "N results (M total)" would count the whole table, with its annotations, a second time on every filtered page.
    show_full_result_count = False
    inlines = [MedicationNameInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "leaflet_link"]}),
        ("Codes and classes", {"fields": ["atc_code", "rxnorm_code", "classes", "ingredients", "sources"]}),
        ("Your change", {"fields": ["change_reason", "loaded_version"]}),
    ]
    readonly_fields = ["leaflet_link"]

    def get_queryset(self, request):
        if request.path == reverse(f"{self.admin_site.name}:autocomplete"):
            return super().get_queryset(request)  # names only: none of the changelist's columns
        open_draft = LeafletRevision.objects.filter(medication=OuterRef("pk"), state__in=OPEN_STATES)
        # Subqueries, not an aggregate over a join: the paginator's count then leaves them out (an aggregate would
        # group the whole table by medication on every count).
        graded = LeafletSection.objects.filter(medication=OuterRef("pk"), reading_grade__isnull=False)
        return (
            super()
            .get_queryset(request)
            .annotate(
                worst_grade=Subquery(graded.order_by("-reading_grade").values("reading_grade")[:1]),
                has_leaflet=Exists(LeafletSection.objects.filter(medication=OuterRef("pk"))),
                open_state=Subquery(open_draft.values("state")[:1]),
                open_number=Subquery(open_draft.values("number")[:1]),
            )
        )

    class Media:
        js = [*EDITOR_JS, "js/admin-leaflet-editor.js"]
        css = {"all": [*EDITOR_CSS, "css/admin-leaflet.css"]}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "ingredients":
            kwargs["widget"] = FilteredCheckboxes(attrs={"class": "source-choices"})
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        # A combination lists single medicines, never another combination.
        kwargs["queryset"] = Medication.objects.filter(ingredients__isnull=True).order_by("name")
        kwargs["widget"] = ListedAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The ingredients' autocomplete offers what the form accepts: single medicines, never a combination.
        autocomplete = request.path == reverse(f"{self.admin_site.name}:autocomplete")
        if autocomplete and request.GET.get("field_name") == "ingredients":
            queryset = queryset.filter(ingredients__isnull=True)
        return queryset, may_have_duplicates

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # A catalogue entry's slug is in the content files and the screening records: fixed once it exists.
        return ["leaflet_link", "slug"] if obj is not None else ["leaflet_link"]

    def has_delete_permission(self, request, obj=None):
        """A leaflet that was ever published is withdrawn (retired, through review), never deleted: its history and
        the screening records that cite it stay."""
        if obj is not None and (
            obj.status in (Medication.Status.PUBLISHED, Medication.Status.RETIRED)
            and obj.sections.exists()
            or obj.revisions.filter(state=LeafletRevision.State.PUBLISHED).exists()
        ):
            return False
        return super().has_delete_permission(request, obj)

    def is_leaflet(self, obj) -> bool:
        return obj.sections.exists() or obj.revisions.exists()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self.is_leaflet(obj):
            return HttpResponseRedirect(reverse("admin:monographs_medication_leaflet", args=[obj.pk]))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Kind", ordering="has_leaflet")
    def kind(self, obj):
        return "Leaflet" if obj.has_leaflet else "Catalogue entry"

    @admin.display(description="On the public site", ordering="status")
    def public_status(self, obj):
        if not obj.has_leaflet:
            return "–"
        return {"published": "Published", "retired": "Withdrawn"}.get(obj.status, "Not published")

    @admin.display(description="Draft")
    def draft_state(self, obj):
        if obj.open_state is None:
            return "–"
        return f"Revision {obj.open_number}: {LeafletRevision.State(obj.open_state).label.lower()}"

    @admin.display(description="Leaflet")
    def leaflet_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save the medication first; then write its leaflet."
        url = reverse("admin:monographs_medication_leaflet", args=[obj.pk])
        return format_html('<a href="{}">Write a leaflet for this medicine</a> (reviewed before it is published)', url)

    @admin.display(description="Public page")
    def page_link(self, obj):
        if obj.has_leaflet and obj.status == Medication.Status.PUBLISHED:
            return format_html('<a href="{}">View</a>', obj.get_absolute_url())
        if obj.has_leaflet or obj.open_state:
            url = reverse("admin:monographs_medication_leaflet", args=[obj.pk])
            return format_html('<a href="{}">Open the editor</a>', url)
        return "–"

    @admin.display(description="Worst section grade", ordering="worst_grade")
    def leaflet_readability_column(self, obj):
        if obj.worst_grade is None:
            return "–"
        if obj.worst_grade > TARGET_GRADE:
            return format_html('<span class="readability over-target">{} · over target</span>', obj.worst_grade)
        return format_html('<span class="readability on-target">{}</span>', obj.worst_grade)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self.is_leaflet(obj):  # a leaflet goes back to an earlier revision through review
            return HttpResponseRedirect(reverse("admin:monographs_medication_leaflet_history", args=[obj.pk]))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        return [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="monographs_markdown_preview"),
            *LeafletEditor(self).urls(),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        return markdown_preview(request, self)
