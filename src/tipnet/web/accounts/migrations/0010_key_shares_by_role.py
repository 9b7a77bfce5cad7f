"""Organisation key shares follow roles: only caseworkers and case supervisors keep one.

Until now the organisation's private key was sealed to every confirmed, non-trainee member, so a
researcher's, coordinator's or admin's keyring opened the organisation's cases and screenings
although no page let them read those. This deletes every share whose holder has no confirmed
membership with a role that reads sealed content in that organisation (the role list is frozen
here, as a migration must be: roles.ORGANISATION_KEY_ROLES at the time of writing) and writes one
``key.share_removed`` audit entry per deleted share (chained and MACed with TIPNET_AUDIT_KEY, as
``audit_record`` does; details name this migration).

An organisation in which nobody entitled holds a share keeps its shares: deleting them would lock
its records away for good. They are handed over at the next sign-in of any of their holders
(``orgkeys.organisation_shares_grant_pending`` seals the key to the entitled colleagues with a
keyring, then removes the shares of those who are not entitled), and listed in the log now.
Nothing is undone on the way back: a deleted share cannot be re-made without a holder's key.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.db import migrations
from django.utils import timezone

from tipnet.core.audit import GENESIS, entry_hash, entry_mac

logger = logging.getLogger("tipnet.accounts")

KEY_ROLES = ("caseworker", "case_supervisor")
ACTION = "key.share_removed"
VIA = "migration:0010_key_shares_by_role"
_PG_LOCK_KEY = 7_345_001  # the same advisory lock as accounts.audit


def _content(row: Any) -> dict[str, Any]:
    """The same fields as AuditEvent.chain_content, frozen here."""
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


def _audit_removed(AuditEvent: Any, connection: Any, removed: list[tuple[int, int]]) -> None:
    if not removed:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    key = settings.TIPNET_AUDIT_KEY.encode()
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash", "mac").first()
    sequence = 0 if last is None else last.sequence
    previous = GENESIS if last is None else last.hash
    previous_mac = GENESIS if last is None else (last.mac or "")
    at = timezone.now().replace(microsecond=0)
    for organisation_id, user_id in removed:
        sequence += 1
        event = AuditEvent(
            sequence=sequence, at=at, action=ACTION, actor_id=None, actor_name="",
            organisation_id=organisation_id, target_type="user", target_id=str(user_id),
            recipient_organisation_id=None, details={"via": VIA}, previous_hash=previous,
        )
        content = _content(event)
        event.hash = entry_hash(previous, content)
        event.mac = entry_mac(key, previous_mac, event.hash, content)
        event.save()
        previous, previous_mac = event.hash, event.mac


def shares_by_role(apps: Any, schema_editor: Any) -> list[tuple[int, int]]:
    """Delete the shares of members without a role that reads sealed content; returns the
    (organisation id, user id) pairs deleted."""
    OrganisationKeyShare = apps.get_model("accounts", "OrganisationKeyShare")
    Membership = apps.get_model("accounts", "Membership")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    removed: list[tuple[int, int]] = []
    organisation_ids = sorted(set(OrganisationKeyShare.objects.values_list("organisation_id", flat=True)))
    for organisation_id in organisation_ids:
        entitled = Membership.objects.filter(
            organisation_id=organisation_id, pending=False, user__is_active=True, role__in=KEY_ROLES
        ).values("user_id")
        shares = OrganisationKeyShare.objects.filter(organisation_id=organisation_id)
        unentitled = list(shares.exclude(user_id__in=entitled).order_by("user_id").values_list("pk", "user_id"))
        if not unentitled:
            continue
        if not shares.filter(user_id__in=entitled).exists():
            logger.warning(
                "organisation %s: nobody entitled holds its key; %s share(s) kept until a holder signs in "
                "(user ids %s)", organisation_id, len(unentitled), [user_id for _pk, user_id in unentitled],
            )
            continue
        OrganisationKeyShare.objects.filter(pk__in=[pk for pk, _user_id in unentitled]).delete()
        removed.extend((organisation_id, user_id) for _pk, user_id in unentitled)
    connection = schema_editor.connection if schema_editor is not None else default_connection
    _audit_removed(AuditEvent, connection, removed)
    return removed


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_case_supervisor_role")]

    operations = [migrations.RunPython(shares_by_role, migrations.RunPython.noop)]
