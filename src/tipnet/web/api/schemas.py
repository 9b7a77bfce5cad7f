"""API schemas (``<Entity>Out``/``In``): the OpenAPI document is generated from these."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class ErrorDetail(Schema):
    code: str
    message: str
    problems: list[dict[str, Any]] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class CodeLabel(Schema):
    code: str
    label: str


class PrefectureOut(Schema):
    code: str
    name: str


class ContactOut(Schema):
    phone: str
    email: str
    line: str
    web: str


class TextLanguageOut(Schema):
    display_name: str
    hours: str | None
    description: str | None


class ServiceOut(Schema):
    """One published service, the same object as in the public services.json (docs/directory.md)."""

    id: int
    name: str
    name_en: str
    display_name: str
    organisation: str
    description: str
    text_language: TextLanguageOut
    kinds: list[CodeLabel]
    sexes: list[CodeLabel]
    age_min: int | None
    age_max: int | None
    residence: list[str]
    exploitation: list[str]
    eligibility_note: str
    languages: list[CodeLabel]
    nationwide: bool
    prefectures: list[PrefectureOut]
    contact: ContactOut
    hours: str
    cost: str
    beds_total: int | None
    beds_free: int | None
    capacity_updated_at: str | None
    verification: str
    verified_on: str | None
    demo: bool
    url: str


class NoticeOut(Schema):
    code: str
    title: str
    text: str


class ServiceListOut(Schema):
    language: str
    count: int
    services: list[ServiceOut]
    notices: list[NoticeOut]
    near_misses: list[ServiceOut]


class MembershipOut(Schema):
    organisation_id: int
    organisation: str
    organisation_type: str
    roles: list[str]


class MeOut(Schema):
    username: str
    display_name: str
    token_scope: Literal["read", "write"]
    token_expires_at: str
    roles: list[str]
    organisations: list[MembershipOut]


class HtcdsFieldOut(Schema):
    name: str
    type: str
    required: bool
    core: bool
    status: str
    label: str
    values: list[str]
    code_list: str
    description: str


class HtcdsSchemaOut(Schema):
    version: str
    fields: list[HtcdsFieldOut]


class ValidateIn(Schema):
    """HTCDS records to check (typed JSON values). Nothing is stored."""

    model_config = ConfigDict(extra="forbid")

    records: list[dict[str, Any]] = Field(..., max_length=1000)


class ProblemOut(Schema):
    field: str
    code: str
    message: str
    value: str


class RowOut(Schema):
    row: int
    source_id: str
    problems: list[ProblemOut]


class ValidateOut(Schema):
    ok: bool
    n_rows: int
    rows: list[RowOut]
