"""Reporting-line pages. Public pages: no account, no cookie but the form token, no address kept,
work with JavaScript off. Staff pages: hotline operators of the trustee only."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tipnet.core.receipts import ReceiptFormatError, receipt_normalise
from tipnet.web.accounts import grants
from tipnet.web.accounts.access import staff_view
from tipnet.web.accounts.keys import current_private_key
from tipnet.web.accounts.models import Membership, Organisation, User
from tipnet.web.accounts.roles import OrganisationType
from tipnet.web.public.errors import SummaryEntry, error_summary
from tipnet.web.report import ratelimit, services
from tipnet.web.report.access import (
    access_channel,
    access_channels,
    access_forwarding,
    access_inbox,
    access_report,
    access_report_file,
    access_staff_entry,
)
from tipnet.web.report.attachments import (
    MAX_FILES,
    AttachmentBusy,
    AttachmentError,
    clean_attachment,
)
from tipnet.web.report.forms import (
    ChannelForm,
    ForwardForm,
    ForwardingUpdateForm,
    NoteForm,
    ReceiptForm,
    ReplyForm,
    ReportForm,
    StaffMessageForm,
    TriageForm,
)
from tipnet.web.report.labels import language_names, prefecture_label, triage_labels, victims_label
from tipnet.web.report.models import Channel, Report
from tipnet.web.report.once import (
    AlreadySent,
    TokenInvalid,
    once_token_digest,
    once_token_new,
    once_token_spent,
)
from tipnet.web.report.questionnaire import add_channel_fields, extra_answers, parse_questions
from tipnet.web.report.selectors import inbox


def _files_dropped(request: HttpRequest) -> bool:
    """Whether Django dropped this request's files without a word. The only upload handler is
    MemoryFileUploadHandler (nothing is spooled to disk), and it takes no file at all from a
    request whose Content-Length is over FILE_UPLOAD_MAX_MEMORY_SIZE, while the text fields are
    still parsed (DATA_UPLOAD_MAX_MEMORY_SIZE counts only those). Such a request reaches the view
    as if no file had been chosen."""
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    return (request.content_type == "multipart/form-data" and length.isdigit()
            and int(length) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE)


@dataclass(frozen=True)
class RefusedFile:
    """A file that was not sent, with the reason, shown to the reporter (never stored)."""

    name: str
    reason: str


def _upload_name(upload: object, index: int) -> str:
    """The file's name as the reporter's device gave it, only to tell her which file it was."""
    name = str(getattr(upload, "name", "") or "").strip()
    return name[:120] or _("File %(number)s") % {"number": index + 1}


def _clean_files(request: HttpRequest, keep_as_given: bool) -> tuple[list, list[str], list[RefusedFile]]:
    """The files that can be kept (cleaned), their neutral names, and the ones refused with the
    reason. One bad file no longer costs the reporter the others: the good ones are sent with
    the text, the refused ones are named on the next page (she can add them later with her
    receipt). Only a send too large to be read at all is refused as a whole (AttachmentError)."""
    if _files_dropped(request):
        raise AttachmentError(
            _("Your files are too large: together they may be at most %(max)s MB. Nothing was sent. "
              "Please send fewer or smaller files; your text is still here.")
            % {"max": settings.FILE_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)})
    cleaned, refused = [], []
    for index, upload in enumerate(request.FILES.getlist("files")):
        name = _upload_name(upload, index)
        if index >= MAX_FILES:
            refused.append(RefusedFile(name, _("Please send at most %(max)s files at a time.") % {"max": MAX_FILES}))
            continue
        try:
            cleaned.append(clean_attachment(data=upload.read(), keep_as_given=keep_as_given))
        except AttachmentBusy:
            raise  # the whole send waits for a quieter moment; nothing is stored
        except AttachmentError as error:
            refused.append(RefusedFile(name, str(error)))
    # Names are kept only inside the sealed metadata, and reduced to a neutral one.
    names = [f"file-{index + 1}" for index in range(len(cleaned))]
    return cleaned, names, refused


def _posted_token(request: HttpRequest, form: str) -> tuple[str | None, str]:
    """The hash of the posted one-time token (None for a form sent without one) and, for a
    token not made for this form or too old, the message to show (nothing is sent then)."""
    token = request.POST.get("once")
    if token is None:
        return None, ""
    try:
        return once_token_digest(token=token, form=form), ""
    except TokenInvalid:
        return None, _("This form was open for too long, or it came from another page. Nothing was sent. "
                       "Please check what you wrote and press Send again.")


def _already_sent(request: HttpRequest) -> HttpResponse:
    """The page for a second send of the same form (a reload, a double press): nothing is sent
    again, and the receipt is never shown again."""
    return render(request, "report/already_sent.html", status=409)


def _well_formed(receipt: str) -> bool:
    try:
        receipt_normalise(receipt)
    except ReceiptFormatError:
        return False
    return True


def _busy(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    context["error"] = _("Too many attempts from here. Please wait a little and try again. If someone is in danger, call 110.")
    return render(request, template, context, status=429)


def _channel_form(request: HttpRequest, channel: Channel | None) -> tuple[ReportForm, list]:
    form = ReportForm(request.POST or None, request.FILES or None)
    questions = parse_questions(channel.questions) if channel else []
    if channel is not None:
        add_channel_fields(form, hidden=channel.hidden_fields, questions=questions, language=get_language() or "ja")
    return form, questions


@require_http_methods(["GET", "POST"])
def report_form_view(request: HttpRequest, channel_slug: str | None = None) -> HttpResponse:
    channel = services.channel_get(slug=channel_slug)
    if channel_slug is not None and channel is None:
        raise Http404
    form, questions = _channel_form(request, channel)
    context: dict[str, object] = {"form": form, "channel": channel, "once": once_token_new(form="report"),
                                  "form_cache_key": f"{channel.pk}-{channel.updated_at.timestamp()}" if channel else "none"}
    if request.method == "POST":
        digest, token_problem = _posted_token(request, "report")
        if token_problem:
            context["error"] = token_problem
        elif digest is not None and once_token_spent(digest=digest):
            return _already_sent(request)
        elif form.is_valid():
            # Counted only now: an invalid form cost nothing (ratelimit's module docstring).
            if not ratelimit.allow(request, "submit"):
                return _busy(request, "report/form.html", context)
            data = form.cleaned_data
            try:
                files, names, refused = _clean_files(request, data.get("keep_files", False))
                # The receipt page is rendered inside the report's transaction: if anything fails
                # before the page exists, the report is rolled back. So a receipt is only ever shown
                # for a stored report, and the error page can truthfully say nothing was saved.
                with transaction.atomic():
                    submission = services.report_submit(
                        data=services.report_input_from_form(
                            data, language=get_language() or "ja", extra=extra_answers(data, questions)
                        ),
                        files=files, file_names=names, channel=channel, once=digest,
                    )
                    return render(request, "report/receipt.html", {
                        "receipt": submission.receipt, "danger_now": data["danger_now"], "refused": refused,
                    })
            except AlreadySent:
                return _already_sent(request)
            except (AttachmentError, services.ReportError) as error:
                context["error"] = str(error)
        context["summary"] = error_summary(forms_=(form,), general=(str(context.get("error", "")),))
        return render(request, "report/form.html", context, status=400)
    return render(request, "report/form.html", context)


def _receipt_form_page(request: HttpRequest, form: ReceiptForm, error: str, status: int) -> HttpResponse:
    """The page that asks for the receipt, with the error at the top linked to the field."""
    summary = [SummaryEntry(message=error, target=form["receipt"].id_for_label, label=str(form["receipt"].label))] if error else []
    return render(request, "report/follow_up.html", {"form": form, "error": error, "summary": summary}, status=status)


@require_http_methods(["GET", "POST"])
def follow_up_view(request: HttpRequest) -> HttpResponse:
    """Open a report with its receipt, read the replies, answer. The receipt travels only in the
    form itself (never a cookie or the address), and is checked again on every send."""
    if request.method == "GET":
        return render(request, "report/follow_up.html", {"form": ReceiptForm()})
    receipt = request.POST.get("receipt", "")
    # Only a well-formed receipt is checked (Argon2) and counted; a mistyped one is refused below
    # at no cost, with the same message.
    well_formed = _well_formed(receipt)
    if well_formed and not ratelimit.allow(request, "receipt"):
        return _busy(request, "report/follow_up.html", {"form": ReceiptForm()})
    try:
        opened = services.report_open_with_receipt(receipt_text=receipt)
    except services.ReportError as failure:
        return _receipt_form_page(request, ReceiptForm(), str(failure), 400)
    replying = request.POST.get("action") == "reply"
    error, already, refused = "", False, []
    reply = ReplyForm(request.POST, request.FILES) if replying else None
    if reply is not None:
        digest, token_problem = _posted_token(request, "reply")
        if token_problem:
            error = token_problem
        elif digest is not None and once_token_spent(digest=digest):
            already = True
        elif reply.is_valid():
            try:
                files, names, refused = _clean_files(request, reply.cleaned_data["keep_files"])
                message = reply.cleaned_data["message"]
                if refused and not files and not message.strip():
                    raise AttachmentError(_("Nothing was sent: no file could be accepted."))
                # As for a new report: the page is made inside the transaction that stores the
                # answer, so an error while making it leaves nothing stored.
                with transaction.atomic():
                    services.reporter_add(message=message, files=files, file_names=names, once=digest, opened=opened)
                    return _conversation_page(request, opened, receipt, sent=True, refused=refused)
            except AlreadySent:
                already = True
            except (AttachmentError, services.ReportError) as failure:
                error = str(failure)
        else:
            error = _("Please check the form.")
    # A refused answer is shown again with what the reporter typed.
    return _conversation_page(request, opened, receipt, reply=reply if error else None, error=error, already=already,
                              refused=refused)


def _conversation_page(request: HttpRequest, opened: tuple[Report, bytes], receipt: str, *, reply: ReplyForm | None = None,
                       error: str = "", sent: bool = False, already: bool = False,
                       refused: list[RefusedFile] | None = None) -> HttpResponse:
    try:
        conversation = services.reporter_conversation(opened=opened)
    except services.ReportError as failure:
        return _receipt_form_page(request, ReceiptForm(), str(failure), 400)
    shown = reply if reply is not None else ReplyForm(initial={"receipt": receipt})
    summary = error_summary(forms_=(shown,), general=(error,)) if error else []
    return render(
        request, "report/conversation.html",
        {"conversation": conversation, "reply": shown, "error": error, "summary": summary, "sent": sent,
         "already": already, "refused": refused or [], "once": once_token_new(form="reply")},
        status=400 if error else (409 if already else 200),
    )


# ------------------------------------------------------------------------------------ staff


@staff_view(access_inbox)
def inbox_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Report.Status.NEW)
    if status not in Report.Status.values:
        status = Report.Status.NEW
    reports = [(r, prefecture_label(r.prefecture), victims_label(r.victims)) for r in inbox(user=request.user, status=status)]
    return render(request, "report/inbox.html", {
        "reports": reports, "status": status, "statuses": Report.Status.choices,
        "key_unlocked": current_private_key(request) is not None,
    })


@require_http_methods(["GET", "POST"])
@staff_view(access_staff_entry)
def staff_entry_view(request: HttpRequest) -> HttpResponse:
    """A report taken by phone or in person, entered by the operator."""
    form = ReportForm(request.POST or None)
    source = request.POST.get("source", Report.Source.PHONE)
    if request.method == "POST" and form.is_valid() and source in (Report.Source.PHONE, Report.Source.IN_PERSON):
        data = form.cleaned_data
        try:
            submission = services.report_submit(
                data=services.report_input_from_form(data, language=get_language() or "ja"),
                files=[], file_names=[], source=source, actor=request.user,
            )
        except services.ReportError as error:
            return render(request, "report/staff_entry.html", {"form": form, "error": str(error)}, status=400)
        return render(request, "report/staff_receipt.html", {"receipt": submission.receipt, "report": submission.report})
    return render(request, "report/staff_entry.html", {"form": form, "sources": Report.Source.choices[1:]},
                  status=400 if request.method == "POST" else 200)


def _posted_id(request: HttpRequest, name: str) -> int | None:
    """A record id posted by a staff form, or None for anything that is not one (a bad id is the
    user's mistake, answered with a message, not a server error)."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _forward_targets() -> object:
    """Organisations with an age key, and member organisations whose caseworkers receive the report
    in tipnet (cases.from_report)."""
    from tipnet.web.cases.access import CASE_ROLES

    members = Membership.objects.filter(role__in=CASE_ROLES, pending=False, user__is_active=True,
                                        user__keyring__isnull=False).values("organisation_id")
    return (Organisation.objects.filter(Q(age_key__isnull=False) | Q(pk__in=members))
            .exclude(type=OrganisationType.TRUSTEE).order_by("name"))


@require_http_methods(["GET", "POST"])
@staff_view(access_report)
def report_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(user=request.user, report_id=report_id)
    private_key = current_private_key(request)
    error = ""
    triage_form = TriageForm(initial={"status": report.status, "kind": report.kind, "indicators": report.indicators})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "message":
                form = StaffMessageForm(request.POST)
                if form.is_valid():
                    services.report_message_to_reporter(actor=request.user, report=report, body=form.cleaned_data["body"], private_key=private_key)
            elif action == "note":
                form = NoteForm(request.POST)
                if form.is_valid():
                    services.report_note_add(actor=request.user, report=report, body=form.cleaned_data["body"], private_key=private_key)
            elif action == "triage":
                triage_form = form = TriageForm(request.POST)
                if not form.is_valid():
                    raise services.ReportError(" ".join(str(e) for errors in form.errors.values() for e in errors))
                services.report_triage(actor=request.user, report=report, status=form.cleaned_data["status"],
                                       kind=form.cleaned_data["kind"], indicators=form.cleaned_data["indicators"],
                                       private_key=private_key)
                messages.success(request, _triage_saved_message(report))
            elif action == "unmapped_to_note":
                services.report_unmapped_indicators_to_note(actor=request.user, report=report, private_key=private_key)
                messages.success(request, _("The earlier indicator notes are now an internal note."))
            elif action == "grant":
                user_id = _posted_id(request, "user_id")
                colleague = User.objects.filter(pk=user_id).first() if user_id is not None else None
                if colleague is None:
                    raise services.ReportError(_("Choose a colleague."))
                services.report_grant_access(actor=request.user, report=report, colleague=colleague, private_key=private_key)
            elif action == "forward":
                form = ForwardForm(request.POST, queryset=_forward_targets())
                if form.is_valid():
                    encrypted = services.report_forward(actor=request.user, report=report,
                                                        recipient=form.cleaned_data["recipient"], private_key=private_key)
                    if encrypted is None:
                        messages.success(request, _(
                            "Delivered in tipnet to %(organisation)s: its caseworkers find it under Forwarded reports."
                        ) % {"organisation": form.cleaned_data["recipient"].name})
                        return redirect("report:report", report_id=report.pk)
                    response = HttpResponse(encrypted, content_type="application/octet-stream")
                    response["Content-Disposition"] = 'attachment; filename="report.zip.age"'
                    return response
                raise services.ReportError(_("Choose an organisation to forward to."))
            elif action == "forwarding":
                forwarding_id = _posted_id(request, "forwarding_id")
                if forwarding_id is None:
                    raise services.ReportError(_("Choose a forwarding from the list."))
                forwarding = access_forwarding(user=request.user, report_id=report.pk, forwarding_id=forwarding_id)
                form = ForwardingUpdateForm(request.POST)
                if form.is_valid():
                    services.forwarding_update(actor=request.user, forwarding=forwarding, state=form.cleaned_data["state"],
                                               outcome=form.cleaned_data["outcome"])
        except services.ReportError as failure:
            error = str(failure)
        if not error:
            return redirect("report:report", report_id=report.pk)
    try:
        conversation = services.report_read(actor=request.user, report=report, private_key=private_key)
    except services.KeyUnavailable as failure:
        return render(request, "report/locked.html", {"report": report, "error": str(failure)}, status=403)
    colleagues = grants.confirmed_operators(report.trustee).exclude(pk__in=report.access.values("user_id"))
    show = request.GET.get("show", "")
    labels = {q.key: q.text(q.label, get_language() or "en") for q in parse_questions(report.channel.questions)} if report.channel else {}
    extra = [(labels.get(key, key), value) for key, value in conversation.content.get("extra", {}).items()]
    language_code = str(conversation.content.get("language") or "")
    local, translated = language_names(language_code)
    return render(request, "report/report.html", {
        "report": report, "conversation": conversation, "error": error,
        "message_form": StaffMessageForm(), "note_form": NoteForm(),
        "triage_form": triage_form,
        "forward_form": ForwardForm(queryset=_forward_targets()), "forwardings": report.forwardings.select_related("recipient"),
        "forwarding_form": ForwardingUpdateForm(), "colleagues": colleagues, "shown": show, "extra": extra,
        "language": {"code": language_code, "local": local, "translated": translated},
        "labels": triage_labels(kind=report.kind, prefecture=report.prefecture, victims=report.victims,
                                children=report.children),
    }, status=400 if error else 200)


def _triage_saved_message(report: Report) -> str:
    count = len(report.indicators)
    return ngettext(
        "Triage saved: %(status)s, %(kind)s, %(count)s indicator.",
        "Triage saved: %(status)s, %(kind)s, %(count)s indicators.",
        count,
    ) % {"status": report.get_status_display(), "kind": report.get_kind_display(), "count": count}


@staff_view(access_report_file)
def report_file_view(request: HttpRequest, report_id: int, file_id: int) -> HttpResponse:
    report = access_report_file(user=request.user, report_id=report_id, file_id=file_id)
    try:
        data, meta = services.report_file_read(actor=request.user, report=report, file_id=file_id, private_key=current_private_key(request))
    except services.KeyUnavailable:
        return HttpResponse(status=403)
    response = HttpResponse(data, content_type=meta["type"] if meta.get("kind") == "image" else "application/octet-stream")
    response["Content-Disposition"] = "inline" if meta.get("kind") == "image" else 'attachment; filename="attachment.bin"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_http_methods(["GET", "POST"])
@staff_view(access_channels)
def channels_view(request: HttpRequest) -> HttpResponse:
    """Network admins: the reporting line's channels and a new one."""
    return _channel_page(request, None)


@require_http_methods(["GET", "POST"])
@staff_view(access_channel)
def channel_edit_view(request: HttpRequest, channel_id: int) -> HttpResponse:
    return _channel_page(request, access_channel(user=request.user, channel_id=channel_id))


def _channel_page(request: HttpRequest, channel: Channel | None) -> HttpResponse:
    import json

    initial = {}
    if channel is not None:
        initial = {"name": channel.name, "slug": channel.slug, "hidden_fields": channel.hidden_fields,
                   "questions": json.dumps(channel.questions, ensure_ascii=False, indent=2)}
    form = ChannelForm(request.POST or None, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.channel_save(actor=request.user, channel=channel, slug=data["slug"], name=data["name"],
                                          hidden_fields=data["hidden_fields"], questions_json=data["questions"])
        except services.ReportError as failure:
            error = str(failure)
        else:
            return redirect("report:channel_edit", channel_id=saved.pk)
    services.channel_default()
    missing = []
    if channel is not None:
        missing = [(q.key, q.missing_languages()) for q in parse_questions(channel.questions) if q.missing_languages()]
    return render(request, "report/channels.html", {
        "form": form, "error": error, "channel": channel, "channels": Channel.objects.all(), "missing": missing,
    }, status=400 if (error or form.errors) else 200)
