"""Personal API tokens.

A token is ``tipnet_<id>_<secret>``: ``id`` (12 characters) finds the row, ``secret`` (43
characters, 256 bits from ``secrets``) proves possession. Only SHA-256 of the whole token is
stored. A slow password hash (Argon2) protects *low*-entropy secrets against guessing; a 256-bit
random secret cannot be guessed, so one SHA-256 is enough and keeps every API call fast (the same
reasoning as GitHub's and PyPI's tokens). The token carries no roles or organisation: at each use
the user's current confirmed memberships apply, so a role taken away is gone from the token too.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import User


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80, blank=True)
    key_id = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The "key unlock" (tokens.py): the user's keyring private key encrypted under a key derived
    # from the token's secret, which is never stored. Empty for a token that reads clear columns
    # only; emptied when the token is revoked.
    unlock = models.BinaryField(default=b"", editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.key_id}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def unlocks_content(self) -> bool:
        return bool(self.unlock)

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired
