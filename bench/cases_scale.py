"""Case pages at scale on PostgreSQL: 100,000 cases and 1,000,000 timeline events in one organisation.

Targets (issue 12): the case list and a case page at p95 under 200 ms, the duplicate warning at
intake under 1 s. Creates (or, with ``--keep``, keeps and reuses) the database ``--database`` on the
server in ``--server`` (trust auth), migrates it, and fills it quickly with COPY:

- one organisation with 20 caseworkers (one with a real keyring and a share of the organisation
  key: the one who signs in), cases spread over their owners, statuses and five years of dates;
- every case's content sealed to the organisation key (``--case-variants 0``, the default, seals
  each case separately: its own person, opened by the duplicate check as in production); timeline
  events, tasks and their texts reuse ``--event-variants`` sealed texts (sealing a million rows one
  by one costs about as long again and changes nothing the pages do: every row is still opened
  with the organisation key);
- realistic people for the blind index: names drawn from weighted pools of Vietnamese, Filipino,
  Indonesian, Chinese, Thai, Nepali and Burmese names (Nguyen is 38 % of Vietnamese surnames, so
  common tokens are shared by tens of thousands of cases), a third of the Vietnamese with a katakana
  alias, birth dates; their tokens are the real ``blind_tokens`` under the organisation's secret;
- tasks (two per case, most done; the signed-in caseworker has some due this week and overdue)
  and the informed-consent rows.

Then it measures over HTTP with Django's test client (routing, middleware, sessions, templates,
decryption, audit writes: everything but the socket), ``--requests`` times each: the case list's
first page, the list filtered by status, a deep page, a case page with 10 to 20 events, the staff
home with "due this week", and the duplicate warning (an intake POST of a typo'd existing person,
answered 409 with the candidate), plus the duplicate check alone for a new person with the most
common name parts (the worst case for the blind index). Prints p50/p95/max and queries per page.

Run: ``uv run python bench/cases_scale.py`` (100k/1M; fill about 5 min on 2 cores),
``uv run python bench/cases_scale.py --cases 2000 --events 20000 --requests 10`` (smoke, ~30 s),
``--keep`` to keep the filled database and reuse it on the next run (migrations are applied again).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import hashlib
import hmac
import os
import platform
import random
import statistics
import tempfile
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PASSWORD = "bench password 2026"
ORG_NAME = "Bench migrant NGO"
OWNERS = 20

# Weighted name pools: (weight, citizenship, language, family names with weights, middle names, given names).
VIETNAMESE_FAMILY = {"Nguyen": 38, "Tran": 11, "Le": 9.5, "Pham": 7, "Hoang": 5, "Huynh": 5, "Phan": 4.5, "Vu": 3.9,
                     "Vo": 3, "Dang": 2.1, "Bui": 2, "Do": 1.4, "Ho": 1.3, "Ngo": 1.3, "Duong": 1, "Ly": 0.5}
VIETNAMESE_MIDDLE = ["Van", "Van", "Van", "Thi", "Thi", "Thi", "Duc", "Minh", "Huu", "Quang", "Ngoc", "Thanh", "Xuan"]
VIETNAMESE_GIVEN = ["Anh", "Binh", "Cuong", "Dung", "Duc", "Giang", "Ha", "Hai", "Hanh", "Hieu", "Hoa", "Hung", "Huong",
                    "Huy", "Khanh", "Khoa", "Lan", "Linh", "Loan", "Long", "Mai", "Minh", "Nam", "Nga", "Ngoc", "Nhung",
                    "Phong", "Phuong", "Quan", "Quang", "Son", "Tam", "Thang", "Thanh", "Thao", "Thuy", "Tien", "Trang",
                    "Trung", "Tuan", "Tung", "Uyen", "Viet", "Vinh", "Yen", "Dat", "Hoang", "Khang", "Lam", "Phuc"]
KATAKANA = {"Nguyen": "グエン", "Tran": "チャン", "Le": "レ", "Pham": "ファム", "Hoang": "ホアン", "Huynh": "フイン",
            "Phan": "ファン", "Vu": "ヴー", "Vo": "ヴォー", "Dang": "ダン", "Bui": "ブイ", "Do": "ドー", "Ho": "ホー",
            "Ngo": "ゴー", "Duong": "ズオン", "Van": "ヴァン", "Thi": "ティ", "Duc": "ドゥック", "Minh": "ミン",
            "Anh": "アイン", "Binh": "ビン", "Hung": "フン", "Linh": "リン", "Lan": "ラン", "Nam": "ナム",
            "Tuan": "トゥアン", "Long": "ロン", "Mai": "マイ", "Hai": "ハイ", "Son": "ソン", "Trang": "チャン",
            "Huong": "フオン", "Thanh": "タイン", "Quang": "クアン", "Dung": "ズン", "Hoa": "ホア", "Ha": "ハー"}
FILIPINO_FAMILY = {"Santos": 5, "Reyes": 5, "Cruz": 4, "Bautista": 3, "Garcia": 4, "Mendoza": 3, "Torres": 2,
                   "Ramos": 3, "Flores": 3, "Gonzales": 2, "Aquino": 2, "Villanueva": 2, "Dela Cruz": 3, "Castillo": 1}
FILIPINO_GIVEN = ["Maria", "Jose", "Juan", "Ana", "Mark", "Angelica", "Jessa", "Rhea", "Joy", "Michael", "John",
                  "Kristine", "Marites", "Ramon", "Liza", "Grace", "Jomar", "Rowena", "Arnel", "Lorna"]
INDONESIAN = ["Budi", "Siti", "Agus", "Dewi", "Eko", "Sri", "Ahmad", "Nur", "Rina", "Wahyu", "Putri", "Hendra",
              "Santoso", "Aminah", "Hidayat", "Lestari", "Setiawan", "Rahmawati", "Saputra", "Wulandari"]
CHINESE_FAMILY = {"Wang": 7, "Li": 7, "Zhang": 7, "Liu": 5, "Chen": 4, "Yang": 3, "Huang": 2, "Zhao": 2, "Wu": 2,
                  "Zhou": 2}
CHINESE_GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Jun", "Yan", "Hua", "Ping", "Qiang", "Xiu Ying",
                 "Gui Lan", "Hai Yan", "Jian Hua", "Xiao Ming", "Li Na", "Yong"]
THAI = ["Somchai", "Suda", "Niran", "Malee", "Anong", "Prasert", "Wanida", "Kittisak", "Siriporn", "Chaiyaporn",
        "Saetang", "Srisuk", "Wongsa", "Boonmee", "Chaiyasit"]
NEPALI_FAMILY = ["Gurung", "Tamang", "Shrestha", "Rai", "Magar", "Thapa", "Sharma", "Adhikari"]
NEPALI_GIVEN = ["Ram", "Sita", "Bikash", "Sunita", "Prakash", "Anita", "Suman", "Binod", "Kamala"]
BURMESE = ["Aung", "Kyaw", "Htet", "Myint", "Thin", "Zaw", "Su", "Hla", "Win", "Naing", "Moe", "Thu", "Khin", "Nyein"]

STATUSES = [("active", 35), ("follow_up", 20), ("closed", 40), ("closed_referred", 5)]
EVENT_KINDS = [("note", 50), ("meeting", 30), ("consent", 4), ("disclosure", 3), ("referral", 5), ("status", 5),
               ("screening", 3)]
CONSENTS = ["interview", "purpose_told", "data_use_told", "research_told", "access_right_told", "storage_told",
            "withdrawal_told"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), list(table.values()))[0]


def person(rng: random.Random) -> dict[str, Any]:
    """An invented person: names (with a katakana alias for some Vietnamese), sex, citizenship."""
    roll = rng.random()
    aliases: list[str] = []
    sex = rng.choice(["masculine", "feminine"])
    if roll < 0.45:
        family, middle = weighted(rng, VIETNAMESE_FAMILY), ("Van" if sex == "masculine" else "Thi")
        if rng.random() < 0.3:
            middle = rng.choice(VIETNAMESE_MIDDLE)
        given = rng.choice(VIETNAMESE_GIVEN)
        parts = [family, middle, given]
        name, nationality, languages = " ".join(parts), "VNM", ["vi"]
        if rng.random() < 0.35 and all(p in KATAKANA for p in parts):
            aliases.append("・".join(KATAKANA[p] for p in parts))
    elif roll < 0.60:
        name, nationality, languages = f"{rng.choice(FILIPINO_GIVEN)} {weighted(rng, FILIPINO_FAMILY)}", "PHL", ["tl", "en"]
    elif roll < 0.72:
        name, nationality, languages = " ".join(rng.sample(INDONESIAN, rng.choice([1, 2, 2, 3]))), "IDN", ["id"]
    elif roll < 0.84:
        name, nationality, languages = f"{weighted(rng, CHINESE_FAMILY)} {rng.choice(CHINESE_GIVEN)}", "CHN", ["zh"]
    elif roll < 0.90:
        name, nationality, languages = " ".join(rng.sample(THAI, 2)), "THA", ["th"]
    elif roll < 0.95:
        name, nationality, languages = f"{rng.choice(NEPALI_GIVEN)} {rng.choice(NEPALI_FAMILY)}", "NPL", ["ne"]
    else:
        name, nationality, languages = " ".join(rng.sample(BURMESE, rng.choice([2, 3]))), "MMR", ["my"]
    birth = datetime.date(rng.randint(1965, 2008), rng.randint(1, 12), rng.randint(1, 28))
    return {
        "identity": {"names": [name], "aliases": aliases, "birth_date": birth.isoformat(), "contact": ""},
        "situation": {"sex": sex, "citizenships": [nationality], "languages": languages,
                      "age_trafficked": rng.randint(16, 45), "trafficking_status": rng.choice(["possible", "actual"]),
                      "residence_status": rng.choice(["technical_intern", "specified_skilled", "irregular", "student"]),
                      "recruitment": ["broker"], "control": rng.sample(["debt_bondage", "withholds_documents",
                                                                        "excessive_hours", "takes_earnings"], 2),
                      "exploitation": ["forced_labour"], "industry": rng.choice(["A", "C", "F", "I"]),
                      "locations": "bench"},
        "health": {"health_notes": ""},
        "sexual": {"sex_exploitation": [], "sexual_notes": ""},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="tipnet_bench_cases")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--case-variants", type=int, default=0,
                        help="seal only this many case contents and reuse them (0: every case sealed separately)")
    parser.add_argument("--event-variants", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it if already filled)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    import psycopg
    from psycopg import sql

    parts = urlsplit(args.server)
    with psycopg.connect(args.server, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database]).fetchone()
        if exists and not args.keep:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(args.database)))
            exists = None
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + args.database))
    os.environ.setdefault("TIPNET_DATA_DIR", tempfile.mkdtemp(prefix="tipnet-bench-"))
    os.environ.setdefault("TIPNET_MODE", "demo")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tipnet.web.settings"
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(args.server, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.database)))


def fill(args: argparse.Namespace, rng: random.Random) -> None:  # noqa: PLR0915 - one linear recipe
    from django.db import connection
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tipnet.core.blindindex import PersonKeys, blind_index_secret, index_terms
    from tipnet.web.accounts import keys, orgkeys
    from tipnet.web.accounts.models import Membership, Organisation, User
    from tipnet.web.accounts.roles import OrganisationType, Role
    from tipnet.web.cases.duplicates import person_keys
    from tipnet.web.cases.sealing import content_seal

    started = time.perf_counter()
    organisation = Organisation.objects.create(name=ORG_NAME, type=OrganisationType.NGO, is_demo=True)
    owners = []
    for i in range(OWNERS):
        user = User.objects.create(username=f"bench_caseworker_{i}")
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.create(user=user, organisation=organisation, role=Role.CASEWORKER)
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        owners.append(user)
    keys.keyring_create_for(owners[0], password=PASSWORD)
    org_key = orgkeys.organisation_key_ensure(organisation=organisation)
    assert org_key is not None
    public = bytes(org_key.public_key)
    private_key = keys.keyring_unlock(owners[0], password=PASSWORD)
    org_private = orgkeys.organisation_private_key(user=owners[0], private_key=private_key, organisation=organisation)
    assert org_private is not None
    secret = blind_index_secret(org_private)

    @functools.cache
    def term_token(term: str) -> str:
        return hmac.new(secret, term.encode(), hashlib.sha256).hexdigest()[:32]

    @functools.cache
    def name_terms(name: str) -> frozenset[str]:
        return frozenset(index_terms(PersonKeys(names=(name,))))

    today = timezone.localdate()
    now = timezone.now()
    first_day = today - datetime.timedelta(days=5 * 365)
    statuses, status_weights = [s for s, _w in STATUSES], [w for _s, w in STATUSES]
    kinds, kind_weights = [k for k, _w in EVENT_KINDS], [w for _k, w in EVENT_KINDS]
    event_texts = [content_seal(public_key=public, content={"text": f"Bench note {i}: met at the office, "
                                                                     "talked about work and documents."})
                   for i in range(args.event_variants)]
    task_texts = [content_seal(public_key=public, content={"title": f"Bench task {i}: call the employer"})
                  for i in range(min(args.event_variants, 100))]
    case_variants: list[tuple[dict[str, Any], tuple[bytes, bytes]]] = []
    for _ in range(args.case_variants):
        content = person(rng)
        case_variants.append((content, content_seal(public_key=public, content=content)))

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        next_id = cursor.fetchone()[0] + 1
    pg = connection.connection
    seal_s = 0.0
    events_per_case = max(1, round(2 * args.events / args.cases) - 1)  # uniform 1..2m-1: mean m
    event_budget = args.events
    n_tokens = n_events = n_tasks = 0
    with pg.cursor() as cur:
        with (cur.copy("COPY cases_case (id, sealed_key, ciphertext, organisation_id, reference, status, opened_on, "
                       "closed_on, owner_id, created_at, updated_at, version) FROM STDIN") as cases_copy):
            rows_tokens: list[tuple[int, str]] = []
            rows_events: list[tuple[Any, ...]] = []
            rows_tasks: list[tuple[Any, ...]] = []
            rows_consents: list[tuple[Any, ...]] = []
            for n in range(args.cases):
                case_id = next_id + n
                opened = first_day + datetime.timedelta(days=int((today - first_day).days * n / args.cases))
                status = rng.choices(statuses, status_weights)[0]
                closed = opened + datetime.timedelta(days=rng.randint(10, 300)) if status.startswith("closed") else None
                if closed and closed > today:
                    closed = today
                owner = owners[n % OWNERS]
                if case_variants:
                    content, (sealed_key, ciphertext) = case_variants[n % len(case_variants)]
                else:
                    content = person(rng)
                    t = time.perf_counter()
                    sealed_key, ciphertext = content_seal(public_key=public, content=content)
                    seal_s += time.perf_counter() - t
                cases_copy.write_row((case_id, sealed_key, ciphertext, organisation.pk,
                                      f"C-{opened.year}-{n + 1:06d}", status, opened, closed, owner.pk, now, now, 1))
                keys_ = person_keys(content)
                terms: set[str] = set()
                for name in keys_.names:
                    terms |= name_terms(name)
                if keys_.birth_date is not None:
                    terms |= index_terms(PersonKeys(birth_date=keys_.birth_date))
                rows_tokens.extend((case_id, term_token(term)) for term in sorted(terms))
                count = min(event_budget - (args.cases - n - 1), rng.randint(1, events_per_case)) if n < args.cases - 1 \
                    else event_budget
                count = max(1, count)
                event_budget -= count
                span = max(1, (today - opened).days)
                rows_events.append((case_id, "intake", opened, owner.pk, now, *event_texts[0]))
                for _ in range(count - 1):
                    sealed = event_texts[rng.randrange(len(event_texts))]
                    day = opened + datetime.timedelta(days=rng.randrange(span))
                    rows_events.append((case_id, rng.choices(kinds, kind_weights)[0], day, owner.pk, now, *sealed))
                for _ in range(2):
                    due = opened + datetime.timedelta(days=rng.randint(3, 400))
                    done = None if (due > today - datetime.timedelta(days=3) or rng.random() < 0.002) else due
                    if due > today + datetime.timedelta(days=400):
                        due = today + datetime.timedelta(days=rng.randint(1, 60))
                    rows_tasks.append((case_id, owner.pk, due, done, now, *task_texts[rng.randrange(len(task_texts))]))
                for purpose in CONSENTS[: rng.choice([1, 3, 7])]:
                    rows_consents.append((case_id, purpose, opened, owner.pk, now))
        with cur.copy("COPY cases_casetoken (case_id, token) FROM STDIN") as copy:
            for row in rows_tokens:
                copy.write_row(row)
        n_tokens = len(rows_tokens)
        del rows_tokens
        with cur.copy("COPY cases_caseevent (case_id, kind, occurred_on, created_by_id, created_at, sealed_key, "
                      "ciphertext) FROM STDIN") as copy:
            for row in rows_events:
                copy.write_row(row)
        n_events = len(rows_events)
        del rows_events
        with cur.copy("COPY cases_casetask (case_id, assignee_id, due_on, done_on, created_at, sealed_key, ciphertext) "
                      "FROM STDIN") as copy:
            for row in rows_tasks:
                copy.write_row(row)
        n_tasks = len(rows_tasks)
        with cur.copy("COPY cases_consent (case_id, purpose, given_on, recorded_by_id, created_at) FROM STDIN") as copy:
            for row in rows_consents:
                copy.write_row(row)
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT MAX(id) FROM cases_case))")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"filled {args.cases:,} cases, {n_events:,} events, {n_tokens:,} blind-index tokens, {n_tasks:,} tasks in "
          f"{time.perf_counter() - started:.0f} s (sealing the cases: {seal_s:.0f} s; "
          f"{len(case_variants) or args.cases:,} case ciphertexts, {len(event_texts)} event texts reused)")


def signed_in(user: Any) -> Any:
    """A Django test client signed in with both factors and the unlocked key, as after a sign-in."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tipnet.web.accounts import keys
    from tipnet.web.accounts.middleware import SESSION_STARTED_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session[SESSION_STARTED_KEY] = time.time()
    private_key = keys.keyring_unlock(user, password=PASSWORD)
    session[keys.SESSION_FIELD], client.cookies[keys.COOKIE] = keys.split_private_key(private_key)
    session.save()
    return client


