"""A saved screening: special-care personal information, visible to its organisation's caseworkers.

A screening that is never saved leaves nothing in the database (the interview and result pages carry
the answers in the form itself). A saved one is encrypted: only what lists and access need stays in
clear; the reference, answers, welfare checks, notes and result are a payload under a random record
key sealed to the organisation's public key (see ``sealing`` and ``accounts.orgkeys``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import Organisation, User


class ScreeningRecord(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Saved result")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="screenings")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    staff_language = models.CharField(max_length=8)
    person_language = models.CharField(max_length=8)
    profile = models.CharField(max_length=16, blank=True)
    catalogue_version = models.CharField(max_length=32)
    # crypto.seal(organisation public key, record key) and secret_encrypt(record key, JSON payload).
    sealed_key = models.BinaryField(default=b"")
    ciphertext = models.BinaryField(default=b"")

    class Meta:
        ordering = ["-updated_at"]
