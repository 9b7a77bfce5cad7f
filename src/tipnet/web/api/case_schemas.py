"""Schemas of the case, consent and referral endpoints (cases_api.py).

Inputs refuse unknown fields (``extra="forbid"``) and carry the same picklists as the case pages
(``cases.vocabulary``); the pages' own form (``cases.forms.CaseForm``) then checks the content
again, so a rule lives in one place. Outputs are the clear columns (cases.models says which) plus,
where the token unlocks it, the sealed content.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from tipnet.web.cases import vocabulary as v
from tipnet.web.cases.access import SECTIONS
from tipnet.web.cases.models import Case, CaseEvent, Consent, Referral


def _codes(choices: tuple[tuple[str, object], ...]) -> Any:
    return Literal[tuple(code for code, _label in choices)]  # type: ignore[valid-type]


Sex = _codes(v.SEX)
TraffickingStatus = _codes(v.TRAFFICKING_STATUS)
ResidenceStatus = _codes(v.RESIDENCE_STATUS)
Recruitment = _codes(v.RECRUITMENT)
Control = _codes(v.CONTROL)
Exploitation = _codes(v.EXPLOITATION)
Industry = _codes(v.INDUSTRY)
SexExploitation = _codes(v.SEX_EXPLOITATION)
Status = Literal[tuple(Case.Status.values)]  # type: ignore[valid-type]
Purpose = Literal[tuple(Consent.Purpose.values)]  # type: ignore[valid-type]
IntakeConsent = Literal[tuple(p for p in Consent.Purpose.values if p != Consent.Purpose.REFERRAL)]  # type: ignore[valid-type]
Section = Literal[SECTIONS]  # type: ignore[valid-type]
ReferralState = Literal[tuple(Referral.State.values)]  # type: ignore[valid-type]

# One line, no control characters (a name is one line of the page's textarea).
Line = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
Text = Annotated[str, StringConstraints(max_length=4000, pattern=r"^[^\x00]*$")]
Iso3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class IdentityIn(_In):
    names: list[Line] = Field(default_factory=list, max_length=10)
    aliases: list[Line] = Field(default_factory=list, max_length=10)
    birth_date: datetime.date | None = None
    contact: Annotated[str, StringConstraints(max_length=300, pattern=r"^[^\x00]*$")] = ""


class SituationIn(_In):
    sex: Sex = "unknown"
    citizenships: list[Iso3] = Field(default_factory=list, max_length=10)
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)
    age_trafficked: int | None = Field(None, ge=0, le=120)
    trafficking_status: TraffickingStatus = "possible"
    residence_status: ResidenceStatus = "unknown"
    recruitment: list[Recruitment] = Field(default_factory=list, max_length=20)
    control: list[Control] = Field(default_factory=list, max_length=20)
    exploitation: list[Exploitation] = Field(default_factory=list, max_length=20)
    industry: Industry = ""
    locations: Annotated[str, StringConstraints(max_length=1000, pattern=r"^[^\x00]*$")] = ""


class HealthIn(_In):
    health_notes: Text = ""


class SexualIn(_In):
    sex_exploitation: list[SexExploitation] = Field(default_factory=list, max_length=10)
    sexual_notes: Text = ""


class ContentIn(_In):
    """The person's sections, as on the intake form. A section sent replaces that section whole; a
    section left out is kept as stored (and one you may not see cannot be sent)."""

    identity: IdentityIn | None = None
    situation: SituationIn | None = None
    health: HealthIn | None = None
    sexual: SexualIn | None = None


class CaseCreateIn(_In):
    content: ContentIn
    consents: list[IntakeConsent] = Field(
        ..., max_length=12, description="Consents given at intake; 'interview' is required to open a case.")
    organisation_id: Id | None = Field(None, description="Where to open it; by default your first case organisation.")
    confirm_new: bool = Field(False, description="Open even if possible duplicates were found (after checking them).")


class CaseUpdateIn(_In):
    version: Id = Field(..., description="The version you read; a newer one on the server gives 409 version_conflict.")
    status: Status | None = None
    content: ContentIn | None = None


class EventIn(_In):
    kind: Literal["note", "meeting"]
    occurred_on: datetime.date
    text: Text


class TaskIn(_In):
    title: Annotated[str, StringConstraints(max_length=300, pattern=r"^[^\x00]*$")]
    due_on: datetime.date
    assignee_id: Id | None = Field(None, description="A caseworker of the case's organisation; by default you.")


class ConsentIn(_In):
    purpose: Purpose
    given_on: datetime.date
    recipient_id: Id | None = Field(None, description="The receiving organisation, for a referral consent only.")


class WithdrawIn(_In):
    withdrawn_on: datetime.date | None = None


class ReferralIn(_In):
    receiver_id: Id
    sections: list[Section] = Field(default_factory=list, max_length=4)
    reason: Annotated[str, StringConstraints(max_length=2000, pattern=r"^[^\x00]*$")] = ""
    transfer: bool = False
    override: bool = False
    override_reason: Annotated[str, StringConstraints(max_length=2000, pattern=r"^[^\x00]*$")] = ""


class DecideIn(_In):
    action: Literal["accept", "reject", "complete", "revoke"]


# --- outputs ----------------------------------------------------------------------------------------


class CaseOut(Schema):
    """The clear columns of a case: no name, no story (those are sealed)."""

    id: int
    reference: str
    organisation_id: int
    organisation: str
    status: Status
    opened_on: datetime.date
    closed_on: datetime.date | None
    owner_id: int
    owner: str
    version: int
    updated_at: datetime.datetime


class CaseListOut(Schema):
    count: int
    limit: int
    offset: int
    next_offset: int | None
    cases: list[CaseOut]


class CaseDetailOut(CaseOut):
    sections_visible: list[Section]
    content_unlocked: bool = Field(description="Whether this token opens the sealed content (GET .../content).")


class CaseContentOut(Schema):
    case_id: int
    version: int
    sections: dict[str, dict[str, Any]]


class DuplicateOut(Schema):
    case_id: int
    reference: str
    reasons: list[str]


class DuplicatesErrorDetail(Schema):
    code: str
    message: str
    problems: list[dict[str, Any]] | None = None
    duplicates: list[DuplicateOut] | None = None


class DuplicatesErrorOut(Schema):
    """409: ``possible_duplicates`` (with ``duplicates``) or ``version_conflict``/``content_unreadable``."""

    error: DuplicatesErrorDetail


class EventOut(Schema):
    id: int
    kind: Literal[tuple(CaseEvent.Kind.values)]  # type: ignore[valid-type]
    occurred_on: datetime.date
    created_by: str | None
    created_at: datetime.datetime
    text: str | None = Field(description="Sealed: null unless the token opens case content.")


class TaskOut(Schema):
    id: int
    assignee_id: int
    assignee: str
    due_on: datetime.date
    done_on: datetime.date | None
    created_at: datetime.datetime
    title: str | None = Field(description="Sealed: null unless the token opens case content.")


class ConsentOut(Schema):
    id: int
    purpose: Purpose
    recipient_id: int | None
    recipient: str | None
    given_on: datetime.date
    withdrawn_on: datetime.date | None
    current: bool


class OrganisationRef(Schema):
    id: int
    name: str


class ReferralOut(Schema):
    id: int
    kind: Literal["referral", "transfer"]
    state: ReferralState
    side: Literal["sender", "receiver"]
    case_id: int | None = Field(description="The sending organisation's case (shown to the sending side only).")
    transferred_case_id: int | None = Field(description="The case opened at the receiver by an accepted transfer.")
    sender: OrganisationRef
    receiver: OrganisationRef
    sections: list[str]
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class ReferralListOut(Schema):
    count: int
    limit: int
    offset: int
    next_offset: int | None
    referrals: list[ReferralOut]


class ReferralContentOut(Schema):
    referral_id: int
    reference: str
    reason: str
    sections: dict[str, dict[str, Any]]
