"""Training pages: lessons, the practice interview, feedback, cohorts, join links, certificates.

Views parse, call access/services/selectors, render. Every page works with JavaScript off: each
question is a small POST form, and the page returns to the question just asked.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tipnet.core.screening import default_catalogue
from tipnet.core.training import TraineeRecord, lesson_blocks
from tipnet.web.accounts import orgkeys
from tipnet.web.accounts.access import organisations_where, staff_view, user_has_role
from tipnet.web.accounts.keys import current_private_key
from tipnet.web.training import access, selectors, services
from tipnet.web.training.forms import CohortForm, InviteForm, JoinForm, RecordForm
from tipnet.web.training.library import case_by_id, cases, lesson_by_id, lessons


def _language() -> str:
    return get_language() or "en"


def _case_language() -> str:
    """Cases and lesson bodies are written in Japanese and English."""
    return "ja" if _language() == "ja" else "en"


@require_http_methods(["GET"])
@staff_view(access.access_training)
def home_view(request: HttpRequest) -> HttpResponse:
    lang = _case_language()
    cohorts = selectors.trainee_cohorts(user=request.user)
    # A trainee practises the cases of her cohorts once they are checked against the records
    # (services.practice_cohort); a trainer practises any case.
    in_cohorts = {cid for c in cohorts if services.cohort_open_for_practice(c) for cid in c.case_ids}
    trainer = user_has_role(request.user, *access.TRAINER_ROLES)
    shown = [c for c in cases() if trainer or c.id in in_cohorts]
    passed = selectors.passed_cases(user=request.user)
    return render(request, "training/home.html", {
        "lessons": [(lesson, lesson.text("title", _language())) for lesson in lessons()],
        "cases": [(c, c.title[lang], c.id in passed) for c in shown],
        "cohorts": [(c, selectors.trainee_passed_all(user=request.user, cohort=c),
                     not services.cohort_open_for_practice(c)) for c in cohorts],
        "trainer": trainer,
    })


@require_http_methods(["GET"])
@staff_view(access.access_lesson)
def lesson_view(request: HttpRequest, lesson_id: str) -> HttpResponse:
    lesson = lesson_by_id(lesson_id)
    assert lesson is not None
    all_lessons = list(lessons())
    index = all_lessons.index(lesson)
    following = all_lessons[index + 1] if index + 1 < len(all_lessons) else None
    cat = default_catalogue()
    summaries = [(code, lesson.summary[code]) for code in cat.languages] if lesson.public else []
    return render(request, "training/lesson.html", {
        "lesson": lesson, "title": lesson.text("title", _language()),
        "blocks": lesson_blocks(lesson.text("body", _case_language())),
        "summary": lesson.summary.get(_language(), "") if lesson.public else "",
        "summaries": summaries, "next": following,
        "next_title": following.text("title", _language()) if following else "",
    })


@require_POST
@staff_view(access.access_training)
def start_view(request: HttpRequest) -> HttpResponse:
    case_id = request.POST.get("case", "")
    try:
        cohort = services.practice_cohort(actor=request.user, case_id=case_id, cohort_id=request.POST.get("cohort", ""),
                                          trainer=user_has_role(request.user, *access.TRAINER_ROLES))
        attempt = services.attempt_start(actor=request.user, case_id=case_id, cohort=cohort)
    except services.TrainingError:
        raise Http404 from None
    return redirect("training:attempt", attempt_id=attempt.pk)


def _transcript(case, asked: list[str], lang: str, case_lang: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    cat = default_catalogue()
    out = []
    generic = {"yes": _("Yes."), "no": _("No."), "unknown": _("I don't know... I'd rather not say.")}
    for item in services.replay(case, asked):
        said = case.answer(item.question, cat).text(with_care=item.with_care, language=case_lang)
        value = item.value
        if not said:
            if isinstance(value, (tuple, list)):
                said = ", ".join(cat.text("choices.act", a, lang) for a in value) if value else _("Nobody.")
            elif item.question == "CTX_VISA" and value in cat.visa_values:
                said = cat.text("choices.visa", value, lang)
            elif item.question == "CTX_FORM" and value in ("labour", "sexual"):
                said = cat.text("choices.form", value, lang)
            elif isinstance(value, int):
                said = _("I am %(age)s.") % {"age": value}
            else:
                said = generic.get(str(value), str(value))
        out.append({"id": item.question, "question": cat.text("questions", item.question, lang), "said": said,
                    "with_care": item.with_care})
    return out


@require_http_methods(["GET"])
@staff_view(access.access_attempt)
def attempt_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = access.access_attempt(user=request.user, attempt_id=attempt_id)
    if attempt.finished:
        return redirect("training:feedback", attempt_id=attempt.pk)
    case = case_by_id(attempt.case_id)
    assert case is not None
    lang, case_lang = _language(), _case_language()
    cat = default_catalogue()
    person = cat.questions(None, case.person_language)
    rows, section = [], None
    for q, p in zip(cat.questions(None, lang), person, strict=True):
        rows.append({"q": q, "person_text": p.text if case.person_language != lang else "",
                     "asked": q.id in attempt.asked, "new_section": q.section != section})
        section = q.section
    return render(request, "training/attempt.html", {
        "attempt": attempt, "case": case, "title": case.title[case_lang], "story": case.story[case_lang],
        "name": case.name[case_lang], "nationality": case.nationality[case_lang],
        "person_language": dict(_language_names()).get(case.person_language, case.person_language),
        "transcript": _transcript(case, attempt.asked, lang, case_lang), "rows": rows,
    })


def _language_names() -> list[tuple[str, str]]:
    from django.conf import settings

    return list(settings.LANGUAGES)


@require_POST
@staff_view(access.access_attempt)
def ask_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = access.access_attempt(user=request.user, attempt_id=attempt_id)
    question = request.POST.get("question", "")
    try:
        services.attempt_ask(actor=request.user, attempt=attempt, question=question)
    except services.TrainingError as error:
        return render(request, "training/message.html", {"message": str(error)}, status=400)
    return redirect(reverse("training:attempt", kwargs={"attempt_id": attempt.pk}) + f"#said-{question}")


def _record_from_form(data: dict[str, object], indicator_ids: list[str]) -> TraineeRecord:
    present = frozenset(q for q in indicator_ids if data.get(f"i_{q}") == "yes")
    unknown = frozenset(q for q in indicator_ids if data.get(f"i_{q}") == "unknown")
    sold = data.get("commercial_sex") or ""
    return TraineeRecord(
        present=present, unknown=unknown, age=data.get("age"),  # type: ignore[arg-type]
        visa=data.get("visa") or None, form=data.get("form") or None,  # type: ignore[arg-type]
        third_party_acts=frozenset(data.get("acts") or []) if data.get("acts_known") else None,  # type: ignore[arg-type]
        commercial_sex=None if not sold else sold == "yes",
        determination=str(data["determination"]), next_steps=frozenset(data.get("next_steps") or []),  # type: ignore[arg-type]
    )


@require_http_methods(["GET", "POST"])
@staff_view(access.access_attempt)
def record_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = access.access_attempt(user=request.user, attempt_id=attempt_id)
    if attempt.finished:
        return redirect("training:feedback", attempt_id=attempt.pk)
    case = case_by_id(attempt.case_id)
    assert case is not None
    lang = _language()
    form = RecordForm(request.POST or None, language=lang)
    if request.method == "POST" and form.is_valid():
        record = _record_from_form(form.cleaned_data, form.indicator_ids)
        try:
            services.attempt_submit(actor=request.user, attempt=attempt, record=record)
        except services.TrainingError as error:
            return render(request, "training/message.html", {"message": str(error)}, status=400)
        return redirect("training:feedback", attempt_id=attempt.pk)
    return render(request, "training/record.html", {
        "attempt": attempt, "form": form, "title": case.title[_case_language()],
        "transcript": _transcript(case, attempt.asked, lang, _case_language()),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET"])
@staff_view(access.access_attempt)
def feedback_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = access.access_attempt(user=request.user, attempt_id=attempt_id)
    if not attempt.finished:
        return redirect("training:attempt", attempt_id=attempt.pk)
    case = case_by_id(attempt.case_id)
    assert case is not None
    from tipnet.core.training import score

    feedback = score(case, services.record_from_stored(attempt), services.replay(case, attempt.asked))
    lang, case_lang = _language(), _case_language()
    cat = default_catalogue()
    status = {"positive": _("positive"), "negative": _("negative"), "unknown": _("unknown")}
    fields = {"age": _("age"), "visa": _("residence status"), "form": _("kind of work"),
              "third_party_acts": _("who recruited, moved or housed the person"), "commercial_sex": _("commercial sex")}
    indicators = [{
        "f": item, "question": cat.text("questions", item.indicator, lang),
        "dimension": cat.text("dimensions", item.dimension, lang),
        "status": status[item.dimension_status],
        "types": [cat.text("types", t, lang) for t in item.types],
    } for item in feedback.indicators]
    steps = [{"s": s, "text": cat.text("next_steps", s.key, lang)} for s in feedback.steps]
    from tipnet.core.training.scoring import lesson_after

    next_lesson = lesson_by_id(lesson_after(feedback))
    return render(request, "training/feedback.html", {
        "attempt": attempt, "case": case, "feedback": feedback, "title": case.title[case_lang],
        "debrief": case.debrief[case_lang], "teaches": case.teaches[case_lang],
        "expected": cat.text("determinations", feedback.expected_determination, lang),
        "chosen": cat.text("determinations", feedback.determination, lang),
        "indicators": indicators, "steps": steps, "found": len(feedback.found),
        "recall": round(100 * feedback.recall), "context": [fields[k] for k in sorted(feedback.context)],
        "record_result": (cat.text("determinations", feedback.record_result.determination, lang)
                          if feedback.record_result else ""),
        "next_lesson": next_lesson, "next_lesson_title": next_lesson.text("title", lang) if next_lesson else "",
    })


@require_http_methods(["GET", "POST"])
@staff_view(access.access_trainer)
def cohorts_view(request: HttpRequest) -> HttpResponse:
    organisations = organisations_where(request.user, *access.TRAINER_ROLES)
    lang = _case_language()
    form = CohortForm(request.POST or None, organisations=organisations,
                      case_choices=[(c.id, c.title[lang]) for c in cases()])
    error = ""
    if request.method == "POST" and form.is_valid():
        organisation = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
        try:
            cohort = services.cohort_create(actor=request.user, organisation=organisation,
                                            name=form.cleaned_data["name"], case_ids=form.cleaned_data["cases"],
                                            private_key=current_private_key(request), language=lang)
        except services.TrainingError as failure:
            error = str(failure)
        else:
            return redirect("training:cohort", cohort_id=cohort.pk)
    from tipnet.web.training.models import Cohort

    return render(request, "training/cohorts.html", {
        "form": form, "error": error, "cohorts": Cohort.objects.filter(organisation__in=organisations),
    }, status=400 if (form.errors or error) else 200)


@require_http_methods(["GET", "POST"])
@staff_view(access.access_cohort)
def cohort_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = access.access_cohort(user=request.user, cohort_id=cohort_id)
    if request.method == "POST" and request.POST.get("action") == "check":
        services.cohort_cases_check(actor=request.user, cohort=cohort, private_key=current_private_key(request))
        return redirect("training:cohort", cohort_id=cohort.pk)
    form = InviteForm(request.POST or None)
    links: list[str] = []
    if request.method == "POST" and form.is_valid():
        tokens = services.cohort_invites_create(actor=request.user, cohort=cohort, count=form.cleaned_data["count"])
        links = [request.build_absolute_uri(reverse("training:join", kwargs={"token": t})) for t in tokens]
    lang, case_lang = _language(), _case_language()
    cat = default_catalogue()
    titles = {c.id: c.title[case_lang] for c in cases()}
    progress = [{"p": p, "cases": [(titles.get(cid, cid), p.best.get(cid)) for cid in cohort.case_ids]}
                for p in selectors.cohort_progress(cohort=cohort)]
    missed = [(i, cat.text("questions", i, lang), n) for i, n in selectors.cohort_most_missed(cohort=cohort)]
    return render(request, "training/cohort.html", {
        "cohort": cohort, "form": form, "links": links, "progress": progress, "missed": missed,
        "case_check": _case_check_notice(cohort.case_check),
        "can_check": cohort.case_check == services.CHECK_PENDING
        and orgkeys.holds_key_role(user=request.user, organisation=cohort.organisation),
        "case_titles": [titles.get(cid, cid) for cid in cohort.case_ids],
        "withheld": [titles.get(cid, cid) for cid in cohort.withheld_case_ids],
    }, status=400 if form.errors else 200)


def _case_check_notice(status: str) -> str:
    """What the cohort page says about the check of its practice cases against stored cases."""
    if status == services.CHECK_PENDING:
        return _("Waiting for a check: the practice cases of this cohort are checked against your organisation's "
                 "records with the organisation's key, which only caseworkers and case supervisors hold. The check "
                 "runs when one of them next signs in, or presses the button below. Until then trainees can join "
                 "and read the lessons, but cannot start the practice cases.")
    if status == "no_cases":
        return _("The practice cases of this cohort could not be checked against your organisation's records: "
                 "your organisation keeps no cases in tipnet.")
    if status == "passed":
        return _("Checked: no practice case of this cohort resembles a person in your organisation's records.")
    return ""


@require_http_methods(["GET"])
@staff_view(access.access_certificate)
def certificate_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    from tipnet.web.training.certificate import CertificateError, certificate_pdf

    cohort = access.access_certificate(user=request.user, cohort_id=cohort_id)
    try:
        pdf = certificate_pdf(actor=request.user, cohort=cohort, language=_case_language())
    except CertificateError as error:
        return render(request, "training/message.html", {"message": str(error)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tipnet-training-certificate-{cohort.pk}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def join_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public: a one-time link makes a trainee account; sign-in (password + TOTP) follows."""
    invite = services.invite_get(token=token)
    if invite is None:
        return render(request, "training/message.html",
                      {"message": _("This join link is not valid, has expired or was already used.")}, status=404)
    form = JoinForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.trainee_join(token=token, username=form.cleaned_data["username"],
                                         password=form.cleaned_data["password"])
        except services.TrainingError as failure:
            error = str(failure)
        else:
            return render(request, "training/joined.html", {"username": user.username, "cohort": invite.cohort})
    return render(request, "training/join.html", {"form": form, "error": error, "cohort": invite.cohort},
                  status=400 if (form.errors or error) else 200)
