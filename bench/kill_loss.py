"""Nothing acknowledged is lost (issue 10, Reliability): crash the server while reporters write to it.

`tipnet serve` (gunicorn, 2 workers x 4 threads) runs on SQLite or PostgreSQL with a fresh data
folder set up by `tipnet demo --no-serve`, as a person would start it. Client threads submit
anonymous reports at /en/report/ (CSRF token from the form) and, for each report acknowledged with a
receipt, follow-up messages at /en/report/follow-up/. Meanwhile the whole server (gunicorn's master
and its workers: the process group) is killed with SIGKILL, restarted and waited for until /healthz
answers, `--kills` times; on PostgreSQL, PostgreSQL itself is restarted `--pg-restarts` times as well
(`pg_ctlcluster ... restart`, which this bench may do and the tests never do).

A report counts as acknowledged when the page that came back shows its receipt; a message counts as
acknowledged when the conversation page came back with "Sent". Every acknowledged receipt is then
opened again at /en/report/follow-up/ on a healthy server: the report text must be there exactly as
sent (lost: the receipt opens nothing; corrupted: the text differs), and every acknowledged message
must be there exactly once and exactly as sent. The texts carry non-ASCII and HTML-special characters
so that an encoding or escaping fault shows as corruption. `tipnet audit verify` runs at the end too.

Bounded: `--kills` kills, `--max-seconds` of load at most, a fixed number of client threads, loopback
only; the database and data folder are removed afterwards.

    uv run python bench/kill_loss.py --database sqlite
    uv run python bench/kill_loss.py --database postgres [--database-url postgres://postgres@127.0.0.1:5432/tipnet_reliability]
"""

from __future__ import annotations

import argparse
import collections
import html
import http.client
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

TIPNET = str(Path(sys.executable).parent / "tipnet")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt">([0-9 ]+)<')
REPORT_TEXT = re.compile(r'<p class="pre" id="report-text">(.*?)</p>', re.S)
MESSAGE = re.compile(r'<section class="message (reporter|staff)"><p class="who">.*?</p><p class="pre">(.*?)</p></section>', re.S)
# Characters that an encoding or escaping fault would change: Japanese, Vietnamese, an emoji, HTML.
SPICE = "日本語 Tiếng Việt 🙏 <b>&amp;</b> \"quoted\" 'single'"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def post_form(client: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> str:
    """GET the form for its CSRF token, then POST it; the page that came back, or an exception."""
    page = client.open(url, timeout=60).read().decode()
    token = TOKEN.search(page)
    if token is None:
        raise ValueError("no CSRF token on the form")
    fields = {**fields, "csrfmiddlewaretoken": token.group(1)}
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url})
    return client.open(request, timeout=60).read().decode()


def error_kind(error: BaseException) -> str:
    """A short, countable name for what a client saw."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    if isinstance(error, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
        return "connection dropped"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "timeout"
    return type(error).__name__


@dataclass
class Ledger:
    """What the server acknowledged, and what the clients saw go wrong."""

    reports: dict[str, str] = field(default_factory=dict)  # receipt -> text
    messages: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


def reporter(base: str, number: int, ledger: Ledger, stop: threading.Event, messages_per_report: int) -> None:
    """One client: a report, then follow-up messages to its receipt, again and again until told to stop."""
    index = 0
    while not stop.is_set():
        index += 1
        text = f"kill-loss report c{number} n{index}: {SPICE}\nworkers cannot leave the dormitory"
        with ledger.lock:
            ledger.attempts += 1
        try:
            page = post_form(opener(), f"{base}/en/report/", {
                "what_happened": text, "kind": "labour", "prefecture": "23", "victims": "2-5", "children": "no"})
        except Exception as error:  # noqa: BLE001 - every failure is counted, then the client goes on
            ledger.error("report: " + error_kind(error))
            time.sleep(0.5)  # the server is probably down: retry twice a second
            continue
        match = RECEIPT.search(page)
        if match is None:
            ledger.error("report: page without receipt")
            continue
        receipt = match.group(1)
        with ledger.lock:
            ledger.reports[receipt] = text
        for m in range(messages_per_report):
            if stop.is_set():
                break
            body = f"kill-loss message c{number} n{index} m{m}: {SPICE}"
            try:
                page = post_form(opener(), f"{base}/en/report/follow-up/", {"action": "reply", "receipt": receipt, "message": body})
            except Exception as error:  # noqa: BLE001
                ledger.error("message: " + error_kind(error))
                time.sleep(0.5)
                continue
            if 'id="sent"' in page:
                with ledger.lock:
                    ledger.messages[receipt].append(body)
            else:
                ledger.error("message: page without 'Sent'")


class Server:
    """`tipnet serve` in its own process group, so that SIGKILL reaches the master and every worker."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        started = time.perf_counter()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [TIPNET, "serve", "--port", str(self.port), "--workers", "2", "--threads", "4"],
                env=self.env, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"`tipnet serve` exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("`tipnet serve` did not answer /healthz within 120 s")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def pg_restart() -> float:
    started = time.perf_counter()
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                   capture_output=True, timeout=120)
    return time.perf_counter() - started


