"""The pharmacists' workplace: every word patients read and every rule the screening engine applies.

Every save is versioned (a stale form is refused, never silently applied), recorded in history with the editor's
reason, and purges the public cache. Publishing needs its own permission and stamps the review dates.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.forms.models import model_to_dict
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from .markdown import render_markdown
from .models import (
    Condition,
    DrugClass,
    EditConflict,
    LeafletSection,
    Medication,
    MedicationName,
    Product,
    Source,
    Use,
    Warning,
)
from .readability import MIN_WORDS_TO_SCORE, TARGET_EASE, TARGET_GRADE, measure

REVIEW_INTERVAL_YEARS = 3
MARKDOWN_FIELDS = {"body", "patient_text", "clinician_text", "action", "how_it_helps", "description"}
PATIENT_FIELDS = {"body", "patient_text", "how_it_helps", "description"}


# --- Readability ----------------------------------------------------------------------------------------------------


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


# --- Versioned forms: a stale form is refused with what changed ------------------------------------------------------


def describe_conflict(instance, loaded_version: int) -> str:
    """What changed since the editor loaded the row, from its history, in words."""
    history = instance.history.order_by("-history_date", "-history_id")
    latest = history.first()
    loaded = history.filter(version=loaded_version).first()
    who = "someone else"
    when = ""
    if latest is not None:
        if latest.history_user:
            who = latest.history_user.get_full_name() or latest.history_user.get_username()
        when = f" at {timezone.localtime(latest.history_date):%H:%M on %d %b %Y}"
    changes = []
    if latest is not None and loaded is not None and latest.history_id != loaded.history_id:
        for change in latest.diff_against(loaded).changes:
            label = instance._meta.get_field(change.field).verbose_name
            new = str(change.new)
            changes.append(f"{label}: now “{new[:80]}{'…' if len(new) > 80 else ''}”")
    changed = ("; ".join(changes) + ". ") if changes else ""
    return (
        f"Not saved: {who} changed this {instance._meta.verbose_name}{when}, after you opened it. {changed}"
        "Your edits are still in the form below: copy them, open the page again to see the latest version, "
        "then reapply them."
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
            options.append(self.create_option(name, pk, known[pk], selected, len(options)))
        return [(None, options, 0)]


def _preload_related(instance, name: str, field) -> None:
    """Hand a foreign key's field and widget the related row loaded with the instance (select_related)."""
    if not isinstance(field, PreloadedModelChoiceField) or instance.pk is None:
        return
    model_field = instance._meta.get_field(name)
    if not model_field.is_cached(instance):
        return
    related = getattr(instance, name)
    field.preloaded = {} if related is None else {str(related.pk): related}
    widget = getattr(field.widget, "widget", field.widget)  # inside the admin's related-field wrapper
    if isinstance(widget, PreloadedAutocompleteSelect):
        widget.known_labels = {} if related is None else {str(related.pk): field.label_from_instance(related)}


class VersionedForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, current_versions: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_version = None
        if self.instance.pk is not None:
            # The version in the database now (on a history "revert" form the instance is the old version). An
            # inline formset reads every row's version in one query and passes them in.
            if current_versions is not None and self.instance.pk in current_versions:
                self.current_version = current_versions[self.instance.pk]
            else:
                current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True)
                self.current_version = current.first()
            self.fields["loaded_version"].initial = self.current_version
            if self.is_bound and self.current_version is not None and self.instance.version != self.current_version:
                # A history "revert" form: its instance is an old version; what it changes is the current row.
                current_row = type(self.instance).objects.get(pk=self.instance.pk)
                self.initial.update(model_to_dict(current_row, fields=self._concrete_field_names()))
            self._compare_with_what_the_editor_loaded()
            if not self.is_bound:
                self._show_the_sources_of_a_history_version()
        for name, field in self.fields.items():
            _preload_related(self.instance, name, field)
            if name in MARKDOWN_FIELDS and isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(
                    {
                        "data-markdown-preview": "patient" if name in PATIENT_FIELDS else "clinician",
                        "data-preview-url": reverse("admin:monographs_markdown_preview"),
                    }
                )
                field.widget.attrs.setdefault("rows", 6)

    def _many_to_many_of(self, record) -> dict[str, list]:
        """The sources (and classes) a history record cited, from its snapshot, for the fields on this form."""
        values = {}
        for field in getattr(record, "_history_m2m_fields", ()):
            if field.name in self.fields:
                target = f"{field.m2m_reverse_field_name()}_id"
                values[field.name] = [getattr(row, target) for row in getattr(record, field.name).all()]
        return values

    def _show_the_sources_of_a_history_version(self) -> None:
        """On a history "revert" form, many-to-many fields (sources, classes) show what that version cited, not what
        the row cites now."""
        self.initial.update(self._many_to_many_of(getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)))

    def _concrete_field_names(self) -> list[str]:
        concrete = {f.name for f in self.instance._meta.fields}
        return [name for name in self.fields if name in concrete]

    def has_changed(self) -> bool:
        """Whether the editor changed the row itself (a reason typed or a version carried is not a change)."""
        model_fields = {f.name for f in self._meta.model._meta.get_fields()} if self._meta.model else set()
        return any(name in model_fields for name in self.changed_data)

    def _post_clean(self):
        # A row the editor left alone is not saved (see has_changed), so it is not validated against the model and
        # its constraints either: each constraint is a query, and a medication's page holds forty-odd rows.
        if self.instance.pk is not None and not self.has_changed():
            return
        super()._post_clean()

    def _posted_loaded_version(self) -> int | None:
        try:
            return int(self.data.get(self.add_prefix("loaded_version"), ""))
        except (TypeError, ValueError):
            return None

    def _compare_with_what_the_editor_loaded(self) -> None:
        """When the row changed since the editor opened the page, judge "did the editor change this?" against the
        version they saw (from history), not against the newer one. A row they left alone is then not saved, so
        their stale copy never overwrites someone else's edit; a row they did change is a conflict."""
        loaded = self._posted_loaded_version() if self.is_bound else None
        if loaded is None or loaded == self.current_version:
            return
        snapshot = self.instance.history.filter(version=loaded).order_by("-history_date", "-history_id").first()
        if snapshot is not None:
            self.initial.update(model_to_dict(snapshot.instance, fields=self._concrete_field_names()))
            self.initial.update(self._many_to_many_of(snapshot))

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk is not None and loaded is not None and self.has_changed():
            if self.current_version is not None and self.current_version != loaded:
                raise ValidationError(describe_conflict(self.instance, loaded), code="edit_conflict")
            # The UPDATE will only match this version: a save that slips in after this check still loses.
            self.instance.version = loaded
        return cleaned


class ReasonForm(VersionedForm):
    change_reason = forms.CharField(
        max_length=100,
        required=False,
        label="Reason for this change",
        help_text="Recorded in the history, e.g. 'Corrected dose after label update'. Required when changing.",
    )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and self.has_changed() and not cleaned.get("change_reason", "").strip():
            self.add_error("change_reason", "Say why you are making this change: it is kept in the history.")
        return cleaned


