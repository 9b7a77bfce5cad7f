"""Who may do what with API tokens: each person manages only their own (same 404 otherwise)."""

from __future__ import annotations

from django.http import Http404

from tipnet.web.accounts.access import user_roles
from tipnet.web.accounts.models import User
from tipnet.web.accounts.roles import Role
from tipnet.web.api.models import ApiToken


def access_tokens_page(*, user: User) -> None:
    """Any staff member with a confirmed role may hold tokens, except a trainee (who reaches no
    record, so has nothing for a program to do); what a token reaches is decided per endpoint by
    the same access_* functions as the pages."""
    if not user.is_active:
        raise Http404
    if not user_roles(user) - {Role.TRAINEE}:
        raise Http404


def access_token(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise Http404
    if token.user_id != user.pk:
        raise Http404
    return token
