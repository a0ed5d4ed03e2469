"""Texts too short to score (fewer than readability.MIN_WORDS_TO_SCORE words) had a grade stored that was noise
("Trouble sleeping (insomnia)." scored grade 17): clear it, as saving them now would. Longer texts keep theirs."""

from django.db import migrations

from monographs.readability import measure

MEASURED = [("Use", "how_it_helps"), ("LeafletSection", "body"), ("Warning", "patient_text")]


def rescore(apps, schema_editor):
    for model_name, field in MEASURED:
        model = apps.get_model("monographs", model_name)
        short = [
            pk
            for pk, text in model.objects.exclude(reading_grade=None).values_list("pk", field)
            if not measure(text).scorable
        ]
        model.objects.filter(pk__in=short).update(reading_grade=None, reading_ease=None, smog=None)


class Migration(migrations.Migration):
    dependencies = [("monographs", "0010_full_text_indexes")]

    operations = [migrations.RunPython(rescore, migrations.RunPython.noop)]