def check(base: str, receipt: str, text: str, messages: list[str]) -> tuple[str, list[str]]:
    """("ok" | "lost" | "corrupted" | "error: ...", problems) for one acknowledged receipt."""
    try:
        page = post_form(opener(), f"{base}/en/report/follow-up/", {"action": "open", "receipt": receipt})
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        if error.code == 400 and "follow-up-error" in body:
            return "lost", [f"{receipt}: the receipt opens nothing"]
        return f"error: HTTP {error.code}", [f"{receipt}: HTTP {error.code}"]
    except Exception as error:  # noqa: BLE001
        return f"error: {error_kind(error)}", [f"{receipt}: {error!r}"]
    problems = []
    shown = REPORT_TEXT.search(page)
    if shown is None or html.unescape(shown.group(1)) != text:
        problems.append(f"{receipt}: report text differs: {shown.group(1)[:80] if shown else None!r}")
    mine = collections.Counter(html.unescape(body) for author, body in MESSAGE.findall(page) if author == "reporter")
    for body in messages:
        if mine[body] != 1:
            problems.append(f"{receipt}: message {body[:40]!r} shown {mine[body]} times")
    lost_messages = any(mine[body] == 0 for body in messages)
    if problems:
        return ("lost message" if lost_messages and shown is not None else "corrupted"), problems
    return "ok", []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/tipnet_reliability")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--pg-restarts", type=int, default=3)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--messages", type=int, default=2, help="follow-up messages per acknowledged report")
    parser.add_argument("--uptime", type=float, nargs=2, default=(1.0, 4.0), help="seconds of load between kills (min max)")
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    data_dir = Path(tempfile.mkdtemp(prefix="tipnet-kill-loss-"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "TIPNET_PEPPER", "TIPNET_ALLOWED_HOSTS", "DATABASE_URL")}
    env |= {"TIPNET_DATA_DIR": str(data_dir), "TIPNET_MODE": "demo",
            "TIPNET_RATE_LIMITS": json.dumps({"submit_site_per_minute": 100000, "submit_client_per_hour": 100000,
                                              "receipt_site_per_minute": 100000, "receipt_client_per_hour": 100000})}
    admin_url = name = None
    if args.database == "postgres":
        import psycopg

        admin_url, name = args.database_url.rsplit("/", 1)[0] + "/postgres", args.database_url.rsplit("/", 1)[1]
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = args.database_url
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = Server(env, port, data_dir / "serve.log")
    ledger = Ledger()
    stop = threading.Event()
    restarts: list[float] = []
    pg_restarts: list[float] = []
    kills = 0
    try:
        subprocess.run([TIPNET, "demo", "--no-serve"], env=env, check=True, capture_output=True, timeout=600)
        server.start()
        clients = [threading.Thread(target=reporter, args=(base, n, ledger, stop, args.messages), daemon=True)
                   for n in range(args.clients)]
        started = time.perf_counter()
        for thread in clients:
            thread.start()
        pg_at = {round((i + 1) * args.kills / (args.pg_restarts + 1)) for i in range(args.pg_restarts)} \
            if args.database == "postgres" else set()
        while kills < args.kills and time.perf_counter() - started < args.max_seconds:
            time.sleep(rng.uniform(*args.uptime))
            if kills in pg_at:
                pg_at.discard(kills)
                pg_restarts.append(pg_restart())  # under load, the app server still running
                time.sleep(rng.uniform(*args.uptime))
            server.kill()
            kills += 1
            restarts.append(server.start())
            print(f"kill {kills}: {len(ledger.reports)} reports, {sum(map(len, ledger.messages.values()))} messages "
                  f"acknowledged; back in {restarts[-1]:.1f} s", file=sys.stderr, flush=True)
        time.sleep(args.uptime[0])
        stop.set()
        for thread in clients:
            thread.join(timeout=130)
        load_seconds = time.perf_counter() - started

        # Every acknowledged receipt, opened again on a healthy server.
        verify_started = time.perf_counter()
        with ledger.lock:
            reports = dict(ledger.reports)
            messages = {k: list(v) for k, v in ledger.messages.items()}
        with ThreadPoolExecutor(max_workers=4) as pool:
            outcomes = list(pool.map(lambda r: check(base, r, reports[r], messages.get(r, [])), reports))
        verdicts = collections.Counter(verdict for verdict, _ in outcomes)
        problems = [p for _, ps in outcomes for p in ps]
        audit = subprocess.run([TIPNET, "audit", "verify"], env=env, capture_output=True, text=True, timeout=600)
        log_text = server.log.read_text(errors="replace")
        print(json.dumps({
            "database": args.database,
            "kills": kills, "pg_restarts": len(pg_restarts),
            "clients": args.clients, "load_seconds": round(load_seconds, 1),
            "verify_seconds": round(time.perf_counter() - verify_started, 1),
            "report_attempts_incl_refused": ledger.attempts,
            "acknowledged_reports": len(reports),
            "acknowledged_messages": sum(map(len, messages.values())),
            "verdicts": dict(verdicts),
            "lost_reports": verdicts["lost"],
            "corrupted": verdicts["corrupted"],
            "lost_messages": verdicts["lost message"],
            "problems": problems[:20],
            "client_errors": dict(ledger.errors.most_common()),
            "restart_seconds": {"median": round(sorted(restarts)[len(restarts) // 2], 2) if restarts else None,
                                "max": round(max(restarts), 2) if restarts else None},
            "pg_restart_seconds": [round(s, 1) for s in pg_restarts],
            "server_log": {"tracebacks": log_text.count("Traceback"), "lines": len(log_text.splitlines())},
            "audit_verify": {"exit": audit.returncode, "summary": (audit.stdout + audit.stderr).strip()[-300:]},
        }, indent=2, ensure_ascii=False))
        if problems or audit.returncode:
            shutil.copy(server.log, f"/tmp/kill_loss_{args.database}_serve.log")
            print(f"server log kept in /tmp/kill_loss_{args.database}_serve.log", file=sys.stderr)
    finally:
        stop.set()
        server.stop()
        if admin_url is not None:
            import psycopg

            for _ in range(30):
                try:
                    with psycopg.connect(admin_url, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    break
                except psycopg.OperationalError:
                    time.sleep(1)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
