"""Versioned forms: a stale form is refused with what changed, a change needs a reason, and publishing needs the
publish permission. Every check the services would make is made here first, so its message is shown next to the
field instead of after the save."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.utils import get_m2m_reverse_field_name

from monographs.services.publishing import REVIEW_FIELDS, REVIEW_INTERVAL_YEARS, publication_errors

from .widgets import preload_related

MARKDOWN_FIELDS = {"body", "patient_text", "clinician_text", "action", "how_it_helps", "description"}
PATIENT_FIELDS = {"body", "patient_text", "how_it_helps", "description"}


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


def error_messages(error: ValidationError) -> list[tuple[str | None, str]]:
    """A ValidationError as (field or None, message) pairs."""
    if not hasattr(error, "error_dict"):
        return [(None, message) for message in error.messages]
    return [
        (None if field == NON_FIELD_ERRORS else field, message)
        for field, errors in error.error_dict.items()
        for message in ValidationError(errors).messages
    ]


def history_many_to_many(record, model, field_names) -> dict[str, list]:
    """The sources (and classes) a history record of `model` cited, from its snapshot, for the given fields."""
    values: dict[str, list] = {}
    if record is None:
        return values
    for field in model._meta.many_to_many:
        tracked = getattr(record, field.name, None)  # simple-history adds a manager for each tracked field
        if field.name in field_names and tracked is not None:
            values[field.name] = list(tracked.values_list(get_m2m_reverse_field_name(field), flat=True))
    return values


class VersionedForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, service_errors=(), current_versions: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.service_errors = list(service_errors)
        self.current_version = None
        if self.instance.pk is not None:
            # The version in the database now (on a history "revert" form the instance is the old version). An
            # inline formset hands in the versions of the rows it loaded.
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
                # On a history "revert" form, sources and classes show what that version cited, not what the row
                # cites now (simple-history names, in a public constant, the attribute leading back to the record).
                record = getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
                self.initial.update(history_many_to_many(record, self._meta.model, self.fields))
        for name, field in self.fields.items():
            preload_related(self.instance, name, field)
            if name in MARKDOWN_FIELDS and isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(
                    {
                        "data-markdown-preview": "patient" if name in PATIENT_FIELDS else "clinician",
                        "data-preview-url": reverse("admin:monographs_markdown_preview"),
                    }
                )
                field.widget.attrs.setdefault("rows", 6)

    def _concrete_field_names(self) -> list[str]:
        concrete = {f.name for f in self.instance._meta.fields}
        return [name for name in self.fields if name in concrete]

    def has_changed(self) -> bool:
        """Whether the editor changed (or deleted) the row itself: a reason typed or a version carried is not a
        change. A row the editor left alone is not saved, so their copy never overwrites someone else's edit; in an
        inline formset it is not validated either (empty_permitted), which keeps a long page's save cheap."""
        model_fields = {f.name for f in self._meta.model._meta.get_fields()}
        return any(name in model_fields or name == DELETION_FIELD_NAME for name in self.changed_data)

    def _left_alone(self) -> bool:
        return self.instance.pk is not None and not self.has_changed()

    # A row the editor left alone is not saved, so it is not checked against the database's unique and check
    # constraints either (a query each). A row that is saved is checked here and again by the service.
    def validate_unique(self):
        if not self._left_alone():
            super().validate_unique()

    def validate_constraints(self):
        if not self._left_alone():
            super().validate_constraints()

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
            self.initial.update(history_many_to_many(snapshot, self._meta.model, self.fields))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for field, message in self.service_errors:  # refused by a service after this form was valid: see the admin
            self.add_error(field if field in self.fields else None, message)
        loaded = cleaned.get("loaded_version")
        if self.instance.pk is not None and loaded is not None and self.has_changed():
            if self.current_version is not None and self.current_version != loaded:
                raise ValidationError(describe_conflict(self.instance, loaded), code="edit_conflict")
            # The UPDATE will only match this version: a save that slips in after this check still loses.
            self.instance.version = loaded
        return cleaned

    def many_to_many_values(self) -> dict[str, object]:
        """The many-to-many values on this form (sources, classes), for the service that saves the row."""
        return {
            field.name: self.cleaned_data[field.name]
            for field in self._meta.model._meta.many_to_many
            if field.name in self.cleaned_data
        }


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


PLAIN_LABELS = {"atc_code": "ATC code", "rxnorm_code": "RxNorm code"}


class MedicationForm(ReasonForm):
    mark_reviewed = forms.BooleanField(
        required=False,
        label="I have reviewed all of this content today",
        help_text=(
            f"Sets 'last reviewed' to today and 'next review due' to {REVIEW_INTERVAL_YEARS} years on "
            "(needs publish permission)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in PLAIN_LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
        if self.instance.pk is not None and self.current_version not in (None, self.instance.version):
            # A history "revert": restoring old text is not a review, so the current review stamps stay.
            current = type(self.instance).objects.filter(pk=self.instance.pk).values(*REVIEW_FIELDS).first() or {}
            for name, value in current.items():
                setattr(self.instance, name, value)

    @property
    def status_before(self) -> str | None:
        """The status the row has now (on a revert form, the current row's, not the old version's)."""
        return self.initial.get("status") if self.instance.pk is not None else None

    def clean(self):
        cleaned = super().clean()
        if "status" in cleaned and self.user is not None:
            errors = publication_errors(
                user=self.user,
                status_before=self.status_before,
                status_after=cleaned["status"],
                mark_reviewed=bool(cleaned.get("mark_reviewed")),
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned


class VersionedInlineForm(VersionedForm):
    pass
