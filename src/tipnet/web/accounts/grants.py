"""The grant policy: which role fits which organisation type, who may grant it, and who holds keys.

Why one module: the invite form, ``user_invite``, ``membership_grant`` and ``tipnet createadmin``
must refuse the same things, and every place that seals a key to someone (reports, organisation
key shares) must agree on who counts as a key holder.

Where a role makes sense (``ROLES_BY_ORGANISATION_TYPE``, documented in docs/user-guide.md):

================== =====================================================================
role               organisation types
================== =====================================================================
hotline_operator   trustee only (the reporting line's reports are sealed to them)
caseworker         ngo, law_enforcement, health_service, local_gov, immigration,
                   legal_service, authority, embassy, international, labour_inspection
                   (those who meet and screen people, and receive referrals)
case_supervisor    the same types as caseworker (reads every section of the organisation's
                   cases and alone may override a missing consent: docs/cases.md)
org_admin          every type
researcher         every type except corporate and embassy
coordinator        ngo, central_gov, local_gov, trustee (advocacy across the network)
network_admin      ngo, central_gov, local_gov (the network's secretariat)
trainee            every type (practice cases only; reaches no record and holds no key)
================== =====================================================================

Who may grant (always in the organisation concerned, never "in any organisation"):

- a network admin: any role that fits, in any organisation (network_admin is the one role whose
  scope is the whole network, and it only counts where it fits);
- an organisation admin: any role that fits except network_admin, only in an organisation where
  they hold a confirmed org_admin membership;
- nobody else.

Key holders and confirmation: a membership granted by someone who does not already hold what it
would reach (``confirmers``) is *pending* until such a key holder of that organisation confirms it
(pending memberships give no role and receive no key). While the organisation has no key holder at all, nothing
encrypted can be reached, so the membership is confirmed at once (audited as a bootstrap).

Only a confirmed membership with a role in ``roles.ORGANISATION_KEY_ROLES`` (caseworker, case
supervisor) receives a share of the organisation key (accounts.orgkeys); hotline operators of a
trustee receive reports. Every other role holds no key.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tipnet.web.accounts.models import Membership, Organisation, OrganisationKeyShare, User
from tipnet.web.accounts.roles import ORGANISATION_KEY_ROLES, Role
from tipnet.web.accounts.roles import OrganisationType as T

_EVERY_TYPE = frozenset(T.values)
# Those who meet and screen people, and keep their cases.
_MEETS_PEOPLE = frozenset({
    T.NGO, T.LAW_ENFORCEMENT, T.HEALTH_SERVICE, T.LOCAL_GOV, T.IMMIGRATION, T.LEGAL_SERVICE, T.AUTHORITY, T.EMBASSY,
    T.INTERNATIONAL, T.LABOUR_INSPECTION,
})

ROLES_BY_ORGANISATION_TYPE: dict[str, frozenset[str]] = {
    Role.HOTLINE_OPERATOR: frozenset({T.TRUSTEE}),
    Role.CASEWORKER: _MEETS_PEOPLE,
    Role.CASE_SUPERVISOR: _MEETS_PEOPLE,
    Role.ORG_ADMIN: _EVERY_TYPE,
    Role.RESEARCHER: _EVERY_TYPE - {T.CORPORATE, T.EMBASSY},
    Role.COORDINATOR: frozenset({T.NGO, T.CENTRAL_GOV, T.LOCAL_GOV, T.TRUSTEE}),
    Role.NETWORK_ADMIN: frozenset({T.NGO, T.CENTRAL_GOV, T.LOCAL_GOV}),
    Role.TRAINEE: _EVERY_TYPE,
}


def role_fits(*, role: str, organisation: Organisation) -> bool:
    return organisation.type in ROLES_BY_ORGANISATION_TYPE.get(role, frozenset())


def confirmed_memberships(user: User) -> QuerySet[Membership]:
    """The memberships that count: confirmed, of an active user."""
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, pending=False)


def is_network_admin(user: User) -> bool:
    """A confirmed network_admin membership in an organisation where that role fits."""
    types = ROLES_BY_ORGANISATION_TYPE[Role.NETWORK_ADMIN]
    return confirmed_memberships(user).filter(role=Role.NETWORK_ADMIN, organisation__type__in=types).exists()


def is_org_admin_of(user: User, organisation: Organisation) -> bool:
    return confirmed_memberships(user).filter(role=Role.ORG_ADMIN, organisation=organisation).exists()


def grant_refusal(*, actor: User, organisation: Organisation, role: str) -> str:
    """Why ``actor`` may not give ``role`` in ``organisation`` (translated), or "" if they may."""
    if role not in Role.values:
        return _("Unknown role.")
    if not role_fits(role=role, organisation=organisation):
        return _("This role does not exist in this type of organisation.")
    if is_network_admin(actor):
        return ""
    if role == Role.NETWORK_ADMIN:
        return _("Only a network admin can make someone a network admin.")
    if is_org_admin_of(actor, organisation):
        return ""
    return _("You can give roles only in an organisation you administer.")


def grantable_roles(*, actor: User, organisation: Organisation) -> list[tuple[str, str]]:
    """The (value, label) choices ``actor`` may give in ``organisation``: what the invite form offers."""
    return [(value, label) for value, label in Role.choices
            if not grant_refusal(actor=actor, organisation=organisation, role=value)]


# ------------------------------------------------------------------------------------ key holders


def _confirmed_members(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation, pending=False, user__is_active=True)


def share_holders(organisation: Organisation) -> QuerySet[User]:
    """Active members holding a share of the organisation's key (screenings, cases) and a confirmed
    role that reads them (``ORGANISATION_KEY_ROLES``): a share kept without such a role (migration
    0010 keeps an organisation's only one until its hand-over) makes nobody a confirmer."""
    entitled = _confirmed_members(organisation).filter(role__in=ORGANISATION_KEY_ROLES)
    holders = OrganisationKeyShare.objects.filter(
        organisation=organisation, user_id__in=entitled.values("user_id")
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True)


def confirmed_operators(organisation: Organisation) -> QuerySet[User]:
    """Active hotline operators of a trustee whose membership is confirmed; nobody elsewhere (the
    role exists only in a trustee). A pending operator gets nothing sealed to them."""
    if organisation.type != T.TRUSTEE:
        return User.objects.none()
    operators = _confirmed_members(organisation).filter(role=Role.HOTLINE_OPERATOR)
    return User.objects.filter(pk__in=operators.values("user_id"), is_active=True)


def report_holders(organisation: Organisation) -> QuerySet[User]:
    """The confirmed operators with a keyring: new reports are sealed to exactly these
    (report.services), and they confirm a new operator (``confirmers``)."""
    return confirmed_operators(organisation).filter(keyring__isnull=False)


def key_holders(organisation: Organisation) -> QuerySet[User]:
    """Everyone who holds something encrypted of the organisation: its organisation-key share holders
    (caseworkers, case supervisors) and, in a trustee, its report holders (hotline operators)."""
    return User.objects.filter(
        Q(pk__in=share_holders(organisation).values("pk")) | Q(pk__in=report_holders(organisation).values("pk"))
    )


def confirmers(organisation: Organisation, role: str) -> QuerySet[User]:
    """The key holders who may confirm a new ``role`` membership in ``organisation``: those who
    already hold what it would reach. A hotline operator of a trustee would receive reports, so
    the trustee's report holders confirm (the org admin of a trustee cannot make herself a reader of
    reports through a second account). Every other membership is confirmed by the organisation's
    key holders (``key_holders``): in a trustee its operators (nobody there holds the organisation
    key, since no role that reads it exists in a trustee), elsewhere its organisation-key holders.
    Empty: nothing encrypted can be reached yet (bootstrap)."""
    if role == Role.HOTLINE_OPERATOR and organisation.type == T.TRUSTEE:
        reports = report_holders(organisation)
        if reports.exists():
            return reports
    return key_holders(organisation)


def may_confirm(user: User, membership: Membership) -> bool:
    """Never one's own membership; otherwise a confirmer for that role in that organisation."""
    if not user.is_authenticated or membership.user_id == user.pk:
        return False
    return confirmers(membership.organisation, membership.role).filter(pk=user.pk).exists()


def pending_for_holder(user: User) -> QuerySet[Membership]:
    """Pending memberships ``user`` may confirm."""
    pending = Membership.objects.filter(pending=True).select_related("user", "organisation")
    ids = [m.pk for m in pending if may_confirm(user, m)]
    return Membership.objects.filter(pk__in=ids).select_related("user", "organisation").order_by(
        "organisation__name", "user__username", "role")
