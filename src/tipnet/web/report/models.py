"""Reports are stored encrypted; only the triage fields are in clear (docs/threat-model.md).

Times on the public path are kept to the hour, so that a report cannot be matched to a visit in a
network log by its minute.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import Organisation, User


class ReceiptSalt(models.Model):
    """The site-wide salt for receipt hashes (the pepper lives outside the database)."""

    salt = models.BinaryField()


class Channel(models.Model):
    """A way into the reporting line with its own questionnaire (report/questionnaire.py)."""

    trustee = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="channels")
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    hidden_fields = models.JSONField(default=list, blank=True)
    questions = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Triaged")
        FORWARDED = "forwarded", _("Forwarded")
        CLOSED = "closed", _("Closed")

    class Kind(models.TextChoices):
        LABOUR = "labour", _("Forced labour")
        SEXUAL = "sexual", _("Sexual exploitation")
        CHILD = "child", _("Exploitation of a child")
        OTHER = "other", _("Other")
        NOT_SURE = "not_sure", _("Not sure")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")

    trustee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reports")
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    receipt_hash = models.CharField(max_length=64, unique=True)
    public_key = models.BinaryField()
    private_for_reporter = models.BinaryField()
    content = models.BinaryField()
    # Triage fields, in clear for statistics; no identifying content.
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.NOT_SURE)
    danger_now = models.BooleanField(default=False)
    prefecture = models.CharField(max_length=16, blank=True)
    victims = models.CharField(max_length=8, blank=True)
    children = models.CharField(max_length=8, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    # Free-text triage words from before indicators were chosen from the catalogue (migration 0004):
    # kept, shown to operators, until one moves them into an encrypted internal note.
    indicators_unmapped = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.WEB)
    created_hour = models.DateTimeField()
    updated_hour = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_hour", "-pk"]


class ReportAccess(models.Model):
    """The report's private key and staff key, sealed to one recipient."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sealed_private = models.BinaryField()
    sealed_staff_key = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="unique_report_access")]


class ReportMessage(models.Model):
    """A message between reporter and staff, sealed to the report's key (both sides can read it)."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        STAFF = "staff", _("Staff")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=8, choices=Author.choices)
    body = models.BinaryField()
    created_hour = models.DateTimeField()

    class Meta:
        ordering = ["pk"]


class ReportNote(models.Model):
    """An internal note: under the per-report staff key, which the reporter never has."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class ReportFile(models.Model):
    """An attachment: re-encoded images (metadata dropped) or files kept as given on request,
    sealed to the report's key. Its name and type are inside the sealed box; no hash of the
    plaintext is stored."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    sealed = models.BinaryField()
    sealed_meta = models.BinaryField()
    from_reporter = models.BooleanField(default=True)
    created_hour = models.DateTimeField()


class Forwarding(models.Model):
    """A disclosure of a report to an authority or member organisation (also in the audit log)."""

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        OUTCOME = "outcome", _("Outcome recorded")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="forwardings")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SENT)
    outcome = models.CharField(max_length=200, blank=True)


class ReceiverKey(models.Model):
    """The age public key (age1...) of an organisation that receives forwarded reports."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="age_key")
    recipient = models.CharField(max_length=100)


class SpentFormToken(models.Model):
    """A one-time form token that has been used (report/once.py). Only a hash of the token is kept,
    with the day it was spent: no link to the report or message it sent, nothing about the sender.
    The unique hash is what makes a reload or a double press send exactly once."""

    digest = models.CharField(max_length=64, unique=True)
    spent_day = models.DateField(db_index=True)
