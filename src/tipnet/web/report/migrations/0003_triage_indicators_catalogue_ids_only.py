"""Triage indicators are stored unencrypted beside the sealed report, and used to be free text
(issue 10, finding 18): an operator could have typed words about the case there. Keep only the
ids of the screening catalogue's indicators and drop everything else for good."""

from __future__ import annotations

from django.db import migrations


def keep_catalogue_ids(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tipnet.core.screening.catalogue import default_catalogue

    known = set(default_catalogue().indicators)
    Report = apps.get_model("report", "Report")
    for report in Report.objects.only("pk", "indicators").iterator():
        values = report.indicators if isinstance(report.indicators, list) else []
        kept = sorted({value for value in values if isinstance(value, str) and value in known})
        if kept != report.indicators:
            Report.objects.filter(pk=report.pk).update(indicators=kept)


class Migration(migrations.Migration):
    dependencies = [("report", "0002_channels")]

    # Dropped text cannot come back: going backwards leaves the ids as they are.
    operations = [migrations.RunPython(keep_catalogue_ids, migrations.RunPython.noop)]
