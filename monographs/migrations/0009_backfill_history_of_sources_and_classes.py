"""Rows saved before 0008 have history without their sources and classes: copy each row's current ones onto its
latest history record, so the next change shows what it really changed, not every source as new."""

from django.db import migrations

TRACKED = [
    ("Condition", "sources", "condition", "source"),
    ("Medication", "classes", "medication", "drugclass"),
    ("Medication", "sources", "medication", "source"),
    ("Use", "sources", "use", "source"),
    ("LeafletSection", "sources", "leafletsection", "source"),
    ("Warning", "sources", "warning", "source"),
]


def backfill(apps, schema_editor):
    for model_name, field_name, owner, target in TRACKED:
        model = apps.get_model("monographs", model_name)
        historical = apps.get_model("monographs", f"Historical{model_name}")
        snapshot = apps.get_model("monographs", f"Historical{model_name}_{field_name}")
        through = model._meta.get_field(field_name).remote_field.through
        latest = {}
        for record in historical.objects.order_by("history_date", "history_id").only("history_id", "id"):
            latest[record.id] = record.history_id
        already = set(snapshot.objects.values_list("history_id", flat=True))
        rows = []
        for link in through.objects.all():
            owner_id = getattr(link, f"{owner}_id")
            history_id = latest.get(owner_id)
            if history_id is None or history_id in already:
                continue
            rows.append(
                snapshot(
                    history_id=history_id,
                    id=link.id,
                    **{f"{owner}_id": owner_id, f"{target}_id": getattr(link, f"{target}_id")},
                )
            )
        snapshot.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("monographs", "0008_history_of_sources_and_classes")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
