"""Case pages: list, intake, the case page (sections, timeline, tasks, consents), edit. Thin: every
POST goes through services.py (which audits); access in access.py; content opened in services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tipnet.web.accounts.access import staff_view
from tipnet.web.accounts.keys import current_private_key
from tipnet.web.accounts.models import User
from tipnet.web.cases import services
from tipnet.web.cases import vocabulary as v
from tipnet.web.cases.access import (
    SECTIONS,
    access_case,
    access_case_consent,
    access_case_task,
    access_cases,
    access_referral,
    case_organisation,
    case_organisations,
    is_case_supervisor,
    referral_side,
    visible_sections,
)
from tipnet.web.cases.forms import (
    FIELDS,
    CaseForm,
    ConsentForm,
    DisclosureForm,
    EventForm,
    ReferralForm,
    ReferralNoteForm,
    ReturnForm,
    TaskForm,
    form_initial,
)
from tipnet.web.cases.models import Case, Referral
from tipnet.web.cases.selectors import cases_visible, services_for_person
from tipnet.web.screening.models import ScreeningRecord
from tipnet.web.screening.selectors import screenings_visible


def _reason_labels(reasons: tuple[str, ...]) -> list[str]:
    labels = {
        "name_exact": _("same name"), "name_similar": _("similar name"),
        "name_other_script": _("same name in another script"), "birth_date": _("same birth date"),
        "birth_date_swapped": _("birth date with day and month swapped"), "birth_year": _("same birth year"),
        "birth_date_differs": _("different birth date"), "nationality": _("same citizenship"),
        "nationality_differs": _("different citizenship"),
    }
    return [labels.get(r, r) for r in reasons]


CASES_PER_PAGE = 50


def _checked_case(request: HttpRequest, case_id: int) -> Case:
    """The case ``staff_view(access_case)`` just read for this request (so it is read once), or
    ``access_case`` again for a view decorated otherwise."""
    case = getattr(request, "staff_checked", None)
    if isinstance(case, Case) and case.pk == case_id:
        return case
    return access_case(user=request.user, case_id=case_id)


def _message(request: HttpRequest, case: Case | None, message: str, status: int) -> HttpResponse:
    return render(request, "cases/message.html", {"case": case, "message": message}, status=status)


@require_http_methods(["GET"])
@staff_view(access_cases)
def list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Case.Status.values:
        status = ""
    owner = request.GET.get("owner", "")
    owner_id = request.user.pk if owner == "me" else None
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() and 0 < int(request.GET["page"]) < 100_000 else 1
    # One page at a time, without counting (a count of 100,000 cases costs more than the page): one
    # row more than a page tells whether there is a next one.
    start = (page - 1) * CASES_PER_PAGE
    cases = list(cases_visible(user=request.user, status=status, owner_id=owner_id)[start:start + CASES_PER_PAGE + 1])
    has_next = len(cases) > CASES_PER_PAGE
    return render(request, "cases/list.html", {
        "cases": cases[:CASES_PER_PAGE], "status": status, "owner": owner, "statuses": Case.Status.choices,
        "page": page, "next_page": page + 1 if has_next else None, "previous_page": page - 1 if page > 1 else None,
        "due": services.tasks_due_this_week(user=request.user, private_key=current_private_key(request)),
    })


def _sections_for_intake(user: User) -> frozenset[str]:
    """At intake the caseworker will own the case, so she writes every section."""
    return frozenset(SECTIONS)


@require_http_methods(["GET", "POST"])
@staff_view(access_cases)
def new_view(request: HttpRequest) -> HttpResponse:
    organisation = case_organisation(user=request.user)
    sections = _sections_for_intake(request.user)
    if request.method == "GET":
        form = CaseForm(sections=sections, intake=True)
        return render(request, "cases/form.html", {"form": form, "intake": True})
    form = CaseForm(request.POST, sections=sections, intake=True)
    context: dict[str, Any] = {"form": form, "intake": True}
    if not form.is_valid():
        return render(request, "cases/form.html", context, status=400)
    content = form.content()
    private_key = current_private_key(request)
    try:
        if not form.cleaned_data.get("confirm_new"):
            duplicates = services.case_duplicates_check(
                actor=request.user, organisation=organisation, content=content, private_key=private_key)
            if duplicates:
                context["duplicates"] = [(d, _reason_labels(d.reasons)) for d in duplicates]
                return render(request, "cases/form.html", context, status=409)
        case = services.case_open(actor=request.user, organisation=organisation, content=content,
                                  consents=set(form.cleaned_data["consents"]), private_key=private_key)
    except services.CaseError as error:
        context["error"] = str(error)
        return render(request, "cases/form.html", context, status=409 if isinstance(error, services.CaseLocked) else 400)
    return redirect("cases:case", case_id=case.pk)


def _display(sections: dict[str, dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """(label, value) rows per section in the form's order, labels translated, codes shown as names."""
    choices = {"sex": v.SEX, "trafficking_status": v.TRAFFICKING_STATUS, "residence_status": v.RESIDENCE_STATUS,
               "recruitment": v.RECRUITMENT, "control": v.CONTROL, "exploitation": v.EXPLOITATION,
               "industry": v.INDUSTRY, "sex_exploitation": v.SEX_EXPLOITATION}
    short = {"names": _("Names"), "aliases": _("Other names"), "citizenships": _("Citizenships"),
             "languages": _("Languages")}
    form = CaseForm(sections=frozenset(sections), intake=False)
    rows: dict[str, list[tuple[str, str]]] = {section: [] for section in sections}
    for name, section in FIELDS.items():
        value = sections.get(section, {}).get(name)
        if section not in sections or value in (None, "", []):
            continue
        if name in choices:
            text = ", ".join(v.labels(choices[name], value))
        elif name == "citizenships":
            text = ", ".join(v.country_names(value))
        elif name == "languages":
            text = ", ".join(v.language_names(value))
        elif isinstance(value, list):
            text = ", ".join(str(item) for item in value)
        else:
            text = str(value)
        rows[section].append((str(short.get(name, form.fields[name].label)), text))
    return rows


