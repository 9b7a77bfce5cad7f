"""``/api/v1/imports``: start an HTCDS import and follow it (the same service as the page).

Mounted by tipnet.web.api.api with its token authentication. A program holds no unlocked key, so
an import it starts is checked by the worker and then waits (state ``valid``) for a key holder of
the organisation to confirm it on the imports page, where the keyed secrets are derived; the
program polls ``GET /api/v1/imports/{id}`` until ``done`` or ``invalid`` (docs/api.md). An import
nobody confirms within TIPNET_IMPORT_UNCONFIRMED_DAYS ends ``expired``, its file deleted.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from tipnet.core.standard import interchange as ix
from tipnet.web.api.errors import ApiError
from tipnet.web.api.models import ApiToken
from tipnet.web.api.schemas import ErrorOut
from tipnet.web.api.tokens import require_scope
from tipnet.web.interchange import services
from tipnet.web.interchange.access import access_import_job, import_organisations
from tipnet.web.interchange.models import ImportJob

router = Router(tags=["imports"])


class ImportIn(Schema):
    """One file: its text (``content``, UTF-8) or its bytes (``content_base64``, e.g. an .xlsx)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["auto", "htcds_csv", "htcds_json", "kobo_csv", "kobo_json", "csv", "xlsx"] = "auto"
    filename: str = Field("", max_length=200)
    content: str | None = Field(None, max_length=10_000_000)
    content_base64: str | None = Field(None, max_length=14_000_000)
    organisation_id: int | None = None
    mapping: str | None = Field(None, max_length=100, description="a saved column mapping of the organisation (name)")


class ImportProblemOut(Schema):
    field: str
    code: str
    message: str
    value: str


class ImportRowOut(Schema):
    row: int
    source_id: str
    problems: list[ImportProblemOut]


class ImportOut(Schema):
    id: int
    organisation_id: int
    state: Literal["mapping", "queued", "valid", "invalid", "confirmed", "running", "done", "failed", "expired"] = Field(
        description="expired: not confirmed within TIPNET_IMPORT_UNCONFIRMED_DAYS (default 7); the file was deleted")
    format: str
    n_rows: int
    n_created: int
    n_skipped: int
    progress_done: int
    rows: list[ImportRowOut]
    created_at: str
    finished_at: str | None


def _out(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk, "organisation_id": job.organisation_id, "state": job.state, "format": job.format,
        "n_rows": job.n_rows, "n_created": job.n_created, "n_skipped": job.n_skipped,
        "progress_done": job.progress_done, "rows": job.report.get("rows", []),
        "created_at": job.created_at.isoformat(), "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@router.post("", response={202: ImportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                           422: ErrorOut, 429: ErrorOut})
def import_start(request: HttpRequest, body: ImportIn) -> Any:
    """Start an import: the worker checks every row; then a key holder confirms it on the page.
    Needs a write token of a caseworker or case supervisor."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    require_scope(token, "write")
    organisations = import_organisations(user=token.user)
    if body.organisation_id is not None:
        organisations = [o for o in organisations if o.pk == body.organisation_id]
    if not organisations:
        raise ApiError(404, "not_found", "Not found.")
    organisation = organisations[0]
    if (body.content is None) == (body.content_base64 is None):
        raise ApiError(422, "invalid_body", "Send the file as content or as content_base64, not both.")
    try:
        data = body.content.encode() if body.content is not None else base64.b64decode(body.content_base64 or "",
                                                                                          validate=True)
    except (binascii.Error, ValueError) as error:
        raise ApiError(422, "invalid_body", "content_base64 is not base64.") from error
    mapping = None
    if body.mapping:
        try:
            mapping = services.mapping_find(organisation=organisation, name_or_id=body.mapping)
        except (services.InterchangeError, ix.MappingError) as error:
            raise ApiError(404, "not_found", "No saved mapping of this organisation has this name.") from error
    try:
        with translation.override("en"):  # API messages are for programmers, in English
            job = services.import_job_create(actor=token.user, organisation=organisation, data=data,
                                             filename=body.filename, fmt=body.format, mapping=mapping, via="api")
    except services.InterchangeError as error:
        raise ApiError(422, "invalid_file", str(error)) from error
    return Status(202, _out(job))


@router.get("/{job_id}", response={200: ImportOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut})
def import_status(request: HttpRequest, job_id: int) -> Any:
    """The state of an import of one of the token user's organisations, with the report of bad rows."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not 0 < job_id < 2**63:
        raise ApiError(404, "not_found", "Not found.")
    return _out(access_import_job(user=token.user, job_id=job_id))
