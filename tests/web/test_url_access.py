"""Every role against every URL, generated from Django's URL resolver.

A new URL fails this test until someone decides, in EXPECTED below, who may open it: nobody can
add a page and forget its access rule. Forbidden pages answer 404, exactly like missing ones.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from PIL import Image

from tests.web.conftest import make_staff, signed_in_client
from tipnet.web.accounts.models import Membership, User
from tipnet.web.accounts.roles import Role

ALL = frozenset(Role.values)
PUBLIC = "public"
ADMINS = frozenset({Role.ORG_ADMIN, Role.NETWORK_ADMIN})
CASEWORKERS = frozenset({Role.CASEWORKER})
CASES = frozenset({Role.CASEWORKER, Role.CASE_SUPERVISOR})
OPERATORS = frozenset({Role.HOTLINE_OPERATOR})
# POSTs that answer with a redirect when permitted (Post/Redirect/Get).
REDIRECTS = {"research:run_cancel", "training:start", "training:ask", "training:feedback", "cases:task_done",
             "cases:consent_withdraw"}
# POSTs whose form the check leaves empty: a permitted role gets the clear 400 "bad input" page.
FORM_POSTS = {"cases:event_add", "cases:task_add", "cases:consent_add", "cases:screening_link", "cases:disclose",
              "cases:referral_new", "cases:referral_decide", "cases:referral_note", "cases:return", "cases:document_add",
              "cases:export", "cases:erase", "cases:retention"}
# Pages that open only with the operator's unlocked key: a session made without the password
# (as here) gets 403 "key not unlocked" instead of the content; still never 404 for them.
NEEDS_KEY = {"report:report", "report:file", "cases:document", "interchange:export_download"}
RESEARCH = frozenset({Role.RESEARCHER, Role.COORDINATOR, Role.NETWORK_ADMIN})
# Training: trainees reach lessons, their own attempts and their certificate, and nothing else.
PRACTICE = frozenset({Role.TRAINEE, Role.CASEWORKER, Role.ORG_ADMIN})
TRAINERS = frozenset({Role.CASEWORKER, Role.ORG_ADMIN})
TRAINEE_ONLY = frozenset({Role.TRAINEE})
TOKEN_ONLY = "token"

# url name -> (method, roles that get the page; PUBLIC for pages anyone may open)
EXPECTED: dict[str, tuple[str, object]] = {
    "healthz": ("GET", PUBLIC),
    "public:home": ("GET", PUBLIC),
    "accounts:login": ("GET", PUBLIC),
    "accounts:otp": ("GET", PUBLIC),
    "accounts:enrol": ("GET", PUBLIC),
    "accounts:logout": ("POST", PUBLIC),
    "accounts:welcome": ("GET", PUBLIC),
    "accounts:home": ("GET", ALL),
    "accounts:organisations": ("GET", ADMINS),
    "accounts:organisation_staff": ("GET", ADMINS),
    "accounts:user_offboard": ("POST", ADMINS),
    "accounts:user_otp_reset": ("POST", ADMINS),
    "accounts:audit": ("GET", frozenset({Role.NETWORK_ADMIN})),
    # Only a key holder of the membership's organisation decides, whatever their role; nobody in
    # this fixture holds a key (tests/web/test_security_grants.py covers key holders).
    "accounts:membership_decide": ("POST", frozenset()),
    "research:estimate": ("GET", RESEARCH),
    "research:run": ("GET", RESEARCH),
    "research:run_cancel": ("POST", RESEARCH),
    "research:run_json": ("GET", RESEARCH),
    "research:run_csv": ("GET", RESEARCH),
    "report:form": ("GET", PUBLIC),
    "report:follow_up": ("GET", PUBLIC),
    "report:channel_form": ("GET", PUBLIC),
    "report:channels": ("GET", frozenset({Role.NETWORK_ADMIN})),
    "report:channel_edit": ("GET", frozenset({Role.NETWORK_ADMIN})),
    "report:inbox": ("GET", OPERATORS),
    "report:staff_entry": ("GET", OPERATORS),
    "report:report": ("GET", OPERATORS),
    "report:file": ("GET", OPERATORS),
    "screening:start": ("GET", CASEWORKERS),
    "screening:interview": ("GET", CASEWORKERS),
    "screening:record": ("GET", CASEWORKERS),
    # The case's organisation is the caseworkers' NGO; tests/web/test_cases_access.py checks
    # another organisation's case for every case URL.
    "cases:list": ("GET", CASES),
    "cases:new": ("GET", CASES),
    "cases:case": ("GET", CASES),
    "cases:edit": ("GET", CASES),
    "cases:event_add": ("POST", CASES),
    "cases:task_add": ("POST", CASES),
    "cases:task_done": ("POST", CASES),
    "cases:consent_add": ("POST", CASES),
    "cases:consent_withdraw": ("POST", CASES),
    "cases:screening_link": ("POST", CASES),
    "cases:disclose": ("POST", CASES),
    "cases:referral_new": ("POST", CASES),
    "cases:return": ("POST", CASES),
    "cases:referrals": ("GET", CASES),
    "cases:referral": ("GET", CASES),  # a referral the NGO sent
    "cases:referral_decide": ("POST", CASES),
    # Documents follow the case; the person's rights are for the organisation's case supervisors
    # (tests/web/test_cases_rights.py: another organisation's supervisor, bad input).
    "cases:document_add": ("POST", CASES),
    "cases:document": ("GET", CASES),
    "cases:rights": ("GET", frozenset({Role.CASE_SUPERVISOR})),
    "cases:export": ("POST", frozenset({Role.CASE_SUPERVISOR})),
    "cases:erase": ("POST", frozenset({Role.CASE_SUPERVISOR})),
    "cases:erased": ("GET", frozenset({Role.CASE_SUPERVISOR})),
    "cases:retention": ("POST", frozenset({Role.CASE_SUPERVISOR, Role.ORG_ADMIN})),

    "cases:referral_note": ("POST", CASES),  # the receiving organisation's update on the sender's timeline

    # Issue 12 (network): the dashboard (counts only) also for organisation admins; the report the
    # trustee forwarded to the NGO, and opening a case from it, for its case workers.
    "cases:dashboard": ("GET", CASES | {Role.ORG_ADMIN}),
    "cases:forwarded_reports": ("GET", CASES),
    "cases:forwarded_report": ("GET", CASES),
    "cases:forwarded_report_open": ("GET", CASES),
    "directory:help": ("GET", PUBLIC),
    "directory:help_trafficking": ("GET", PUBLIC),
    "directory:help_rights": ("GET", PUBLIC),
    "directory:help_after": ("GET", PUBLIC),
    "directory:search": ("GET", PUBLIC),
    "directory:service": ("GET", PUBLIC),
    "directory:services_json": ("GET", PUBLIC),
    "directory:leaflet": ("GET", PUBLIC),
    "directory:manage": ("GET", ADMINS),
    "directory:new": ("GET", ADMINS),
    "directory:edit": ("GET", ADMINS),
    "directory:capacity": ("GET", ADMINS),
    "directory:verify": ("GET", ADMINS),
    "directory:import": ("GET", frozenset({Role.NETWORK_ADMIN})),
    "directory:export": ("GET", frozenset({Role.NETWORK_ADMIN})),
    "directory:gaps": ("GET", frozenset({Role.COORDINATOR, Role.NETWORK_ADMIN})),
    "training:home": ("GET", PRACTICE),
    "training:lesson": ("GET", PRACTICE),
    "training:start": ("POST", PRACTICE),
    # The attempt and the certificate in the fixture belong to the trainee: nobody else's.
    "training:attempt": ("GET", TRAINEE_ONLY),
    "training:ask": ("POST", TRAINEE_ONLY),
    "training:record": ("GET", TRAINEE_ONLY),
    "training:feedback": ("GET", TRAINEE_ONLY),
    "training:certificate": ("GET", TRAINEE_ONLY),
    "training:cohorts": ("GET", TRAINERS),
    "training:cohort": ("GET", TRAINERS),
    "training:join": ("GET", PUBLIC),
    # The JSON API: public endpoints answer anyone; the others take only a token, never a session
    # (tests/web/test_api_matrix.py is the API's own role x endpoint matrix).
    "openapi": ("GET", PUBLIC),
    "api:services_list": ("GET", PUBLIC),
    "api:services_get": ("GET", PUBLIC),
    "api:htcds_schema": ("GET", PUBLIC),
    "api:me": ("GET", TOKEN_ONLY),
    "api:htcds_validate": ("POST", TOKEN_ONLY),
    # Cases over the API (tests/web/test_api_cases_matrix.py is their role x endpoint matrix); the
    # PATCH shares its URL with the GET, which is what is tried here.
    **{f"api:{name}": ("GET", TOKEN_ONLY) for name in (
        "cases_list", "cases_get", "cases_update", "cases_content", "events_list", "tasks_list", "consents_list",
        "referrals_list", "referrals_get", "referrals_content")},
    **{f"api:{name}": ("POST", TOKEN_ONLY) for name in (
        "cases_create", "events_add", "tasks_add", "tasks_done", "consents_record", "consents_withdraw",
        "referrals_propose", "referrals_decide")},

    "api:import_start": ("POST", TOKEN_ONLY),
    "api:import_status": ("GET", TOKEN_ONLY),
    # HTCDS import (case staff of the organisation) and export (its case supervisors only).
    "interchange:imports": ("GET", CASES),
    "interchange:job": ("GET", CASES),
    "interchange:export": ("GET", frozenset({Role.CASE_SUPERVISOR})),
    # The fixture's export job is the case supervisor's: hers alone, even within her organisation.
    "interchange:export_job": ("GET", frozenset({Role.CASE_SUPERVISOR})),
    "interchange:export_download": ("POST", frozenset({Role.CASE_SUPERVISOR})),
    "apitokens:tokens": ("GET", ALL - {Role.TRAINEE}),
    # The fixture's token belongs to someone else: only its owner may revoke it.
    "apitokens:revoke": ("POST", frozenset()),
}


def _walk(patterns: list, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, child_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def all_url_names() -> set[str]:
    return {name for name, _ in _walk(get_resolver().url_patterns)}


def test_every_url_has_an_access_rule() -> None:
    missing = sorted(all_url_names() - set(EXPECTED))
    assert not missing, f"decide who may open these URLs and add them to EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - all_url_names())
    assert not stale, f"EXPECTED names URLs that no longer exist: {stale}"


def test_every_view_has_a_name() -> None:
    unnamed = []

    def walk(patterns: list, prefix: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif not entry.name and "static" not in str(entry.pattern):
                unnamed.append(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns)
    assert not unnamed, f"name these URL patterns so the access test covers them: {unnamed}"


def _kwargs(pattern: URLPattern, targets: dict[str, object]) -> dict[str, object]:
    return {key: targets[key] for key in pattern.pattern.converters}


@pytest.fixture
def targets(organisations, staff, django_capture_on_commit_callbacks) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from tests.web.research_support import run_worker
    from tipnet.web.research.examples import example_csv
    from tipnet.web.research.services import estimate_run_create

    with django_capture_on_commit_callbacks(execute=True):
        run = estimate_run_create(
            actor=staff[Role.RESEARCHER], organisation=organisations["other"], title="Western",
            table_csv=example_csv("Western"), method="stepwise", nboot=0, seed=1,
        )
    run_worker()  # the task worker fits it: its result pages exist
    from tipnet.web.report.attachments import clean_attachment
    from tipnet.web.report.services import ReportInput, channel_default, report_submit
    from tipnet.web.screening.models import ScreeningRecord

    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, format="PNG")
    submission = report_submit(data=ReportInput(what_happened="test"), files=[clean_attachment(data=png.getvalue(), keep_as_given=False)], file_names=["f"])

    record = ScreeningRecord.objects.create(
        organisation=organisations["ngo"], staff_language="en", person_language="vi", profile="adult_labour",
        catalogue_version="test",
    )
    from tipnet.web.directory.models import Service

    service = Service.objects.create(
        organisation=organisations["ngo"], name="Test shelter", kinds=["shelter"], sexes=["female"],
        residence=["regular"], languages=["en"], prefectures=["13"], beds_total=4, beds_free=1,
    )
    from tests.web.cases_support import case_row, referral_row
    from tests.web.test_cases_documents import document_row

    case, task, consent = case_row(organisations["ngo"], owner=staff[Role.CASEWORKER])
    from tipnet.web.training.models import Cohort, CohortMember, PracticeAttempt

    cohort = Cohort.objects.create(organisation=organisations["ngo"], name="Test cohort", case_check="passed",
                                   case_ids=["titp-debt-passport"], created_by=staff[Role.ORG_ADMIN])
    CohortMember.objects.create(cohort=cohort, user=staff[Role.TRAINEE])
    PracticeAttempt.objects.create(user=staff[Role.TRAINEE], cohort=cohort, case_id="titp-debt-passport", passed=True,
                                   score=100, feedback={"missed": []})
    attempt = PracticeAttempt.objects.create(user=staff[Role.TRAINEE], cohort=cohort, case_id="titp-debt-passport")
    from tipnet.web.cases.models import ForwardedReport
    from tipnet.web.report.models import Forwarding

    forwarded = ForwardedReport.objects.create(
        forwarding=Forwarding.objects.create(report=submission.report, recipient=organisations["ngo"]),
        organisation=organisations["ngo"])
    return {
        "forwarded_id": forwarded.pk,
        "referral_id": referral_row(case, organisations["other"], by=staff[Role.CASEWORKER]).pk,
        "case_id": case.pk,
        "document_id": document_row(case).pk,
        "task_id": task.pk,
        "consent_id": consent.pk,
        "attempt_id": attempt.pk,
        "cohort_id": cohort.pk,
        "lesson_id": "palermo",
        "service_id": service.pk,
        "organisation_id": organisations["ngo"].pk,
        "token": "not-a-real-token",
        "user_id": None,
        "run_id": run.pk,
        "job_id": _import_job(organisations, staff),
        "export_id": _export_job(organisations, staff),
        "record_id": record.pk,
        "report_id": submission.report.pk,
        "channel_slug": "web",
        "channel_id": channel_default().pk,
        "file_id": submission.report.files.get().pk,
        "token_id": _someone_elses_token(organisations),
        "membership_id": Membership.objects.create(
            user=User.objects.create(username="pending_newcomer"), organisation=organisations["ngo"],
            role=Role.CASEWORKER, pending=True,
        ).pk,
    }


def _import_job(organisations, staff) -> int:  # type: ignore[no-untyped-def]
    from tipnet.web.interchange.models import ImportJob

    return ImportJob.objects.create(organisation=organisations["ngo"], created_by=staff[Role.CASEWORKER],
                                    format="htcds_csv", state=ImportJob.State.INVALID).pk


def _export_job(organisations, staff) -> int:  # type: ignore[no-untyped-def]
    from tipnet.web.interchange.models import ExportJob

    return ExportJob.objects.create(organisation=organisations["ngo"], requested_by=staff[Role.CASE_SUPERVISOR],
                                    purpose="own", format="csv", state=ExportJob.State.READY, file=b"sealed",
                                    file_key=b"sealed").pk


def _someone_elses_token(organisations) -> int:  # type: ignore[no-untyped-def]
    from tipnet.web.api.tokens import token_create

    owner = make_staff("token_owner", organisations["ngo"], Role.CASEWORKER)
    return token_create(actor=None, user=owner).token.pk


@pytest.mark.parametrize("role", [None, *Role.values])
def test_role_against_every_url(role, staff, organisations, targets) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client() if role is None else signed_in_client(staff[role])
    failures = []
    # Sign-out last: it ends the session the other checks use.
    for name, pattern in sorted(_walk(get_resolver().url_patterns), key=lambda item: (item[0] == "accounts:logout", item[0])):
        method, allowed = EXPECTED[name]
        kwargs = _kwargs(pattern, targets)
        if "user_id" in kwargs:
            # A fresh member of the NGO for each check, so that a permitted POST acts on nobody else.
            kwargs["user_id"] = make_staff(f"target_{role}_{name.split(':')[-1]}", organisations["ngo"], Role.CASEWORKER).pk
        with translation.override("en"):
            url = reverse(name, kwargs=kwargs)
        data = {"confirm": "yes", "case": "titp-debt-passport", "question": "W_SAFE_NOW"}
        response = client.post(url, data) if method == "POST" else client.get(url)
        code = response.status_code
        if allowed == TOKEN_ONLY:
            ok = code == 401
        elif allowed == PUBLIC:
            ok = code in (200, 302, 404) if name == "accounts:welcome" else code in (200, 302)
            if name in ("accounts:welcome", "training:join"):
                ok = code == 404  # an invalid token
        elif role is None:
            ok = code == 302 and "/sign-in/" in response["Location"]
        elif role in allowed:
            ok = (code == 200 or (name in NEEDS_KEY and code == 403) or (name in REDIRECTS and code == 302)
                  or (name in FORM_POSTS and code == 400))
        else:
            ok = code == 404
        if not ok:
            failures.append(f"{name} as {role or 'anonymous'}: HTTP {code}")
        if role is not None and "user_id" in kwargs and role not in allowed:
            target = User.objects.get(pk=kwargs["user_id"])
            if not target.is_active:
                failures.append(f"{name} as {role}: refused, yet the target account changed")
    assert not failures, "\n".join(failures)


def test_org_admin_cannot_manage_another_organisation(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[Role.ORG_ADMIN])
    other = organisations["other"]
    assert client.get(reverse("accounts:organisation_staff", args=[other.pk])).status_code == 404
    outsider = make_staff("outsider", other, Role.CASEWORKER)
    assert client.post(reverse("accounts:user_offboard", args=[outsider.pk]), {"confirm": "yes"}).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active


def test_missing_and_forbidden_look_the_same(staff) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[Role.CASEWORKER])
    forbidden_id = staff[Role.ORG_ADMIN].memberships.first().organisation_id
    forbidden = client.get(reverse("accounts:organisation_staff", args=[forbidden_id]))
    missing = client.get(reverse("accounts:organisation_staff", args=[987654]))
    assert forbidden.status_code == missing.status_code == 404
    import re

    def strip_tokens(body: bytes) -> bytes:
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
        # The language links repeat the requested address; only the id in it may differ.
        return body.replace(f"/{forbidden_id}/".encode(), b"/ID/").replace(b"/987654/", b"/ID/")

    assert strip_tokens(forbidden.content) == strip_tokens(missing.content)
