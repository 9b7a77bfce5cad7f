"""`tipnet audit head` and `tipnet audit verify --head/--head-file/--record`, run as processes on a
real demo installation (SQLite, or PostgreSQL when DATABASE_URL says so), attacked as someone with
the database's rights but not TIPNET_AUDIT_KEY (issue 10, finding 7)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_web_cli import fresh_database, run  # noqa: F401  (fixture)
from tests.web.test_config import GOOD_AUDIT_KEY, GOOD_PEPPER, GOOD_SECRET
from tipnet.core.audit import canonical, entry_hash, parse_head


class Database:
    """Direct access to the installation's database, as an attacker with its rights has."""

    def __init__(self, env: dict[str, str]) -> None:
        self.url = env.get("DATABASE_URL")
        self.path = Path(env["TIPNET_DATA_DIR"]) / "tipnet.sqlite3"

    def execute(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        if self.url:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                cursor = conn.execute(sql, params or [])  # type: ignore[arg-type]
                return cursor.fetchall() if cursor.description else []
        conn = sqlite3.connect(self.path)
        try:
            cursor = conn.execute(sql.replace("%s", "?"), params or [])
            rows = cursor.fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()

    def triggers_off(self) -> None:
        if self.url:
            self.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")
        else:
            self.execute("DROP TRIGGER tipnet_audit_no_update")
            self.execute("DROP TRIGGER tipnet_audit_no_delete")

    def forge_append(self) -> int:
        """Append an entry with its SHA-256 hash recomputed as the code does, and a "MAC" made
        with plain SHA-256, since the key is not in the database."""
        sequence, previous_hash, previous_mac = self.execute(
            "SELECT sequence, hash, mac FROM accounts_auditevent ORDER BY sequence DESC LIMIT 1"
        )[0]
        at = datetime.now(UTC).replace(microsecond=0)
        content = {
            "sequence": sequence + 1, "at": at.isoformat(), "action": "record.read", "actor_id": None,
            "actor_name": "", "organisation_id": None, "target_type": "report", "target_id": "r-9",
            "recipient_organisation_id": None, "details": {},
        }
        digest = entry_hash(previous_hash, content)
        fake_mac = hashlib.sha256(f"{previous_mac}\n".encode() + canonical(content)).hexdigest()
        self.execute(
            "INSERT INTO accounts_auditevent (sequence, at, action, actor_name, target_type, target_id,"
            " details, previous_hash, hash, mac) VALUES (%s, %s, %s, '', 'report', 'r-9', %s, %s, %s, %s)",
            [sequence + 1, at if self.url else at.strftime("%Y-%m-%d %H:%M:%S"), "record.read", "{}",
             previous_hash, digest, fake_mac],
        )
        return sequence + 1


@pytest.fixture
def installation(tmp_path: Path, fresh_database):  # type: ignore[no-untyped-def]  # noqa: F811
    env = fresh_database(tmp_path / "data")
    env.pop("TIPNET_AUDIT_KEY", None)
    assert run(env, "demo", "--no-serve").returncode == 0
    return env


def head_of(env: dict[str, str]) -> str:
    result = run(env, "audit", "head")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert "\n" not in line
    parse_head(line)  # one line that reads back as a head
    return line


def test_intact_chain_head_and_heads_file(installation, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = head_of(installation)
    sequence, rest = head.split(":", 1)
    mac, at = rest.split(" ")
    assert int(sequence) > 0 and len(mac) == 64 and datetime.fromisoformat(at).tzinfo is not None
    ok = run(installation, "audit", "verify", "--head", f"{sequence}:{mac}")
    assert ok.returncode == 0 and "1 kept head(s) matched" in ok.stdout and f"head: {head}" in ok.stdout

    heads = tmp_path / "kept" / "audit-heads"
    first = run(installation, "audit", "verify", "--head-file", str(heads), "--record")
    assert first.returncode == 0, first.stderr
    assert heads.read_text() == head + "\n" and heads.stat().st_mode & 0o077 == 0
    assert run(installation, "audit", "verify", "--head-file", str(heads), "--record").returncode == 0
    assert heads.read_text() == head + "\n"  # unchanged head: not appended twice
    made = run(installation, "createadmin", "root2", "--password-file", "-", stdin="a much longer passphrase 42\n")
    assert made.returncode == 0, made.stderr  # audited: the chain grows
    again = run(installation, "audit", "verify", "--head-file", str(heads), "--record")
    assert again.returncode == 0 and "1 kept head(s) matched" in again.stdout
    lines = heads.read_text().splitlines()
    assert len(lines) == 2 and lines[0] == head and int(lines[1].split(":")[0]) > int(sequence)
    assert "2 kept head(s) matched" in run(installation, "audit", "verify", "--head-file", str(heads)).stdout


def test_forged_append_is_found_without_a_kept_head(installation) -> None:  # type: ignore[no-untyped-def]
    """The finding: the old `tipnet audit verify` said intact here."""
    database = Database(installation)
    database.triggers_off()
    sequence = database.forge_append()
    result = run(installation, "audit", "verify")
    assert result.returncode == 1
    assert f"BROKEN at entry {sequence}: MAC does not match" in result.stdout
    assert run(installation, "audit", "head").returncode == 1  # no head is handed out for a forged log


def test_truncation_below_a_kept_head_is_found(installation) -> None:  # type: ignore[no-untyped-def]
    head = head_of(installation)
    sequence = int(head.split(":")[0])
    database = Database(installation)
    database.triggers_off()
    database.execute("DELETE FROM accounts_auditevent WHERE sequence >= %s", [sequence - 1])
    result = run(installation, "audit", "verify", "--head", head.split(" ")[0])
    assert result.returncode == 1
    assert f"truncated: the kept head {sequence} is missing" in result.stdout


def test_rechained_tail_and_changed_entry_are_found(installation, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    heads = tmp_path / "heads"
    assert run(installation, "audit", "verify", "--head-file", str(heads), "--record").returncode == 0
    sequence = int(heads.read_text().split(":")[0])
    database = Database(installation)
    database.triggers_off()
    database.execute("DELETE FROM accounts_auditevent WHERE sequence = %s", [sequence])
    database.forge_append()  # a different entry in the cut one's place
    result = run(installation, "audit", "verify", "--head-file", str(heads))
    assert result.returncode == 1 and f"BROKEN at entry {sequence}" in result.stdout

    database.execute("UPDATE accounts_auditevent SET target_id = 'x' WHERE sequence = 2")
    result = run(installation, "audit", "verify")
    assert result.returncode == 1 and "BROKEN at entry 2" in result.stdout


def test_wrong_key_is_reported(installation) -> None:  # type: ignore[no-untyped-def]
    env = {**installation, "TIPNET_AUDIT_KEY": "another installation's key, long enough"}
    result = run(env, "audit", "verify")
    assert result.returncode == 1
    assert "BROKEN at entry 1" in result.stdout and "wrong TIPNET_AUDIT_KEY" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--head", "12"], "malformed kept head"),
        (["--head", "12:XYZ"], "64 lower-case hex digits"),
        (["--head", "-1:" + "a" * 64], "malformed kept head"),
        (["--head", "3:" + "a" * 64 + " yesterday"], "not an ISO 8601 time"),
        (["--head-file", "MISSING"], "does not exist"),
        (["--record"], "--record needs --head-file"),
    ],
)
def test_bad_input_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TIPNET_DATA_DIR=str(tmp_path / "data"), TIPNET_MODE="demo")
    args = [str(tmp_path / "missing") if arg == "MISSING" else arg for arg in args]
    result = run(env, "audit", "verify", *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_malformed_line_in_heads_file_exits_2_and_names_it(tmp_path: Path) -> None:
    heads = tmp_path / "heads"
    heads.write_text("# kept by cron\n4:" + "a" * 64 + "\n\nnot a head\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TIPNET_DATA_DIR=str(tmp_path / "data"), TIPNET_MODE="demo")
    result = run(env, "audit", "verify", "--head-file", str(heads), "--record")
    assert result.returncode == 2 and "line 4" in result.stderr
    assert heads.read_text().count("\n") == 4  # nothing recorded


MIGRATE_FROM_0004 = """
import django
django.setup()
import json, sys
from datetime import UTC, datetime
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from tipnet.core.audit import GENESIS, entry_hash

call_command("migrate", "accounts", "0004_organisation_keys", verbosity=0)
state = MigrationExecutor(connection).loader.project_state(("accounts", "0004_organisation_keys"))
Old = state.apps.get_model("accounts", "AuditEvent")
previous = GENESIS
for sequence in (1, 2, 3):
    at = datetime(2026, 1, 2, 3, 4, sequence, tzinfo=UTC)
    content = {"sequence": sequence, "at": at.isoformat(), "action": "login", "actor_id": 7,
               "actor_name": "hanako", "organisation_id": None, "target_type": "", "target_id": "",
               "recipient_organisation_id": None, "details": {"n": sequence}}
    digest = entry_hash(previous, content)
    Old.objects.create(sequence=sequence, at=at, action="login", actor_id=7, actor_name="hanako",
                       details={"n": sequence}, previous_hash=previous, hash=digest)
    previous = digest
call_command("migrate", verbosity=0)
"""


def test_migration_gives_existing_entries_macs_under_the_trigger(tmp_path: Path, fresh_database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """An installation with entries from before the MAC: the migration MACs them with the
    configured key (the append-only trigger stays), and the chain then verifies and grows."""
    env = fresh_database(tmp_path / "data")
    env["DJANGO_SETTINGS_MODULE"] = "tipnet.web.settings"
    made = subprocess.run([sys.executable, "-c", MIGRATE_FROM_0004], env=env, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    result = run(env, "audit", "verify")
    assert result.returncode == 0 and "3 entries verified" in result.stdout, result.stdout
    database = Database(env)
    assert all(mac and len(mac) == 64 for (mac,) in database.execute("SELECT mac FROM accounts_auditevent"))
    with pytest.raises(Exception, match="append-only"):
        database.execute("UPDATE accounts_auditevent SET mac = NULL WHERE sequence = 1")
    with pytest.raises(Exception, match="append-only"):
        database.execute("DELETE FROM accounts_auditevent WHERE sequence = 3")
    # The key is the one in force: the same rows under another key do not verify.
    other = run({**env, "TIPNET_AUDIT_KEY": "x" * 40}, "audit", "verify")
    assert other.returncode == 1 and "BROKEN at entry 1" in other.stdout
    assert head_of(env).startswith("3:")


def test_production_backup_leaves_the_key_out_and_restore_needs_it(tmp_path: Path) -> None:
    """In production the key comes only from the environment, so no backup holds it; a restore
    verifies with the key in force, and another key reports the chain as broken (exit 1)."""
    import tarfile

    key = GOOD_AUDIT_KEY

    def production(data_dir: Path, audit_key: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            TIPNET_MODE="production", TIPNET_DATA_DIR=str(data_dir), TIPNET_ALLOW_SQLITE="1",
            SECRET_KEY=GOOD_SECRET, TIPNET_PEPPER=GOOD_PEPPER, TIPNET_AUDIT_KEY=audit_key,
            TIPNET_ALLOWED_HOSTS="tipnet.example.org",
        )
        return env

    source = production(tmp_path / "source", key)
    assert run(source, "migrate").returncode == 0
    made = run(source, "createadmin", "root", "--password-file", "-", stdin="a much longer passphrase 42\n")
    assert made.returncode == 0, made.stderr
    head = head_of(source)
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).returncode == 0
    with tarfile.open(archive) as backup:
        names = backup.getnames()
        blob = b"".join(backup.extractfile(name).read() for name in names)  # type: ignore[union-attr]
    assert key.encode() not in blob and not any("audit-key" in name for name in names)

    restored = run(production(tmp_path / "target", key), "restore", str(archive))
    assert restored.returncode == 0 and "audit chain intact" in restored.stdout, restored.stdout + restored.stderr
    assert run(production(tmp_path / "target", key), "audit", "verify", "--head", head).returncode == 0
    wrong = run(production(tmp_path / "third", "Vb8Qm3Xr6Tn1Kp9Wd4Lz7Hs2Jf5Gc0Ya"), "restore", str(archive))
    assert wrong.returncode == 1 and "wrong TIPNET_AUDIT_KEY" in wrong.stdout


def test_demo_backup_carries_the_demo_key_and_restores_intact(tmp_path: Path, fresh_database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Demo mode backs the data folder up as it is, demo-audit-key included (like demo-pepper),
    so a restore onto a fresh demo folder verifies with the restored key."""
    import tarfile

    source = fresh_database(tmp_path / "source")
    assert run(source, "demo", "--no-serve").returncode == 0
    head = head_of(source)
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).returncode == 0
    with tarfile.open(archive) as backup:
        assert "files/demo-audit-key" in backup.getnames()
    target = fresh_database(tmp_path / "target")
    restored = run(target, "restore", str(archive))
    assert restored.returncode == 0 and "audit chain intact" in restored.stdout, restored.stdout
    assert (tmp_path / "target" / "demo-audit-key").read_text() == (tmp_path / "source" / "demo-audit-key").read_text()
    assert run(target, "audit", "verify", "--head", head).returncode == 0


def test_rekey_rotates_without_rewriting_and_refuses_bad_input(installation, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old_head = head_of(installation)
    new_key = "the-new-audit-key-" + "r" * 30
    (tmp_path / "new-key").write_text(new_key + "\n")
    short = run(installation, "audit", "rekey", "--new-key-file", "-", stdin="short\n")
    assert short.returncode == 2 and "at least 32" in short.stderr
    same = run(installation, "audit", "rekey", "--new-key-file", str(Path(installation["TIPNET_DATA_DIR"]) / "demo-audit-key"))
    assert same.returncode == 2 and "in use" in same.stderr
    rotated = run(installation, "audit", "rekey", "--new-key-file", str(tmp_path / "new-key"))
    assert rotated.returncode == 0, rotated.stderr
    assert "audit key rotated at entry" in rotated.stdout
    with_new = {**installation, "TIPNET_AUDIT_KEY": new_key}
    result = run(with_new, "audit", "verify", "--head", old_head)  # heads kept before still match
    assert result.returncode == 0 and "key rotated at entry" in result.stdout, result.stdout
    assert run(installation, "audit", "verify").returncode == 1  # the old key no longer fits the end


def test_rekey_refuses_a_broken_chain(installation, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = Database(installation)
    database.triggers_off()
    database.forge_append()
    (tmp_path / "new-key").write_text("the-new-audit-key-" + "r" * 30)
    result = run(installation, "audit", "rekey", "--new-key-file", str(tmp_path / "new-key"))
    assert result.returncode == 1 and "not re-keyed" in result.stdout
    assert not database.execute("SELECT 1 FROM accounts_auditevent WHERE action = 'audit.key_rotated'")
