"""Cases, their timeline, tasks and consents, and referrals, for signed-in programs (/api/v1/).

Thin, like the pages' views: the same ``cases.access`` functions decide who reaches what (missing
and forbidden both give 404), the same ``cases.services`` write and audit; nothing here decides a
permission. On top: the token's scope (a write needs ``write``), a read of one case or referral is
audited as the case page's is, and the sealed content opens only with a token that carries a key
unlock (tokens.py); without one, sealed content is refused with ``content_locked`` (403) and lists
show the clear columns, with the sealed text as null.

Mounted by api.py with the bearer-token authentication (and its rate limit) on every operation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router, Schema, Status
from pydantic import Field

from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.api.case_schemas import (
    CaseContentOut,
    CaseCreateIn,
    CaseDetailOut,
    CaseListOut,
    CaseOut,
    CaseUpdateIn,
    ConsentIn,
    ConsentOut,
    ContentIn,
    DecideIn,
    DuplicatesErrorOut,
    EventIn,
    EventOut,
    ReferralContentOut,
    ReferralIn,
    ReferralListOut,
    ReferralOut,
    TaskIn,
    TaskOut,
    WithdrawIn,
)
from tipnet.web.api.errors import ApiError
from tipnet.web.api.models import ApiToken, Scope
from tipnet.web.api.schemas import ErrorOut
from tipnet.web.api.tokens import require_scope, token_private_key
from tipnet.web.cases import services
from tipnet.web.cases.access import (
    access_case,
    access_case_consent,
    access_case_task,
    access_cases,
    access_referral,
    case_organisation,
    case_organisations,
    referral_side,
    visible_sections,
)
from tipnet.web.cases.forms import CODES, FIELDS, LINES, CaseForm
from tipnet.web.cases.models import Case, CaseTask, Consent, Referral
from tipnet.web.cases.selectors import cases_visible

router = Router(tags=["cases"])

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut, 429: ErrorOut}


def _responses(status: int, schema: Any) -> dict[int, Any]:
    return {status: schema, **ERRORS}


# --- helpers ------------------------------------------------------------------------------------------


def _token(request: HttpRequest) -> ApiToken:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _user(request: HttpRequest) -> User:
    return _token(request).user


def _write(request: HttpRequest) -> User:
    require_scope(_token(request), Scope.WRITE)
    return _user(request)


def _private_key(request: HttpRequest) -> bytes | None:
    """The user's key from the token's key unlock, for this request only (kept on the request
    object, never stored); None for a token without one."""
    if not hasattr(request, "_tipnet_api_key"):
        header = request.headers.get("Authorization", "")
        secret = header.split(" ", 1)[1] if " " in header else ""
        request._tipnet_api_key = token_private_key(_token(request), secret)  # type: ignore[attr-defined]
    return request._tipnet_api_key  # type: ignore[attr-defined, no-any-return]


def _check_id(value: int) -> int:
    if not 0 < value < 2**63:
        raise ApiError(404, "not_found", "Not found.")
    return value


def _allowed_query(request: HttpRequest, allowed: set[str]) -> None:
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ApiError(400, "invalid_query", "The query is not valid.", problems=[
            {"field": name, "code": "unknown_filter", "message": "Unknown parameter."} for name in unknown])


@contextmanager
def _service() -> Iterator[None]:
    """The services' refusals as stable API errors, messages in English (programs key on the code).
    The services change nothing when they refuse."""
    with translation.override("en"):
        try:
            yield
        except services.CaseLocked as error:
            raise ApiError(403, "content_locked", str(error) + " (This token does not open case content: "
                           "create one with 'Let this token open case content', see docs/api.md.)") from error
        except services.CaseUnreadable as error:
            raise ApiError(409, "content_unreadable", str(error)) from error
        except services.CaseConflict as error:
            raise ApiError(409, "version_conflict", "The case changed since the version you sent. Read it again, "
                           "then send your change with the new version.") from error
        except services.ConsentRefused as error:
            raise ApiError(403, "consent_missing", str(error)) from error
        except services.CaseError as error:
            raise ApiError(400, "refused", str(error)) from error


def _locked_refusal() -> ApiError:
    with translation.override("en"):
        return ApiError(403, "content_locked", services.case_locked_message() + " (This token does not open case "
                        "content: create one with 'Let this token open case content', see docs/api.md.)")


def _audit_read(user: User, case: Case, part: str) -> None:
    """A read of one case's clear columns is audited like the case page's read (which decrypts)."""
    audit_record(actor=user, action=Action.RECORD_READ, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"via": "api", "part": part})


def _organisation(value: int, field: str) -> Organisation:
    organisation = Organisation.objects.filter(pk=value).first()
    if organisation is None:
        raise ApiError(422, "invalid_body", "The request body does not match the schema.", problems=[
            {"field": field, "code": "unknown_organisation", "message": "No organisation has this id."}])
    return organisation


def _content(content: ContentIn) -> dict[str, dict[str, Any]]:
    """The sections sent, checked by the case pages' own form (dates, codes, lengths, age against
    birth date) and in the form's stored shape. A section that is null or left out is not sent."""
    sent = {section: values for section, values in content.model_dump(exclude_none=True).items()
            if getattr(content, section) is not None}
    data: dict[str, Any] = {"status": Case.Status.ACTIVE, "version": "1"}
    for values in sent.values():
        for name, value in values.items():
            if name in LINES:
                data[name] = "\n".join(value)
            elif name in CODES:
                data[name] = ", ".join(value)
            elif isinstance(value, datetime.date):
                data[name] = value.isoformat()
            elif isinstance(value, list):
                data[name] = value
            else:
                data[name] = "" if value is None else str(value)
    with translation.override("en"):
        form = CaseForm(data, sections=frozenset(sent), intake=False)
        if not form.is_valid():
            raise ApiError(422, "invalid_body", "The case content is not valid.", problems=[
                {"field": f"body.content.{FIELDS.get(name, '')}.{name}".replace("..", "."), "code": "invalid",
                 "message": " ".join(str(e) for e in errors)}
                for name, errors in form.errors.items()])
        return form.content()


def _page(limit: int, offset: int, count: int) -> dict[str, Any]:
    return {"count": count, "limit": limit, "offset": offset,
            "next_offset": offset + limit if offset + limit < count else None}


def _case_out(case: Case) -> dict[str, Any]:
    return {"id": case.pk, "reference": case.reference, "organisation_id": case.organisation_id,
            "organisation": case.organisation.name, "status": case.status, "opened_on": case.opened_on,
            "closed_on": case.closed_on, "owner_id": case.owner_id, "owner": case.owner.get_username(),
            "version": case.version, "updated_at": case.updated_at}


def _task_out(task: CaseTask, title: str | None) -> dict[str, Any]:
    return {"id": task.pk, "assignee_id": task.assignee_id, "assignee": task.assignee.get_username(),
            "due_on": task.due_on, "done_on": task.done_on, "created_at": task.created_at, "title": title}


def _consent_out(consent: Consent) -> dict[str, Any]:
    return {"id": consent.pk, "purpose": consent.purpose, "recipient_id": consent.recipient_id,
            "recipient": consent.recipient.name if consent.recipient else None, "given_on": consent.given_on,
            "withdrawn_on": consent.withdrawn_on, "current": consent.current}


def _referral_out(user: User, referral: Referral) -> dict[str, Any]:
    side = referral_side(user=user, referral=referral)
    return {"id": referral.pk, "kind": referral.kind, "state": referral.state, "side": side,
            "case_id": referral.case_id if side == "sender" else None,
            "transferred_case_id": referral.transferred_case_id if side == "receiver" else None,
            "sender": {"id": referral.sender_id, "name": referral.sender.name},
            "receiver": {"id": referral.receiver_id, "name": referral.receiver.name},
            "sections": list(referral.sections), "created_at": referral.created_at, "decided_at": referral.decided_at}


# --- cases --------------------------------------------------------------------------------------------


class CaseQuery(Schema):
    status: Case.Status | None = None
    owner: str = Field("", pattern=r"^(me)?$", description="'me' for your own cases.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/cases", response=_responses(200, CaseListOut))
def cases_list(request: HttpRequest, query: Query[CaseQuery]) -> Any:
    """Your organisations' cases, the most recently created first (by id, stable for paging): clear
    columns only (no names, no story), the cases of the case list page. Filter by ``status`` and
    ``owner=me``; page with ``limit`` and ``offset``."""
    _allowed_query(request, {"status", "owner", "limit", "offset"})
    user = _user(request)
    access_cases(user=user)
    # Newest created first, by id: a stable order for paging (a case opened with an earlier date
    # later does not shift the pages), and one the primary key's index serves with 100,000 cases.
    cases: QuerySet[Case] = cases_visible(user=user, status=query.status or "",
                                          owner_id=user.pk if query.owner == "me" else None).order_by("-pk")
    count = cases.count()
    rows = list(cases[query.offset:query.offset + query.limit])
    return {**_page(query.limit, query.offset, count), "cases": [_case_out(c) for c in rows]}


@router.post("/cases", response={**_responses(201, CaseOut), 409: DuplicatesErrorOut})
def cases_create(request: HttpRequest, body: CaseCreateIn) -> Any:
    """Open a case (needs a token that opens case content: intake computes the duplicate check's
    tokens with the organisation's key). Possible duplicates in the organisation give 409
    ``possible_duplicates`` with their ids, unless ``confirm_new``."""
    user = _write(request)
    access_cases(user=user)
    if body.organisation_id is None:
        organisation = case_organisation(user=user)
    else:
        organisation = next((o for o in case_organisations(user=user) if o.pk == body.organisation_id), None)
        if organisation is None:
            raise ApiError(404, "not_found", "Not found.")
    content = _content(body.content)
    private_key = _private_key(request)
    if private_key is None:
        raise _locked_refusal()
    with _service():
        if not body.confirm_new:
            duplicates = services.case_duplicates_check(actor=user, organisation=organisation, content=content,
                                                        private_key=private_key)
            if duplicates:
                raise ApiError(409, "possible_duplicates", "The organisation may already have a case of this person. "
                               "Check these cases, then send again with confirm_new if it is someone else.",
                               duplicates=[{"case_id": d.case.pk, "reference": d.case.reference,
                                            "reasons": list(d.reasons)} for d in duplicates])
        case = services.case_open(actor=user, organisation=organisation, content=content,
                                  consents=set(body.consents), private_key=private_key)
    return Status(201, _case_out(Case.objects.select_related("organisation", "owner").get(pk=case.pk)))


@router.get("/cases/{case_id}", response=_responses(200, CaseDetailOut))
def cases_get(request: HttpRequest, case_id: int) -> Any:
    """One case's clear columns, its version (send it back to update) and which sections you may
    read. Audited as a read of the case."""
    user = _user(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    _audit_read(user, case, "case")
    return {**_case_out(case), "sections_visible": sorted(visible_sections(user=user, case=case)),
            "content_unlocked": _private_key(request) is not None}


@router.get("/cases/{case_id}/content", response=_responses(200, CaseContentOut))
def cases_content(request: HttpRequest, case_id: int) -> Any:
    """The sealed sections you may read (the case page's read, audited with the sections shown).
    Refused with ``content_locked`` for a token without a key unlock."""
    user = _user(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    private_key = _private_key(request)
    if private_key is None:
        raise _locked_refusal()
    with _service():
        content = services.case_read(actor=user, case=case, private_key=private_key)
    return {"case_id": case.pk, "version": case.version, "sections": content.sections}


@router.patch("/cases/{case_id}", response=_responses(200, CaseOut))
def cases_update(request: HttpRequest, case_id: int, body: CaseUpdateIn) -> Any:
    """Change the status and replace whole sections, with optimistic locking: send the ``version``
    you read; if someone changed the case since, 409 ``version_conflict`` and nothing is changed.
    Needs a token that opens case content (the case is sealed again as a whole)."""
    user = _write(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    content = _content(body.content) if body.content is not None else {}
    private_key = _private_key(request)
    if private_key is None:
        raise _locked_refusal()
    with _service():
        services.case_update(actor=user, case=case, expected_version=body.version, content=content,
                             status=body.status or case.status, private_key=private_key)
    return _case_out(Case.objects.select_related("organisation", "owner").get(pk=case.pk))


# --- timeline and tasks -------------------------------------------------------------------------------


@router.get("/cases/{case_id}/events", response=_responses(200, list[EventOut]))
def events_list(request: HttpRequest, case_id: int) -> Any:
    """The timeline, newest first: kind, date and author in clear; ``text`` sealed (null without a
    key unlock). Audited as a read of the case."""
    user = _user(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    private_key = _private_key(request)
    texts: dict[int, str] = {}
    if private_key is not None:
        with _service():
            try:
                texts = {event.pk: text for event, text in
                         services.case_timeline(actor=user, case=case, private_key=private_key)}
            except services.CaseLocked:
                texts = {}
    _audit_read(user, case, "timeline")
    return [{"id": e.pk, "kind": e.kind, "occurred_on": e.occurred_on,
             "created_by": e.created_by.get_username() if e.created_by else None, "created_at": e.created_at,
             "text": texts.get(e.pk)} for e in case.events.select_related("created_by")]


@router.post("/cases/{case_id}/events", response=_responses(201, EventOut))
def events_add(request: HttpRequest, case_id: int, body: EventIn) -> Any:
    """Add a note or a meeting (sealed with the organisation's public key: any write token can)."""
    user = _write(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    with _service():
        event = services.case_event_add(actor=user, case=case, kind=body.kind, occurred_on=body.occurred_on,
                                        text=body.text)
    return Status(201, {"id": event.pk, "kind": event.kind, "occurred_on": event.occurred_on,
                        "created_by": user.get_username(), "created_at": event.created_at, "text": body.text.strip()})


@router.get("/cases/{case_id}/tasks", response=_responses(200, list[TaskOut]))
def tasks_list(request: HttpRequest, case_id: int) -> Any:
    """The support plan's tasks: due date, assignee and done date in clear; ``title`` sealed (null
    without a key unlock). Audited as a read of the case."""
    user = _user(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    tasks = list(case.tasks.select_related("case__organisation", "assignee"))
    private_key = _private_key(request)
    titles = services.task_titles(user=user, private_key=private_key, tasks=tasks) if private_key else {}
    _audit_read(user, case, "tasks")
    return [_task_out(task, titles.get(task.pk)) for task in tasks]


@router.post("/cases/{case_id}/tasks", response=_responses(201, TaskOut))
def tasks_add(request: HttpRequest, case_id: int, body: TaskIn) -> Any:
    """Add a task; the assignee (you by default) must keep cases in the case's organisation."""
    user = _write(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    assignee = None
    if body.assignee_id is not None:
        assignee = User.objects.filter(pk=body.assignee_id, is_active=True).first()
        if assignee is None:
            raise ApiError(400, "refused", "A task can be given only to a caseworker of this organisation.")
    with _service():
        task = services.case_task_add(actor=user, case=case, title=body.title, due_on=body.due_on, assignee=assignee)
    return Status(201, _task_out(task, body.title.strip()))


@router.post("/cases/{case_id}/tasks/{task_id}/done", response=_responses(200, TaskOut))
def tasks_done(request: HttpRequest, case_id: int, task_id: int) -> Any:
    """Mark a task done today (doing it twice changes nothing)."""
    user = _write(request)
    task = access_case_task(user=user, case_id=_check_id(case_id), task_id=_check_id(task_id))
    with _service():
        task = services.case_task_done(actor=user, task=task)
    return _task_out(task, None)


# --- consents -----------------------------------------------------------------------------------------


@router.get("/cases/{case_id}/consents", response=_responses(200, list[ConsentOut]))
def consents_list(request: HttpRequest, case_id: int) -> Any:
    """Every consent of the case, withdrawn ones included (in clear: the server checks them before
    a disclosure). Audited as a read of the case."""
    user = _user(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    _audit_read(user, case, "consents")
    return [_consent_out(c) for c in case.consents.select_related("recipient")]


@router.post("/cases/{case_id}/consents", response=_responses(201, ConsentOut))
def consents_record(request: HttpRequest, case_id: int, body: ConsentIn) -> Any:
    """Record a consent; a referral consent names the receiving organisation (``recipient_id``)."""
    user = _write(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    recipient = _organisation(body.recipient_id, "recipient_id") if body.recipient_id is not None else None
    with _service():
        consent = services.consent_record(actor=user, case=case, purpose=body.purpose, given_on=body.given_on,
                                          recipient=recipient)
    return Status(201, _consent_out(consent))


@router.post("/cases/{case_id}/consents/{consent_id}/withdraw", response=_responses(200, ConsentOut))
def consents_withdraw(request: HttpRequest, case_id: int, consent_id: int, body: WithdrawIn) -> Any:
    """Record that the person withdrew a consent (today by default); the consent stays, with both dates."""
    user = _write(request)
    consent = access_case_consent(user=user, case_id=_check_id(case_id), consent_id=_check_id(consent_id))
    with _service():
        consent = services.consent_withdraw(actor=user, consent=consent, withdrawn_on=body.withdrawn_on)
    return _consent_out(consent)


# --- referrals ----------------------------------------------------------------------------------------


class ReferralQuery(Schema):
    direction: str = Field("all", pattern=r"^(in|out|all)$", description="in: referred to you; out: by you.")
    state: Referral.State | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/referrals", response=_responses(200, ReferralListOut))
def referrals_list(request: HttpRequest, query: Query[ReferralQuery]) -> Any:
    """Referrals to and from your organisations, newest first (clear columns, as the referrals page)."""
    _allowed_query(request, {"direction", "state", "limit", "offset"})
    user = _user(request)
    access_cases(user=user)
    mine = case_organisations(user=user)
    referrals = Referral.objects.select_related("sender", "receiver")
    if query.direction == "in":
        referrals = referrals.filter(receiver__in=mine)
    elif query.direction == "out":
        referrals = referrals.filter(sender__in=mine)
    else:
        referrals = referrals.filter(Q(receiver__in=mine) | Q(sender__in=mine))
    if query.state:
        referrals = referrals.filter(state=query.state)
    referrals = referrals.defer("sealed_key", "ciphertext").order_by("-created_at", "-pk")
    count = referrals.count()
    rows = list(referrals[query.offset:query.offset + query.limit])
    return {**_page(query.limit, query.offset, count), "referrals": [_referral_out(user, r) for r in rows]}


@router.get("/referrals/{referral_id}", response=_responses(200, ReferralOut))
def referrals_get(request: HttpRequest, referral_id: int) -> Any:
    """One referral's clear columns, for either side."""
    user = _user(request)
    referral = access_referral(user=user, referral_id=_check_id(referral_id))
    return _referral_out(user, referral)


@router.get("/referrals/{referral_id}/content", response=_responses(200, ReferralContentOut))
def referrals_content(request: HttpRequest, referral_id: int) -> Any:
    """What was shared, for the receiving organisation only, sealed to its key (audited). 404 for the
    sending side (the copy is sealed to the receiver) and once revoked (the copy is erased)."""
    user = _user(request)
    referral = access_referral(user=user, referral_id=_check_id(referral_id))
    if referral_side(user=user, referral=referral) != "receiver" or referral.state == Referral.State.REVOKED:
        raise ApiError(404, "not_found", "Only the receiving organisation reads what was shared, until it is revoked.")
    private_key = _private_key(request)
    if private_key is None:
        raise _locked_refusal()
    with _service():
        shared = services.referral_read(actor=user, referral=referral, private_key=private_key)
    return {"referral_id": referral.pk, "reference": str(shared.get("reference", "")),
            "reason": str(shared.get("reason", "")), "sections": dict(shared.get("sections") or {})}


@router.post("/cases/{case_id}/referrals", response=_responses(201, ReferralOut))
def referrals_propose(request: HttpRequest, case_id: int, body: ReferralIn) -> Any:
    """Refer the case to another organisation, sharing the chosen sections sealed to its key. Needs
    the person's referral consent naming it (else 403 ``consent_missing``; a case supervisor may
    override with a reason) and a token that opens case content."""
    user = _write(request)
    case = access_case(user=user, case_id=_check_id(case_id))
    receiver = _organisation(body.receiver_id, "receiver_id")
    private_key = _private_key(request)
    if private_key is None:
        raise _locked_refusal()
    with _service():
        referral = services.referral_propose(
            actor=user, case=case, receiver=receiver, sections=list(body.sections), reason=body.reason,
            private_key=private_key, override=body.override, override_reason=body.override_reason,
            transfer=body.transfer)
    return Status(201, _referral_out(user, referral))


@router.post("/referrals/{referral_id}/decide", response=_responses(200, ReferralOut))
def referrals_decide(request: HttpRequest, referral_id: int, body: DecideIn) -> Any:
    """Accept, reject or complete (the receiving side), or revoke (the sending side). Accepting a
    transfer opens the case at the receiver and needs a token that opens case content."""
    user = _write(request)
    referral = access_referral(user=user, referral_id=_check_id(referral_id))
    with _service():
        referral = services.referral_decide(actor=user, referral=referral, action=body.action,
                                            private_key=_private_key(request))
    return _referral_out(user, referral)
