"""The content version moves from the cache into the database (ContentState: one row), so it survives a cache
outage. The row is created here with a fresh random version: every page cached before this release is unreachable
from then on, which is just a purge."""

import uuid

from django.db import migrations, models
from django.utils import timezone


def create_the_row(apps, schema_editor):
    ContentState = apps.get_model("monographs", "ContentState")
    ContentState.objects.create(id=1, version=uuid.uuid4().hex, changed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("monographs", "0003_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentState",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False)),
                (
                    "version",
                    models.CharField(
                        help_text="Changes with every content write; no meaning of its own.", max_length=32
                    ),
                ),
                ("changed_at", models.DateTimeField(help_text="When the content last changed.")),
            ],
            options={
                "verbose_name": "content version",
                "ordering": ["id"],
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="contentstate_one_row")],
            },
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
