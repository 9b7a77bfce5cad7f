"""Consistent backup and restore of the database and the data folder.

A backup is one ``.tar.gz`` holding ``manifest.json`` (format, time, the migrations applied, and a
SHA-256 for every member), ``database.json`` (Django's serialisation of every table, read in one
transaction so it is a consistent snapshot) and ``files/`` (the data folder, minus the database
file and generated static files). Serialising through Django rather than copying the database file
means a backup from SQLite restores onto PostgreSQL and the reverse.

Restore checks the whole archive before touching anything, refuses a non-empty database, and loads
all rows in one transaction, so a damaged backup changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "tipnet-backup/1"
EXCLUDED_MODELS = ["contenttypes", "auth.permission", "sessions", "accounts.loginthrottle"]
SKIPPED_FILES = {"tipnet.sqlite3", "tipnet.sqlite3-wal", "tipnet.sqlite3-shm"}
SKIPPED_DIRS = {"static", "backups"}


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: int
    files: int

    def summary(self) -> str:
        return f"backup written to {self.path}: {self.rows} rows, {self.files} files"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _data_files(data_dir: Path, database_path: Path | None) -> list[Path]:
    files = []
    if not data_dir.exists():
        return files
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if not path.is_file() or relative.parts[0] in SKIPPED_DIRS:
            continue
        if path.name in SKIPPED_FILES or (database_path and path.resolve() == database_path):
            continue
        files.append(path)
    return files


def _dump_database() -> bytes:
    buffer = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=EXCLUDED_MODELS,
            stdout=buffer,
            indent=None,
        )
    return buffer.getvalue().encode()


def backup_create(*, output: Path) -> BackupSummary:
    data_dir = Path(settings.DATA_DIR)
    db_name = settings.DATABASES["default"]["NAME"]
    database_path = Path(db_name).resolve() if connection.vendor == "sqlite" else None
    dump = _dump_database()
    members: dict[str, bytes] = {"database.json": dump}
    for path in _data_files(data_dir, database_path):
        members["files/" + path.relative_to(data_dir).as_posix()] = path.read_bytes()
    migrations = sorted(f"{app}.{name}" for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"))
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_database": connection.vendor,
        "migrations": migrations,
        "members": {name: _sha256(data) for name, data in members.items()},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(output.name + ".partial")
    with tarfile.open(temporary, "w:gz") as archive:
        for name, data in [("manifest.json", json.dumps(manifest, indent=1).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(data))
    temporary.chmod(0o600)
    temporary.replace(output)
    return BackupSummary(output, rows=len(json.loads(dump)), files=len(members) - 1)


def _read_archive(path: Path) -> tuple[dict[str, object], dict[str, bytes]]:
    """Read and check every member. Any problem raises BackupError before anything changes."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    try:
        with tarfile.open(path, "r:gz") as archive:
            members: dict[str, bytes] = {}
            for info in archive.getmembers():
                if not info.isfile() or info.name.startswith("/") or ".." in Path(info.name).parts:
                    raise BackupError(f"unexpected entry {info.name!r} in the archive")
                handle = archive.extractfile(info)
                assert handle is not None
                members[info.name] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path} is not a readable tipnet backup ({error})") from error
    if "manifest.json" not in members:
        raise BackupError("the archive has no manifest.json: not a tipnet backup")
    try:
        manifest = json.loads(members.pop("manifest.json"))
    except ValueError as error:
        raise BackupError("manifest.json is damaged") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    expected = manifest.get("members", {})
    if set(expected) != set(members):
        raise BackupError("the archive's files do not match its manifest (missing or extra files)")
    for name, data in members.items():
        if _sha256(data) != expected[name]:
            raise BackupError(f"{name} is damaged (checksum mismatch)")
    return manifest, members


def _database_is_empty() -> bool:
    from tipnet.web.accounts.models import AuditEvent, Organisation, User

    return not (User.objects.exists() or Organisation.objects.exists() or AuditEvent.objects.exists())


def backup_restore(*, archive_path: Path) -> BackupSummary:
    """Restore onto a freshly migrated, empty installation."""
    manifest, members = _read_archive(archive_path)
    known = {f"{app}.{name}" for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")}
    unknown = sorted(set(manifest.get("migrations", [])) - known)
    if unknown:
        raise BackupError(
            "the backup comes from a newer tipnet (migrations unknown here: " + ", ".join(unknown[:5]) + "); upgrade first"
        )
    if not _database_is_empty():
        raise BackupError("the database is not empty; restore only onto a clean installation")
    data_dir = Path(settings.DATA_DIR)
    file_members = {name[len("files/"):]: data for name, data in members.items() if name.startswith("files/")}
    clashes = [name for name in file_members if (data_dir / name).exists() and (data_dir / name).read_bytes() != file_members[name]]
    with tempfile.TemporaryDirectory() as scratch:
        fixture = Path(scratch) / "database.json"
        fixture.write_bytes(members["database.json"])
        try:
            with transaction.atomic():
                call_command("loaddata", str(fixture), verbosity=0)
        except Exception as error:  # loaddata wraps many error types; report and keep nothing
            raise BackupError(f"the database rows could not be loaded: {error}") from error
    for name, data in file_members.items():
        target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name in clashes:
            shutil.copy2(target, target.with_name(target.name + ".before-restore"))
        target.write_bytes(data)
        target.chmod(0o600)
    return BackupSummary(archive_path, rows=len(json.loads(members["database.json"])), files=len(file_members))
