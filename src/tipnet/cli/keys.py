"""Key management: receivers' age keys for forwarded reports; staff keyrings after a lost password."""

from __future__ import annotations

import getpass

import click

from tipnet.cli._django import setup_django
from tipnet.cli._errors import InputError


@click.group()
def keys() -> None:
    """Encryption keys: receivers of forwarded reports, staff key recovery."""


@keys.command(name="receiver")
@click.argument("organisation")
@click.argument("recipient")
def receiver(organisation: str, recipient: str) -> None:
    """Set ORGANISATION's age public key (age1...) for receiving forwarded reports."""
    setup_django()
    import pyrage

    from tipnet.web.accounts.audit import audit_record
    from tipnet.web.accounts.models import Organisation
    from tipnet.web.report.models import ReceiverKey

    org = Organisation.objects.filter(name=organisation).first()
    if org is None:
        raise InputError(f"no organisation named {organisation!r}")
    try:
        pyrage.x25519.Recipient.from_str(recipient.strip())
    except (pyrage.RecipientError, ValueError) as error:
        raise InputError(f"{recipient!r} is not an age public key (it starts with 'age1')") from error
    ReceiverKey.objects.update_or_create(organisation=org, defaults={"recipient": recipient.strip()})
    audit_record(actor=None, action="keys.receiver_set", organisation=org, details={"via": "cli"})
    click.echo(f"{org.name} will receive forwarded reports encrypted to {recipient.strip()}")


@keys.command(name="list")
def list_keys() -> None:
    """Organisations that can receive forwarded reports, and staff with encryption keys."""
    setup_django()
    from tipnet.web.accounts.models import StaffKeyring
    from tipnet.web.report.models import ReceiverKey

    for key in ReceiverKey.objects.select_related("organisation").order_by("organisation__name"):
        click.echo(f"receiver  {key.organisation.name}: {key.recipient}")
    for ring in StaffKeyring.objects.select_related("user").order_by("user__username"):
        click.echo(f"staff     {ring.user.username}: keyring since {ring.created_at:%Y-%m-%d}")


@keys.command(name="recover")
@click.argument("username")
def recover(username: str) -> None:
    """After a forgotten password: open USERNAME's key with their recovery code and set a new password."""
    setup_django()
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    from tipnet.core.crypto import DecryptionError
    from tipnet.web.accounts.audit import audit_record
    from tipnet.web.accounts.keys import keyring_recover
    from tipnet.web.accounts.models import User

    user = User.objects.filter(username=username, keyring__isnull=False).first()
    if user is None:
        raise InputError(f"no user {username!r} with an encryption key")
    code = getpass.getpass("Recovery code: ")
    password = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != password:
        raise InputError("the two passwords differ")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise InputError(" ".join(error.messages)) from error
    try:
        keyring_recover(user, recovery_code=code, new_password=password)
    except DecryptionError as error:
        raise InputError("the recovery code does not open this key") from error
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=None, action="keys.recovered", target_type="user", target_id=user.pk, details={"via": "cli"})
    click.echo(f"{username}'s key is now under the new password")


@keys.command(name="confirm")
@click.argument("username")
@click.option("--organisation", required=True, help="The organisation's name, as on the staff pages.")
@click.option("--role", required=True, help="The pending role, e.g. hotline_operator or caseworker.")
def confirm(username: str, organisation: str, role: str) -> None:
    """Confirm USERNAME's pending role where no key holder is left to do it (audited).

    An organisation whose key holders have all left cannot confirm anyone from the web pages, so that
    nobody can empty it and refill it with their own people; this is the way back, at the server."""
    setup_django()
    from tipnet.web.accounts.services import AccountError, membership_confirm_by_server_admin

    try:
        membership = membership_confirm_by_server_admin(username=username, organisation_name=organisation, role=role)
    except AccountError as error:
        raise InputError(str(error)) from error
    click.echo(
        f"{username} is now a confirmed {membership.role} of {membership.organisation.name}; "
        "the organisation's key reaches them when it is created anew or shared by a key holder."
    )


COMMANDS = [keys]
