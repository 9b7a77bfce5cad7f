"""Key-holder confirmation: a membership may be pending until a key holder of its organisation
confirms it. Existing memberships count as confirmed: the column is added with ``pending=False``
for every existing row (they were granted before confirmation existed, and their holders may
already hold keys)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_organisation_keys")]

    operations = [
        migrations.AddField(model_name="membership", name="pending", field=models.BooleanField(default=False)),
    ]
