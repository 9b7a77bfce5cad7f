"""Add the keyed MAC to every audit entry, computed with the configured TIPNET_AUDIT_KEY.

The column is added nullable (SQLite then alters the table in place and keeps its append-only
triggers). Filling it is the one UPDATE the log ever gets: inside this migration's transaction the
UPDATE trigger of migration 0002 is switched off (PostgreSQL) or dropped and re-created (SQLite),
so if anything fails the trigger is back as it was. The entries are MACed as they stand; an entry
that was already tampered with still fails its SHA-256 hash, which verification keeps checking.
"""

from django.conf import settings
from django.db import migrations, models

from tipnet.core.audit import GENESIS, entry_mac

SQLITE_TRIGGER = """CREATE TRIGGER tipnet_audit_no_update BEFORE UPDATE ON accounts_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"""


def _content(row):
    """The same fields as AuditEvent.chain_content, frozen here as a migration must be."""
    return {
        "sequence": row.sequence,
        "at": row.at.isoformat(),
        "action": row.action,
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "organisation_id": row.organisation_id,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "recipient_organisation_id": row.recipient_organisation_id,
        "details": row.details,
    }


def fill_macs(apps, schema_editor):
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    if not AuditEvent.objects.exists():
        return
    key = settings.TIPNET_AUDIT_KEY.encode()
    vendor = schema_editor.connection.vendor
    macs, previous = [], GENESIS
    for row in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        previous = entry_mac(key, previous, row.hash, _content(row))
        macs.append((previous, row.pk))
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER tipnet_audit_no_update")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS tipnet_audit_no_update")
        cursor.executemany("UPDATE accounts_auditevent SET mac = %s WHERE id = %s", macs)
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER tipnet_audit_no_update")
        elif vendor == "sqlite":
            cursor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_membership_pending_confirmation")]
    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(max_length=64, null=True),  # noqa: DJ001
        ),
        migrations.RunPython(fill_macs, migrations.RunPython.noop),
    ]
