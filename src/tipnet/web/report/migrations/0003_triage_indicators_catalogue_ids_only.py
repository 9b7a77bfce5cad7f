"""Superseded by 0004 (issue 11): this migration used to drop every triage indicator that was
not a catalogue id, words written by operators included, without a trace. It now changes nothing;
0004 maps what it can to catalogue ids and keeps the rest visible to operators."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("report", "0002_channels")]

    operations: list[migrations.operations.base.Operation] = []
