"""Who may open which staff page in accounts. Every rule on its own line (tested per role).

Forbidden and missing look the same (404), so nobody learns that a record or a page exists.
``staff_view`` is the one decorator every staff view in every app uses: it sends anonymous or
half-signed-in visitors to sign-in and runs the app's access check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from tipnet.web.accounts import grants
from tipnet.web.accounts.models import Membership, Organisation, User
from tipnet.web.accounts.roles import Role


def user_roles(user: User) -> set[str]:
    """Roles of the user's confirmed memberships (a pending membership gives no role; network_admin
    counts only where it fits the organisation's type, see grants.py)."""
    roles = set(grants.confirmed_memberships(user).exclude(role=Role.NETWORK_ADMIN).values_list("role", flat=True))
    if grants.is_network_admin(user):
        roles.add(Role.NETWORK_ADMIN)
    return roles


def user_has_role(user: User, *roles: str) -> bool:
    """A confirmed role in *some* organisation: only a gate for a page whose records are then
    filtered by ``organisations_where`` (or for the network-wide network_admin role)."""
    return bool(user_roles(user) & set(roles))


def organisations_where(user: User, *roles: str) -> list[Organisation]:
    """The organisations where the user holds one of ``roles`` in a confirmed membership."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        Organisation.objects.filter(
            memberships__user=user, memberships__role__in=roles, memberships__pending=False
        ).distinct()
    )


def is_staff_session(request: HttpRequest) -> bool:
    """Signed in with both factors, active, and holding at least one membership (a pending one
    lets the person see their home page, which says they await confirmation)."""
    user = request.user
    verified = getattr(user, "is_verified", None)
    return bool(
        user.is_authenticated and user.is_active and verified is not None and verified()
        and Membership.objects.filter(user=user).exists()
    )


def staff_view(check: Callable[..., Any] | None = None) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a staff view. ``check(user=..., **url_kwargs)`` raises Http404 or returns None, or
    the record it checked: that is kept as ``request.staff_checked`` so that the view does not read
    it a second time (the case page)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_staff_session(request):
                return redirect_to_login(request.get_full_path())
            if check is not None:
                request.staff_checked = check(user=request.user, **kwargs)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _require(condition: bool) -> None:
    if not condition:
        raise Http404


def access_staff_home(*, user: User) -> None:
    _require(user.is_active and Membership.objects.filter(user=user).exists())


def access_manage_organisation(*, user: User, organisation_id: int) -> Organisation:
    """Organisation admins manage their own organisation's staff; network admins any."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    _require(organisation is not None)
    assert organisation is not None
    _require(grants.is_network_admin(user) or grants.is_org_admin_of(user, organisation))
    return organisation


def access_manage_user(*, user: User, user_id: int) -> User:
    """A member may be managed (account closed, second factor reset: both act on the whole account)
    by a network admin, or by an organisation admin who administers *every* organisation the member
    belongs to: an admin of one organisation never closes the account of, say, a trustee's operator
    who also helps out in her NGO."""
    target = User.objects.filter(pk=user_id).first()
    _require(target is not None)
    assert target is not None
    if grants.is_network_admin(user):
        return target
    admin_orgs = grants.confirmed_memberships(user).filter(role=Role.ORG_ADMIN).values("organisation_id")
    theirs = Membership.objects.filter(user=target)
    _require(theirs.exists() and not theirs.exclude(organisation_id__in=admin_orgs).exists())
    return target


def access_membership_confirm(*, user: User, membership_id: int) -> Membership:
    """A pending membership may be confirmed or declined only by a key holder of its organisation
    who holds what it would reach (grants.confirmers), never by the person it concerns."""
    membership = Membership.objects.filter(pk=membership_id, pending=True).select_related("user", "organisation").first()
    _require(membership is not None)
    assert membership is not None
    _require(grants.may_confirm(user, membership))
    return membership


def access_organisation_list(*, user: User) -> None:
    _require(grants.is_network_admin(user) or user_has_role(user, Role.ORG_ADMIN))


def access_audit_log(*, user: User) -> None:
    _require(grants.is_network_admin(user))
