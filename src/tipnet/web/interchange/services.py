"""Import and export of cases as HTCDS: the one service behind the page, the API and the CLI.

Import, in two steps, neither inside a request:

1. ``import_job_create`` stores the file (encrypted under the server's key, see models.py) and
   queues its validation; the worker reads, maps and validates every row (``import_job_run``).
   A file with any bad row ends ``invalid`` with the report by row and field; nothing is stored.
2. ``import_job_confirm`` by a key holder of the organisation (the page, or the CLI with the
   user's password) adds the two keyed secrets and queues the import itself: one transaction for
   the whole file, cases sealed to the organisation's key as on the intake page, blind-index
   tokens for the duplicate warning, the keyed identity of each row, one audit row.

Rows already imported (same keyed identity) are skipped, so a file imported twice adds nothing.
A job left waiting for its mapping or its confirmation expires (``import_jobs_expire_unconfirmed``).

Export: the command line writes at once (``cases_export``); the page queues an ``ExportJob``
(``export_job_create``), the worker writes the file and seals it to the requester's key
(``export_job_run``), she downloads it once (``export_job_download``); unfetched, it expires.
``interchange_sweep`` ends every job whose time ran out.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipnet.core import crypto
from tipnet.core.blindindex import PersonKeys, blind_index_secret, blind_tokenizer
from tipnet.core.standard import interchange as ix
from tipnet.core.standard.readers import ImportReport
from tipnet.web.accounts import orgkeys
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.keys import public_key_of
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.cases.duplicates import person_keys
from tipnet.web.cases.models import Case, CaseEvent, CaseToken, Consent
from tipnet.web.cases.sealing import ContentError, content_open, content_seal
from tipnet.web.cases.services import CaseLocked, case_locked_message
from tipnet.web.interchange.access import export_organisations, import_organisations
from tipnet.web.interchange.models import (
    CaseExport,
    ColumnMapping,
    ExportJob,
    ImportedRecord,
    ImportJob,
)

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 100 * 1024 * 1024
BATCH = 1000
_RECORD_KEY_CONTEXT = b"tipnet import record key v1"


class InterchangeError(Exception):
    """A refused import or export; the message is translated and says what to do. Nothing changed."""


# ------------------------------------------------------------------------------------ secrets


def record_key_secret(org_private: bytes) -> bytes:
    """The organisation's secret for the keyed identity of imported rows (only key holders have it)."""
    return hashlib.blake2b(_RECORD_KEY_CONTEXT, key=org_private[:64], digest_size=32).digest()


def _server_key(job_id: int, kind: str = "import") -> bytes:
    """The key under which a job hands its secrets to the worker: from ``SECRET_KEY``, the kind of
    job and its id, so that no two jobs share one (docs/threat-model.md, "jobs in flight")."""
    return hashlib.blake2b(f"tipnet {kind} job {job_id}".encode(), key=settings.SECRET_KEY.encode()[:64],
                           digest_size=32).digest()


def _payload_write(job: ImportJob, content: dict[str, Any]) -> None:
    job.payload = crypto.secret_encrypt(_server_key(job.pk), json.dumps(content).encode())


def _payload_read(job: ImportJob) -> dict[str, Any]:
    if not job.payload:
        return {}
    return dict(json.loads(crypto.secret_decrypt(_server_key(job.pk), bytes(job.payload))))


def _org_private(*, actor: User, private_key: bytes | None, organisation: Organisation) -> bytes:
    org_private = orgkeys.organisation_private_key(user=actor, private_key=private_key, organisation=organisation)
    if org_private is None:
        raise CaseLocked(case_locked_message())
    return org_private


# ------------------------------------------------------------------------------------ mappings


def mapping_save(*, actor: User, organisation: Organisation, name: str, mapping: ix.ColumnMapping) -> ColumnMapping:
    if organisation not in import_organisations(user=actor):
        raise InterchangeError(_("You cannot import cases in this organisation."))
    name = name.strip()[:100]
    if not name:
        raise InterchangeError(_("Give the mapping a name."))
    row, _created = ColumnMapping.objects.update_or_create(
        organisation=organisation, name=name, defaults={"mapping": mapping.to_dict(), "created_by": actor})
    return row


def mapping_find(*, organisation: Organisation, name_or_id: str) -> ix.ColumnMapping:
    query = ColumnMapping.objects.filter(organisation=organisation)
    row = (query.filter(pk=int(name_or_id)).first() if name_or_id.isdigit() else None) or \
        query.filter(name=name_or_id).first()
    if row is None:
        raise InterchangeError(_("No saved mapping of this organisation has this name."))
    return ix.ColumnMapping.from_dict(row.mapping)


