"""Who may do what in the directory. Public pages need no check; staff rules, one per line.

Organisation admins keep their own organisations' services; network admins every service, the
CSV import and export and the gap view (advocacy coordinators see the gap view too).
Forbidden and missing look the same (404).
"""

from __future__ import annotations

from django.http import Http404

from tipnet.web.accounts import grants
from tipnet.web.accounts.access import user_has_role
from tipnet.web.accounts.models import User
from tipnet.web.accounts.roles import Role
from tipnet.web.directory.models import Service


def access_directory_manage(*, user: User) -> None:
    """A gate only: ``services_editable`` then keeps an org admin to their own organisations."""
    if not (grants.is_network_admin(user) or user_has_role(user, Role.ORG_ADMIN)):
        raise Http404


def access_service_edit(*, user: User, service_id: int) -> Service:
    from tipnet.web.directory.selectors import services_editable

    access_directory_manage(user=user)
    service = services_editable(user=user).filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service


def access_directory_admin(*, user: User) -> None:
    """CSV import and export: network admins only."""
    if not grants.is_network_admin(user):
        raise Http404


def access_directory_gaps(*, user: User) -> None:
    if not (grants.is_network_admin(user) or user_has_role(user, Role.COORDINATOR)):
        raise Http404
