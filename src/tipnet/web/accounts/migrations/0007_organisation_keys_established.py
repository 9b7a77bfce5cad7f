"""Organisation.keys_established: an organisation that ever had a confirmed member no longer
confirms a first member on its own (see the model's docstring). Existing organisations with a
confirmed membership are established."""

from django.db import migrations, models


def mark_established(apps, schema_editor):  # type: ignore[no-untyped-def]
    Organisation = apps.get_model("accounts", "Organisation")
    Membership = apps.get_model("accounts", "Membership")
    confirmed = Membership.objects.filter(pending=False).values("organisation_id")
    Organisation.objects.filter(pk__in=confirmed).update(keys_established=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_audit_event_mac")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="keys_established",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_established, migrations.RunPython.noop),
    ]