class MedicationForm(ReasonForm):
    mark_reviewed = forms.BooleanField(
        required=False,
        label="I have reviewed all of this content today",
        help_text="Sets 'last reviewed' to today and 'next review due' to three years on (needs publish permission).",
    )

    def __init__(self, *args, can_publish: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_publish = can_publish

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        original = self.initial.get("status") if self.instance.pk else None
        gated = {Medication.Status.PUBLISHED, Medication.Status.RETIRED}
        if not self.can_publish:
            if status in gated and status != original:
                self.add_error("status", "Publishing or retiring needs the publish permission. Set it to 'In review'.")
            if original in gated and status != original:
                self.add_error("status", "Only someone with the publish permission can change a published status.")
            if cleaned.get("mark_reviewed"):
                self.add_error("mark_reviewed", "Marking content as reviewed needs the publish permission.")
        return cleaned


class VersionedInlineForm(VersionedForm):
    pass


# --- Inlines ---------------------------------------------------------------------------------------------------------


class PreloadedModelChoiceField(forms.ModelChoiceField):
    """A foreign key whose posted value, when it is still the row's current one, is the related object already
    loaded with the row (select_related): only a changed value is looked up."""

    preloaded: dict[str, object] | None = None

    def to_python(self, value):
        if self.preloaded and value not in self.empty_values and str(value) in self.preloaded:
            return self.preloaded[str(value)]
        return super().to_python(value)


class LoadedChoicesMultipleField(forms.ModelMultipleChoiceField):
    """A many-to-many select whose options are read once per page (not once per form) and whose posted values are
    checked against them."""

    loaded: dict[str, object] | None = None

    def load_choices(self) -> None:
        objects = list(self.queryset)
        self.loaded = {str(obj.pk): obj for obj in objects}
        self.choices = [(obj.pk, self.label_from_instance(obj)) for obj in objects]

    def _check_values(self, value):
        try:
            keys = {str(v) for v in value}
        except TypeError:
            return super()._check_values(value)
        if self.loaded is None or not keys <= self.loaded.keys():
            return super()._check_values(value)  # an option added since the page was built, or a bad value
        return [obj for key, obj in self.loaded.items() if key in keys]


class LoadedRowChoiceField(forms.ModelChoiceField):
    """The hidden id field of an inline row, resolved from the rows the formset loaded in one query (Django's own
    field looks each posted id up again: one query per row)."""

    def __init__(self, *args, loaded_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.loaded_rows = loaded_rows

    def to_python(self, value):
        if value not in self.empty_values:
            row = self.loaded_rows().get(str(value))
            if row is not None:
                return row
        return super().to_python(value)


class VersionedInlineFormSet(forms.BaseInlineFormSet):
    """Reads the current version of every row in one query, for all the forms (one query per form otherwise), and
    resolves each posted row id from the rows already loaded."""

    def _loaded_rows(self) -> dict[str, object]:
        if not hasattr(self, "_rows_by_pk"):
            self._rows_by_pk = {str(row.pk): row for row in self.get_queryset()}
        return self._rows_by_pk

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk_name = self._pk_field.name
        field = form.fields.get(pk_name)
        if type(field) is forms.ModelChoiceField:
            form.fields[pk_name] = LoadedRowChoiceField(
                field.queryset,
                initial=field.initial,
                required=False,
                widget=field.widget,
                loaded_rows=self._loaded_rows,
            )

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_current_versions"):
            pks = [obj.pk for obj in self.get_queryset()]
            self._current_versions = dict(self.model.objects.filter(pk__in=pks).values_list("pk", "version"))
        kwargs["current_versions"] = self._current_versions
        return kwargs


class VersionedInline:
    """An inline whose page costs a fixed number of queries whatever the number of rows: related rows loaded with
    the rows, the choices of each many-to-many select read once per page (not once per form), versions in one
    query, and autocomplete labels from the loaded rows."""

    form = VersionedInlineForm
    formset = VersionedInlineFormSet
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
            formfield.load_choices()  # once here, for this page: every form renders and checks the same list
        return formfield


class MedicationNameInline(VersionedInline, admin.TabularInline):
    model = MedicationName
    fields = ["name", "kind", "position", "loaded_version"]


class ProductInline(VersionedInline, admin.TabularInline):
    model = Product
    fields = ["name", "form", "strength", "position", "loaded_version"]


class UseInline(VersionedInline, admin.StackedInline):
    model = Use
    autocomplete_fields = ["condition"]
    list_select_related_fields = ("condition",)
    fields = ["condition", "status", "how_it_helps", "readability", "sources", "position", "loaded_version"]
    readonly_fields = ["readability"]

    @admin.display(description="Readability")
    def readability(self, obj):
        return readability_badge(obj.reading_grade, obj.reading_ease, obj.smog)


class LeafletSectionInline(VersionedInline, admin.StackedInline):
    model = LeafletSection
    fields = ["kind", "body", "readability", "sources", "loaded_version"]
    readonly_fields = ["readability"]

    @admin.display(description="Readability")
    def readability(self, obj):
        return readability_badge(obj.reading_grade, obj.reading_ease, obj.smog)


class WarningInline(VersionedInline, admin.StackedInline):
    model = Warning
    fk_name = "medication"
    autocomplete_fields = ["trigger_condition", "trigger_class", "trigger_medication"]
    list_select_related_fields = ("trigger_condition", "trigger_class", "trigger_medication")
    readonly_fields = ["applies", "readability"]
    fields = [
        ("key", "type", "severity"),
        "title",
        ("section", "position", "urgent"),
        ("frequency", "frequency_note"),
        "trigger_kind",
        ("trigger_condition", "trigger_class", "trigger_medication"),
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


# --- Medication ------------------------------------------------------------------------------------------------------


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


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ConflictSafeAdmin(SimpleHistoryAdmin):
    """Saves with the editor's reason, and turns a lost race into a clear message instead of an error page."""

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed() and not form.cleaned_data.get("mark_reviewed"):
            return  # only inline rows changed (or nothing): leave this row, and anyone else's edit to it, alone
        obj._change_reason = form.cleaned_data.get("change_reason") or ("Created" if not change else "Edited")
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = form.cleaned_data.get("change_reason") or "Edited with its medication"
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # The whole save was rolled back. Only reached when two saves race past the form check together.
            messages.error(request, describe_conflict(conflict.instance, conflict.expected_version))
            return HttpResponseRedirect(request.path)


@admin.register(Medication)
class MedicationAdmin(ConflictSafeAdmin):
    form = MedicationForm
    list_display = ["name", "status", "leaflet_readability_column", "last_reviewed", "next_review_due", "page_link"]
    list_filter = ["status", LeafletFilter, ReviewDueFilter, "classes"]
    search_fields = ["name", "slug", "atc_code", "names__name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["page_link", "leaflet_readability", "published_at", "published_by"]
    inlines = [MedicationNameInline, ProductInline, UseInline, LeafletSectionInline, WarningInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "page_link", "leaflet_readability"]}),
        ("Codes and classes", {"fields": ["atc_code", "rxnorm_code", "classes", "sources"]}),
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
        js = ["js/admin-markdown-preview.js", "js/admin-a11y.js"]
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(worst_grade=Max("sections__reading_grade"))

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        can_publish = request.user.has_perm("monographs.publish_medication")

        class BoundMedicationForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, can_publish=can_publish, **inner)

        return BoundMedicationForm

    def save_model(self, request, obj, form, change):
        today = timezone.localdate()
        reviewer = request.user.get_full_name() or request.user.get_username()
        newly_published = obj.status == Medication.Status.PUBLISHED and (
            not change or form.initial.get("status") != Medication.Status.PUBLISHED
        )
        if newly_published or form.cleaned_data.get("mark_reviewed"):
            obj.last_reviewed = today
            if "next_review_due" not in form.changed_data or not obj.next_review_due or obj.next_review_due <= today:
                obj.next_review_due = add_years(today, REVIEW_INTERVAL_YEARS)
            obj.reviewed_by = reviewer
        if newly_published:
            obj.published_at = timezone.now()
            obj.published_by = request.user
        super().save_model(request, obj, form, change)

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


@require_POST
def markdown_preview(request, model_admin):
    """Live preview for the editor: the sanitised HTML patients will see, with its readability."""
    if not model_admin.has_change_permission(request) and not model_admin.has_add_permission(request):
        raise PermissionDenied
    text = request.POST.get("text", "")[:20000]
    figures = measure(text)
    return JsonResponse(
        {
            "html": render_markdown(text),
            "grade": figures.grade,
            "ease": figures.ease,
            "smog": figures.smog,
            "on_target": figures.on_target,
            "scored": figures.scorable,
            "words": figures.words,
            "min_words": MIN_WORDS_TO_SCORE,
        }
    )


# --- The other content models -----------------------------------------------------------------------------------------


@admin.register(Warning)
class WarningAdmin(ConflictSafeAdmin):
    form = ReasonForm
    list_display = ["title", "medication", "type", "severity", "applies", "readability"]
    list_filter = ["type", "severity", "trigger_kind", "section", "medication"]
    list_select_related = ["medication", "trigger_condition", "trigger_class", "trigger_medication"]
    search_fields = ["title", "key", "medication__name", "patient_text", "clinician_text"]
    autocomplete_fields = ["medication", "trigger_condition", "trigger_class", "trigger_medication", "sources"]
    readonly_fields = ["applies", "readability"]

    class Media:
        js = ["js/admin-markdown-preview.js", "js/admin-a11y.js"]
        css = {"all": ["css/admin.css"]}

    @admin.display(description="Applies")
    def applies(self, obj):
        return obj.trigger_description if obj.pk else "–"

    @admin.display(description="Readability", ordering="reading_grade")
    def readability(self, obj):
        return readability_badge(obj.reading_grade, obj.reading_ease, obj.smog)


@admin.register(Condition)
class ConditionAdmin(ConflictSafeAdmin):
    form = ReasonForm
    list_display = ["name", "slug", "snomed_code", "medicines"]
    search_fields = ["name", "slug", "aliases"]
    autocomplete_fields = ["sources"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("uses__medication")

    @admin.display(description="Used by")
    def medicines(self, obj):
        return format_html_join(", ", "{}", ((use.medication.name,) for use in obj.uses.all())) or "–"


@admin.register(DrugClass)
class DrugClassAdmin(ConflictSafeAdmin):
    form = ReasonForm
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(ConflictSafeAdmin):
    form = ReasonForm
    list_display = ["title", "publisher", "accessed", "link"]
    search_fields = ["title", "publisher", "identifier", "key"]
    list_filter = ["publisher"]

    @admin.display(description="Link")
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.url, obj.url)
