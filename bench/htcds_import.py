"""Import of HTCDS rows as cases on PostgreSQL, then their export (issue 13: import <= 60 s for 100,000).

Creates a throw-away database on ``--server`` (trust auth), migrates it, makes one organisation with
a keyed caseworker and case supervisor, writes ``--rows`` HTCDS CSV rows (names, birth dates,
citizenships, means of control...), then times, through the same service as the page and the CLI:

1. validation (the worker's first step: read, map, validate every row);
2. the import (confirm: keyed record identity, sealing, blind-index tokens, one transaction);
3. a second import of the same file (every row recognised, nothing added);
4. the export of every case as HTCDS CSV (decrypt, map, write, record the disclosure);
5. the same export as the page runs it: queued by a request, written and sealed by the worker,
   downloaded once by a second request (the two request times are what a person waits for).

    uv run python bench/htcds_import.py [--rows 100000] [--server postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import time

from _throwaway import in_throwaway_database

FIRST = ["Lan", "Mai", "Thuong", "Maria", "Jose", "Budi", "Siti", "Somchai", "Aung", "Li", "Wei", "Ana", "Hoa", "Minh"]
LAST = ["Nguyen", "Tran", "Le", "Santos", "Cruz", "Santoso", "Wang", "Zhang", "Reyes", "Pham", "Hoang", "Lim"]


def rows_csv(n: int, seed: int = 1) -> bytes:
    from tipnet.core.standard import HTCDS
    from tipnet.core.standard.interchange import write_records_csv

    rng = random.Random(seed)
    means = HTCDS["vic_MethodsOfControl"].values
    kinds = HTCDS["vic_TypeOfExploitation"].values
    records = []
    for i in range(n):
        records.append((f"SRC-{i:07d}", {
            "prs_FirstName": rng.choice(FIRST), "prs_SecondName": rng.choice(LAST),
            "prs_Gender": rng.choice(HTCDS["prs_Gender"].values),
            "prs_Birthdate": f"{rng.randint(1960, 2008)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "prs_Citizenship": rng.sample(["VN", "PH", "TH", "ID", "CN", "NP", "MM"], k=rng.randint(1, 2)),
            "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
            "vic_MethodsOfControl": rng.sample(means, k=rng.randint(0, 4)),
            "vic_TypeOfExploitation": rng.sample(kinds, k=rng.randint(1, 2)),
            "vic_ForcedLabourIndustry": "C_Manufacturing",
            "cas_Status": "Active", "con_Consent": True,
            "prs_MobilePhone": f"+8180{i:08d}",
            "cco_CaseComment": "Met at the consultation desk; wants to go home.",
        }))
    out = io.StringIO()
    write_records_csv(records, out)
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--label", default="interchange", help="part of the throw-away database's name")
    args = parser.parse_args()

    in_throwaway_database(args.server, args.label, lambda: run(args))


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (read from /proc: only when
    the server runs on this machine; 0 otherwise). The process's own CPU time leaves it out."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from tipnet.web.accounts.keys import keyring_create_for, keyring_unlock
    from tipnet.web.accounts.models import Membership, Organisation, User
    from tipnet.web.cases.models import Case, CaseToken
    from tipnet.web.interchange import services

    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(name="Bench NGO", type="ngo")
    users = {}
    for username, role in (("cw", "caseworker"), ("sup", "case_supervisor")):
        user = User.objects.create(username=username)
        Membership.objects.create(user=user, organisation=organisation, role=role)
        keyring_create_for(user, password="bench password 1")
        users[username] = (user, keyring_unlock(user, password="bench password 1"))
    data = rows_csv(args.rows)
    cw, cw_key = users["cw"]
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB of HTCDS CSV")

    job = services.import_job_create(actor=cw, organisation=organisation, data=data, filename="bench.csv",
                                     fmt="htcds_csv", via="cli", enqueue=False)
    load_before = os.getloadavg()[0]
    if os.environ.get("BENCH_PROFILE") == "validate":
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
    started, cpu = time.perf_counter(), time.process_time()
    job = services.import_job_run(job_id=job.pk)
    validated, validated_cpu = time.perf_counter() - started, time.process_time() - cpu
    if os.environ.get("BENCH_PROFILE") == "validate":
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    assert job.state == "valid", job.report
    job = services.import_job_confirm(actor=cw, job=job, private_key=cw_key, enqueue=False)
    started, cpu, pg_cpu = time.perf_counter(), time.process_time(), backend_cpu()
    if os.environ.get("BENCH_PROFILE") == "import":
        import cProfile
        import pstats

        profile = cProfile.Profile()
        job = profile.runcall(services.import_job_run, job_id=job.pk)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    else:
        job = services.import_job_run(job_id=job.pk)
    imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
    imported_pg = backend_cpu() - pg_cpu
    assert job.state == "done" and job.n_created == args.rows, (job.state, job.error)
    tokens = CaseToken.objects.count()
    print(f"load average before: {load_before:.1f}")
    print(f"validation (worker step 1): {validated:.1f} s wall, {validated_cpu:.1f} s CPU of this process")
    print(f"import (worker step 2, one transaction): {imported:.1f} s wall ({args.rows / imported:,.0f} rows/s), "
          f"{imported_cpu:.1f} s CPU of this process, {imported_pg:.1f} s CPU of its PostgreSQL backend; {Case.objects.count():,} cases, {tokens:,} blind-index tokens")
    print(f"import total: {validated + imported:.1f} s wall, {validated_cpu + imported_cpu:.1f} s CPU")

    again = services.import_file_now(actor=cw, organisation=organisation, data=data, filename="bench.csv",
                                     fmt="htcds_csv", private_key=cw_key)
    assert again.n_created == 0 and again.n_skipped == args.rows
    print(f"same file again: {(again.finished_at - again.started_at).total_seconds():.1f} s for the import step, "
          f"0 created, {again.n_skipped:,} skipped")

    sup, sup_key = users["sup"]
    out = io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    export = services.cases_export(actor=sup, organisation=organisation, purpose="own", fmt="csv", out=out,
                                   private_key=sup_key)
    exported, exported_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert export.row_count == args.rows
    print(f"export of {export.row_count:,} cases as HTCDS CSV ({len(out.getvalue()) / 1e6:.1f} MB): {exported:.1f} s wall, "
          f"{exported_cpu:.1f} s CPU")

    # The page's path: the request only queues; the worker writes and seals; a second request downloads once.
    started = time.perf_counter()
    job = services.export_job_create(actor=sup, organisation=organisation, purpose="own", fmt="csv",
                                     private_key=sup_key, enqueue=False)
    queued = time.perf_counter() - started
    started = time.perf_counter()
    job = services.export_job_run(job_id=job.pk)
    written = time.perf_counter() - started
    assert job.state == "ready" and job.export.row_count == args.rows, (job.state, job.error)
    started = time.perf_counter()
    data_out = services.export_job_download(actor=sup, job=job, private_key=sup_key)
    downloaded = time.perf_counter() - started
    print(f"export job: request to queue {queued * 1000:.0f} ms; worker (write, seal {len(data_out) / 1e6:.1f} MB, "
          f"record) {written:.1f} s; request to download once {downloaded * 1000:.0f} ms")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
