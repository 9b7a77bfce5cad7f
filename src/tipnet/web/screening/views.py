"""The guided interview (two languages side by side), the explained result, drafts and saved records."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tipnet.core.screening import Question, default_catalogue
from tipnet.web.accounts.access import staff_view
from tipnet.web.accounts.keys import current_private_key
from tipnet.web.screening import services
from tipnet.web.screening.access import (
    access_screening,
    access_screening_record,
    screening_organisation,
)
from tipnet.web.screening.forms import StartForm
from tipnet.web.screening.models import ScreeningRecord
from tipnet.web.screening.selectors import screenings_visible


def _staff_language() -> str:
    return get_language() or "en"


@require_http_methods(["GET"])
@staff_view(access_screening)
def start_view(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.GET or None, initial={"person_language": _staff_language()})
    if request.GET and form.is_valid():
        data = form.cleaned_data
        query = {"person": data["person_language"], "profile": services.interview_profile(age=data["age"], form=data["form"] or None)}
        if data["age"] is not None:
            query["age"] = data["age"]
        if data["form"]:
            query["form"] = data["form"]
        if data["reference"]:
            query["reference"] = data["reference"]
        return redirect(reverse("screening:interview") + "?" + urlencode(query))
    records = list(screenings_visible(user=request.user)[:30])
    private_key = current_private_key(request)
    references = services.screening_references(user=request.user, private_key=private_key, records=records)
    rows = [(record, references.get(record.pk, "")) for record in records]
    ready = services.screening_access_ready(
        user=request.user, private_key=private_key, organisation=screening_organisation(user=request.user)
    )
    locked = "" if ready else services.screening_locked_message()
    return render(request, "screening/start.html", {"form": form, "rows": rows, "locked": locked},
                  status=400 if form.errors else 200)


def _context(*, request: HttpRequest, profile: str, person_language: str, reference: str,
             raw: dict[str, object], notes: dict[str, str], error: str = "", record: ScreeningRecord | None = None) -> dict[str, object]:
    staff_language = _staff_language()
    questions = services.interview_questions(profile=profile, staff_language=staff_language, person_language=person_language)
    catalogue = default_catalogue()
    rows = []
    section = None
    for pair in questions:
        value = raw.get(pair.id, [] if pair.staff.answer == "multiple" else "")
        rows.append({
            "q": pair,
            "new_section": pair.staff.section != section,
            "value": value,
            "values": value if isinstance(value, list) else [value],
            "note": notes.get(pair.id, ""),
        })
        section = pair.staff.section
    with override(person_language):
        nobody_person = _("Nobody did any of these")
    return {
        "rows": rows,
        "nobody": {"staff": _("Nobody did any of these"), "person": nobody_person},
        "profile": profile,
        "person_language": person_language,
        "reference": reference,
        "raw": raw,
        "notes": notes,
        "error": error,
        "record": record,
        "answer_labels": [(v, catalogue.text("answers", {"yes": "present", "no": "absent", "unknown": "unknown"}[v], staff_language),
                           catalogue.text("answers", {"yes": "present", "no": "absent", "unknown": "unknown"}[v], person_language))
                          for v in services.TRI_STATE],
    }


def _valid_language(code: str) -> str:
    return code if code in services.language_codes() else _staff_language()


@require_http_methods(["GET", "POST"])
@staff_view(access_screening)
def interview_view(request: HttpRequest) -> HttpResponse:
    """A stand-alone screening: nothing is stored unless the caseworker saves it."""
    source: QueryDict = request.POST if request.method == "POST" else request.GET
    person_language = _valid_language(source.get("person", ""))
    profile = source.get("profile", services.ALL_PROFILES)
    if profile != services.ALL_PROFILES and profile not in default_catalogue().profiles:
        profile = services.ALL_PROFILES
    reference = source.get("reference", "")[:64]
    if request.method == "GET":
        raw: dict[str, object] = {"CTX_AGE": request.GET.get("age", ""), "CTX_FORM": request.GET.get("form", "")}
        return render(request, "screening/interview.html", _context(
            request=request, profile=profile, person_language=person_language, reference=reference, raw=raw, notes={}))
    return _handle_post(request, profile=profile, person_language=person_language, reference=reference, record=None)


def _handle_post(request: HttpRequest, *, profile: str, person_language: str, reference: str,
                 record: ScreeningRecord | None) -> HttpResponse:
    questions = services.interview_questions(profile=profile, staff_language=_staff_language(), person_language=person_language)
    try:
        answers = services.interview_read(data=request.POST, questions=questions, profile=profile)
    except services.ScreeningFormError as error:
        raw = {p.id: (request.POST.getlist(f"q_{p.id}") if p.staff.answer == "multiple" else request.POST.get(f"q_{p.id}", "")) for p in questions}
        notes = {p.id: request.POST.get(f"note_{p.id}", "")[: services.MAX_NOTE] for p in questions}
        context = _context(request=request, profile=profile, person_language=person_language, reference=reference,
                           raw=raw, notes=notes, error=str(error), record=record)
        return render(request, "screening/interview.html", context, status=400)
    action = request.POST.get("action", "result")
    if action in ("draft", "save"):
        organisation = record.organisation if record else screening_organisation(user=request.user)
        try:
            saved = services.screening_save(
                actor=request.user, organisation=organisation, record=record, answers=answers,
                staff_language=_staff_language(), person_language=person_language, profile=profile,
                reference=reference, final=action == "save",
            )
        except services.ScreeningLocked as error:
            # Nothing typed is lost: the answers stay in the form.
            context = _context(request=request, profile=profile, person_language=person_language, reference=reference,
                               raw=answers.raw, notes=answers.notes, error=str(error), record=record)
            return render(request, "screening/interview.html", context, status=409)
        return redirect("screening:record", record_id=saved.pk)
    result = services.screening_evaluate(answers=answers).to_dict()
    return render(request, "screening/result.html", _result_context(
        result=result, notes=answers.notes, profile=profile, person_language=person_language, reference=reference,
        record=record, post=request.POST, raw=answers.raw, welfare=answers.welfare))


def _result_context(*, result: dict[str, object], notes: dict[str, str], profile: str, person_language: str,
                    reference: str, record: ScreeningRecord | None, post: QueryDict | None,
                    raw: dict[str, object], welfare: dict[str, str]) -> dict[str, object]:
    """Everything the result page shows, from the engine's JSON-ready result (fresh or saved), with
    the answers that are not indicators (safety, context) and the caseworker's notes: a saved
    screening shows the same page as the fresh result, nothing hidden behind "Change the answers"."""
    catalogue = default_catalogue()
    staff_language = _staff_language()
    all_questions = catalogue.questions(None, staff_language)
    questions = {q.id: q.text for q in all_questions}
    dimensions = catalogue.ordered_dimensions(result["dimensions"])  # type: ignore[arg-type]
    determination = str(result["determination"])
    return {
        "result": result,
        "determination_text": catalogue.text("determinations", determination, staff_language),
        "determination_person": catalogue.text("determinations", determination, person_language),
        "types": [catalogue.text("types", t, staff_language) for t in result["trafficking_types"]],  # type: ignore[union-attr]
        "possible_types": [catalogue.text("types", t, staff_language) for t in result["possible_types"]],  # type: ignore[union-attr]
        "dimensions": [(key, catalogue.text("dimensions", key, staff_language), status) for key, status in dimensions],
        "evidence": [{**item, "text": questions.get(str(item["id"]), "")} for item in result["evidence"]],  # type: ignore[union-attr]
        "open_questions": [questions.get(str(q), str(q)) for q in result["open_questions"]],  # type: ignore[union-attr]
        "next_steps": [(catalogue.text("next_steps", key, staff_language), catalogue.text("next_steps", key, person_language))
                       for key in result["next_steps"]],  # type: ignore[union-attr]
        "palermo": _palermo_rows(result["palermo"], staff_language),  # type: ignore[arg-type]
        "answers": _answer_rows(all_questions, raw=raw, welfare=welfare),
        "note_rows": [(questions.get(key, key), text) for key, text in _in_question_order(notes, all_questions)],
        "profile": profile,
        "person_language": person_language,
        "reference": reference,
        "record": record,
        "hidden": [(k, v) for k in (post.keys() if post else []) if k not in ("csrfmiddlewaretoken", "action") for v in post.getlist(k)],
        "notes": notes,
    }


def _in_question_order(values: dict[str, str], questions: list[Question]) -> list[tuple[str, str]]:
    order = {q.id: n for n, q in enumerate(questions)}
    return sorted(values.items(), key=lambda item: order.get(item[0], len(order)))


def _answer_rows(questions: list[Question], *, raw: dict[str, object], welfare: dict[str, str]) -> list[tuple[str, str]]:
    """(question, answer) in the caseworker's language for the safety checks and the context
    questions, in interview order; indicators are shown as evidence instead."""
    catalogue = default_catalogue()
    language = _staff_language()
    tri = {v: catalogue.text("answers", k, language) for v, k in (("yes", "present"), ("no", "absent"), ("unknown", "unknown"))}
    not_known = _("not known")
    rows = []
    for q in questions:
        if q.kind == "indicator":
            continue
        value = welfare.get(q.id, raw.get(q.id, "")) if q.kind == "welfare" else raw.get(q.id, "")
        labels = dict(q.choices)
        if q.answer == "integer":
            shown = str(value) if value not in ("", None) else not_known
        elif q.answer == "multiple":
            values = [str(v) for v in value] if isinstance(value, list) else []
            shown = _("Nobody did any of these") if "none" in values else (
                ", ".join(labels.get(v, v) for v in values) or not_known)
        elif q.answer in ("choice", "language"):
            shown = labels.get(str(value), str(value)) if value not in ("", None, "unknown") else not_known
        else:
            shown = tri.get(str(value), not_known) if value else not_known
        rows.append((q.text, shown))
    return rows


def _palermo_rows(palermo: dict[str, object], language: str) -> list[tuple[str, str, str]]:
    """(element, translated status, the facts behind it, in ``language``) for the Palermo table."""
    catalogue = default_catalogue()

    def facts(group: str, keys: object) -> str:
        separator = "、" if language in ("ja", "zh-hans") else ", "
        return separator.join(catalogue.palermo_text(group, str(k), language) for k in (keys or []))  # type: ignore[attr-defined]

    status = {
        "present": _("present"), "absent": _("absent"), "unknown": _("not known"), "yes": _("yes"),
        "no": _("no"), "contested": _("contested"), True: _("yes"), False: _("no"), None: _("not known"),
    }
    act, means, purpose = (palermo[k] for k in ("act", "means", "purpose"))
    return [
        (_("Act"), status.get(act["status"], act["status"]), facts("acts", act.get("acts"))),  # type: ignore[index,union-attr]
        (_("Means"), status.get(means["status"], means["status"]), facts("means", means.get("means"))),  # type: ignore[index,union-attr]
        (_("Purpose"), status.get(purpose["status"], purpose["status"]), facts("purposes", purpose.get("purposes"))),  # type: ignore[index,union-attr]
        (_("Child"), status.get(palermo["child"], str(palermo["child"])), ""),  # type: ignore[arg-type]
        (_("All elements met"), status.get(palermo["met"], str(palermo["met"])), ""),  # type: ignore[arg-type]
    ]


@require_http_methods(["GET", "POST"])
@staff_view(access_screening_record)
def record_view(request: HttpRequest, record_id: int) -> HttpResponse:
    record = access_screening_record(user=request.user, record_id=record_id)
    if request.method == "POST":
        # Saving needs only the organisation's public key; the reference comes back with the form.
        return _handle_post(request, profile=record.profile, person_language=record.person_language,
                            reference=request.POST.get("reference", "")[:64], record=record)
    try:
        content = services.screening_read(actor=request.user, record=record, private_key=current_private_key(request))
    except services.ScreeningLocked as error:
        return render(request, "screening/unavailable.html", {"message": str(error), "record": record})
    except services.ScreeningUnreadable as error:
        return render(request, "screening/unavailable.html", {"message": str(error), "record": record,
                                                              "damaged": True}, status=409)
    if content.result is not None and "edit" not in request.GET:
        return render(request, "screening/result.html", _result_context(
            result=content.result, notes=content.notes, profile=record.profile, person_language=record.person_language,
            reference=content.reference, record=record, post=None, raw=content.answers, welfare=content.welfare))
    context = _context(request=request, profile=record.profile, person_language=record.person_language,
                       reference=content.reference, raw=content.answers, notes=content.notes, record=record)
    return render(request, "screening/interview.html", context)
