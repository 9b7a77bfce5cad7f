"""Accounts: organisations, staff users, memberships with roles, login throttling, audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.roles import ORGANISATION_KEY_ROLES, OrganisationType, Role


class Organisation(models.Model):
    """A member organisation of the network.

    ``keys_established`` becomes true with the first confirmed membership of a key holder (a role
    that reads sealed content, or a hotline operator) and never goes back. Only
    an organisation that never had one may confirm its first member on its own (grants.py,
    "bootstrap"); one whose key holders have all left waits for a server administrator
    (`tipnet keys confirm`), so that nobody who can close accounts and open new ones, a network
    admin included, can empty an organisation of key holders and then fill it with their own.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    prefecture = models.CharField(_("prefecture"), max_length=32, blank=True)
    is_demo = models.BooleanField(default=False)
    keys_established = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. Reporters never have accounts.

    ``must_enrol_otp`` is true until the user has confirmed a TOTP device; until then every staff
    page sends them to enrolment.
    """

    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="ja")

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """A user's role in one organisation. A user may hold several roles in several organisations.

    ``pending`` is true while the membership waits for an existing key holder of the organisation
    to confirm it (accounts/grants.py): a pending membership gives no role, no report is sealed to
    it and no organisation key share is made for it. Memberships made before confirmation existed,
    by ``tipnet demo`` and by direct creation count as confirmed (the default).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    pending = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.organisation}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A confirmed membership of a key holder (a role that reads sealed content, or a trustee's
        hotline operator) establishes its organisation for good (Organisation docstring): an
        organisation whose first member is, say, its admin still lets its first caseworker in."""
        super().save(*args, **kwargs)
        if not self.pending and (self.role in ORGANISATION_KEY_ROLES or self.role == Role.HOTLINE_OPERATOR):
            Organisation.objects.filter(pk=self.organisation_id, keys_established=False).update(keys_established=True)


class LoginThrottle(models.Model):
    """Failed sign-ins per account name (hashed), shared by every server process via the database."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class Invitation(models.Model):
    """A one-time set-up link for a new staff member (onboarding). Only a hash of the token is kept."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="invitation")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    """One hash-chained, MAC-chained, append-only audit entry.

    Actor and target are kept as plain values, not foreign keys, so that the record of a
    disclosure outlives the user, the organisation and the record it names (APPI art. 29/30:
    records of provision to third parties). On PostgreSQL a trigger also refuses UPDATE and DELETE.
    """

    sequence = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=64, db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_name = models.CharField(max_length=150, blank=True)
    organisation_id = models.BigIntegerField(null=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    recipient_organisation_id = models.BigIntegerField(null=True)
    details = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # HMAC under TIPNET_AUDIT_KEY (tipnet.core.audit.entry_mac). NULL only for a row written without
    # the key, which verification reports; nullable so that SQLite adds the column in place rather
    # than rebuilding the table, which would drop the append-only triggers.
    mac = models.CharField(max_length=64, null=True)  # noqa: DJ001

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

    def chain_content(self) -> dict[str, Any]:
        """The fields covered by the hash, as plain JSON values."""
        return {
            "sequence": self.sequence,
            "at": self.at.isoformat(),
            "action": self.action,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "organisation_id": self.organisation_id,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "recipient_organisation_id": self.recipient_organisation_id,
            "details": self.details,
        }


class StaffKeyring(models.Model):
    """A staff member's X25519 key pair for encrypted records (reports now, cases later).

    The private key is stored only encrypted: under a key derived from the password, and under a
    recovery code shown once at set-up (tipnet.core.crypto.Keyring).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="keyring")
    public_key = models.BinaryField()
    password_salt = models.BinaryField()
    private_by_password = models.BinaryField()
    recovery_salt = models.BinaryField()
    private_by_recovery = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)


class OrganisationKey(models.Model):
    """An organisation's X25519 public key, for records the whole organisation reads (screenings).

    Only the public key is stored here, so anyone in the organisation can write a record without
    holding any secret; the private key exists only sealed to each member (OrganisationKeyShare).
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="key")
    public_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)


class OrganisationKeyShare(models.Model):
    """The organisation's private key sealed (crypto.seal) to one member's keyring public key.

    A member can read the organisation's records only with a share; shares are made when the key
    is created and, for members who join later, at a key-holding colleague's next sign-in, and
    only for a confirmed role that reads sealed content (roles.ORGANISATION_KEY_ROLES).
    Offboarding and ending the last such role delete the share.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="key_shares")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisation_key_shares")
    sealed_private = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="unique_organisation_key_share")
        ]
