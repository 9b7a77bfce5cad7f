"""Load benchmark for the anonymous reporting line (issue 3), against `tipnet serve` on PostgreSQL.

1. Submissions: a steady 4 reports a second for 60 s from a load generator on this machine
   (loopback only), each a real GET of the form (CSRF token) then a POST; errors counted; then
   every acknowledged receipt is opened again to prove nothing was lost.
2. The report form page (a fresh CSRF token each time, never cached): wrk for 20 s; requests a
   second and p95 latency.

Rate limits stay on; they are raised for the run through TIPNET_RATE_LIMITS. The run is bounded in
count and time and stops by itself.

    uv run python bench/report_load.py [--seconds 60] [--rate 4] [--database-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

TIPNET = str(Path(sys.executable).parent / "tipnet")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt">([0-9 ]+)<')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def post_form(opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> str:
    page = opener.open(url, timeout=60).read().decode()
    fields = {**fields, "csrfmiddlewaretoken": TOKEN.search(page).group(1)}  # type: ignore[union-attr]
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url})
    return opener.open(request, timeout=60).read().decode()


def submit_one(base: str, index: int) -> tuple[float, str | None, str]:
    started = time.perf_counter()
    try:
        body = post_form(client(), f"{base}/ja/report/", {
            "what_happened": f"bench report {index}: workers cannot leave the dormitory", "kind": "labour",
            "prefecture": "23", "victims": "2-5", "children": "no",
        })
        match = RECEIPT.search(body)
        return time.perf_counter() - started, match.group(1) if match else None, "" if match else "no receipt"
    except Exception as error:  # noqa: BLE001 - every failure counts as an error in the figures
        return time.perf_counter() - started, None, repr(error)


def opens(base: str, receipt: str) -> bool:
    body = post_form(client(), f"{base}/ja/report/follow-up/", {"action": "open", "receipt": receipt})
    return "bench report" in body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rate", type=float, default=4.0)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--wrk-seconds", type=int, default=20)
    args = parser.parse_args()

    name = f"tipnet_bench_{secrets.token_hex(4)}"
    admin_url = args.database_url
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    data_dir = Path(tempfile.mkdtemp(prefix="tipnet-bench-"))
    env = {**os.environ, "TIPNET_DATA_DIR": str(data_dir), "TIPNET_MODE": "demo",
           "DATABASE_URL": admin_url.rsplit("/", 1)[0] + "/" + name,
           "TIPNET_RATE_LIMITS": json.dumps({"submit_site_per_minute": 100000, "submit_client_per_hour": 100000,
                                             "receipt_site_per_minute": 100000, "receipt_client_per_hour": 100000})}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        subprocess.run([TIPNET, "demo", "--no-serve"], env=env, check=True, capture_output=True)
        server = subprocess.Popen([TIPNET, "serve", "--port", str(port), "--workers", "2", "--threads", "4"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)

        # Phase 1: steady submissions.
        total = int(args.seconds * args.rate)
        results: list[tuple[float, str | None, str]] = []
        lock = threading.Lock()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=16) as pool:
            futures = []
            for index in range(total):
                delay = started + index / args.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(submit_one, base, index))
            for future in futures:
                with lock:
                    results.append(future.result())
        elapsed = time.perf_counter() - started
        receipts = [r for _, r, _ in results if r]
        errors = [e for _, r, e in results if not r]
        lost = sum(1 for receipt in receipts if not opens(base, receipt))
        latencies = sorted(t for t, _, _ in results)
        p95_submit = latencies[int(0.95 * (len(latencies) - 1))]

        # Phase 2: the form page under wrk.
        wrk = shutil.which("wrk")
        page = {}
        if wrk:
            script = data_dir / "p95.lua"
            script.write_text('done = function(s, latency, r) io.write(string.format("P95_MS %.1f\\nRPS %.1f\\nERR %d\\n", '
                              'latency:percentile(95) / 1000, s.requests / (s.duration / 1e6), '
                              's.errors.connect + s.errors.read + s.errors.write + s.errors.status + s.errors.timeout)) end')
            out = subprocess.run([wrk, "-t2", "-c16", f"-d{args.wrk_seconds}s", "-s", str(script), f"{base}/ja/report/"],
                                 capture_output=True, text=True, timeout=args.wrk_seconds + 60).stdout
            page = {k: float(v) for k, v in re.findall(r"^(P95_MS|RPS|ERR) ([0-9.]+)$", out, re.M)}
        print(json.dumps({
            "submissions": {"target_per_s": args.rate, "seconds": round(elapsed, 1), "sent": total,
                            "acknowledged": len(receipts), "errors": len(errors), "lost": lost,
                            "achieved_per_s": round(len(receipts) / elapsed, 2),
                            "median_s": round(statistics.median(latencies), 3), "p95_s": round(p95_submit, 3),
                            "first_errors": errors[:3]},
            "form_page": page,
            "argon2id": {"memory_mib": 64, "passes": 3, "per_submission": 1},
        }, indent=2))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
