"""``tipnet import`` and ``tipnet export``: cases in and out as HTCDS (docs/api.md).

Both act as a named staff member (``--user``), with that person's roles, and need her password to
open the organisation's key (import: for the keyed identity of rows and the duplicate warning's
index; export: to decrypt the cases). ``--dry-run`` only validates, and needs neither.

Exit codes: 0 done (counts printed), 1 rows with problems (the report printed, nothing imported),
2 bad input (no such file, organisation or user, wrong password, unknown format or mapping).
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Any

import click

from tipnet.cli._django import setup_django
from tipnet.cli._errors import InputError

FORMAT_CHOICES = ["auto", "htcds_csv", "htcds_json", "kobo_csv", "kobo_json", "csv", "xlsx"]


def _organisation(name: str) -> Any:
    from tipnet.web.accounts.models import Organisation

    found = Organisation.objects.filter(name=name).first()
    if found is None and name.isdigit():
        found = Organisation.objects.filter(pk=int(name)).first()
    if found is None:
        raise InputError(f"no organisation named {name!r}")
    return found


def _user(username: str) -> Any:
    from tipnet.web.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InputError(f"no active user named {username!r}")
    return user


def _private_key(user: Any, password_file: Any) -> bytes:
    from tipnet.web.accounts.keys import keyring_unlock

    if password_file is not None:
        password = password_file.read().rstrip("\n")
    else:
        password = getpass.getpass(f"Password of {user.username}: ")
    try:
        private_key = keyring_unlock(user, password=password)
    except Exception as error:  # noqa: BLE001 - a wrong password fails to decrypt
        raise InputError(f"the password does not open {user.username}'s key") from error
    if private_key is None:
        raise InputError(f"{user.username} has no encryption key yet (they must sign in once)")
    return private_key


def _progress(step: str, done: int, total: int) -> None:
    click.echo(f"{step}: {done}/{total} rows", err=True)


@click.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--org", "org", required=True, help="the organisation's name (or id)")
@click.option("--user", "username", help="the caseworker or case supervisor importing (needed unless --dry-run)")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="auto", show_default=True)
@click.option("--mapping", help="a saved column mapping of the organisation (name or id), or a JSON file")
@click.option("--password-file", type=click.File("r"), help="read the user's password from a file ('-' for stdin)")
@click.option("--dry-run", is_flag=True, help="validate only: print the report, store nothing")
def import_command(file: Path, org: str, username: str | None, fmt: str, mapping: str | None,
                   password_file: Any, dry_run: bool) -> None:
    """Import FILE (HTCDS CSV or JSON, a KoboToolbox/ODK export, or a sheet with --mapping) as cases."""
    if not file.is_file():
        raise InputError(f"no such file: {file}")
    if not dry_run and not username:
        raise InputError("--user is needed to import (or use --dry-run)")
    data = file.read_bytes()
    setup_django()
    from tipnet.core.standard.interchange import ColumnMapping, MappingError
    from tipnet.web.accounts.access import organisations_where
    from tipnet.web.cases.access import CASE_ROLES
    from tipnet.web.cases.services import CaseError
    from tipnet.web.interchange.models import ImportJob
    from tipnet.web.interchange.services import (
        InterchangeError,
        import_file_now,
        mapping_find,
        report_lines,
    )

    organisation = _organisation(org)
    user = _user(username) if username else None
    if user is not None and organisation not in organisations_where(user, *CASE_ROLES):
        raise InputError(f"{user.username} is not a caseworker or case supervisor of {organisation.name}")
    column_mapping = None
    if mapping:
        try:
            if Path(mapping).is_file():
                column_mapping = ColumnMapping.from_dict(json.loads(Path(mapping).read_text("utf-8")))
            else:
                column_mapping = mapping_find(organisation=organisation, name_or_id=mapping)
        except (MappingError, InterchangeError, ValueError) as error:
            raise InputError(f"mapping {mapping!r}: {error}") from error
    if dry_run:  # validation only, in this process: no job, no audit row, nothing stored
        from django.utils import timezone

        from tipnet.core.standard.interchange import detect_format, parse_file

        report = parse_file(data, detect_format(file.name, data) if fmt == "auto" else fmt, mapping=column_mapping,
                            today=timezone.localdate())
        if not report.ok:
            click.echo("\n".join(report.summary().splitlines()[1:]))
            n_bad = len([r for r in report.bad_rows if r.row])
            click.echo(f"{report.n_rows} rows, {n_bad} with problems: nothing imported", err=True)
            sys.exit(1)
        click.echo(f"{report.n_rows} rows, all valid (dry run: nothing imported)")
        return
    assert user is not None
    private_key = _private_key(user, password_file)
    try:
        job = import_file_now(actor=user, organisation=organisation, data=data, filename=file.name, fmt=fmt,
                              mapping=column_mapping, private_key=private_key, progress=_progress)
    except (InterchangeError, CaseError) as error:
        raise InputError(str(error)) from error
    if job.state == ImportJob.State.INVALID:
        for line in report_lines(job):
            click.echo(line)
        n_bad = job.report.get("n_bad", 0)
        click.echo(f"{job.n_rows} rows, {n_bad} with problems: nothing imported", err=True)
        sys.exit(1)
    if job.state == ImportJob.State.FAILED:
        raise click.ClickException(f"the import failed ({job.error}); nothing was imported")
    click.echo(f"{job.n_rows} rows: {job.n_created} cases created, {job.n_skipped} already imported "
               f"(import {job.pk}, audited)")


@click.command(name="export")
@click.option("--org", "org", required=True, help="the organisation's name (or id)")
@click.option("--user", "username", required=True, help="a case supervisor of the organisation")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--purpose", type=click.Choice(["own", "research"]), default="own", show_default=True,
              help="own: every case, for the organisation's own use; research: de-identified, research consent only")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="file to write (default: stdout)")
@click.option("--password-file", type=click.File("r"), help="read the user's password from a file ('-' for stdin)")
def export_command(org: str, username: str, fmt: str, purpose: str, out: Path | None, password_file: Any) -> None:
    """Export the organisation's cases as HTCDS CSV or JSON (audited, recorded with its row count)."""
    setup_django()
    from tipnet.web.cases.services import CaseError
    from tipnet.web.interchange.services import InterchangeError, cases_export

    organisation = _organisation(org)
    user = _user(username)
    private_key = _private_key(user, password_file)
    target = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        export = cases_export(actor=user, organisation=organisation, purpose=purpose, fmt=fmt, out=target,
                              private_key=private_key)
    except (InterchangeError, CaseError) as error:
        if out:
            target.close()
            out.unlink(missing_ok=True)
        raise InputError(str(error)) from error
    finally:
        if out and not target.closed:
            target.close()
    click.echo(f"{export.row_count} cases exported ({purpose}, {fmt}; export {export.pk}, audited)", err=True)


COMMANDS = [import_command, export_command]