def run(args: argparse.Namespace) -> None:  # noqa: PLR0915
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from tipnet.web.accounts import keys, orgkeys
    from tipnet.web.accounts.models import Organisation, User
    from tipnet.web.cases import services
    from tipnet.web.cases.duplicates import person_keys
    from tipnet.web.cases.models import Case, CaseEvent, CaseToken

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    organisation = Organisation.objects.filter(name=ORG_NAME).first()
    if organisation is None:
        fill(args, rng)
        organisation = Organisation.objects.get(name=ORG_NAME)
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    cases = Case.objects.filter(organisation=organisation).count()
    events = CaseEvent.objects.filter(case__organisation=organisation).count()
    tokens = CaseToken.objects.filter(case__organisation=organisation).count()
    print(f"database: {cases:,} cases, {events:,} events, {tokens:,} tokens in one organisation")
    user = User.objects.get(username="bench_caseworker_0")
    client = signed_in(user)
    with translation.override("en"):
        list_url = reverse("cases:list")
        new_url = reverse("cases:new")
        home_url = reverse("accounts:home")
    # Cases with 10-20 events, of the signed-in caseworker and of a colleague.
    page_cases = list(Case.objects.filter(organisation=organisation).annotate(n=Count("events"))
                      .filter(n__gte=10, n__lte=20).order_by("?").values_list("pk", flat=True)[:args.requests])

    # A person who has a case: typo in the given name, day and month swapped.
    target = Case.objects.filter(organisation=organisation, owner=user).order_by("pk")[cases // 40]
    private_key = keys.keyring_unlock(user, password=PASSWORD)
    org_private = orgkeys.organisation_private_key(user=user, private_key=private_key, organisation=organisation)
    stored = services._open(target, org_private)  # noqa: SLF001 - the bench peeks to build its query
    name = stored["identity"]["names"][0]
    typo = name[:-1] + ("x" if name[-1] != "x" else "y")
    born = datetime.date.fromisoformat(stored["identity"]["birth_date"])
    swapped = born.replace(month=born.day, day=born.month) if born.day <= 12 else born
    intake = {"names": typo, "birth_date": swapped.isoformat(), "sex": stored["situation"]["sex"],
              "citizenships": stored["situation"]["citizenships"][0], "languages": "vi",
              "trafficking_status": "possible", "residence_status": stored["situation"]["residence_status"],
              "consents": ["interview", "purpose_told"]}

    def timed(label: str, call: Any, expect: int = 200) -> None:
        call()  # warm
        times, cpu = [], []
        with CaptureQueriesContext(connection) as captured:
            response = call()
        queries = len(captured)
        sql = []
        for i in range(args.requests):
            with CaptureQueriesContext(connection) as each:
                t, c = time.perf_counter(), time.process_time()
                response = call(i)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            sql.append(sum(float(q["time"]) for q in each.captured_queries) * 1000)
            assert response.status_code == expect, (label, response.status_code)
        print(f"| {label} | {percentile(times, 0.5):.0f} | {percentile(times, 0.95):.0f} | {max(times):.0f} | "
              f"{statistics.median(cpu):.0f} | {statistics.median(sql):.0f} | {queries} | {os.getloadavg()[0]:.1f} |")

    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.1f}; {args.requests} requests each")
    # Wall-clock times include waiting for a CPU on a shared machine; "app CPU" is this process's own
    # CPU time per request (Python: views, templates, decryption), the database server's not included;
    # "SQL ms" the time spent waiting for the database's answers (median of the requests' sums).
    print("| request | p50 ms | p95 ms | max ms | app CPU ms (median) | SQL ms (median) | queries | load |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    timed("case list, first page", lambda i=0: client.get(list_url))
    timed("case list, status follow-up", lambda i=0: client.get(list_url, {"status": "follow_up"}))
    timed("case list, my cases, page 20", lambda i=0: client.get(list_url, {"owner": "me", "page": 20}))
    timed("case page (10-20 events)",
          lambda i=0: client.get(reverse("cases:case", kwargs={"case_id": page_cases[i % len(page_cases)]})))
    timed("staff home (due this week)", lambda i=0: client.get(home_url))
    timed("duplicate warning: intake POST of a typo'd existing person", lambda i=0: client.post(new_url, intake), 409)
    common = {"identity": {"names": ["Nguyen Van Anh"], "aliases": ["グエン・ヴァン・アイン"], "birth_date": "1994-03-15"},
              "situation": {"citizenships": ["VNM"]}}
    times, cpu = [], []
    found: list[Any] = []
    for _ in range(args.requests):
        t, c = time.perf_counter(), time.process_time()
        found = services.case_duplicates_check(actor=user, organisation=organisation, content=common,
                                               private_key=private_key)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    print(f"| duplicate check alone, 'Nguyen Van Anh' (most common name parts) | {percentile(times, 0.5):.0f} | "
          f"{percentile(times, 0.95):.0f} | {max(times):.0f} | {statistics.median(cpu):.0f} | - | - | "
          f"{os.getloadavg()[0]:.1f} |")
    print(f"('Nguyen Van Anh': {len(found)} likely matches shown; the typo'd intake found {target.reference}, "
          f"{person_keys(stored).names[0]!r} as {typo!r}, born {born} given as {swapped})")


if __name__ == "__main__":
    main()
