"""A reporter presses Send while the database is down: `tipnet serve` answers 503 with Retry-After,
in her language, saying nothing was saved (not a bare 500). Over HTTP, against a PostgreSQL
server this test creates and stops itself (never the shared one)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import _free_port, _wait_until_healthy
from tests.support import required, tipnet_executable


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def private_postgres() -> Iterator[tuple[str, Path, list[str]]]:
    """A fresh PostgreSQL cluster on a free port: (DATABASE_URL, data folder, pg_ctl command)."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries or (os.geteuid() == 0 and not shutil.which("runuser")):
        required("postgres", "this test starts its own PostgreSQL server: install postgresql (initdb, pg_ctl)")
    bin_dir = Path(binaries[-1])
    # In /tmp itself: the postgres user must reach the folder, and CI's TMPDIR is private to root.
    root = Path(tempfile.mkdtemp(prefix="tipnet-pg-down-", dir="/tmp"))
    os.chmod(root, 0o777)
    data = root / "data"
    port = _free_port()
    pg_ctl = _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-w"])
    try:
        subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]),
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*pg_ctl, "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "-l", str(root / "pg.log"),
                        "start"], check=True, capture_output=True, timeout=60)
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE tipnet")
        yield f"postgres://postgres@127.0.0.1:{port}/tipnet", root, pg_ctl
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def test_send_while_the_database_is_down_gives_503_in_her_language(private_postgres) -> None:  # type: ignore[no-untyped-def]
    database_url, root, pg_ctl = private_postgres
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "TIPNET_PEPPER", "TIPNET_ALLOWED_HOSTS")}
    env.update({"TIPNET_DATA_DIR": str(root / "app"), "TIPNET_MODE": "demo", "DATABASE_URL": database_url})
    tipnet = tipnet_executable()
    setup = subprocess.run([tipnet, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    port = _free_port()
    log = root / "serve.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen([tipnet, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
                                  env=env, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, server, log)
        with urllib.request.urlopen(base + "/vi/report/", timeout=20) as page:
            cookie = page.headers["Set-Cookie"].split(";", 1)[0]
            html = page.read().decode()
        fields = {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
                  for name in ("csrfmiddlewaretoken", "once")}
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], check=True, capture_output=True, timeout=60)

        body = urllib.parse.urlencode({**fields, "what_happened": "sent while the database is down", "kind": "labour"})
        request = urllib.request.Request(base + "/vi/report/", data=body.encode(), method="POST", headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "Referer": base + "/vi/report/"})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=60)
        error = answer.value
        page_text = error.read().decode()
        assert error.code == 503, (error.code, page_text[:300], log.read_text()[-2000:])
        assert error.headers["Retry-After"].isdigit()
        assert '<html lang="vi">' in page_text and 'id="error-saved"' in page_text and "110" in page_text
    finally:
        server.terminate()
        server.wait(timeout=30)
