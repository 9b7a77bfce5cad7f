"""Triage indicators used to be free text (issue 10, finding 18; issue 11). Map each value that
names a screening catalogue indicator unambiguously (its id in any case, its English name, or its
interview question in any language) to the id, and keep everything else, word for word, in
``indicators_unmapped``: the report page shows it to operators, who can move it into an encrypted
internal note. Nothing is dropped."""

from __future__ import annotations

import re

from django.db import migrations, models


def split_free_text(value: object) -> list[str]:
    """The items an operator wrote: a list as stored, or one text separated by commas."""
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            out.extend(part.strip() for part in re.split(r"[,;、，\n]+", item) if part.strip())
        elif item is not None:
            out.append(str(item))
    return out


def map_indicators(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tipnet.core.screening.catalogue import default_catalogue

    catalogue = default_catalogue()
    Report = apps.get_model("report", "Report")
    for report in Report.objects.only("pk", "indicators", "indicators_unmapped").iterator():
        ids: set[str] = set()
        unmapped: list[str] = list(report.indicators_unmapped or [])
        for item in split_free_text(report.indicators):
            found = catalogue.match_indicator(item)
            if found is not None:
                ids.add(found)
            elif item not in unmapped:
                unmapped.append(item)
        if sorted(ids) != report.indicators or unmapped != (report.indicators_unmapped or []):
            Report.objects.filter(pk=report.pk).update(indicators=sorted(ids), indicators_unmapped=unmapped)


def unmap(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Going back puts the unmapped words beside the ids again, as the old free-text field had them."""
    Report = apps.get_model("report", "Report")
    for report in Report.objects.exclude(indicators_unmapped=[]).only("pk", "indicators", "indicators_unmapped"):
        Report.objects.filter(pk=report.pk).update(indicators=list(report.indicators) + list(report.indicators_unmapped))


class Migration(migrations.Migration):
    dependencies = [("report", "0003_triage_indicators_catalogue_ids_only")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="indicators_unmapped",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(map_indicators, unmap),
    ]
