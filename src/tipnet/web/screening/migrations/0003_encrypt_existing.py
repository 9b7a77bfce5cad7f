"""Encrypt every saved screening that is still in clear to its organisation's public key.

Organisations without a key get one here, sealed to each member with a keyring (the private key is
then forgotten). An organisation with saved screenings but no member with a keyring stops the
migration with a clear message: encrypting to a key nobody holds would destroy the records.
Kept in its own migration (own transaction) so that PostgreSQL never alters a table with pending
row changes.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from tipnet.core import crypto
from tipnet.web.screening.sealing import payload_seal


class MigrationRefused(RuntimeError):
    pass


def _organisation_public_key(apps: Any, organisation_id: int) -> bytes:
    OrganisationKey = apps.get_model("accounts", "OrganisationKey")
    OrganisationKeyShare = apps.get_model("accounts", "OrganisationKeyShare")
    Membership = apps.get_model("accounts", "Membership")
    StaffKeyring = apps.get_model("accounts", "StaffKeyring")
    existing = OrganisationKey.objects.filter(organisation_id=organisation_id).first()
    if existing is not None and OrganisationKeyShare.objects.filter(organisation_id=organisation_id).exists():
        return bytes(existing.public_key)
    member_ids = Membership.objects.filter(organisation_id=organisation_id, user__is_active=True).values("user_id")
    keyrings = list(StaffKeyring.objects.filter(user_id__in=member_ids))
    if not keyrings:
        raise MigrationRefused(
            f"organisation {organisation_id} has saved screenings but no active member with an encryption key "
            "(keyring); give one member a keyring, then run the migration again"
        )
    public, private = crypto.new_keypair()
    if existing is None:
        OrganisationKey.objects.create(organisation_id=organisation_id, public_key=public)
    else:
        existing.public_key = public
        existing.save(update_fields=["public_key"])
    OrganisationKeyShare.objects.filter(organisation_id=organisation_id).delete()
    for ring in keyrings:
        OrganisationKeyShare.objects.create(
            organisation_id=organisation_id, user_id=ring.user_id, sealed_private=crypto.seal(bytes(ring.public_key), private)
        )
    return public


def encrypt_existing(apps: Any, schema_editor: Any) -> int:
    """Seal each plaintext row (one with no ciphertext yet); returns the number encrypted."""
    ScreeningRecord = apps.get_model("screening", "ScreeningRecord")
    public_keys: dict[int, bytes] = {}
    count = 0
    for record in ScreeningRecord.objects.filter(ciphertext=b"").order_by("pk").iterator():
        if record.organisation_id not in public_keys:
            public_keys[record.organisation_id] = _organisation_public_key(apps, record.organisation_id)
        payload = {
            "reference": record.reference,
            "answers": record.answers,
            "welfare": record.welfare,
            "notes": record.notes,
            "result": record.result,
        }
        sealed_key, ciphertext = payload_seal(public_key=public_keys[record.organisation_id], payload=payload)
        ScreeningRecord.objects.filter(pk=record.pk).update(sealed_key=sealed_key, ciphertext=ciphertext)
        count += 1
    return count


def refuse_to_decrypt(apps: Any, schema_editor: Any) -> None:
    """Going back would need every organisation's private key; allowed only with no saved screening."""
    ScreeningRecord = apps.get_model("screening", "ScreeningRecord")
    if ScreeningRecord.objects.exists():
        raise MigrationRefused("saved screenings are encrypted and cannot be turned back into plaintext columns")


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0002_screeningrecord_sealed'),
        ('accounts', '0004_organisation_keys'),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, refuse_to_decrypt),
    ]
