"""Who may open which case, and which of its sections. Every rule on its own line.

- Cases belong to an organisation. Its caseworkers and case supervisors see its cases; nobody else
  does (org admins manage people, not stories; researchers and network admins never see a case;
  they get de-identified records through research contributions only).
- Sections: ``situation`` (what happened, needed for help and referrals) and ``identity`` (names,
  birth date, contact) for every caseworker of the organisation; ``health`` and ``sexual`` (the
  sexual-history section: type of sexual exploitation and notes) only for the case owner and case
  supervisors: the people who need them to support the person.
- A consent override (a missing consent overruled because a child is at risk or a life in danger)
  only for a case supervisor of the case's organisation, whatever the client sends.

- An erased case is a tombstone: no case URL opens it (``access_case`` answers 404); its
  reference, dates and records of disclosure are listed for case supervisors only.
- Documents belong to a section: identity and other for every caseworker of the organisation,
  health only for those who see the health section.
- The person's rights (erasure, the export for a disclosure request, who read or received the
  record) are for the case supervisors of the owning organisation; the retention period for them
  and the organisation's admins.

Missing and forbidden look the same: Http404.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from tipnet.web.accounts.access import organisations_where, user_has_role
from tipnet.web.accounts.grants import confirmed_memberships, role_fits
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.accounts.roles import Role
from tipnet.web.cases.models import Case, CaseDocument, CaseTask, Consent, Referral

CASE_ROLES = (Role.CASEWORKER, Role.CASE_SUPERVISOR)
IDENTITY = "identity"
SITUATION = "situation"
HEALTH = "health"
SEXUAL = "sexual"
SECTIONS = (IDENTITY, SITUATION, HEALTH, SEXUAL)
RESTRICTED = (HEALTH, SEXUAL)


def case_organisations(*, user: User) -> list[Organisation]:
    return organisations_where(user, *CASE_ROLES)


def access_cases(*, user: User) -> None:
    """The case list and intake: a caseworker or case supervisor somewhere."""
    if not user_has_role(user, *CASE_ROLES):
        raise Http404


def case_organisation(*, user: User) -> Organisation:
    """The organisation a new case is opened in: the first where the user keeps cases."""
    organisations = case_organisations(user=user)
    if not organisations:
        raise Http404
    return organisations[0]


def access_case(*, user: User, case_id: int) -> Case:
    access_cases(user=user)
    case = (Case.objects.filter(pk=case_id, organisation__in=case_organisations(user=user))
            .exclude(status=Case.Status.ERASED).select_related("organisation", "owner").first())
    if case is None:
        raise Http404
    return case


def access_case_task(*, user: User, case_id: int, task_id: int) -> CaseTask:
    case = access_case(user=user, case_id=case_id)
    task = CaseTask.objects.filter(pk=task_id, case=case).first()
    if task is None:
        raise Http404
    return task


def access_case_consent(*, user: User, case_id: int, consent_id: int) -> Consent:
    case = access_case(user=user, case_id=case_id)
    consent = Consent.objects.filter(pk=consent_id, case=case).first()
    if consent is None:
        raise Http404
    return consent


def access_referral(*, user: User, referral_id: int) -> Referral:
    """A referral is seen by the case workers of the sending and of the receiving organisation."""
    access_cases(user=user)
    mine = case_organisations(user=user)
    referral = (Referral.objects.filter(pk=referral_id).filter(Q(sender__in=mine) | Q(receiver__in=mine))
                .select_related("case", "sender", "receiver", "created_by").first())
    if referral is None:
        raise Http404
    return referral


def referral_side(*, user: User, referral: Referral) -> str:
    """"receiver", "sender" (the receiving side wins for a member of both), or Http404."""
    mine = {o.pk for o in case_organisations(user=user)}
    if referral.receiver_id in mine:
        return "receiver"
    if referral.sender_id in mine:
        return "sender"
    raise Http404


def is_case_supervisor(*, user: User, organisation: Organisation) -> bool:
    return confirmed_memberships(user).filter(role=Role.CASE_SUPERVISOR, organisation=organisation).exists()


def may_override_consent(*, user: User, organisation: Organisation) -> bool:
    """Only a case supervisor of that organisation; a flag in the request never suffices."""
    return is_case_supervisor(user=user, organisation=organisation)


def visible_sections(*, user: User, case: Case, supervisor: bool | None = None) -> frozenset[str]:
    """The sections of ``case`` the user may read and write (access to the case already checked).
    ``supervisor``: whether the user is a case supervisor of the case's organisation, when the
    caller already knows (one query less)."""
    if supervisor is None:
        supervisor = is_case_supervisor(user=user, organisation=case.organisation)
    if supervisor:
        return frozenset(SECTIONS)
    if case.owner_id == user.pk:
        return frozenset(SECTIONS)
    return frozenset({IDENTITY, SITUATION})


# ------------------------------------------------------------------- documents and APPI rights

# A document's section -> the case section whose readers may open it.
DOCUMENT_SECTIONS = {"identity": IDENTITY, "health": HEALTH, "other": SITUATION}


def document_sections(*, user: User, case: Case, visible: frozenset[str] | None = None) -> frozenset[str]:
    """The document sections (identity, health, other) of ``case`` the user may add to and open
    (``visible``: the case sections the user sees, when the caller already worked them out)."""
    if visible is None:
        visible = visible_sections(user=user, case=case)
    return frozenset(code for code, section in DOCUMENT_SECTIONS.items() if section in visible)


def access_case_document(*, user: User, case_id: int, document_id: int) -> CaseDocument:
    """A document of a case the user opens, in a section she may see."""
    case = access_case(user=user, case_id=case_id)
    document = CaseDocument.objects.filter(pk=document_id, case=case).defer("file_ciphertext").first()
    if document is None or document.section not in document_sections(user=user, case=case):
        raise Http404
    document.case = case
    return document


def access_case_rights(*, user: User, case_id: int) -> Case:
    """Erasure, the export for the person and the list of who read or received the record: a case
    supervisor of the case's organisation (the manager answering the person's request)."""
    case = access_case(user=user, case_id=case_id)
    if not is_case_supervisor(user=user, organisation=case.organisation):
        raise Http404
    return case


def rights_organisations(*, user: User) -> list[Organisation]:
    """Where the user sees erased cases' tombstones: case supervisors."""
    return organisations_where(user, Role.CASE_SUPERVISOR)


def access_erased_cases(*, user: User) -> None:
    if not rights_organisations(user=user):
        raise Http404


def retention_organisations(*, user: User) -> list[Organisation]:
    """Where the user sets the retention period: case supervisors and organisation admins of an
    organisation that keeps cases."""
    return [o for o in organisations_where(user, Role.CASE_SUPERVISOR, Role.ORG_ADMIN)
            if role_fits(role=Role.CASEWORKER, organisation=o)]


def access_retention(*, user: User) -> None:
    if not retention_organisations(user=user):
        raise Http404