# -------------------------------------------------------------------------------------- import


def import_job_create(
    *, actor: User, organisation: Organisation, data: bytes, filename: str, fmt: str = "auto",
    mapping: ix.ColumnMapping | None = None, via: str = "page", enqueue: bool = True,
) -> ImportJob:
    """Store the file and queue its validation (the worker). Refused at once, storing nothing, for
    someone who cannot import here, a file too big or empty, or an unknown format."""
    if organisation not in import_organisations(user=actor):
        raise InterchangeError(_("You cannot import cases in this organisation."))
    if not data:
        raise InterchangeError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise InterchangeError(_("The file is larger than %(mb)s MB. Split it, or use the command line.") % {
            "mb": MAX_FILE_BYTES // (1024 * 1024)})
    if fmt == "auto":
        fmt = ix.detect_format(filename, data)
    if fmt not in ix.FORMATS:
        raise InterchangeError(_("Unknown format."))
    # On the page a sheet of any columns is mapped first (the job page shows its columns).
    needs_mapping = via == "page" and fmt in ("csv", "xlsx") and mapping is None
    with transaction.atomic():
        job = ImportJob.objects.create(organisation=organisation, created_by=actor, filename=filename[:200], format=fmt,
                                       mapping=mapping.to_dict() if mapping else None, via=via,
                                       state=ImportJob.State.MAPPING if needs_mapping else ImportJob.State.QUEUED)
        _payload_write(job, {"data": base64.b64encode(data).decode()})
        job.save(update_fields=["payload"])
        audit_record(actor=actor, action=Action.CASES_IMPORTED, organisation=organisation, target_type="import",
                     target_id=job.pk, details={"step": "uploaded", "format": fmt, "via": via})
        if enqueue and not needs_mapping:
            _enqueue(job.pk)
        if enqueue:  # the bound on waiting for a mapping or a confirmation (import_jobs_expire_unconfirmed)
            _sweep_at(timezone.now() + import_unconfirmed_keep() + datetime.timedelta(seconds=1))
    return job


def import_job_map(*, actor: User, job: ImportJob, mapping: ix.ColumnMapping, name: str = "") -> ImportJob:
    """Give a sheet's columns their HTCDS fields (saved under ``name`` for next time, if given) and
    queue the check."""
    if job.organisation not in import_organisations(user=actor):
        raise InterchangeError(_("You cannot import cases in this organisation."))
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.state != ImportJob.State.MAPPING:
            raise InterchangeError(_("This import cannot be changed any more: it is %(state)s.") % {
                "state": locked.get_state_display()})
        if name.strip():
            mapping_save(actor=actor, organisation=locked.organisation, name=name, mapping=mapping)
        locked.mapping = mapping.to_dict()
        locked.state = ImportJob.State.QUEUED
        locked.save(update_fields=["mapping", "state"])
        _enqueue(locked.pk)
    return locked


def _enqueue(job_id: int) -> None:
    from tipnet.web.interchange.tasks import import_job_task

    transaction.on_commit(lambda: import_job_task.enqueue(job_id))


def import_job_confirm(*, actor: User, job: ImportJob, private_key: bytes | None, enqueue: bool = True) -> ImportJob:
    """A key holder starts the import of a validated file: the keyed secrets are derived from the
    organisation's key in this request and handed to the worker with the file."""
    if job.organisation not in import_organisations(user=actor):
        raise InterchangeError(_("You cannot import cases in this organisation."))
    if orgkeys.organisation_key_ensure(organisation=job.organisation) is None:
        raise CaseLocked(_("Nothing can be saved yet: nobody in your organisation has an encryption key. "
                           "Ask your organisation's admin."))
    org_private = _org_private(actor=actor, private_key=private_key, organisation=job.organisation)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.state != ImportJob.State.VALID:
            raise InterchangeError(_("This import cannot be started: it is %(state)s.") % {
                "state": locked.get_state_display()})
        payload = _payload_read(locked)
        payload["record_secret"] = base64.b64encode(record_key_secret(org_private)).decode()
        payload["blind_secret"] = base64.b64encode(blind_index_secret(org_private)).decode()
        _payload_write(locked, payload)
        locked.state = ImportJob.State.CONFIRMED
        locked.confirmed_by = actor
        locked.save(update_fields=["payload", "state", "confirmed_by"])
        audit_record(actor=actor, action=Action.CASES_IMPORTED, organisation=locked.organisation, target_type="import",
                     target_id=locked.pk, details={"step": "confirmed"})
        if enqueue:
            _enqueue(locked.pk)
    return locked


def _report_json(report: ImportReport, limit: int = 2000) -> dict[str, Any]:
    """The bad rows as stored in the job (in clear): row, record id, field, code and message, never
    the offending value (a mistyped e-mail or birth date is still the person's)."""
    rows = [r.to_dict() for r in report.bad_rows]
    for row in rows:
        for problem in row["problems"]:
            problem["value"] = ""
    return {"ok": report.ok, "n_rows": report.n_rows, "n_bad": len([r for r in report.bad_rows if r.row]),
            "rows": rows[:limit], "truncated": len(rows) > limit}


STALE_AFTER = datetime.timedelta(hours=3)


def import_jobs_fail_stale(*, now: datetime.datetime | None = None) -> int:
    """Jobs left running by a worker that died (no end after STALE_AFTER: an import of 100,000 rows
    takes minutes) are marked failed and their payload, secrets included, erased. Called when a job
    page is opened and when the worker starts a job."""
    now = now or timezone.now()
    return ImportJob.objects.filter(state=ImportJob.State.RUNNING, started_at__lt=now - STALE_AFTER).update(
        state=ImportJob.State.FAILED, payload=b"", finished_at=now, error="the worker stopped while running this import")


def import_unconfirmed_keep() -> datetime.timedelta:
    """How long an import waits for its mapping or a key holder's confirmation (setting
    TIPNET_IMPORT_UNCONFIRMED_DAYS, default 7)."""
    return datetime.timedelta(days=float(getattr(settings, "TIPNET_IMPORT_UNCONFIRMED_DAYS", 7)))


def import_jobs_expire_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    """Imports still waiting for a mapping or a confirmation after ``import_unconfirmed_keep()``
    (most often a program's upload through the API that no key holder confirmed) expire: their
    payload, the file or its checked records, is erased, and the end is audited."""
    now = now or timezone.now()
    expired = 0
    for job in ImportJob.objects.filter(state__in=(ImportJob.State.MAPPING, ImportJob.State.VALID),
                                        created_at__lt=now - import_unconfirmed_keep()).select_related("organisation"):
        with transaction.atomic():
            if ImportJob.objects.filter(pk=job.pk, state=job.state).update(
                    state=ImportJob.State.EXPIRED, payload=b"", finished_at=now):
                audit_record(actor=None, action=Action.CASES_IMPORTED, organisation=job.organisation,
                             target_type="import", target_id=job.pk, details={"step": "expired", "was": job.state})
                expired += 1
    return expired


def _finish(job_id: int, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job_id).update(payload=b"", finished_at=timezone.now(), **fields)


def import_job_run(*, job_id: int, progress: Callable[[str, int, int], None] | None = None) -> ImportJob:
    """The worker's part: validate a queued job, or import a confirmed one. Outside a request; the
    progress is written by short updates; the payload is erased when the job ends."""
    import_jobs_fail_stale()
    job = ImportJob.objects.select_related("organisation", "created_by", "confirmed_by").get(pk=job_id)
    if job.state not in (ImportJob.State.QUEUED, ImportJob.State.CONFIRMED):
        return job
    importing = job.state == ImportJob.State.CONFIRMED
    ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.RUNNING, started_at=timezone.now(),
                                               progress_done=0)
    try:
        payload = _payload_read(job)
        if importing:
            stored: list[list[Any]] = payload["records"]
            report = ImportReport(n_rows=len(stored), records=tuple(r for _s, r in stored),
                                  source_ids=tuple(s for s, _r in stored))
            created, skipped = _import_records(
                job=job, report=report, record_secret=base64.b64decode(payload["record_secret"]),
                blind_secret=base64.b64decode(payload["blind_secret"]), progress=progress)
            _finish(job_id, state=ImportJob.State.DONE, n_rows=report.n_rows, n_created=created, n_skipped=skipped,
                    progress_done=report.n_rows)
            return ImportJob.objects.get(pk=job_id)
        data = base64.b64decode(payload["data"])
        mapping = ix.ColumnMapping.from_dict(job.mapping) if job.mapping else None

        def validated(done: int, total: int) -> None:
            ImportJob.objects.filter(pk=job_id).update(progress_done=done, n_rows=total)
            if progress:
                progress("validate", done, total)

        report = ix.parse_file(data, job.format, mapping=mapping, today=timezone.localdate(), progress=validated)
        if not report.ok:
            _finish(job_id, state=ImportJob.State.INVALID, n_rows=report.n_rows, report=_report_json(report))
            return ImportJob.objects.get(pk=job_id)
        if not importing:
            # The validated records replace the file, so the import does not read and check it again.
            pairs = [[sid, rec] for sid, rec in zip(report.source_ids, report.records, strict=True)]
            _payload_write(job, {"records": pairs})
            ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.VALID, n_rows=report.n_rows,
                                                       report=_report_json(report), progress_done=report.n_rows,
                                                       payload=job.payload)
            return ImportJob.objects.get(pk=job_id)
    except Exception as error:
        logger.exception("import job %s failed", job_id)
        _finish(job_id, state=ImportJob.State.FAILED, error=f"{type(error).__name__}"[:200])
    return ImportJob.objects.get(pk=job_id)


