"""Anonymous reports and sign-ins while a 1,000-replicate estimate runs in the task worker (issue 10,
finding 3), against `tipnet serve` on SQLite (the embedded database, where one writer locks all).

Before the task queue the estimate ran inside the request's write transaction: reports and sign-ins
failed with HTTP 500 for 20 s and more. Here `tipnet serve` starts its worker; a simulated table
(7 lists by default) with 1,000 replicates is queued for the demo researcher; while it runs, a steady stream of report submissions (GET form + POST) and sign-ins
(password step: a session and an audit row written) goes over HTTP. First the same load for
``--baseline`` seconds without an estimate, for comparison. Errors (anything but 200/302, or a
report without a receipt) and latencies are printed as JSON.

    cd bench && uv run python estimate_worker_load.py [--rate 2] [--baseline 20] [--max-seconds 240] [--lists 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from report_load import TIPNET, client, free_port, post_form, submit_one

QUEUE = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "tipnet.web.settings"
django.setup()
from tipnet.core.estimation import simulate_table
from tipnet.web.accounts.models import User
from tipnet.web.research.selectors import RESEARCH_ROLES
from tipnet.web.accounts.access import organisations_where
from tipnet.web.research.services import estimate_run_create
user = User.objects.get(username="researcher")
k = int(sys.argv[1])
table = simulate_table(4000, [0.12 + 0.04 * (i % 5) for i in range(k)], interactions={(0, 1): 0.8, (1, 2): -0.5, (k - 2, k - 1): 0.6},
                       heterogeneity=0.8, seed=0).table
run = estimate_run_create(actor=user, organisation=organisations_where(user, *RESEARCH_ROLES)[0], title=f"bench: {k} lists",
                          table_csv=table.to_csv(), method="stepwise", nboot=1000, seed=1)
print(run.pk)
"""


def sign_in(base: str, index: int) -> tuple[float, str | None, str]:
    started = time.perf_counter()
    try:
        post_form(client(), f"{base}/en/staff/sign-in/", {"username": "operator", "password": "demo-password-2026"})
        return time.perf_counter() - started, "ok", ""
    except Exception as error:  # noqa: BLE001 - every failure counts as an error in the figures
        return time.perf_counter() - started, None, repr(error)


def load(base: str, rate: float, keep_going, limit: float) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    """Alternate a report and a sign-in at ``rate`` a second while ``keep_going()`` and < limit s."""
    futures: dict[str, list] = {"report": [], "sign_in": []}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        index = 0
        while keep_going() and time.perf_counter() - started < limit:
            kind = "report" if index % 2 == 0 else "sign_in"
            futures[kind].append(pool.submit(submit_one if kind == "report" else sign_in, base, index))
            index += 1
            time.sleep(max(0.0, started + index / rate - time.perf_counter()))
    elapsed = time.perf_counter() - started
    out: dict[str, dict[str, object]] = {}
    for kind, items in futures.items():
        results = [f.result() for f in items]
        latencies = sorted(t for t, _, _ in results)
        errors = [e for _, ok, e in results if not ok]
        out[kind] = {
            "sent": len(results), "errors": len(errors), "first_errors": errors[:3],
            "median_s": round(statistics.median(latencies), 3) if latencies else None,
            "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3) if latencies else None,
            "max_s": round(latencies[-1], 3) if latencies else None,
        }
    out["seconds"] = {"load": round(elapsed, 1)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=2.0, help="requests a second (reports and sign-ins alternate)")
    parser.add_argument("--baseline", type=float, default=20.0)
    parser.add_argument("--max-seconds", type=float, default=240.0)
    parser.add_argument("--lists", type=int, default=7, help="lists in the simulated table (7: 127 cells, 1,127 fits)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="tipnet-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TIPNET_DATA_DIR=str(data_dir), TIPNET_MODE="demo", TIPNET_RATE_LIMITS=json.dumps({
        "submit_site_per_minute": 100000, "submit_client_per_hour": 100000,
        "receipt_site_per_minute": 100000, "receipt_client_per_hour": 100000,
    }))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        subprocess.run([TIPNET, "demo", "--no-serve"], env=env, check=True, capture_output=True)
        server = subprocess.Popen([TIPNET, "serve", "--port", str(port), "--workers", "2", "--threads", "4"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        up = time.perf_counter()
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                if time.perf_counter() - up > 300:
                    raise SystemExit("tipnet serve did not answer within 300 s") from None
                time.sleep(0.2)
        baseline = load(base, args.rate, lambda: True, args.baseline)

        queued = subprocess.run([sys.executable, "-c", QUEUE, str(args.lists)], env=env, check=True, capture_output=True, text=True)
        run_id = int(queued.stdout.strip())
        db = sqlite3.connect(data_dir / "tipnet.sqlite3", timeout=5)

        def state() -> str:
            return db.execute("SELECT state FROM research_estimaterun WHERE id = ?", (run_id,)).fetchone()[0]

        waited = time.perf_counter()
        while state() == "queued" and time.perf_counter() - waited < 30:
            time.sleep(0.1)
        during = load(base, args.rate, lambda: state() == "running", args.max_seconds)
        final, seconds, done, total = db.execute(
            "SELECT state, seconds, progress_done, progress_total FROM research_estimaterun WHERE id = ?", (run_id,)
        ).fetchone()
        print(json.dumps({
            "database": "sqlite (WAL)", "server": "tipnet serve --workers 2 --threads 4, its task worker",
            "rate_per_s": args.rate, "baseline_no_estimate": baseline,
            "during_estimate": during,
            "estimate": {"lists": args.lists, "replicates": 1000, "state": final, "worker_seconds": round(seconds, 1),
                         "fits": f"{done}/{total}"},
        }, indent=2))
    finally:
        if server:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