def _referral_context(request: HttpRequest, case: Case, sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The referral form with the receivers that fit the person for the need chosen (cases.receivers)."""
    from tipnet.web.cases.receivers import receiver_context

    return receiver_context(request.GET, case=case, sections=sections)


def _case_page(request: HttpRequest, case: Case) -> HttpResponse:
    """The case page. Worked out once for the whole page (and its documents tag): the reader's
    organisation key (one share unsealed), whether she supervises, the sections she sees."""
    private_key = current_private_key(request)
    keys = services.OrganisationKeys(user=request.user, private_key=private_key)
    supervisor = is_case_supervisor(user=request.user, organisation=case.organisation)
    visible = visible_sections(user=request.user, case=case, supervisor=supervisor)
    try:
        content = services.case_read(actor=request.user, case=case, private_key=private_key, keys=keys,
                                     visible=visible)
        timeline = services.case_timeline(actor=request.user, case=case, private_key=private_key, keys=keys)
    except services.CaseLocked as error:
        return render(request, "cases/unavailable.html", {"message": str(error), "case": case})
    except services.CaseUnreadable as error:
        return render(request, "cases/unavailable.html", {"message": str(error), "case": case}, status=409)
    tasks = list(case.tasks.select_related("assignee"))
    for task in tasks:
        task.case = case  # the case in hand, its organisation already read
    titles = services.task_titles(user=request.user, private_key=private_key, tasks=tasks, keys=keys)
    linked = {link.screening_id for link in case.screening_links.all()}
    return render(request, "cases/case.html", {
        "case": case,
        "sections": _display(content.sections),
        "hidden_sections": [s for s in ("health", "sexual") if s not in content.visible],
        "timeline": timeline,
        "tasks": [(task, titles.get(task.pk, "")) for task in tasks],
        "consents": case.consents.select_related("recipient"),
        "disclosures": case.disclosures.select_related("recipient", "disclosed_by"),
        "linked_screenings": sorted(linked),
        "screenings": list(screenings_visible(user=request.user).filter(organisation_id=case.organisation_id)
                           .exclude(pk__in=linked)[:30]),
        "event_form": EventForm(), "task_form": TaskForm(),
        "consent_form": ConsentForm(organisation=case.organisation),
        "disclosure_form": DisclosureForm(organisation=case.organisation),
        **_referral_context(request, case, content.sections),
        "return_form": ReturnForm(),
        "fitting_services": services_for_person(sections=content.sections, exclude_organisation_id=case.organisation_id),
        "referrals": case.referrals.select_related("receiver"),
        "may_override": supervisor,  # may_override_consent: a case supervisor of the organisation
        "case_keys": keys, "is_supervisor": supervisor, "visible_sections": visible,
    })


@require_http_methods(["GET"])
@staff_view(access_case)
def case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, _checked_case(request, case_id))


@require_http_methods(["GET", "POST"])
@staff_view(access_case)
def edit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _checked_case(request, case_id)
    sections = visible_sections(user=request.user, case=case)
    private_key = current_private_key(request)
    if request.method == "GET":
        try:
            content = services.case_read(actor=request.user, case=case, private_key=private_key)
        except services.CaseError as error:
            return render(request, "cases/unavailable.html", {"message": str(error), "case": case})
        initial = {**form_initial(content.sections), "status": case.status, "version": case.version}
        form = CaseForm(initial=initial, sections=sections, intake=False)
        return render(request, "cases/form.html", {"form": form, "case": case})
    form = CaseForm(request.POST, sections=sections, intake=False)
    context: dict[str, Any] = {"form": form, "case": case}
    if not form.is_valid():
        return render(request, "cases/form.html", context, status=400)
    try:
        services.case_update(actor=request.user, case=case, expected_version=form.cleaned_data["version"],
                             content=form.content(), status=form.cleaned_data["status"], private_key=private_key)
    except services.CaseConflict as error:
        # Nothing typed is lost: the form keeps what was posted; saving again applies it on top of
        # the current version, after the caseworker compared (the case page opens in a new tab).
        data = request.POST.copy()
        data["version"] = str(Case.objects.values_list("version", flat=True).get(pk=case.pk))
        context.update(form=CaseForm(data, sections=sections, intake=False), error=str(error), conflict=True)
        return render(request, "cases/form.html", context, status=409)
    except services.CaseError as error:
        context["error"] = str(error)
        return render(request, "cases/form.html", context, status=409 if isinstance(error, services.CaseLocked) else 400)
    return redirect("cases:case", case_id=case.pk)


def _after(case: Case, anchor: str) -> HttpResponse:
    return redirect(reverse("cases:case", kwargs={"case_id": case.pk}) + f"#{anchor}")


def _form_error(form: Any) -> str:
    messages = [f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
                for name, errors in form.errors.items()]
    return " ".join(messages)


@require_POST
@staff_view(access_case)
def event_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _checked_case(request, case_id)
    form = EventForm(request.POST)
    if not form.is_valid():
        return _message(request, case, _form_error(form), 400)
    try:
        services.case_event_add(actor=request.user, case=case, **form.cleaned_data)
    except services.CaseError as error:
        return _message(request, case, str(error), 400)
    return _after(case, "timeline")


@require_POST
@staff_view(access_case)
def task_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _checked_case(request, case_id)
    form = TaskForm(request.POST)
    if not form.is_valid():
        return _message(request, case, _form_error(form), 400)
    try:
        services.case_task_add(actor=request.user, case=case, **form.cleaned_data)
    except services.CaseError as error:
        return _message(request, case, str(error), 400)
    return _after(case, "tasks")


@require_POST
@staff_view(access_case_task)
def task_done_view(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    task = access_case_task(user=request.user, case_id=case_id, task_id=task_id)
    try:
        services.case_task_done(actor=request.user, task=task)
    except services.CaseError as error:
        return _message(request, task.case, str(error), 400)
    return _after(task.case, "tasks")


@require_POST
@staff_view(access_case)
def consent_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _checked_case(request, case_id)
    form = ConsentForm(request.POST, organisation=case.organisation)
    if not form.is_valid():
        return _message(request, case, _form_error(form), 400)
    try:
        services.consent_record(actor=request.user, case=case, **form.cleaned_data)
    except services.CaseError as error:
        return _message(request, case, str(error), 400)
    return _after(case, "consents")


@require_POST
@staff_view(access_case_consent)
def consent_withdraw_view(request: HttpRequest, case_id: int, consent_id: int) -> HttpResponse:
    consent = access_case_consent(user=request.user, case_id=case_id, consent_id=consent_id)
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except services.CaseError as error:
        return _message(request, consent.case, str(error), 400)
    return _after(consent.case, "consents")


@require_POST
@staff_view(access_case)
def screening_link_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _checked_case(request, case_id)
    screening_id = request.POST.get("screening", "")
    screening = None
    if screening_id.isdigit():
        # Only a screening the user may see, in the case's organisation.
        screening = ScreeningRecord.objects.filter(
            pk=int(screening_id), organisation=case.organisation,
            organisation__in=case_organisations(user=request.user)).first()
    if screening is None:
        return _message(request, case, _("Choose a saved screening of this organisation."), 400)
    try:
        services.case_screening_link(actor=request.user, case=case, screening=screening)
    except services.CaseError as error:
        return _message(request, case, str(error), 400)
    return _after(case, "screenings")


@require_POST
@staff_view(access_case)
def disclose_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _checked_case(request, case_id)
    form = DisclosureForm(request.POST, organisation=case.organisation)
    if not form.is_valid():
        return _message(request, case, _form_error(form), 400)
    try:
        services.case_disclose(actor=request.user, case=case, **form.cleaned_data)
    except services.ConsentRefused as error:
        return _message(request, case, str(error), 403)
    except services.CaseError as error:
        return _message(request, case, str(error), 400)
    return _after(case, "disclosures")


@require_POST
@staff_view(access_case)
def referral_new_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _checked_case(request, case_id)
    form = ReferralForm(request.POST, organisation=case.organisation)
    if not form.is_valid():
        return _message(request, case, _form_error(form), 400)
    data = form.cleaned_data
    try:
        referral = services.referral_propose(
            actor=request.user, case=case, receiver=data["recipient"], sections=data["sections"], reason=data["reason"],
            private_key=current_private_key(request), override=data["override"], override_reason=data["override_reason"],
            transfer=data["transfer"], need=data["need"])
    except services.ConsentRefused as error:
        return _message(request, case, str(error), 403)
    except services.CaseError as error:
        return _message(request, case, str(error), 400)
    return redirect("cases:referral", referral_id=referral.pk)


@require_http_methods(["GET"])
@staff_view(access_cases)
def referrals_view(request: HttpRequest) -> HttpResponse:
    mine = case_organisations(user=request.user)
    related = Referral.objects.select_related("case", "sender", "receiver")
    return render(request, "cases/referrals.html", {
        "incoming": related.filter(receiver__in=mine)[:200],
        "outgoing": related.filter(sender__in=mine)[:200],
    })


@require_http_methods(["GET"])
@staff_view(access_referral)
def referral_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access_referral(user=request.user, referral_id=referral_id)
    side = referral_side(user=request.user, referral=referral)
    context: dict[str, Any] = {"referral": referral, "side": side}
    if side == "receiver" and referral.state != Referral.State.REVOKED:
        try:
            shared = services.referral_read(actor=request.user, referral=referral,
                                            private_key=current_private_key(request))
        except services.CaseError as error:
            context["locked"] = str(error)
        else:
            context.update(reason=shared.get("reason", ""), sections=_display(shared.get("sections", {})))
        if referral.state == Referral.State.ACCEPTED:
            context["note_form"] = ReferralNoteForm()
    return render(request, "cases/referral.html", context)


@require_POST
@staff_view(access_referral)
def referral_decide_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access_referral(user=request.user, referral_id=referral_id)
    try:
        services.referral_decide(actor=request.user, referral=referral, action=request.POST.get("action", ""),
                                 private_key=current_private_key(request))
    except services.CaseError as error:
        return render(request, "cases/message.html", {"case": None, "message": str(error)}, status=400)
    return redirect("cases:referral", referral_id=referral.pk)


@require_POST
@staff_view(access_referral)
def referral_note_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The receiving organisation's update on the referring case's timeline (e.g. the stay)."""
    referral = access_referral(user=request.user, referral_id=referral_id)
    form = ReferralNoteForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/message.html", {"case": None, "message": _form_error(form)}, status=400)
    try:
        services.referral_note_add(actor=request.user, referral=referral, **form.cleaned_data)
    except services.CaseError as error:
        return render(request, "cases/message.html", {"case": None, "message": str(error)}, status=400)
    return redirect(reverse("cases:referral", kwargs={"referral_id": referral.pk}) + "#referral-note-form")


@require_POST
@staff_view(access_case)
def return_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _checked_case(request, case_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _message(request, case, _form_error(form), 400)
    try:
        services.case_return_record(actor=request.user, case=case, **form.cleaned_data)
    except services.CaseError as error:
        return _message(request, case, str(error), 400)
    return _after(case, "tasks")
