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

Missing and forbidden look the same: Http404.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from tipnet.web.accounts.access import organisations_where, user_has_role
from tipnet.web.accounts.grants import confirmed_memberships
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.accounts.roles import Role
from tipnet.web.cases.models import Case, CaseTask, Consent, Referral

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
    case = Case.objects.filter(pk=case_id, organisation__in=case_organisations(user=user)).select_related(
        "organisation", "owner").first()
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


def visible_sections(*, user: User, case: Case) -> frozenset[str]:
    """The sections of ``case`` the user may read and write (access to the case already checked)."""
    if is_case_supervisor(user=user, organisation=case.organisation):
        return frozenset(SECTIONS)
    if case.owner_id == user.pk:
        return frozenset(SECTIONS)
    return frozenset({IDENTITY, SITUATION})
