"""The organisation's dashboard and the referral receivers at scale, on PostgreSQL (issue 12).

Creates its own database ``tipnet_bench_network_<hex>`` on ``--server`` (trust auth), migrates it,
generates one organisation with ``--cases`` cases (statuses spread like a working NGO's), three
open-or-done tasks per case on average, referrals in and out, and ``--services`` directory services
(with beds, over many organisations with a keyed-looking caseworker), then times:

- ``cases.dashboard.dashboards`` (the dashboard's counts: clear columns only), and
- ``cases.receivers.receiver_options`` for a Vietnamese man needing a shelter, legal help or any help
  (the directory search, eligibility, and who can receive),

and prints p50/p95 and the number of queries. Case content is not sealed (empty bytes): neither
reader decrypts anything. The database is dropped at the end.

Run: ``uv run python bench/cases_network.py [--cases 100000] [--services 5000] [--runs 30]``
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time

from _throwaway import in_throwaway_database


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print each dashboard query's time")
    parser.add_argument("--try-index", action="store_true", help="also time the dashboard with a partial index on open tasks")
    args = parser.parse_args()

    in_throwaway_database(args.server, "network", lambda: run(args))


def timed(runs: int, call) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95), len(queries)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tipnet.web.accounts.models import Membership, Organisation, StaffKeyring, User
    from tipnet.web.accounts.roles import Role
    from tipnet.web.cases.dashboard import dashboards
    from tipnet.web.cases.models import Case, CaseTask, Disclosure, Referral
    from tipnet.web.cases.receivers import receiver_options
    from tipnet.web.directory.models import Kind, Residence, Service
    from tipnet.web.directory.prefectures import CODES

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    today = timezone.localdate()
    ngo = Organisation.objects.create(name="Bench NGO", type="ngo", is_demo=True)
    worker = User.objects.create(username="bench_cw")
    Membership.objects.create(user=worker, organisation=ngo, role=Role.CASEWORKER)
    others = [Organisation.objects.create(name=f"Bench org {i}", type="ngo", is_demo=True) for i in range(300)]
    for i, organisation in enumerate(others[:150]):  # half can read a referral
        user = User.objects.create(username=f"bench_other_{i}")
        Membership.objects.create(user=user, organisation=organisation, role=Role.CASEWORKER)
        StaffKeyring.objects.create(user=user, public_key=b"k", password_salt=b"s", private_by_password=b"p",
                                    recovery_salt=b"s", private_by_recovery=b"r")

    started = time.perf_counter()
    statuses = ["active"] * 35 + ["follow_up"] * 15 + ["closed"] * 45 + ["closed_referred"] * 5
    cases = [Case(organisation=ngo, reference=f"C-2026-{i:06d}", status=rng.choice(statuses),
                  opened_on=today - datetime.timedelta(days=rng.randint(0, 2000)), owner=worker)
             for i in range(args.cases)]
    Case.objects.bulk_create(cases, batch_size=5000)
    case_ids = list(Case.objects.filter(organisation=ngo).values_list("pk", flat=True))
    tasks = []
    for case_id in case_ids:
        for _ in range(rng.choice([1, 2, 3, 4, 5])):
            due = today + datetime.timedelta(days=rng.randint(-700, 90))
            done = due if (due < today and rng.random() < 0.9) else None
            tasks.append(CaseTask(case_id=case_id, assignee=worker, due_on=due, done_on=done))
    CaseTask.objects.bulk_create(tasks, batch_size=10000)
    referrals = []
    for _ in range(5000):
        case_id = rng.choice(case_ids)
        other = rng.choice(others)
        disclosure = Disclosure(case_id=case_id, recipient=other, purpose="referral", disclosed_on=today, disclosed_by=worker)
        referrals.append((disclosure, Referral(case_id=case_id, sender=ngo, receiver=other, created_by=worker,
                                               state=rng.choice(["proposed", "accepted", "completed", "rejected"]))))
    Disclosure.objects.bulk_create([d for d, _r in referrals], batch_size=5000)
    for disclosure, referral in referrals:
        referral.disclosure = disclosure
    Referral.objects.bulk_create([r for _d, r in referrals], batch_size=5000)
    services = []
    for i in range(args.services):
        beds = rng.choice([None, None, 4, 8, 12])
        services.append(Service(
            organisation=rng.choice(others), name=f"Bench service {i}", kinds=rng.sample(Kind.values, rng.choice([1, 2, 3])),
            sexes=rng.choice([["female"], ["female"], ["female", "male", "other"], ["male"]]),
            residence=rng.sample(Residence.values, rng.choice([1, 2, 4])), languages=rng.sample(["ja", "en", "vi", "zh"], 2),
            nationwide=rng.random() < 0.05, prefectures=rng.sample(CODES, 2), beds_total=beds,
            beds_free=rng.randint(0, beds) if beds else None, is_demo=True))
    Service.objects.bulk_create(services, batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    print(f"generated {len(case_ids)} cases, {len(tasks)} tasks, {len(referrals)} referrals, "
          f"{args.services} services in {time.perf_counter() - started:.1f} s")

    p50, p95, queries = timed(args.runs, lambda: dashboards(user=worker))
    print(f"dashboard: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries")
    if args.explain:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            dashboards(user=worker)
        for query in captured.captured_queries:
            print(f"  {query['time']} s  {query['sql'][:110]}")
    if args.try_index:
        with connection.cursor() as cursor:
            cursor.execute('CREATE INDEX bench_open_task_due ON cases_casetask (due_on, case_id) WHERE done_on IS NULL')
            cursor.execute("ANALYZE cases_casetask")
        p50, p95, queries = timed(args.runs, lambda: dashboards(user=worker))
        print(f"dashboard with a partial index on open tasks: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries")
    man = {"identity": {"birth_date": "1998-07-14"},
           "situation": {"sex": "masculine", "residence_status": "technical_intern", "languages": ["vi"],
                         "citizenships": ["VNM"]}}
    for need in ("shelter", "legal", ""):
        p50, p95, queries = timed(args.runs, lambda need=need: receiver_options(
            sections=man, need=need, exclude_organisation_id=ngo.pk, prefecture="23"))
        print(f"receivers ({need or 'any'}): p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries")


if __name__ == "__main__":
    main()
