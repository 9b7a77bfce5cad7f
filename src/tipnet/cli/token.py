"""``tipnet token create``: a server administrator issues a personal API token (docs/api.md)."""

from __future__ import annotations

import click

from tipnet.cli._django import setup_django
from tipnet.cli._errors import InputError


@click.group()
def token() -> None:
    """Personal API tokens."""


@token.command(name="create")
@click.argument("username")
@click.option("--scope", default="read", show_default=True, help="read or write")
@click.option("--days", default=90, show_default=True, type=int, help="days until it expires (1 to 365)")
@click.option("--name", default="", help="what the token is for")
def create(username: str, scope: str, days: int, name: str) -> None:
    """Issue a token for USERNAME and print it alone on the last line (it is shown only once)."""
    if scope not in ("read", "write"):
        raise InputError(f"--scope must be read or write, not {scope!r}")
    if not 1 <= days <= 365:
        raise InputError(f"--days must be from 1 to 365, not {days}")
    setup_django()
    from tipnet.web.accounts.models import User
    from tipnet.web.api.tokens import TokenError, token_create

    user = User.objects.filter(username=username).first()
    if user is None:
        raise InputError(f"no user named {username!r}")
    try:
        issued = token_create(actor=None, user=user, scope=scope, days=days, name=name or "cli")
    except TokenError as error:
        raise InputError(str(error)) from error
    click.echo(f"token for {user.username}, scope {scope}, expires {issued.token.expires_at:%Y-%m-%d} (audited)", err=True)
    click.echo(issued.secret)


COMMANDS = [token]