def _next_number(organisation: Organisation, year: int) -> int:
    prefix = f"C-{year}-"
    last = (Case.objects.filter(organisation=organisation, reference__startswith=prefix)
            .order_by("-reference").values_list("reference", flat=True).first())
    return int(last[len(prefix):]) + 1 if last else 1


def _import_records(
    *, job: ImportJob, report: ImportReport, record_secret: bytes, blind_secret: bytes,
    progress: Callable[[str, int, int], None] | None,
) -> tuple[int, int]:
    """Write every new record as a case of the job's organisation, in one transaction.

    Sealing as on the intake page (``crypto.record_seal``'s scheme), with one difference for speed:
    the cases of one batch (``BATCH``) share a random record key, sealed once to the organisation's
    public key, each case under its own random nonce. A record key is reachable only through the
    organisation's private key, which opens every case anyway; the intake entries of the timeline
    share one sealed empty text.

    For speed on PostgreSQL (issue 13: 100,000 rows in 60 s), each table is written by **one**
    COPY whose rows are computed while they stream: the database inserts and indexes the rows
    already sent while this process seals the next cases or hashes the next blind-index tokens,
    so the two cores work at once instead of taking turns. The case ids are drawn from the
    sequence first, so every row is complete when it is computed; no model object is built per
    row. Any error (here or in the database) rolls the whole transaction back: nothing of the
    file stays (tests/web/test_import_speed.py)."""
    organisation = job.organisation
    actor = job.confirmed_by or job.created_by
    public_key = orgkeys.organisation_public_key(organisation=organisation)
    if public_key is None:
        raise CaseLocked(case_locked_message())
    keys = [ix.record_key(record_secret, source_id=sid, record=rec)
            for sid, rec in zip(report.source_ids, report.records, strict=True)]
    today = timezone.localdate()
    total = len(keys)
    intake_key, intake_text = content_seal(public_key=public_key, content={"text": ""})
    tokens_of = blind_tokenizer(secret=blind_secret)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        known: set[str] = set()
        for start in range(0, total, 5000):
            known.update(ImportedRecord.objects.filter(organisation=organisation, key__in=keys[start:start + 5000])
                         .values_list("key", flat=True))
        new: list[tuple[int, str, dict[str, Any]]] = []  # (row number, key, record) of each new row
        seen: set[str] = set()
        for index, (key, record) in enumerate(zip(keys, report.records, strict=True), start=1):
            if key not in known and key not in seen:
                seen.add(key)
                new.append((index, key, record))
        number = _next_number(organisation, today.year)
        now = timezone.now()
        people: list[PersonKeys] = []

        def report_progress(done: int) -> None:
            _progress_outside(job.pk, done)
            if progress:
                progress("import", done, total)

        def cases() -> Iterator[tuple[Any, ...]]:
            # Half of the progress while the cases are sealed, the other half with their tokens.
            record_key = sealed_key = b""
            for position, (index, _key, record) in enumerate(new):
                if position % BATCH == 0:
                    record_key = crypto.new_key()
                    sealed_key = crypto.seal(public_key, record_key)
                    if position:
                        report_progress(index // 2)
                content, status = ix.htcds_to_case(record)
                people.append(person_keys(content))
                ciphertext = crypto.secret_encrypt(
                    record_key, json.dumps(content, ensure_ascii=False, sort_keys=True).encode())
                closed_on = today if status in ("closed", "closed_referred") else None
                yield (organisation.pk, f"C-{today.year}-{number + position:06d}", status, today, closed_on,
                       actor.pk, now, now, 1, sealed_key, ciphertext)

        ids = _insert_cases(cases(), len(new))

        def tokens() -> Iterator[tuple[int, str]]:
            for position, (case_id, person) in enumerate(zip(ids, people, strict=True)):
                if position and position % BATCH == 0:
                    report_progress((total + new[position][0]) // 2)
                for token in sorted(tokens_of(person)):
                    yield case_id, token

        _copy(CaseEvent, ("case_id", "kind", "occurred_on", "created_by_id", "created_at", "sealed_key", "ciphertext"),
              ((pk, CaseEvent.Kind.INTAKE.value, today, actor.pk, now, intake_key, intake_text) for pk in ids))
        _copy(Consent, ("case_id", "purpose", "given_on", "recorded_by_id", "created_at"),
              ((pk, Consent.Purpose.INTERVIEW.value, today, actor.pk, now) for pk in ids))
        _copy(CaseToken, ("case_id", "token"), tokens())
        _copy(ImportedRecord, ("organisation_id", "key", "case_id", "job_id"),
              ((organisation.pk, key, pk, job.pk) for (_index, key, _record), pk in zip(new, ids, strict=True)))
        created = len(new)
        report_progress(total)
        audit_record(actor=actor, action=Action.CASES_IMPORTED, organisation=organisation, target_type="import",
                     target_id=job.pk, details={"step": "imported", "rows": total, "created": created,
                                                "skipped": total - created, "format": job.format})
    return created, total - created


_CASE_COLUMNS = ("organisation_id", "reference", "status", "opened_on", "closed_on", "owner_id", "created_at",
                 "updated_at", "version", "sealed_key", "ciphertext")


def _insert_cases(rows: Iterable[tuple[Any, ...]], count: int) -> list[int]:
    """Cases (``_CASE_COLUMNS``) and their ids, in order: ids drawn from the sequence, then one COPY
    on PostgreSQL; ``bulk_create`` by batches elsewhere (SQLite gives the ids back)."""
    if not count:
        return []
    if db_connection.vendor != "postgresql":
        ids: list[int] = []
        batch: list[Case] = []
        for row in rows:
            batch.append(Case(**dict(zip(_CASE_COLUMNS, row, strict=True))))
            if len(batch) >= BATCH:
                ids.extend(case.pk for case in Case.objects.bulk_create(batch))
                batch = []
        ids.extend(case.pk for case in Case.objects.bulk_create(batch))
        return ids
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [Case._meta.db_table, count])
        ids = [row[0] for row in cursor.fetchall()]
    _copy(Case, ("id", *_CASE_COLUMNS), ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
    return ids


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_CHUNK = 256 * 1024


def _copy_text(value: Any) -> str:
    """One value in COPY's text format (``\\N`` for NULL, bytea as ``\\x`` hex, text escaped)."""
    if value is None:
        return "\\N"
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\\\x" + bytes(value).hex()
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # datetimes too: ISO 8601 with the offset
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy(model: Any, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    """Stream rows into ``model``'s table: one COPY on PostgreSQL, sent in chunks as the rows are
    computed (the server works on the chunks already sent meanwhile); ``bulk_create`` by batches
    elsewhere (same rows, same checks)."""
    if db_connection.vendor != "postgresql":
        batch: list[Any] = []
        for row in rows:
            batch.append(model(**dict(zip(columns, row, strict=True))))
            if len(batch) >= BATCH:
                model.objects.bulk_create(batch)
                batch = []
        if batch:
            model.objects.bulk_create(batch)
        return
    table = model._meta.db_table
    # The raw psycopg cursor's errors are given Django's classes (IntegrityError...), as the ORM's are.
    with db_connection.cursor() as cursor, db_connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            lines: list[str] = []
            size = 0
            for row in rows:
                line = "\t".join([_copy_text(value) for value in row])
                lines.append(line)
                size += len(line)
                if size >= _COPY_CHUNK:
                    lines.append("")
                    copy.write("\n".join(lines))
                    lines, size = [], 0
            if lines:
                lines.append("")
                copy.write("\n".join(lines))


def _insert(model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows: COPY on PostgreSQL, ``bulk_create`` elsewhere (same rows, same checks)."""
    if rows:
        _copy(model, columns, rows)


def _progress_outside(job_id: int, done: int) -> None:
    """Progress from inside the import's transaction: written on a connection of its own so the
    page sees it before the transaction commits (skipped on SQLite, which allows one writer)."""
    if db_connection.vendor != "postgresql":
        return
    from django.db import connections

    alias = "interchange_progress"
    if alias not in connections.settings:
        connections.settings[alias] = {**connections.settings["default"]}
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(f"UPDATE {ImportJob._meta.db_table} SET progress_done = %s WHERE id = %s", [done, job_id])
    except Exception:  # noqa: BLE001 - progress is a courtesy; the import must not fail for it
        logger.warning("import progress not written", exc_info=True)


def import_file_now(
    *, actor: User, organisation: Organisation, data: bytes, filename: str, fmt: str, private_key: bytes | None,
    mapping: ix.ColumnMapping | None = None, dry_run: bool = False, via: str = "cli",
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportJob:
    """The whole import at once, in this process (the command line): validate, then, unless
    ``dry_run`` or a row is bad, import. Same job rows, audit and rules as the page."""
    job = import_job_create(actor=actor, organisation=organisation, data=data, filename=filename, fmt=fmt,
                            mapping=mapping, via=via, enqueue=False)
    job = import_job_run(job_id=job.pk, progress=progress)
    if dry_run or job.state != ImportJob.State.VALID:
        if dry_run and job.state == ImportJob.State.VALID:
            _finish(job.pk, state=ImportJob.State.DONE)
            job.refresh_from_db()
        return job
    job = import_job_confirm(actor=actor, job=job, private_key=private_key, enqueue=False)
    return import_job_run(job_id=job.pk, progress=progress)


def report_lines(job: ImportJob) -> list[str]:
    lines = []
    for row in job.report.get("rows", []):
        where = f"row {row['row']}" if row["row"] else "file"
        for problem in row["problems"]:
            lines.append(f"{where}: {problem['field'] or '-'}: {problem['code']}: {problem['message']}")
    if job.report.get("truncated"):
        lines.append("(more rows with problems not shown)")
    return lines


# -------------------------------------------------------------------------------------- export


def _export_cases(organisation: Organisation, purpose: str) -> Iterable[Case]:
    cases = Case.objects.filter(organisation=organisation)
    if purpose == CaseExport.Purpose.RESEARCH:
        consented = Consent.objects.filter(case__organisation=organisation, purpose=Consent.Purpose.RESEARCH,
                                           withdrawn_on__isnull=True).values("case_id")
        cases = cases.filter(pk__in=consented)
    return cases.order_by("pk")


def _export_check(*, actor: User, organisation: Organisation, purpose: str, fmt: str) -> None:
    if organisation not in export_organisations(user=actor):
        raise InterchangeError(_("Only a case supervisor of the organisation can export its cases."))
    if purpose not in CaseExport.Purpose.values:
        raise InterchangeError(_("Choose the purpose of the export."))
    if fmt not in ("csv", "json"):
        raise InterchangeError(_("Choose CSV or JSON."))


def _export_write(
    *, organisation: Organisation, purpose: str, fmt: str, out: TextIO, org_private: bytes,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, list[int]]:
    """Write the cases as HTCDS into ``out``: (row count, the ids of the cases written). ``progress``
    is called every ``BATCH`` cases with the number written (the worker's progress and cancel check)."""
    research = purpose == CaseExport.Purpose.RESEARCH
    consented = set(Consent.objects.filter(case__organisation=organisation, purpose=Consent.Purpose.INTERVIEW,
                                           withdrawn_on__isnull=True).values_list("case_id", flat=True))
    exported: list[int] = []

    def records() -> Iterator[tuple[str, dict[str, Any]]]:
        for case in _export_cases(organisation, purpose).iterator(chunk_size=2000):
            try:
                content = content_open(private_key=org_private, sealed_key=bytes(case.sealed_key),
                                       ciphertext=bytes(case.ciphertext))
            except ContentError:
                continue  # a damaged case is left out, never exported half-read
            record = ix.case_to_htcds(content, status=case.status, consent=case.pk in consented,
                                      drop=ix.IDENTIFYING if research else ())
            exported.append(case.pk)
            if progress and len(exported) % BATCH == 0:
                progress(len(exported))
            yield (str(len(exported)) if research else case.reference), record

    writer = ix.write_records_csv if fmt == "csv" else ix.write_records_json
    count = writer(records(), out)
    return count, exported


def _export_record(
    *, actor: User, organisation: Organisation, purpose: str, fmt: str, count: int, exported: list[int],
    details: dict[str, Any] | None = None,
) -> CaseExport:
    """The disclosure record (the cases carried, the row count) and its audit row. In the caller's transaction."""
    export = CaseExport.objects.create(organisation=organisation, exported_by=actor, purpose=purpose, format=fmt,
                                       row_count=count)
    _insert(CaseExport.cases.through, ("caseexport_id", "case_id"), [(export.pk, pk) for pk in exported])
    audit_record(actor=actor, action=Action.EXPORT, organisation=organisation, target_type="export",
                 target_id=export.pk, details={"purpose": purpose, "format": fmt, "rows": count,
                                               "disclosure": export.pk, **(details or {})})
    return export


def cases_export(
    *, actor: User, organisation: Organisation, purpose: str, fmt: str, out: TextIO, private_key: bytes | None,
) -> CaseExport:
    """Write the organisation's cases as HTCDS CSV or JSON into ``out``, in this process (the command
    line; the page queues an ``ExportJob`` instead); record the export (the cases it carried and its
    row count) and audit it.

    ``own``: every case of the organisation, for its own use (its archive, a system of its own).
    The person consented to the record at intake and the data stays with the organisation that
    holds it, so no further consent is asked (DESIGN.md: consent before data is *shared*; sharing
    with another organisation goes through referrals, which need the referral consent).
    ``research``: only cases whose research consent holds today, de-identified (no names, birth
    date, contact, address, free text; the record id is a row number, not the case reference)."""
    _export_check(actor=actor, organisation=organisation, purpose=purpose, fmt=fmt)
    org_private = _org_private(actor=actor, private_key=private_key, organisation=organisation)
    with transaction.atomic():
        count, exported = _export_write(organisation=organisation, purpose=purpose, fmt=fmt, out=out,
                                        org_private=org_private)
        return _export_record(actor=actor, organisation=organisation, purpose=purpose, fmt=fmt, count=count,
                              exported=exported)


# --------------------------------------------------------------------------------- export jobs

#: A queued export the worker has not taken in this time fails (its payload, the organisation's key, erased).
EXPORT_QUEUED_MAX = datetime.timedelta(hours=1)


class ExportCancelled(Exception):
    """The requester cancelled the export while the worker was writing it."""


def export_keep() -> datetime.timedelta:
    """How long a finished export waits to be downloaded (setting TIPNET_EXPORT_KEEP_HOURS, default 24)."""
    return datetime.timedelta(hours=float(getattr(settings, "TIPNET_EXPORT_KEEP_HOURS", 24)))


def _sweep_at(when: datetime.datetime) -> None:
    """Run the sweep at ``when`` in the worker, so an expiry happens on time even if nobody opens a page."""
    from tipnet.web.interchange.tasks import interchange_sweep_task

    transaction.on_commit(lambda: interchange_sweep_task.using(run_after=when).enqueue())


def export_job_create(
    *, actor: User, organisation: Organisation, purpose: str, fmt: str, private_key: bytes | None,
    enqueue: bool = True,
) -> ExportJob:
    """Queue an export for the worker. Refused at once, storing nothing, for someone who may not
    export here, without an unlocked key, or without a keyring to seal the file to.

    The worker must open every case, so the organisation's private key goes to it in the job's
    payload under the server's key (as the import's secrets do), erased the moment the worker takes
    the job; the file it writes is sealed to the requester's public key instead."""
    _export_check(actor=actor, organisation=organisation, purpose=purpose, fmt=fmt)
    org_private = _org_private(actor=actor, private_key=private_key, organisation=organisation)
    if public_key_of(actor) is None:
        raise CaseLocked(case_locked_message())
    with transaction.atomic():
        job = ExportJob.objects.create(organisation=organisation, requested_by=actor, purpose=purpose, format=fmt)
        job.payload = crypto.secret_encrypt(_server_key(job.pk, "export"), org_private)
        job.save(update_fields=["payload"])
        if enqueue:
            from tipnet.web.interchange.tasks import export_job_task

            transaction.on_commit(lambda: export_job_task.enqueue(job.pk))
            _sweep_at(timezone.now() + EXPORT_QUEUED_MAX + datetime.timedelta(seconds=1))
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """The worker's part: write the file, outside any transaction, with progress every ``BATCH`` cases
    and the cancel flag read there; then, in one short transaction, the sealed file, the disclosure
    record and its audit row together (no file without its record)."""
    interchange_sweep()
    job = ExportJob.objects.select_related("organisation", "requested_by").get(pk=job_id)
    if job.state != ExportJob.State.QUEUED or not job.payload:
        return job
    # Take the job and erase the key from the database in one step; from here it is only in memory.
    if not ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
            state=ExportJob.State.RUNNING, started_at=timezone.now(), payload=b""):
        return ExportJob.objects.get(pk=job_id)
    try:
        org_private = crypto.secret_decrypt(_server_key(job_id, "export"), bytes(job.payload))
        public_key = public_key_of(job.requested_by)
        if public_key is None:
            raise CaseLocked(case_locked_message())
        total = _export_cases(job.organisation, job.purpose).count()
        ExportJob.objects.filter(pk=job_id).update(n_total=total)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job_id).update(progress_done=done)
            if ExportJob.objects.filter(pk=job_id, cancel_requested=True).exists():
                raise ExportCancelled

        out = io.StringIO()
        count, exported = _export_write(organisation=job.organisation, purpose=job.purpose, fmt=job.format, out=out,
                                        org_private=org_private, progress=progress)
        file_key = crypto.new_key()
        sealed_file = crypto.secret_encrypt(file_key, out.getvalue().encode())
        del out
        now = timezone.now()
        expires_at = now + export_keep()
        with transaction.atomic():
            locked = ExportJob.objects.select_for_update().get(pk=job_id)
            if locked.cancel_requested:
                raise ExportCancelled
            export = _export_record(actor=job.requested_by, organisation=job.organisation, purpose=job.purpose,
                                    fmt=job.format, count=count, exported=exported, details={"job": job_id})
            ExportJob.objects.filter(pk=job_id).update(
                state=ExportJob.State.READY, export=export, file=sealed_file, file_key=crypto.seal(public_key, file_key),
                n_total=count, progress_done=count, finished_at=now, expires_at=expires_at)
            _sweep_at(expires_at + datetime.timedelta(seconds=1))
    except ExportCancelled:
        ExportJob.objects.filter(pk=job_id).update(state=ExportJob.State.CANCELLED, finished_at=timezone.now())
    except Exception as error:
        logger.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(state=ExportJob.State.FAILED, finished_at=timezone.now(),
                                                   error=f"{type(error).__name__}"[:200])
    return ExportJob.objects.get(pk=job_id)


def export_job_cancel(*, actor: User, job: ExportJob) -> bool:
    """Stop a queued or running export (audited). A queued one is cancelled at once (its payload
    erased); a running one at the worker's next progress step. False if it had already ended."""
    now = timezone.now()
    with transaction.atomic():
        done = ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.QUEUED).update(
            state=ExportJob.State.CANCELLED, cancel_requested=True, payload=b"", finished_at=now) or \
            ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.RUNNING).update(cancel_requested=True)
        if done:
            audit_record(actor=actor, action=Action.EXPORT, organisation=job.organisation, target_type="export_job",
                         target_id=job.pk, details={"step": "cancelled", "job": job.pk})
    return bool(done)


class ExportGone(Exception):
    """The export was downloaded already, expired, or never finished: its file is not here."""


def export_job_download(*, actor: User, job: ExportJob, private_key: bytes | None) -> bytes:
    """The file, once: opened with the requester's own key and erased in the same transaction, with
    an audit row of the download. ExportGone if it is not (or no longer) ready; CaseLocked if her
    key is not unlocked in this session (the file is kept)."""
    if job.requested_by_id != actor.pk:
        raise ExportGone  # callers check access first; this is the last guard
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if locked.state != ExportJob.State.READY or not locked.file:
            raise ExportGone
        if private_key is None:
            raise CaseLocked(case_locked_message())
        try:
            data = crypto.secret_decrypt(crypto.unseal(private_key, bytes(locked.file_key)), bytes(locked.file))
        except crypto.DecryptionError as error:
            raise CaseLocked(case_locked_message()) from error
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.DOWNLOADED, file=b"", file_key=b"",
                                                   downloaded_at=timezone.now())
        audit_record(actor=actor, action=Action.EXPORT, organisation=locked.organisation, target_type="export_job",
                     target_id=job.pk, details={"step": "downloaded", "job": job.pk,
                                                "disclosure": locked.export_id})
    return data


