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
                   legal_service, authority, embassy (those who meet and screen people)
org_admin          every type
researcher         every type except corporate and embassy
coordinator        ngo, central_gov, local_gov, trustee (advocacy across the network)
network_admin      ngo, central_gov, local_gov (the network's secretariat)
================== =====================================================================

Who may grant (always in the organisation concerned, never "in any organisation"):

- a network admin: any role that fits, in any organisation (network_admin is the one role whose
  scope is the whole network, and it only counts where it fits);
- an organisation admin: any role that fits except network_admin, only in an organisation where
  they hold a confirmed org_admin membership;
- nobody else.

Key holders and confirmation: a membership granted by someone who is not a key holder of the
organisation is *pending* until a key holder of that organisation confirms it (pending memberships
give no role and receive no key). While the organisation has no key holder at all, nothing
encrypted can be reached, so the membership is confirmed at once (audited as a bootstrap).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tipnet.web.accounts.models import Membership, Organisation, OrganisationKeyShare, User
from tipnet.web.accounts.roles import OrganisationType as T
from tipnet.web.accounts.roles import Role

_EVERY_TYPE = frozenset(T.values)

ROLES_BY_ORGANISATION_TYPE: dict[str, frozenset[str]] = {
    Role.HOTLINE_OPERATOR: frozenset({T.TRUSTEE}),
    Role.CASEWORKER: frozenset({
        T.NGO, T.LAW_ENFORCEMENT, T.HEALTH_SERVICE, T.LOCAL_GOV, T.IMMIGRATION, T.LEGAL_SERVICE,
        T.AUTHORITY, T.EMBASSY,
    }),
    Role.ORG_ADMIN: _EVERY_TYPE,
    Role.RESEARCHER: _EVERY_TYPE - {T.CORPORATE, T.EMBASSY},
    Role.COORDINATOR: frozenset({T.NGO, T.CENTRAL_GOV, T.LOCAL_GOV, T.TRUSTEE}),
    Role.NETWORK_ADMIN: frozenset({T.NGO, T.CENTRAL_GOV, T.LOCAL_GOV}),
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


def key_holders(organisation: Organisation) -> QuerySet[User]:
    """Active users with a confirmed membership who can reach the organisation's encrypted content:
    holders of a share of its key and, in a trustee, hotline operators with a keyring (reports are
    sealed to them)."""
    confirmed = Membership.objects.filter(organisation=organisation, pending=False, user__is_active=True)
    holders = Q(pk__in=OrganisationKeyShare.objects.filter(
        organisation=organisation, user_id__in=confirmed.values("user_id")).values("user_id"))
    if organisation.type == T.TRUSTEE:
        holders |= Q(pk__in=confirmed.filter(role=Role.HOTLINE_OPERATOR, user__keyring__isnull=False).values("user_id"))
    return User.objects.filter(holders, is_active=True)


def is_key_holder(user: User, organisation: Organisation) -> bool:
    return user.is_authenticated and key_holders(organisation).filter(pk=user.pk).exists()


def pending_for_holder(user: User) -> QuerySet[Membership]:
    """Pending memberships ``user`` may confirm: in organisations where they hold a key, not their own."""
    pending = Membership.objects.filter(pending=True).exclude(user=user).select_related("user", "organisation")
    organisation_ids = [m.organisation_id for m in pending if is_key_holder(user, m.organisation)]
    return pending.filter(organisation_id__in=organisation_ids).order_by("organisation__name", "user__username")
