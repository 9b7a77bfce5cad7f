"""Columns for the encrypted content of saved screenings (filled by 0003, plaintext dropped by 0004)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='screeningrecord',
            name='sealed_key',
            field=models.BinaryField(default=b''),
        ),
        migrations.AddField(
            model_name='screeningrecord',
            name='ciphertext',
            field=models.BinaryField(default=b''),
        ),
    ]
