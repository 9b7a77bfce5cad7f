"""`tipnet serve` as a real process: it refuses a public address without TIPNET_MODE (issue 10,
finding 19), and gunicorn's log names no client address (finding 12)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from tests.support import tipnet_executable


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"TIPNET_MODE", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "TIPNET_PEPPER", "DATABASE_URL"}}
    env.update(TIPNET_DATA_DIR=str(data_dir), **extra)
    return env


def test_serve_refuses_a_public_address_without_a_mode(tmp_path: Path) -> None:
    result = subprocess.run([tipnet_executable(), "serve", "--host", "0.0.0.0", "--port", "8999"],
                            env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "TIPNET_MODE=production" in result.stderr and "demo mode" in result.stderr
    assert not (tmp_path / "demo-secret-key").exists()  # refused before anything was set up


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_log_names_no_client_address(tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen([tipnet_executable(), "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", "1", "--threads", "1"],
                              env=_env(tmp_path / "data"), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, Path(log.name).read_text()
                time.sleep(0.3)
        with connection:
            connection.sendall(b"GARBAGE \x01\x02 NOT-HTTP\r\n\r\n")
            answer = connection.recv(1000)
        assert answer.startswith(b"HTTP/1.1 400")
        time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = Path(log.name).read_text()
    assert "Invalid request" in text, text  # the event is still logged...
    assert "127.0.0.1" not in text and "ip=[address removed]" in text, text  # ...without the address