def export_jobs_expire(*, now: datetime.datetime | None = None) -> int:
    """Erase the files not downloaded in time (audited); fail the jobs a worker never took or left
    running (their payload erased). Part of ``interchange_sweep``."""
    now = now or timezone.now()
    ExportJob.objects.filter(state=ExportJob.State.QUEUED, created_at__lt=now - EXPORT_QUEUED_MAX).update(
        state=ExportJob.State.FAILED, payload=b"", finished_at=now, error="no task worker took this export in time")
    ExportJob.objects.filter(state=ExportJob.State.RUNNING, started_at__lt=now - STALE_AFTER).update(
        state=ExportJob.State.FAILED, payload=b"", finished_at=now, error="the worker stopped while writing this export")
    expired = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.READY, expires_at__lte=now).select_related("organisation"):
        with transaction.atomic():
            if ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.READY).update(
                    state=ExportJob.State.EXPIRED, file=b"", file_key=b""):
                audit_record(actor=None, action=Action.EXPORT, organisation=job.organisation,
                             target_type="export_job", target_id=job.pk,
                             details={"step": "expired", "job": job.pk, "disclosure": job.export_id})
                expired += 1
    return expired


def interchange_sweep(*, now: datetime.datetime | None = None) -> None:
    """Every time-bound end of the interchange jobs: imports left running by a dead worker, imports
    never confirmed, export files never fetched. Run on the job pages, when the worker starts or
    takes a job, and as a task queued for the moment each bound falls due."""
    now = now or timezone.now()
    import_jobs_fail_stale(now=now)
    import_jobs_expire_unconfirmed(now=now)
    export_jobs_expire(now=now)
