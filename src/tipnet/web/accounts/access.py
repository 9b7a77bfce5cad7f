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

from tipnet.web.accounts.models import Membership, Organisation, User
from tipnet.web.accounts.roles import Role


def user_roles(user: User) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def user_has_role(user: User, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def organisations_where(user: User, *roles: str) -> list[Organisation]:
    return list(Organisation.objects.filter(memberships__user=user, memberships__role__in=roles).distinct())


def is_staff_session(request: HttpRequest) -> bool:
    """Signed in with both factors, active, and holding at least one role."""
    user = request.user
    verified = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and user.is_active and verified is not None and verified() and user_roles(user))


def staff_view(check: Callable[..., Any] | None = None) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a staff view. ``check(user=..., **url_kwargs)`` raises Http404 or returns None."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_staff_session(request):
                return redirect_to_login(request.get_full_path())
            if check is not None:
                check(user=request.user, **kwargs)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _require(condition: bool) -> None:
    if not condition:
        raise Http404


def access_staff_home(*, user: User) -> None:
    _require(bool(user_roles(user)))


def access_manage_organisation(*, user: User, organisation_id: int) -> Organisation:
    """Organisation admins manage their own organisation's staff; network admins any."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    _require(organisation is not None)
    if user_has_role(user, Role.NETWORK_ADMIN):
        return organisation
    _require(Membership.objects.filter(user=user, organisation=organisation, role=Role.ORG_ADMIN).exists())
    return organisation


def access_manage_user(*, user: User, user_id: int) -> User:
    """A member may be managed by an admin of one of their organisations, or a network admin."""
    target = User.objects.filter(pk=user_id).first()
    _require(target is not None)
    if user_has_role(user, Role.NETWORK_ADMIN):
        return target
    admin_orgs = Membership.objects.filter(user=user, role=Role.ORG_ADMIN).values("organisation_id")
    _require(Membership.objects.filter(user=target, organisation_id__in=admin_orgs).exists())
    return target


def access_organisation_list(*, user: User) -> None:
    _require(user_has_role(user, Role.NETWORK_ADMIN, Role.ORG_ADMIN))


def access_audit_log(*, user: User) -> None:
    _require(user_has_role(user, Role.NETWORK_ADMIN))
