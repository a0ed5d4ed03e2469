"""Every write to content bumps the content version, which purges every cached public page at once."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import models
from .cache import bump_content_version

CONTENT_MODELS = [
    models.Source,
    models.DrugClass,
    models.Condition,
    models.Medication,
    models.MedicationName,
    models.Product,
    models.Use,
    models.LeafletSection,
    models.Warning,
]


def _content_changed(sender, **kwargs):
    # After commit: a reader must not cache the old page under the new version while the write is in flight.
    transaction.on_commit(bump_content_version)


for model in CONTENT_MODELS:
    post_save.connect(_content_changed, sender=model, dispatch_uid=f"purge-save-{model.__name__}")
    post_delete.connect(_content_changed, sender=model, dispatch_uid=f"purge-delete-{model.__name__}")
    for field in model._meta.many_to_many:
        m2m_changed.connect(_content_changed, sender=field.remote_field.through, dispatch_uid=f"purge-m2m-{field}")
