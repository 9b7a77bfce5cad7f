"""A case and what hangs on it. Content is sealed to the organisation's key, like saved screenings.

In clear stays only what lists, dashboards and the server's own checks need: the neutral reference
(C-2026-000123, no name in it), status, dates, owner, the version used for optimistic locking, the
kinds and dates of timeline events, task due dates, the consents (which purpose, given or withdrawn
when: the server must refuse a disclosure without reading the case) and the blind-index tokens.
Everything said about the person (names, birth date, citizenships, story, health, notes, task
titles, override reasons) is a JSON payload under a per-record key sealed to the organisation's
public key (``sealing``, ``accounts.orgkeys``). docs/threat-model.md lists what a copy reveals.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import Organisation, User
from tipnet.web.screening.models import ScreeningRecord


class Sealed(models.Model):
    """A per-record key sealed to the organisation's public key, and the content under it."""

    sealed_key = models.BinaryField(default=b"")
    ciphertext = models.BinaryField(default=b"")

    class Meta:
        abstract = True


class Case(Sealed):
    class Status(models.TextChoices):
        # HTCDS cas_Status
        ACTIVE = "active", _("Active")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSED = "closed", _("Closed")
        CLOSED_REFERRED = "closed_referred", _("Closed, referred")
        # The tombstone of an erased case (models_rights.CaseErasure): content, timeline, tasks and
        # documents are gone; reference, dates, consents and the records of disclosure remain.
        ERASED = "erased", _("Erased")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=20)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="owned_cases")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "reference"], name="unique_case_reference")]
        indexes = [
            models.Index(fields=["organisation", "status", "-opened_on"], name="case_list"),
            # The list unfiltered and "my cases", newest first, a page at a time (bench/cases_scale.py).
            models.Index(fields=["organisation", "-opened_on", "-id"], name="case_list_all"),
            models.Index(fields=["owner", "-opened_on", "-id"], name="case_list_owner"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.CLOSED, self.Status.CLOSED_REFERRED, self.Status.ERASED)


class CaseEvent(Sealed):
    """One entry of the timeline: kind and date in clear, the text sealed."""

    class Kind(models.TextChoices):
        INTAKE = "intake", _("Case opened")
        NOTE = "note", _("Note")
        MEETING = "meeting", _("Meeting")
        SCREENING = "screening", _("Screening attached")
        CONSENT = "consent", _("Consent")
        OVERRIDE = "override", _("Consent overridden")
        DISCLOSURE = "disclosure", _("Disclosure")
        REFERRAL = "referral", _("Referral")
        RETURN = "return", _("Return home")
        STATUS = "status", _("Status changed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    occurred_on = models.DateField()
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["case", "-occurred_on"], name="case_event_timeline")]


class CaseTask(Sealed):
    """A step of the support plan (HTCDS spl_): due date and assignee in clear, the title sealed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="case_tasks")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "done_on", "due_on"], name="case_task_due")]


class CaseScreening(models.Model):
    """A saved screening of the same organisation attached to the case (the identification interview)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screening_links")
    screening = models.ForeignKey(ScreeningRecord, on_delete=models.CASCADE, related_name="case_links")
    linked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "screening"], name="unique_case_screening")]


class Consent(models.Model):
    """One consent, given on a date and perhaps withdrawn on a later one; never deleted.

    The seven HTCDS informed-consent items (con_Consent guidance, after the IOM screening form) are
    recorded at intake; a referral consent names its receiving organisation; police, immigration,
    labour standards inspection and research are separate purposes (a person may want the labour
    inspectors told and fear the immigration services). A withdrawn consent stays, with its date: the record of what the person
    agreed to, and when they stopped, is itself what APPI asks for.
    """

    class Purpose(models.TextChoices):
        INTERVIEW = "interview", _("Consents or assents to the interview")
        PURPOSE_TOLD = "purpose_told", _("Was told the purpose of the interview")
        DATA_USE_TOLD = "data_use_told", _("Was told how the data is and may be used")
        RESEARCH_TOLD = "research_told", _("Was told of the use of non-identifying data for research")
        ACCESS_RIGHT_TOLD = "access_right_told", _("Was told of the right to ask for their personal data")
        STORAGE_TOLD = "storage_told", _("Was told how long the data is kept")
        WITHDRAWAL_TOLD = "withdrawal_told", _("Was told how to withdraw consent")
        REFERRAL = "referral", _("Referral to another organisation")
        POLICE = "police", _("Sharing with the police")
        IMMIGRATION = "immigration", _("Sharing with the immigration services")
        LABOUR_INSPECTION = "labour_inspection", _("Sharing with labour standards inspection")
        RESEARCH = "research", _("De-identified research use")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["given_on", "pk"]
        indexes = [models.Index(fields=["case", "purpose"], name="consent_case_purpose")]

    @property
    def current(self) -> bool:
        return self.withdrawn_on is None


class Disclosure(models.Model):
    """A record that case data went to another organisation (APPI: this record outlives the data).

    ``overridden`` marks a disclosure made without the matching consent by a case supervisor; the
    reason is sealed in the timeline event ``event``."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disclosures")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=24, choices=Consent.Purpose.choices)
    disclosed_on = models.DateField()
    disclosed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    overridden = models.BooleanField(default=False)
    event = models.ForeignKey(CaseEvent, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class CaseToken(models.Model):
    """A keyed blind-index token of the case's person (``tipnet.core.blindindex``): candidates for
    the duplicate warning are the cases sharing tokens with a new person, found without decrypting."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "token"], name="unique_case_token")]
        # (token, case) rather than (token): the duplicate check counts shared tokens per case from
        # the index alone (an index-only scan), without reading the table (bench/cases_scale.py).
        indexes = [models.Index(fields=["token", "case"], name="case_token_case")]


class Referral(Sealed):
    """A referral of a case to another organisation's service, or a transfer of the whole case to it
    (issue 12; Primero's Transition). A transfer shares every section; when the receiver accepts, the
    case is opened there (same sealed content, the receiver's own reference, its consents copied) and
    the sender's case is closed as referred.

    States: proposed -> accepted | rejected; accepted -> completed; proposed or accepted -> revoked
    (by the sender or a case supervisor of the sending organisation). The chosen sections are sealed
    to the **receiving** organisation's public key, so the receiver reads exactly what was shared
    and the sender's key is never needed there; revocation erases that sealed copy. In clear: both
    organisations, the state, who and when, and the names of the sections shared."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        COMPLETED = "completed", _("Completed")
        REVOKED = "revoked", _("Revoked")

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        TRANSFER = "transfer", _("Transfer")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REFERRAL)
    transferred_case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    sections = models.JSONField(default=list)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["receiver", "state"], name="referral_inbox")]


# Documents, retention and erasure (issue 12, the person's rights): kept in their own module.
from tipnet.web.cases.models_rights import CaseDocument, CaseErasure, RetentionPolicy, SubjectAccess  # noqa: E402,F401


class ForwardedReport(Sealed):
    """A report the reporting line's trustee forwarded to this member organisation, delivered in
    tipnet: the forwarded document (exactly what the age package holds: no internal notes, no
    files, no receipt) sealed to the receiving organisation's key. Its caseworkers read it and may
    open a case from it (``from_report``); ``case`` then links the two. In clear: who received it
    and when, and whether (and by whom) it was opened as a case."""

    forwarding = models.OneToOneField("report.Forwarding", on_delete=models.CASCADE, related_name="member_copy")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="forwarded_reports")
    received_at = models.DateTimeField(auto_now_add=True)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    opened_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-received_at"], name="forwarded_report_inbox")]
