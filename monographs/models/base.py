"""What every content model shares: named choice constraints, optimistic locking, text without control characters,
and readability figures."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from monographs.text import validate_no_control_characters


def choices_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class EditConflict(Exception):
    """Someone else saved this row after the editor loaded it: saving now would silently overwrite their work."""

    def __init__(self, instance: models.Model, expected_version: int):
        self.instance = instance
        self.expected_version = expected_version
        super().__init__(f"{instance._meta.verbose_name} {instance.pk} changed since version {expected_version}")


class Versioned(models.Model):
    """Optimistic locking: every save of an existing row moves `version` on by one, and only succeeds when the row
    still has the version this instance was loaded with (or was told the editor loaded). The claim is a conditional
    UPDATE in the same transaction as the save, so two saves can never both win."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        """The fields' own validation, and no control characters in any text: the content files refuse them, so the
        admin must too (or an edit saved here could not be exported and loaded again). Here rather than as field
        validators, so the rule needs no migration and covers every text field, present and future."""
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if exclude and field.name in exclude:
                continue
            try:
                validate_no_control_characters(getattr(self, field.attname))
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        expected = self.version
        with transaction.atomic(using=kwargs.get("using")):
            claimed = type(self)._base_manager.filter(pk=self.pk, version=expected).update(version=expected + 1)
            if not claimed and type(self)._base_manager.filter(pk=self.pk).exists():
                raise EditConflict(self, expected)
            self.version = expected + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version = expected
                raise


class ReadabilityFields(models.Model):
    """Readability of the patient text, measured when it is saved (services.derived) and shown in the admin."""

    reading_grade = models.FloatField(null=True, blank=True, editable=False, verbose_name="reading grade")
    reading_ease = models.FloatField(null=True, blank=True, editable=False, verbose_name="reading ease")
    smog = models.FloatField(null=True, blank=True, editable=False, verbose_name="SMOG")

    class Meta:
        abstract = True
