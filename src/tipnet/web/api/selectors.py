"""Reads for the API app: a user's tokens and what a token's user may see of themselves."""

from __future__ import annotations

from django.db.models import QuerySet

from tipnet.web.accounts import grants
from tipnet.web.accounts.access import user_roles
from tipnet.web.accounts.models import User
from tipnet.web.api.models import ApiToken


def tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def me_summary(*, user: User) -> dict[str, object]:
    """The user's confirmed roles by organisation, as the pages see them (accounts.access)."""
    by_org: dict[int, dict[str, object]] = {}
    for membership in grants.confirmed_memberships(user).select_related("organisation").order_by("organisation__name", "role"):
        org = membership.organisation
        entry = by_org.setdefault(org.pk, {"organisation_id": org.pk, "organisation": org.name,
                                           "organisation_type": org.type, "roles": []})
        entry["roles"].append(membership.role)  # type: ignore[attr-defined]
    return {"username": user.get_username(), "display_name": user.display_name,
            "roles": sorted(user_roles(user)), "organisations": list(by_org.values())}
