"""Directory search and leaflet speed on PostgreSQL with 5,000 generated services.

Targets (issue 4): search p95 under 100 ms with 5,000 services on PostgreSQL; the leaflet PDF in
under 3 s. Creates its own database ``tipnet_bench_directory_<hex>`` on the server in
``--server`` (trust auth), migrates it, generates services with realistic spreads (most in one or
a few prefectures, some nationwide, languages weighted to those of migrants in Japan), then times:

- the selector ``service_search`` (what every page and the JSON endpoint call), and
- the whole public page over HTTP through Django's test client (URL routing, middleware, form,
  template rendering: everything but the socket),

each with random filters shaped like real searches (need, spoken language, prefecture, sex,
often age), and the leaflet PDF for a language and prefecture (first, cold, and warm). The
database is dropped at the end.

Run: ``uv run python bench/directory_search.py [--services 5000] [--searches 500]``
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time

from _throwaway import in_throwaway_database

LANG_WEIGHTS = {"ja": 90, "en": 60, "vi": 30, "zh": 30, "fil": 20, "th": 12, "id": 12, "es": 8, "pt": 10, "ne": 8, "my": 6, "ko": 6}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    in_throwaway_database(args.server, "directory", lambda: run(args))


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from tipnet.web.accounts.models import Organisation
    from tipnet.web.directory.leaflet import leaflet_pdf
    from tipnet.web.directory.models import Kind, Residence, Service, Sex
    from tipnet.web.directory.prefectures import CODES, prefecture_lookup
    from tipnet.web.directory.selectors import SearchFilters, service_search

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    organisations = [Organisation.objects.create(name=f"Bench org {i}", type="ngo", is_demo=True) for i in range(200)]
    languages, weights = list(LANG_WEIGHTS), list(LANG_WEIGHTS.values())
    started = time.perf_counter()
    rows = []
    for i in range(args.services):
        nationwide = rng.random() < 0.05
        prefectures = [] if nationwide else rng.sample(CODES, rng.choice([1, 1, 1, 2, 3, 5]))
        sexes = rng.choice([["female"], ["female"], ["female", "male", "other"], ["male"], ["female", "male"]])
        beds = rng.choice([None, None, 4, 8, 12, 20])
        service = Service(
            organisation=rng.choice(organisations), name=f"Bench service {i}",
            kinds=rng.sample(Kind.values, rng.choice([1, 1, 2, 3])), sexes=sexes,
            residence=rng.sample(Residence.values, rng.choice([1, 2, 4])),
            languages=sorted(set(rng.choices(languages, weights, k=rng.choice([1, 2, 3, 5])))),
            nationwide=nationwide, prefectures=prefectures, beds_total=beds,
            beds_free=rng.randint(0, beds) if beds else None, age_min=rng.choice([None, None, 18]),
            age_max=rng.choice([None, None, 17, 64]) if rng.random() < 0.3 else None,
            texts={"en": {"name": f"Bench service {i}", "description": "Generated for the benchmark."}}, is_demo=True, phone="000-0000-0000",
        )
        if service.age_min and service.age_max and service.age_max < service.age_min:
            service.age_max = None
        service.full_clean()
        rows.append(service)
    Service.objects.bulk_create(rows, batch_size=1000)
    print(f"generated {args.services} services in {time.perf_counter() - started:.1f} s")

    def random_filters() -> dict[str, str]:
        query = {
            "need": rng.choice(Kind.values), "language": rng.choices(languages, weights)[0],
            "prefecture": rng.choice(CODES), "sex": rng.choice(Sex.values),
        }
        if rng.random() < 0.5:
            query["age"] = str(rng.randint(12, 60))
        if rng.random() < 0.2:
            del query["language"]
        return query

    def to_filters(query: dict[str, str]) -> SearchFilters:
        return SearchFilters(
            kind=query["need"], language=query.get("language", ""), prefecture=prefecture_lookup(query["prefecture"]),
            sex=query["sex"], age=int(query["age"]) if "age" in query else None,
        )

    queries = [random_filters() for _ in range(args.searches)]
    for query in queries[:20]:  # warm-up
        service_search(to_filters(query))
    selector_ms, counts = [], []
    for query in queries:
        t = time.perf_counter()
        found = service_search(to_filters(query))
        selector_ms.append((time.perf_counter() - t) * 1000)
        counts.append(len(found))
    client = Client()
    languages_page = [code for code, _n in settings.LANGUAGES]
    http_ms = []
    for query in queries:
        t = time.perf_counter()
        response = client.get(f"/{rng.choice(languages_page)}/help/services/", query)
        http_ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    cold = time.perf_counter()
    leaflet_pdf(language="vi", prefecture=prefecture_lookup("Aichi"))
    cold_s = time.perf_counter() - cold
    leaflet_s = []
    for lang, place in [("vi", "Aichi"), ("th", "Tokyo"), ("ja", "Osaka"), ("zh-hans", "Kanagawa"), ("en", "Hokkaido")] * 2:
        t = time.perf_counter()
        leaflet_pdf(language=lang, prefecture=prefecture_lookup(place))
        leaflet_s.append(time.perf_counter() - t)

    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}")
    print(f"services: {args.services}; searches: {args.searches}; results per search median {statistics.median(counts):.0f} (max {max(counts)})")
    for label, values in (("selector", selector_ms), ("HTTP page", http_ms)):
        print(f"{label}: p50 {percentile(values, 0.5):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, max {max(values):.1f} ms")
    print(f"leaflet: first (cold fonts) {cold_s:.2f} s; then median {statistics.median(leaflet_s):.2f} s, max {max(leaflet_s):.2f} s over {len(leaflet_s)}")


if __name__ == "__main__":
    main()
