"""What every content admin shares: each write goes through the content services with the editor's name and reason,
a lost race becomes a message, and a service's refusal becomes a form error, never an error page."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from monographs.models import EditConflict, Medication
from monographs.services.content import content_delete, content_save

from .forms import ReasonForm, describe_conflict, error_messages

# The request attribute that carries a service's refusal into the forms of the second attempt (see guard_save).
SERVICE_ERRORS = "monographs_service_errors"


def change_reason(form, change: bool, *, created: str = "Created", edited: str = "Edited") -> str:
    return form.cleaned_data.get("change_reason") or (edited if change else created)


class SelectedRowsChecked(admin.ModelAdmin):
    """A list action posted with a selection that names no row (an empty or malformed value) is answered like one
    posted with nothing selected, instead of failing in the query."""

    def response_action(self, request, queryset, *args, **kwargs):
        pk_field = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk_field.to_python(value)
        except ValidationError:
            self.message_user(request, "Select rows from the list, then choose the action.", messages.WARNING)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, *args, **kwargs)


class ChosenMedicationFilter(admin.SimpleListFilter):
    """Rows of one medication. Lists only the medication chosen (from a link, or the address), never all of them: a
    thousand links in the sidebar cost more than the list itself. Search finds a medication's rows by its name."""

    title = "medication"
    parameter_name = "medication__id__exact"

    def lookups(self, request, model_admin):
        chosen = self.value()
        if not chosen or not chosen.isdigit():
            return []
        return [(str(pk), name) for pk, name in Medication.objects.filter(pk=chosen).values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(f"Not a medication: {value!r}")
        return queryset.filter(medication_id=int(value))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContentAdmin(SelectedRowsChecked, SimpleHistoryAdmin):
    form = ReasonForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class: Any = super().get_form(request, obj, change=change, **kwargs)
        editor = {"user": request.user, "service_errors": getattr(request, SERVICE_ERRORS, ())}

        class EditorForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, **editor, **inner)

        return EditorForm

    # --- Writes: all through the services ---------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # only inline rows changed (or nothing): leave this row, and anyone else's edit to it, alone
        content_save(obj=obj, user=request.user, reason=change_reason(form, change), m2m=form.many_to_many_values())

    def save_related(self, request, form, formsets, change):
        # The form's own many-to-many values (sources, classes) were saved with its row by the service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        reason = change_reason(form, change, created="Created with its medication", edited="Edited with its medication")
        rows = formset.save(commit=False)  # builds the changed and new rows; deletes nothing yet
        form_of = {id(row_form.instance): row_form for row_form in formset.forms}
        for obj in formset.deleted_objects:
            content_delete(obj=obj, user=request.user, reason=reason)
        for obj in rows:
            try:
                content_save(obj=obj, user=request.user, reason=reason, m2m=form_of[id(obj)].many_to_many_values())
            except ValidationError as error:
                label = f"{obj._meta.verbose_name.capitalize()} “{obj}”"
                raise ValidationError([f"{label}: {message}" for message in error.messages]) from error

    def delete_model(self, request, obj):
        content_delete(obj=obj, user=request.user, reason="Deleted in the admin")

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                content_delete(obj=obj, user=request.user, reason="Deleted in the admin")

    # --- Views: a refused save is shown, never an error page ---------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        view = super().changeform_view  # a POST runs in one transaction
        return self.guard_save(request, lambda: view(request, object_id, form_url, extra_context))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a posted revert for anyone who may view the row: only an editor of it may revert.
        if request.method == "POST" and not self.has_change_permission(request, self.get_object(request, object_id)):
            raise PermissionDenied
        view = super().history_form_view  # "revert": simple-history saves through save_model, without a transaction

        def revert():
            with transaction.atomic(using=router.db_for_write(self.model)):
                return view(request, object_id, version_id, extra_context)

        return self.guard_save(request, revert)

    def guard_save(self, request, view):
        """Run a form view. A save that lost a race (both passed the form's version check) is rolled back and the
        editor told what changed. A service's ValidationError (the forms check first, so this is a safety net) is
        rolled back and the view run again with the errors added to the form, the editor's input kept."""
        try:
            return view()
        except EditConflict as conflict:
            messages.error(request, describe_conflict(conflict.instance, conflict.expected_version))
            return HttpResponseRedirect(request.path)
        except ValidationError as error:
            if request.method != "POST" or hasattr(request, SERVICE_ERRORS):
                raise
            setattr(request, SERVICE_ERRORS, error_messages(error))
            return self.guard_save(request, view)
