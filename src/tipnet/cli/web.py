"""Commands that run or maintain the web platform: demo, serve, migrate, createadmin, audit,
backup, restore."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import click

from tipnet.cli._django import migrate, setup_django
from tipnet.cli._errors import InputError
from tipnet.core.audit import Head


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
    from tipnet.web.config import serve_host_problem

    if problem := serve_host_problem(host):
        raise InputError(problem)
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


def _kept_heads(head_texts: tuple[str, ...], head_file: Path | None, record: bool) -> list[Head]:
    """Parse --head values and the heads file; malformed input is exit code 2, nothing checked."""
    from tipnet.core.audit import HeadFormatError, parse_head, parse_head_lines

    heads = []
    try:
        for text in head_texts:
            heads.append(parse_head(text))
        if head_file is not None:
            if head_file.exists():
                heads.extend(parse_head_lines(head_file.read_text(encoding="utf-8").splitlines()))
            elif not record:
                raise InputError(f"{head_file} does not exist (add --record to start a heads file)")
    except HeadFormatError as error:
        raise InputError(f"malformed kept head: {error}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {head_file}: {error}") from error
    return heads


def _record_head(head_file: Path, line: str) -> bool:
    """Append the head to the heads file unless it is already its last head; the file is 0600."""
    lines = head_file.read_text(encoding="utf-8").splitlines() if head_file.exists() else []
    kept = [text.split("#", 1)[0].strip() for text in lines]
    kept = [text for text in kept if text]
    if kept and kept[-1] == line:
        return False
    head_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(head_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return True


@audit.command(name="verify")
@click.option("--head", "head_texts", multiple=True, metavar="SEQ:MAC", help="A head kept from `tipnet audit head` (repeatable).")
@click.option("--head-file", type=click.Path(dir_okay=False, path_type=Path), help="A file of kept heads, one per line.")
@click.option("--record", is_flag=True, help="After a successful check, append the current head to --head-file.")
def audit_verify_command(head_texts: tuple[str, ...], head_file: Path | None, record: bool) -> None:
    """Check the chain's hashes and MACs (TIPNET_AUDIT_KEY) and every kept head; exit 1 when the
    log was changed, cut or extended by a forger, exit 2 on malformed input."""
    if record and head_file is None:
        raise InputError("--record needs --head-file")
    heads = _kept_heads(head_texts, head_file, record)
    setup_django()
    from tipnet.web.accounts.audit import audit_verify

    report = audit_verify(heads=heads)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)
    assert report.head is not None
    click.echo(f"head: {report.head.line()}")
    if record and head_file is not None and _record_head(head_file, report.head.line()):
        click.echo(f"head recorded in {head_file}")


@audit.command(name="head")
def audit_head_command() -> None:
    """Print the verified head (SEQ:MAC TIME) to keep outside the database; exit 1 if the chain
    is already broken, so a forged state is never handed out as a head."""
    setup_django()
    from tipnet.web.accounts.audit import audit_verify

    report = audit_verify()
    if not report.ok:
        click.echo(report.summary())
        sys.exit(1)
    assert report.head is not None
    click.echo(report.head.line())


@audit.command(name="rekey")
@click.option("--new-key-file", required=True, type=click.File("r"), help="The new key, 32+ random characters ('-' for stdin).")
def audit_rekey_command(new_key_file: click.File) -> None:
    """Rotate TIPNET_AUDIT_KEY: verify the chain with the current key, then append a rotation
    entry under the new key. Stop the server first; start it again with the new key."""
    new_key = new_key_file.read().strip()  # type: ignore[attr-defined]
    if len(new_key) < 32:
        raise InputError("the new audit key must be at least 32 random characters")
    setup_django()
    from django.conf import settings

    from tipnet.web.accounts.audit import AuditChainBroken, AuditKeyError, audit_rotate_key

    if new_key in {settings.SECRET_KEY, settings.TIPNET_PEPPER}:
        raise InputError("the new audit key must differ from SECRET_KEY and TIPNET_PEPPER")
    try:
        event, report = audit_rotate_key(new_key=new_key.encode())
    except AuditChainBroken as error:
        click.echo(f"not re-keyed: {error}")
        sys.exit(1)
    except AuditKeyError as error:
        raise InputError(str(error)) from error
    assert report.head is not None
    click.echo(f"audit key rotated at entry {event.sequence}")
    click.echo(f"head: {report.head.line()}")
    click.echo("Now set TIPNET_AUDIT_KEY to the new key everywhere tipnet runs, and keep the old key offline.")


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
    # Verify with the key as it stands now: in demo mode the restore has just put the backed-up
    # demo-audit-key into the data folder; in production it comes from TIPNET_AUDIT_KEY.
    from tipnet.web.config import load_config

    report = audit_verify(key=load_config().audit_key.encode())
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


COMMANDS = [demo, totp, serve, migrate_command, createadmin, audit, backup, restore]
