"""The API's case list (and one-case read) with 100,000 cases on PostgreSQL.

Target (issue 13): ``GET /api/v1/cases`` at p95 under 100 ms with 100,000 cases. Creates its own
database ``tipnet_bench_apicases_<hex>`` on the server in ``--server`` (trust auth), migrates it,
bulk-creates the cases (clear columns only: the list never reads sealed content, so the content
is left empty), 90 % of them in the caseworker's organisation and the rest in another one, then
times through Django's test client (routing, middleware, token check, rate limiter, access
functions, query, JSON; everything but the socket):

- the list with filters shaped like a program's calls (status, ``owner=me``, a page of 50 or 200 at
  an offset up to 5,000), and
- ``GET /api/v1/cases/{id}`` (clear columns, one audit row written per read).

The database is dropped at the end.

Run: ``uv run python bench/api_case_list.py [--cases 100000] [--calls 300]``
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
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
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's plans of the list's queries")
    args = parser.parse_args()

    in_throwaway_database(args.server, "apicases", lambda: run(args))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tipnet.web.accounts.models import Membership, Organisation, User
    from tipnet.web.accounts.roles import Role
    from tipnet.web.api.tokens import token_create
    from tipnet.web.cases.models import Case

    settings.ALLOWED_HOSTS = ["*"]
    settings.TIPNET_API_RATE_LIMITS = {"token_per_minute": 10**6, "public_per_minute": 10**6}
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    ngo = Organisation.objects.create(name="Bench NGO", type="ngo", is_demo=True)
    other = Organisation.objects.create(name="Bench other", type="ngo", is_demo=True)
    workers = []
    for i in range(20):
        user = User.objects.create(username=f"bench_cw_{i}")
        Membership.objects.create(user=user, organisation=ngo if i < 18 else other, role=Role.CASEWORKER)
        workers.append(user)
    me = workers[0]
    started = time.perf_counter()
    statuses = ["active"] * 5 + ["follow_up"] * 2 + ["closed"] * 3
    day0 = datetime.date(2019, 1, 1)
    rows, numbers = [], {ngo.pk: 0, other.pk: 0}
    for _i in range(args.cases):
        organisation = ngo if rng.random() < 0.9 else other
        opened = day0 + datetime.timedelta(days=rng.randrange(2900))
        numbers[organisation.pk] += 1
        status = rng.choice(statuses)
        rows.append(Case(organisation=organisation, reference=f"C-{opened.year}-{numbers[organisation.pk]:06d}",
                         status=status, opened_on=opened,
                         closed_on=opened + datetime.timedelta(days=90) if status == "closed" else None,
                         owner=rng.choice(workers[:18] if organisation == ngo else workers[18:])))
    Case.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")  # as autovacuum leaves a table that is mostly read
    print(f"generated {args.cases} cases in {time.perf_counter() - started:.1f} s")

    secret = token_create(actor=None, user=me, scope="read").secret
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def list_query() -> str:
        params = [f"limit={rng.choice([50, 50, 200])}", f"offset={rng.choice([0, 0, 0, 50, 500, 5000])}"]
        if rng.random() < 0.7:
            params.append("status=" + rng.choice(["active", "follow_up", "closed"]))
        if rng.random() < 0.3:
            params.append("owner=me")
        return "/api/v1/cases?" + "&".join(params)

    if args.explain:
        from tipnet.web.cases.selectors import cases_visible

        for status in ("active", ""):
            cases = cases_visible(user=me, status=status).order_by("-pk")  # as the API orders it
            for label, queryset in (("count", None), ("page at offset 5000", cases[5000:5050])):
                if queryset is None:
                    with connection.cursor() as cursor:
                        sql_text, params = cases.order_by().values("pk").query.sql_with_params()
                        cursor.execute(f"EXPLAIN ANALYZE SELECT COUNT(*) FROM ({sql_text}) AS q", params)
                        plan = "\n".join(row[0] for row in cursor.fetchall())
                else:
                    plan = queryset.explain(analyze=True)
                print(f"--- status={status or 'any'} {label}\n{plan}")

    queries = [list_query() for _ in range(args.calls)]
    for query in queries[:20]:  # warm-up
        assert client.get(query, **headers).status_code == 200
    list_ms = []
    for query in queries:
        t = time.perf_counter()
        response = client.get(query, **headers)
        list_ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content
    mine = list(Case.objects.filter(organisation=ngo).values_list("pk", flat=True)[:5000])
    one_ms = []
    for case_id in rng.sample(mine, min(args.calls, len(mine))):
        t = time.perf_counter()
        response = client.get(f"/api/v1/cases/{case_id}", **headers)
        one_ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content

    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for label, values in (("GET /api/v1/cases", list_ms), ("GET /api/v1/cases/{id}", one_ms)):
        print(f"{label}: {len(values)} calls, median {statistics.median(values):.1f} ms, "
              f"p95 {percentile(values, 0.95):.1f} ms, max {max(values):.1f} ms")


if __name__ == "__main__":
    main()
