"""The fast import of issue 13 (one streamed COPY a table, ids drawn first, tokens hashed while the
database writes) keeps its promises: a failure at any point, in this process or in the database,
leaves nothing of the file behind; every case of every batch opens with the organisation's key and
carries the same blind-index tokens as a case opened on the intake page."""

from __future__ import annotations

import pytest

from tests.web.cases_support import caseworker_fixture, unlocked  # noqa: F401
from tipnet.core.blindindex import blind_index_secret, blind_tokens
from tipnet.web.accounts import orgkeys
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.cases import services as case_services
from tipnet.web.cases.duplicates import person_keys
from tipnet.web.cases.models import Case, CaseEvent, CaseToken, Consent
from tipnet.web.interchange import services
from tipnet.web.interchange.models import ImportedRecord, ImportJob

NAMES = [("Thi", "Lan"), ("Juan", "Cruz"), ("Maria", "Santos"), ("Budi", "Santoso"), ("Siti", "Rahma"),
         ("Wei", "Zhang"), ("Minh", "Nguyen")]
FILE = "record_id,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Citizenship,cas_Status,con_Consent\n" + "".join(
    f"R-{i},{first},{last},19{80 + i}-0{i + 1}-1{i},VN,{'Closed' if i == 3 else 'Active'},true\n"
    for i, (first, last) in enumerate(NAMES))


def _import(user):  # type: ignore[no-untyped-def]
    return services.import_file_now(actor=user, organisation=user.memberships.get().organisation, data=FILE.encode(),
                                    filename="cases.csv", fmt="htcds_csv", private_key=unlocked(user))


def _nothing_stored() -> None:
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert Consent.objects.count() == 0
    assert CaseToken.objects.count() == 0
    assert ImportedRecord.objects.count() == 0
    assert not AuditEvent.objects.filter(action="cases.imported", details__step="imported").exists()


@pytest.fixture
def small_batches(monkeypatch):  # type: ignore[no-untyped-def]
    """Batches of 3 rows, so a 7-row file crosses batch boundaries (record keys, progress)."""
    monkeypatch.setattr(services, "BATCH", 3)


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("table", ["CaseToken", "ImportedRecord"])
def test_an_error_in_this_process_midway_leaves_nothing(caseworker, monkeypatch, table) -> None:  # type: ignore[no-untyped-def]
    copy = services._copy

    def failing(model, columns, rows):  # type: ignore[no-untyped-def]
        def rows_then_error():  # type: ignore[no-untyped-def]
            for n, row in enumerate(rows):
                if n == 4:
                    raise RuntimeError("the worker broke here")
                yield row

        copy(model, columns, rows_then_error() if model.__name__ == table else rows)

    monkeypatch.setattr(services, "_copy", failing)
    job = _import(caseworker)
    assert job.state == ImportJob.State.FAILED and job.error == "RuntimeError" and job.payload == b""
    _nothing_stored()
    monkeypatch.setattr(services, "_copy", copy)
    again = _import(caseworker)  # nothing was half-recorded as imported: the same file now goes in whole
    assert (again.state, again.n_created) == ("done", len(NAMES))


@pytest.mark.usefixtures("small_batches")
def test_a_database_error_in_the_last_table_leaves_nothing(caseworker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The database refuses a row of the last table (a keyed identity given twice breaks its unique
    constraint) after the cases, timelines, consents and tokens went in: all of them go."""
    copy = services._copy

    def twice(model, columns, rows):  # type: ignore[no-untyped-def]
        if model is ImportedRecord:
            rows = list(rows)
            rows[5] = (*rows[5][:1], rows[4][1], *rows[5][2:])
        copy(model, columns, rows)

    monkeypatch.setattr(services, "_copy", twice)
    job = _import(caseworker)
    assert job.state == ImportJob.State.FAILED and job.error == "IntegrityError"
    _nothing_stored()


@pytest.mark.usefixtures("small_batches")
def test_every_case_of_every_batch_opens_and_has_the_intake_pages_tokens(caseworker) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, int, int]] = []
    organisation = caseworker.memberships.get().organisation
    job = services.import_job_create(actor=caseworker, organisation=organisation, data=FILE.encode(),
                                     filename="cases.csv", fmt="htcds_csv", via="cli", enqueue=False)
    services.import_job_run(job_id=job.pk)
    services.import_job_confirm(actor=caseworker, job=ImportJob.objects.get(pk=job.pk),
                                private_key=unlocked(caseworker), enqueue=False)
    job = services.import_job_run(job_id=job.pk, progress=lambda step, done, total: seen.append((step, done, total)))
    assert (job.state, job.n_created, job.progress_done) == ("done", len(NAMES), len(NAMES))
    assert seen[-1] == ("import", len(NAMES), len(NAMES))
    assert [done for _s, done, _t in seen] == sorted(done for _s, done, _t in seen)  # progress never goes back
    cases = list(Case.objects.filter(organisation=organisation).order_by("pk"))
    assert [c.reference[-6:] for c in cases] == [f"{n:06d}" for n in range(1, len(NAMES) + 1)]
    assert [c.status for c in cases] == ["active", "active", "active", "closed", "active", "active", "active"]
    assert cases[3].closed_on == cases[3].opened_on and cases[0].closed_on is None
    assert len({bytes(c.sealed_key) for c in cases}) == 3  # one record key per batch of 3
    secret = blind_index_secret(orgkeys.organisation_private_key(
        user=caseworker, private_key=unlocked(caseworker), organisation=organisation))
    for case, (first, last) in zip(cases, NAMES, strict=True):
        content = case_services.case_read(actor=caseworker, case=case, private_key=unlocked(caseworker)).sections
        assert content["identity"]["names"] == [f"{first} {last}"]
        stored = set(CaseToken.objects.filter(case=case).values_list("token", flat=True))
        assert stored == blind_tokens(secret=secret, person=person_keys(content))
        assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == ["intake"]
        assert list(Consent.objects.filter(case=case).values_list("purpose", flat=True)) == ["interview"]
    assert ImportedRecord.objects.filter(job=job).count() == len(NAMES)
