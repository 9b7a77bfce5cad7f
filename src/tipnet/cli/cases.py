"""``tipnet cases retention [--dry-run] [--organisation NAME] [--today YYYY-MM-DD]``.

Erases the closed cases whose organisation's retention period after closure has ended (APPI: keep
personal data no longer than needed), keeping the tombstone and the records of disclosure
(tipnet.web.cases.rights). One line per case (reference, organisation, closing date, years), then
a count. Run it daily (cron or a systemd timer, docs/operations.md). Exit 0, or 2 on bad input (an
unknown organisation, a malformed date).
"""

from __future__ import annotations

import datetime

import click

from tipnet.cli._django import setup_django
from tipnet.cli._errors import InputError


@click.group("cases")
def cases() -> None:
    """Case records: retention."""


@cases.command("retention")
@click.option("--dry-run", is_flag=True, help="Only list the cases that would be erased; change nothing.")
@click.option("--organisation", "organisation_name", default=None, help="Only this organisation (its exact name).")
@click.option("--today", default=None, help="Count the periods up to this date (YYYY-MM-DD) instead of today.")
def retention(dry_run: bool, organisation_name: str | None, today: str | None) -> None:
    """Erase closed cases past their organisation's retention period."""
    day = None
    if today is not None:
        try:
            day = datetime.date.fromisoformat(today)
        except ValueError:
            raise InputError(f"--today must be a date as YYYY-MM-DD, not {today!r}") from None
    setup_django()
    from tipnet.web.accounts.models import Organisation
    from tipnet.web.cases.rights import received_copies_run, retention_run

    organisation = None
    if organisation_name is not None:
        organisation = Organisation.objects.filter(name=organisation_name).first()
        if organisation is None:
            raise InputError(f"no organisation named {organisation_name!r}")
    done = retention_run(today=day, organisation=organisation, dry_run=dry_run)
    verb = "would erase" if dry_run else "erased"
    for item in done:
        case = item.case
        click.echo(f"{verb} {case.reference}  {case.organisation.name}  closed {case.closed_on}  ({item.years} years)")
    copies = received_copies_run(today=day, organisation=organisation, dry_run=dry_run)
    for referral in copies:
        click.echo(f"{verb} the copy of referral {referral.pk}  received by {referral.receiver.name}  "
                   f"{referral.state} {referral.decided_at.date() if referral.decided_at else ''}")
    click.echo(f"{verb} {len(done)} case(s) and {len(copies)} received referral copy(ies) in all")


COMMANDS = [cases]
