"""Documents on a case and the person's rights under APPI (issue 12): retention per organisation,
the tombstone of an erased case, the record of each export to the person themself.

Imported at the end of ``models.py`` (same app, ``cases``). A document is sealed like the case: its
file under one per-record key, its description (title, type, size) under another, both sealed to
the organisation's public key; in clear only the case, the section (identity, health, other: the
section rules of ``access.visible_sections`` apply), who added it and when.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import Organisation, User
from tipnet.web.cases.models import Case, Sealed

DEFAULT_RETENTION_YEARS = 5
MAX_RETENTION_YEARS = 30


class CaseDocument(Sealed):
    """A file attached to a case (a passport copy, a contract, a medical note).

    ``sealed_key``/``ciphertext`` hold the description (JSON: title, content type, size, kind);
    ``file_key``/``file_ciphertext`` hold the file itself. Images are re-encoded from their pixels
    before sealing (no EXIF or GPS), PDFs are kept as given; nothing else is accepted."""

    class Section(models.TextChoices):
        IDENTITY = "identity", _("Identity")
        HEALTH = "health", _("Health")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    section = models.CharField(max_length=12, choices=Section.choices)
    file_key = models.BinaryField(default=b"")
    file_ciphertext = models.BinaryField(default=b"")
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]


class CaseErasure(Sealed):
    """The tombstone of an erased case: the ``Case`` row stays with its reference, opening and
    closing dates and status ``erased``, and this row says when, why and by whom. The reason typed
    by the manager is sealed to the organisation's key (it may name the person); the cause and, for
    retention, the number of years are in clear. Consents, disclosures, referrals (their sealed
    copies erased) and exports to the person stay: APPI's records of provision outlive the data."""

    class Cause(models.TextChoices):
        RETENTION = "retention", _("Retention period ended")
        REQUEST = "request", _("Erased on request")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="erasure")
    erased_on = models.DateField()
    erased_at = models.DateTimeField(auto_now_add=True)
    cause = models.CharField(max_length=12, choices=Cause.choices)
    retention_years = models.PositiveSmallIntegerField(null=True, blank=True)
    erased_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")


class RetentionPolicy(models.Model):
    """How long an organisation keeps a closed case (years after ``closed_on``); without a row,
    ``DEFAULT_RETENTION_YEARS``. `tipnet cases retention` erases what is past it."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="case_retention")
    years = models.PositiveSmallIntegerField(default=DEFAULT_RETENTION_YEARS)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class SubjectAccess(models.Model):
    """An export of everything held about the person, given to the person (APPI art. 33): a
    disclosure to the data subject, kept like the records of disclosure to organisations."""

    class Format(models.TextChoices):
        JSON = "json", _("JSON file")
        HTML = "html", _("Printable page")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="subject_accesses")
    made_on = models.DateField()
    made_at = models.DateTimeField(auto_now_add=True)
    made_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    format = models.CharField(max_length=8, choices=Format.choices)

    class Meta:
        ordering = ["-made_at", "-pk"]
