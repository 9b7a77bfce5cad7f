"""Reporting-line maintenance: delete expired reports, list those about to expire."""

from __future__ import annotations

import click

from tipnet.cli._django import setup_django


@click.command()
@click.option("--dry-run", is_flag=True, help="Only say how many reports would be deleted.")
def purge(dry_run: bool) -> None:
    """Delete reports past their retention time, for good. Audit records of disclosures stay."""
    setup_django()
    from django.utils import timezone

    from tipnet.web.report.models import Report
    from tipnet.web.report.services import report_purge

    if dry_run:
        click.echo(f"{Report.objects.filter(expires_at__lte=timezone.now()).count()} report(s) would be deleted")
        return
    click.echo(f"{report_purge()} expired report(s) deleted")
    from tipnet.web.report.once import once_tokens_purge

    click.echo(f"{once_tokens_purge()} old form token hash(es) deleted")


@click.command(name="expiring")
def expiring() -> None:
    """List reports that will be deleted within 14 days (for the reminder before expiry)."""
    setup_django()
    from tipnet.web.report.services import reports_due_for_reminder

    due = reports_due_for_reminder()
    for report in due:
        click.echo(f"report {report.pk}: deleted on {report.expires_at:%Y-%m-%d}")
    click.echo(f"{len(due)} report(s) expire within 14 days")


@click.command()
@click.option("--send", is_flag=True, help="Also e-mail it to every hotline operator with an address.")
def digest(send: bool) -> None:
    """A content-free daily digest for operators (counts only); print it, or send it from cron."""
    setup_django()
    from tipnet.web.report.notify import send_digest
    from tipnet.web.report.selectors import digest_counts

    lines = digest_counts()
    for line in lines:
        click.echo(line)
    if send:
        click.echo(f"sent to {send_digest(lines)} operator(s)")


COMMANDS = [purge, expiring, digest]
