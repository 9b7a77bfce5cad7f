"""Service names, hours and descriptions per page language (Service.texts).

Moves the English name (name_en), the description by language and the opening hours into
``texts`` = {language: {"name", "hours", "description"}}, then drops the three old columns. The
hours had no stated language: Japanese when they have kana or kanji, else English (the seed's were
English). Demo entries lose the " (demo)" their seeded names carried: every page marks demo entries
already, and the staff list showed "(demo) (demo)".
"""

import re

from django.db import migrations, models

JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
DEMO_SUFFIX = " (demo)"


def old_to_texts(*, name: str, name_en: str, description: object, hours: str, is_demo: bool) -> tuple[str, dict]:
    """(name, texts) for one row of the old schema."""
    texts: dict[str, dict[str, str]] = {}
    if isinstance(description, dict):
        for language, value in description.items():
            if isinstance(value, str) and value.strip():
                texts.setdefault(language, {})["description"] = value.strip()
    if name_en.strip():
        texts.setdefault("en", {})["name"] = name_en.strip()
    if hours.strip():
        language = "ja" if JAPANESE_SCRIPT.search(hours) else "en"
        texts.setdefault(language, {})["hours"] = hours.strip()
    if is_demo:
        name = name.removesuffix(DEMO_SUFFIX)
        if "name" in texts.get("en", {}):
            texts["en"]["name"] = texts["en"]["name"].removesuffix(DEMO_SUFFIX)
    return name, texts


def forwards(apps, schema_editor):
    Service = apps.get_model("directory", "Service")
    for service in Service.objects.all().iterator():
        service.name, service.texts = old_to_texts(
            name=service.name, name_en=service.name_en, description=service.description, hours=service.hours,
            is_demo=service.is_demo,
        )
        service.save(update_fields=["texts", "name"])


def backwards(apps, schema_editor):
    Service = apps.get_model("directory", "Service")
    for service in Service.objects.all().iterator():
        texts = service.texts or {}
        service.name_en = (texts.get("en") or {}).get("name", "")
        service.hours = (texts.get("en") or {}).get("hours", "") or (texts.get("ja") or {}).get("hours", "")
        service.description = {
            language: entry["description"] for language, entry in texts.items() if entry.get("description")
        }
        service.save(update_fields=["name_en", "hours", "description"])


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="texts",
            field=models.JSONField(blank=True, default=dict, verbose_name="name, hours and description by language"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="service", name="description"),
        migrations.RemoveField(model_name="service", name="hours"),
        migrations.RemoveField(model_name="service", name="name_en"),
    ]
