"""Cohorts wait for the check of their practice cases against stored cases (issue 14).

Cohorts made without the check ("": before it existed) or without a key to run it ("no_key") become
"pending": their cases open to trainees once a key holder of the organisation has run the check.
"""

from django.db import migrations, models


def unchecked_to_pending(apps, schema_editor):  # type: ignore[no-untyped-def]
    Cohort = apps.get_model("training", "Cohort")
    Cohort.objects.filter(case_check__in=["", "no_key"]).update(case_check="pending")


def pending_to_no_key(apps, schema_editor):  # type: ignore[no-untyped-def]
    Cohort = apps.get_model("training", "Cohort")
    Cohort.objects.filter(case_check="pending").update(case_check="no_key")


class Migration(migrations.Migration):

    dependencies = [
        ("training", "0002_cohort_case_check"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cohort",
            name="case_check",
            field=models.CharField(default="pending", max_length=20),
        ),
        migrations.AddField(
            model_name="cohort",
            name="withheld_case_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(unchecked_to_pending, pending_to_no_key),
    ]
