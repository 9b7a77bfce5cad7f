"""Drop the plaintext columns of saved screenings, now encrypted by 0003."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0003_encrypt_existing'),
    ]

    operations = [
        migrations.RemoveField(model_name='screeningrecord', name='reference'),
        migrations.RemoveField(model_name='screeningrecord', name='answers'),
        migrations.RemoveField(model_name='screeningrecord', name='welfare'),
        migrations.RemoveField(model_name='screeningrecord', name='notes'),
        migrations.RemoveField(model_name='screeningrecord', name='result'),
    ]
