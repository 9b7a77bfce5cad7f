"""HTCDS import and export of cases (issue 13): validation before anything is stored, one
transaction, no duplicates on re-import, sealed cases with blind indexes, the export recorded and
audited, consent for research, formula cells neutralised, the round trip, the pages and the API."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.web.cases_support import caseworker_fixture, open_case, unlocked  # noqa: F401
from tests.web.conftest import keyed_client, make_staff, signed_in_client, url
from tipnet.core.standard import interchange as ix
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.cases import services as case_services
from tipnet.web.cases.models import Case, CaseToken, Consent
from tipnet.web.interchange import services
from tipnet.web.interchange.models import CaseExport, ColumnMapping, ImportedRecord, ImportJob

HEADER = ("record_id,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,vic_MethodsOfControl,"
          "vic_TypeOfExploitation,vic_ForcedLabourIndustry,vic_TypeOfSexExploitation,cco_CaseComment,cas_Status,"
          "con_Consent\n")
GOOD = HEADER + (
    "K-1,Thi,Lan,1999-04-03,Feminine,VN;PH,DebtBondage;WithholdsDocuments,ForcedLabour;Surrogacy,C_Manufacturing,"
    "Prostitution,'=HYPERLINK(\"x\"),Active,true\n"
    ",Juan,Cruz,,Masculine,PH,,,,,,FollowUp,yes\n"
)


@pytest.fixture
def supervisor(staff, caseworker):  # type: ignore[no-untyped-def]
    user = staff[Role.CASE_SUPERVISOR]
    unlocked(user)
    return user


def _import(user, data: str | bytes, *, fmt: str = "htcds_csv", dry_run: bool = False, mapping=None):  # type: ignore[no-untyped-def]
    raw = data.encode() if isinstance(data, str) else data
    return services.import_file_now(actor=user, organisation=user.memberships.get().organisation, data=raw,
                                    filename="cases.csv", fmt=fmt, private_key=unlocked(user), dry_run=dry_run,
                                    mapping=mapping)


def _export(user, *, purpose: str = "own", fmt: str = "csv") -> tuple[str, CaseExport]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    export = services.cases_export(actor=user, organisation=user.memberships.get().organisation, purpose=purpose,
                                   fmt=fmt, out=out, private_key=unlocked(user))
    return out.getvalue(), export


def test_a_valid_file_becomes_sealed_cases_with_blind_indexes_and_an_audit_row(caseworker) -> None:  # type: ignore[no-untyped-def]
    job = _import(caseworker, GOOD)
    assert (job.state, job.n_rows, job.n_created, job.n_skipped) == ("done", 2, 2, 0)
    assert job.payload == b""  # the file and the secrets are erased once the job ends
    cases = list(Case.objects.filter(organisation=caseworker.memberships.get().organisation).order_by("pk"))
    assert [c.status for c in cases] == ["active", "follow_up"]
    assert b"Thi" not in bytes(cases[0].ciphertext) and b"Lan" not in bytes(cases[0].ciphertext)
    content = case_services.case_read(actor=caseworker, case=cases[0], private_key=unlocked(caseworker)).sections
    assert content["identity"]["names"] == ["Thi Lan"]
    assert content["situation"]["citizenships"] == ["VNM", "PHL"]
    assert content["sexual"]["sex_exploitation"] == ["prostitution"]
    assert CaseToken.objects.filter(case=cases[0]).exists()
    assert set(Consent.objects.filter(case=cases[0]).values_list("purpose", flat=True)) == {"interview"}
    keys = list(ImportedRecord.objects.values_list("key", flat=True))
    assert len(keys) == 2 and all(len(k) == 64 and "K-1" not in k for k in keys)
    audit = AuditEvent.objects.filter(action="cases.imported", target_id=str(job.pk)).order_by("pk").last()
    assert audit.details["created"] == 2


def test_the_duplicate_warning_finds_an_imported_person(caseworker) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    found = case_services.case_duplicates_check(
        actor=caseworker, organisation=caseworker.memberships.get().organisation, private_key=unlocked(caseworker),
        content={"identity": {"names": ["Thi Lan"], "birth_date": "1999-04-03"}, "situation": {"citizenships": ["VNM"]}})
    assert len(found) == 1


def test_importing_the_same_file_twice_adds_nothing(caseworker) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    again = _import(caseworker, GOOD.replace("Juan,Cruz", " Juan , Cruz "))  # same row, other spacing
    assert (again.state, again.n_created, again.n_skipped) == ("done", 0, 2)
    assert Case.objects.count() == 2


def test_one_bad_row_imports_nothing_and_every_problem_is_named(caseworker) -> None:  # type: ignore[no-untyped-def]
    bad = GOOD + ",Ana,Lopez,2001-02-30,Female,XX,,,,,,Active,true\n,No,Consent,,,,,,,,,,false\n"
    job = _import(caseworker, bad)
    assert job.state == "invalid" and Case.objects.count() == 0 and ImportedRecord.objects.count() == 0
    problems = {(r["row"], p["field"], p["code"]) for r in job.report["rows"] for p in r["problems"]}
    assert problems == {(3, "prs_Birthdate", "impossible_date"), (3, "prs_Gender", "not_allowed"),
                        (3, "prs_Citizenship", "not_allowed"), (4, "con_Consent", "consent_missing")}
    assert job.payload == b""


def test_a_dry_run_stores_no_case(caseworker) -> None:  # type: ignore[no-untyped-def]
    job = _import(caseworker, GOOD, dry_run=True)
    assert job.state == "done" and job.n_rows == 2 and Case.objects.count() == 0


def test_a_sheet_with_a_saved_mapping(caseworker) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Given name", "Sex", "Born", "Agreed", "Notes"])
    sheet.append(["S-1", "Maria", "F", __import__("datetime").date(1990, 5, 1), "Y", "x"])
    sheet.append(["S-2", "Jose", "M", None, "Y", "y"])
    buffer = io.BytesIO()
    book.save(buffer)
    mapping = ix.ColumnMapping.from_dict({
        "columns": {"ID": "record_id", "Given name": "prs_FirstName", "Sex": "prs_Gender", "Born": "prs_Birthdate",
                    "Agreed": "con_Consent", "Notes": ""},
        "values": {"prs_Gender": {"F": "Feminine", "M": "Masculine"}}})
    organisation = caseworker.memberships.get().organisation
    saved = services.mapping_save(actor=caseworker, organisation=organisation, name="our sheet", mapping=mapping)
    reused = services.mapping_find(organisation=organisation, name_or_id="our sheet")
    job = _import(caseworker, buffer.getvalue(), fmt="xlsx", mapping=reused)
    assert (job.state, job.n_created) == ("done", 2), job.report
    assert ColumnMapping.objects.get(pk=saved.pk).mapping["values"]["prs_Gender"]["F"] == "Feminine"


def test_an_import_is_refused_to_who_keeps_no_cases_here(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.InterchangeError):
        services.import_job_create(actor=staff[Role.RESEARCHER], organisation=organisations["ngo"], data=b"x",
                                   filename="a.csv")
    other = make_staff("other_cw", organisations["other"], Role.CASEWORKER)
    with pytest.raises(services.InterchangeError):
        services.import_job_create(actor=other, organisation=organisations["ngo"], data=GOOD.encode(), filename="a.csv")
    assert ImportJob.objects.count() == 0


# -------------------------------------------------------------------------------------- export


def test_the_export_is_recorded_with_its_row_count_and_audited(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    open_case(caseworker)
    text, export = _export(supervisor)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert export.row_count == 3 == len(rows) and export.cases.count() == 3
    audit = AuditEvent.objects.get(action="export", target_id=str(export.pk))
    assert audit.details == {"purpose": "own", "format": "csv", "rows": 3, "disclosure": export.pk}
    # the formula in the comment is neutralised in the file and restored when read back
    assert "'=HYPERLINK" in text.split("\r\n")[1] or "'=HYPERLINK" in text
    assert rows[0]["cco_CaseComment"] == "'=HYPERLINK(\"x\")"


def test_only_a_case_supervisor_exports(caseworker, staff) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    with pytest.raises(services.InterchangeError):
        _export(caseworker)
    assert CaseExport.objects.count() == 0


def test_a_research_export_holds_only_consented_cases_de_identified(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    first = Case.objects.order_by("pk").first()
    case_services.consent_record(actor=caseworker, case=first, purpose="research", given_on=first.opened_on)
    text, export = _export(supervisor, purpose="research", fmt="json")
    records = json.loads(text)["records"]
    assert export.row_count == 1 and list(export.cases.all()) == [first]
    assert records[0]["record_id"] == "1" and "prs_FirstName" not in records[0] and "prs_Birthdate" not in records[0]
    assert records[0]["prs_Gender"] == "Feminine"


def test_round_trip_into_an_empty_organisation_gives_the_same_records(caseworker, supervisor, organisations) -> None:  # type: ignore[no-untyped-def]
    source = ix.parse_file(GOOD.encode(), "htcds_csv")
    _import(caseworker, GOOD)
    text, _export_row = _export(supervisor)
    receiver = make_staff("receiver_cw", organisations["other"], Role.CASEWORKER)
    boss = make_staff("receiver_sup", organisations["other"], Role.CASE_SUPERVISOR)
    unlocked(receiver), unlocked(boss)
    job = _import(receiver, text)
    assert (job.state, job.n_created) == ("done", 2)
    again, _ = _export(boss)
    back = ix.parse_file(again.encode(), "htcds_csv")
    assert back.ok
    for original, exported in zip(source.records, back.records, strict=True):
        for name, value in original.items():
            assert exported.get(name) == value, name
        assert set(exported) == set(original)


# ------------------------------------------------------------------------------- pages and API


def test_the_upload_page_validates_then_a_key_holder_confirms(caseworker, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.web.research_support import run_worker

    client = keyed_client(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("interchange:imports"), {
            "file": SimpleUploadedFile("cases.csv", GOOD.encode(), content_type="text/csv"), "format": "auto",
            "organisation": str(caseworker.memberships.get().organisation_id), "mapping": ""})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    run_worker()
    job.refresh_from_db()
    assert job.state == "valid" and Case.objects.count() == 0
    page = client.get(url("interchange:job", job.pk))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("interchange:job", job.pk), {"confirm": "1"})
    run_worker()
    job.refresh_from_db()
    assert job.state == "done" and Case.objects.count() == 2


def test_another_organisations_job_is_not_found(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    job = services.import_job_create(actor=caseworker, organisation=caseworker.memberships.get().organisation,
                                     data=GOOD.encode(), filename="a.csv", enqueue=False)
    other = make_staff("other_cw", organisations["other"], Role.CASEWORKER)
    assert signed_in_client(other).get(url("interchange:job", job.pk)).status_code == 404
    assert signed_in_client(other).post(url("interchange:job", job.pk), {"confirm": "1"}).status_code == 404


def test_the_export_page_queues_an_export_that_downloads_as_csv(caseworker, supervisor, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from tests.web.research_support import run_worker
    from tipnet.web.interchange.models import ExportJob

    _import(caseworker, GOOD)
    client = keyed_client(supervisor)
    organisation = str(supervisor.memberships.get().organisation_id)
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(url("interchange:export"), {"purpose": "own", "format": "csv", "organisation": organisation})
    assert queued.status_code == 302
    run_worker()
    response = client.post(url("interchange:export_download", ExportJob.objects.get().pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert b"record_id,org_Name" in response.content
    assert CaseExport.objects.get().row_count == 2
    assert keyed_client(caseworker).get(url("interchange:export")).status_code == 404


def test_the_api_starts_an_import_and_reports_its_state(caseworker, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from tests.web.research_support import run_worker
    from tipnet.web.api.tokens import token_create

    write = token_create(actor=caseworker, user=caseworker, scope="write", days=1, name="t").secret
    read = token_create(actor=caseworker, user=caseworker, scope="read", days=1, name="r").secret
    from django.test import Client

    client = Client()
    body = {"format": "htcds_csv", "filename": "cases.csv", "content": GOOD}
    refused = client.post("/api/v1/imports", body, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {read}")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/imports", body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {write}")
    assert started.status_code == 202, started.content
    job_id = started.json()["id"]
    run_worker()
    status = client.get(f"/api/v1/imports/{job_id}", HTTP_AUTHORIZATION=f"Bearer {read}").json()
    assert status["state"] == "valid" and status["n_rows"] == 2 and Case.objects.count() == 0
    bad = client.post("/api/v1/imports", {**body, "content": GOOD.replace("Feminine", "Female")},
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {write}")
    with django_capture_on_commit_callbacks(execute=True):
        pass
    assert bad.status_code == 202
    assert client.get("/api/v1/imports/999999", HTTP_AUTHORIZATION=f"Bearer {read}").status_code == 404


@pytest.mark.parametrize("role", list(Role.values))
def test_the_import_api_by_role_and_organisation(staff, organisations, role) -> None:  # type: ignore[no-untyped-def]
    """Only the case staff of an organisation start imports there, with a write token; a job of
    another organisation is 404, exactly like a missing one; no token is 401."""
    from django.test import Client

    from tipnet.web.api.tokens import token_create

    body = {"format": "htcds_csv", "filename": "a.csv", "content": GOOD}
    write = token_create(actor=None, user=staff[role], scope="write").secret
    response = Client().post("/api/v1/imports", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {write}")
    if role in (Role.CASEWORKER, Role.CASE_SUPERVISOR):
        assert response.status_code == 202, response.content
        assert response.json()["organisation_id"] == organisations["ngo"].pk
    else:
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    outsider = make_staff("outsider_cw", organisations["other"], Role.CASEWORKER)
    foreign = services.import_job_create(actor=outsider, organisation=organisations["other"], data=GOOD.encode(),
                                         filename="b.csv", enqueue=False)
    seen = Client().get(f"/api/v1/imports/{foreign.pk}", HTTP_AUTHORIZATION=f"Bearer {write}")
    assert seen.status_code == 404 and seen.json()["error"]["code"] == "not_found"
    assert Client().post("/api/v1/imports", body, content_type="application/json").status_code == 401
    assert ImportJob.objects.filter(organisation=organisations["ngo"]).count() == (
        1 if role in (Role.CASEWORKER, Role.CASE_SUPERVISOR) else 0)


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"format": "htcds_csv", "content": ""}, 422, "invalid_file"),
    ({"format": "pdf", "content": "x"}, 422, "invalid_body"),
    ({"format": "xlsx", "content_base64": "not base64!"}, 422, "invalid_body"),
    ({"format": "htcds_csv"}, 422, "invalid_body"),
    ({"format": "htcds_csv", "content": "a", "surprise": 1}, 422, "invalid_body"),
    ({"format": "csv", "content": "a", "mapping": "no such mapping"}, 404, "not_found"),
])
def test_bad_import_requests_store_nothing(caseworker, body, status, code) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from tipnet.web.api.tokens import token_create

    write = token_create(actor=None, user=caseworker, scope="write").secret
    response = Client().post("/api/v1/imports", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {write}")
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert ImportJob.objects.count() == 0


def test_a_sheet_uploaded_on_the_page_is_mapped_saved_and_checked(caseworker, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from tests.web.research_support import run_worker

    client = keyed_client(caseworker)
    sheet = "Ref,Given name,Gender,Agreed\nX-1,Lan,Feminine,yes\n"
    organisation = str(caseworker.memberships.get().organisation_id)
    response = client.post(url("interchange:imports"), {
        "file": SimpleUploadedFile("ours.csv", sheet.encode(), content_type="text/csv"), "format": "csv",
        "organisation": organisation, "mapping": ""})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.state == "mapping"
    with translation.override("en"):
        page = client.get(url("interchange:job", job.pk)).content.decode()
    assert 'id="mapping-form"' in page and "Given name" in page
    assert '<option value="record_id">' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("interchange:job", job.pk), {"map": "1", "col_0": "record_id", "col_1": "prs_FirstName",
                                                     "col_2": "prs_Gender", "col_3": "con_Consent",
                                                     "mapping_name": "our sheet"})
    run_worker()
    job.refresh_from_db()
    assert job.state == "valid", job.report
    assert ColumnMapping.objects.get(name="our sheet").mapping["columns"]["Given name"] == "prs_FirstName"


def test_a_job_left_running_by_a_dead_worker_fails_and_loses_its_secrets(caseworker) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    job = services.import_job_create(actor=caseworker, organisation=caseworker.memberships.get().organisation,
                                     data=GOOD.encode(), filename="a.csv", enqueue=False)
    ImportJob.objects.filter(pk=job.pk).update(state="running", started_at=timezone.now() - datetime.timedelta(hours=4))
    assert signed_in_client(caseworker).get(url("interchange:job", job.pk)).status_code == 200
    job.refresh_from_db()
    assert job.state == "failed" and job.payload == b""
