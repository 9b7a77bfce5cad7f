"""On PostgreSQL, refuse UPDATE and DELETE on the audit log in the database itself.

The model already refuses them; the trigger also stops raw SQL and other clients. SQLite gets the
same rule through triggers of its own.
"""

from django.db import migrations

PG_SQL = """
CREATE OR REPLACE FUNCTION tipnet_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tipnet_audit_no_update BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION tipnet_audit_append_only();
CREATE TRIGGER tipnet_audit_no_truncate BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION tipnet_audit_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS tipnet_audit_no_update ON accounts_auditevent;
DROP TRIGGER IF EXISTS tipnet_audit_no_truncate ON accounts_auditevent;
DROP FUNCTION IF EXISTS tipnet_audit_append_only();
"""
SQLITE_SQL = [
    """CREATE TRIGGER tipnet_audit_no_update BEFORE UPDATE ON accounts_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER tipnet_audit_no_delete BEFORE DELETE ON accounts_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS tipnet_audit_no_update;",
    "DROP TRIGGER IF EXISTS tipnet_audit_no_delete;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_SQL)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_SQL:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
