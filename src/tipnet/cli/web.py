"""Commands that run or maintain the web platform: demo, serve, migrate, createadmin, audit,
backup, restore."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from tipnet.cli._django import migrate, setup_django
from tipnet.cli._errors import InputError


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise InputError(f"--port must be between 1 and 65535, not {value}")
    return value


@click.command()
@click.option("--port", default=8000, show_default=True, type=int, help="Port on 127.0.0.1.")
@click.option("--no-serve", is_flag=True, help="Set up the demo and exit without serving.")
def demo(port: int, no_serve: bool) -> None:
    """Create the embedded database, load demo data, print the logins and serve on 127.0.0.1."""
    import os

    os.environ.setdefault("TIPNET_MODE", "demo")
    if os.environ["TIPNET_MODE"] != "demo":
        raise InputError("`tipnet demo` runs only in demo mode (unset TIPNET_MODE).")
    _port(port)
    setup_django()
    from django.conf import settings

    from tipnet.web.demo import demo_load

    click.echo(f"Data folder: {settings.DATA_DIR}")
    migrate()
    logins = demo_load()
    url = f"http://127.0.0.1:{port}/"
    click.echo("")
    click.echo(f"tipnet demo: {url}ja/  (English: {url}en/)")
    click.echo(f"Staff sign-in: {url}en/staff/sign-in/   password for every demo user: {logins[0].password}")
    click.echo("Add a user's key to an authenticator app (or scan its otpauth URL) for the 6-digit code:")
    for login in logins:
        click.echo(f"  {login.username:<12} {login.role:<17} {login.organisation}")
        click.echo(f"      TOTP key {login.totp_secret}   {login.otpauth_url}")
    click.echo("  (`tipnet totp USER` prints a user's current demo code.)")
    if no_serve:
        return
    from tipnet.cli.worker import start_worker_process, stop_worker_process
    from tipnet.web.server import serve as run_server

    click.echo("Press Ctrl+C to stop.")
    task_worker = start_worker_process()
    try:
        run_server(host="127.0.0.1", port=port, workers=1, threads=8)
    finally:
        stop_worker_process(task_worker)


@click.command()
@click.argument("username")
def totp(username: str) -> None:
    """Print the current TOTP code of a demo user (demo mode only)."""
    setup_django()
    from django.conf import settings
    from django_otp.oath import totp as totp_code
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if settings.TIPNET_MODE != "demo":
        raise InputError("`tipnet totp` works only in demo mode.")
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise InputError(f"no demo user {username!r} with an authenticator")
    click.echo(f"{totp_code(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--no-worker", is_flag=True, help="Do not start a task worker (run `tipnet worker` yourself, e.g. under systemd).")
def serve(host: str, port: int, workers: int, threads: int, no_worker: bool) -> None:
    """Run the production server (gunicorn, static files served, no access log) and a task worker."""
    _port(port)
    setup_django()
    from django.core.management import call_command

    from tipnet.cli.worker import start_worker_process, stop_worker_process
    from tipnet.web.server import serve as run_server

    call_command("check", deploy=False, verbosity=0)
    task_worker = None if no_worker else start_worker_process()
    try:
        run_server(host=host, port=port, workers=workers, threads=threads)
    finally:
        if task_worker is not None:
            stop_worker_process(task_worker)


@click.command(name="migrate")
def migrate_command() -> None:
    """Create or upgrade the database tables."""
    setup_django()
    migrate(verbosity=1)


@click.command()
@click.argument("username")
@click.option("--organisation", default="Network Secretariat", show_default=True, help="The network admin's organisation.")
@click.option("--password-file", type=click.File("r"), help="Read the password from a file ('-' for stdin).")
def createadmin(username: str, organisation: str, password_file: click.File | None) -> None:
    """Create a network admin. Two-step sign-in is set up at their first sign-in."""
    setup_django()
    from tipnet.web.accounts.services import AccountError, user_create_admin

    if password_file is not None:
        password = password_file.read().rstrip("\n")  # type: ignore[attr-defined]
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise InputError("the two passwords differ")
    try:
        user = user_create_admin(username=username, password=password, organisation_name=organisation)
    except AccountError as error:
        raise InputError(str(error)) from error
    click.echo(f"network admin {user.username} created in {organisation}; sign in to set up two-step sign-in")
    click.echo(f"Recovery code for {user.username}'s encryption key (shown once; keep it offline): {user.recovery_code}")


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command(name="verify")
def audit_verify_command() -> None:
    """Check the hash chain; exit 1 when it is broken."""
    setup_django()
    from tipnet.web.accounts.audit import audit_verify

    report = audit_verify()
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@click.command()
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
def backup(output: Path) -> None:
    """Write a consistent backup of the database and the data folder to OUTPUT (.tar.gz)."""
    setup_django()
    from tipnet.web.backup import BackupError, backup_create

    if output.exists():
        raise InputError(f"{output} exists already; choose a new file name")
    try:
        result = backup_create(output=output)
    except BackupError as error:
        raise InputError(str(error)) from error
    click.echo(result.summary())


@click.command()
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def restore(archive: Path) -> None:
    """Restore a backup onto a clean installation (checked first; nothing changes if it is damaged)."""
    setup_django()
    from tipnet.web.accounts.audit import audit_verify
    from tipnet.web.backup import BackupError, backup_restore

    migrate()
    try:
        result = backup_restore(archive_path=archive)
    except BackupError as error:
        raise InputError(str(error)) from error
    click.echo(f"restored {result.rows} rows and {result.files} files from {archive}")
    report = audit_verify()
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


COMMANDS = [demo, totp, serve, migrate_command, createadmin, audit, backup, restore]
