"""Issue 11, the screening interview in two languages as a caseworker uses it in Japanese and
Filipino: Palermo elements in the staff language, choice questions in both languages, the language
question as a choice, and a saved screening that shows the notes and context answers, with the
dimensions in the same order as the fresh result."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import keyed_client, url
from tests.web.test_screening_interview import TITP_PRESENT, interview_post
from tipnet.core.screening import default_catalogue
from tipnet.web.accounts.roles import Role
from tipnet.web.screening.models import ScreeningRecord

CATALOGUE = default_catalogue()


@pytest.fixture
def caseworker_client(staff):  # type: ignore[no-untyped-def]
    return keyed_client(staff[Role.CASEWORKER])


def _dimension_order(page: str) -> list[str]:
    table = page.split('id="dimensions"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>([A-Z]+) · ", table)


def _palermo(page: str) -> str:
    return page.split('id="palermo"', 1)[1].split("</dl>", 1)[0]


@pytest.mark.parametrize("staff_language", ["ja", "fil"])
def test_palermo_elements_are_in_the_caseworkers_language(caseworker_client, staff_language: str) -> None:  # type: ignore[no-untyped-def]
    response = caseworker_client.post(url("screening:interview", lang=staff_language), interview_post(TITP_PRESENT))
    assert response.status_code == 200
    palermo = _palermo(response.content.decode())
    assert 'lang="en"' not in palermo
    for english in ("recruitment", "harbouring", "deception", "forced labour or services"):
        assert english not in palermo, english
    assert CATALOGUE.palermo_text("acts", "recruitment", staff_language) in palermo
    assert CATALOGUE.palermo_text("purposes", "forced labour or services", staff_language) in palermo


def test_choice_questions_show_both_languages(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    page = caseworker_client.get(url("screening:interview", lang="ja"),
                                 {"person": "fil", "profile": "adult_labour"}).content.decode()
    ja = {q.id: dict(q.choices) for q in CATALOGUE.questions("adult_labour", "ja")}
    fil = {q.id: dict(q.choices) for q in CATALOGUE.questions("adult_labour", "fil")}
    visa = page.split('id="question-CTX_VISA"', 1)[1].split('class="question"', 1)[0]
    assert f'{ja["CTX_VISA"]["technical_intern"]} / {fil["CTX_VISA"]["technical_intern"]}' in visa
    form = page.split('id="question-CTX_FORM"', 1)[1].split('class="question"', 1)[0]
    assert fil["CTX_FORM"]["labour"] in form and ja["CTX_FORM"]["labour"] in form
    acts = page.split('id="question-CTX_THIRD_PARTY"', 1)[1].split('class="question"', 1)[0]
    assert ja["CTX_THIRD_PARTY"]["recruitment"] in acts
    assert f'<span lang="fil">/ {fil["CTX_THIRD_PARTY"]["recruitment"]}</span>' in acts


def test_the_language_question_offers_languages(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    page = caseworker_client.get(url("screening:interview", lang="ja"),
                                 {"person": "vi", "profile": "adult_labour"}).content.decode()
    question = page.split('id="question-W_LANGUAGE"', 1)[1].split('class="question"', 1)[0]
    assert '<select name="q_W_LANGUAGE"' in question
    assert 'value="vi">Tiếng Việt<' in question and 'value="other">' in question
    assert 'type="radio"' not in question


def test_a_bad_language_answer_is_refused(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    data = interview_post(TITP_PRESENT, action="save")
    data["q_W_LANGUAGE"] = "yes"
    response = caseworker_client.post(url("screening:interview"), data)
    assert response.status_code == 400 and b"is not valid" in response.content
    assert not ScreeningRecord.objects.exists()


@pytest.mark.parametrize("staff_language", ["ja", "fil"])
def test_a_saved_screening_shows_notes_and_context_answers(caseworker_client, staff_language: str) -> None:  # type: ignore[no-untyped-def]
    data = interview_post(TITP_PRESENT, action="save")
    data.update({"q_W_LANGUAGE": "vi", "q_W_INTERPRETER": "yes", "note_CD_DOC_CONFISCATION": "the union holds a copy"})
    saved = caseworker_client.post(url("screening:interview", lang=staff_language), data)
    assert saved.status_code == 302
    record = ScreeningRecord.objects.get()
    page = caseworker_client.get(url("screening:record", record.pk, lang=staff_language)).content.decode()
    assert 'id="determination"' in page, "the saved result page, not the form"
    questions = {q.id: q for q in CATALOGUE.questions(None, staff_language)}
    # The caseworker's notes, with their questions.
    notes = page.split('id="notes"', 1)[1].split("</dl>", 1)[0]
    assert "staying with a friend tonight" in notes and "the union holds a copy" in notes
    assert questions["CD_DOC_CONFISCATION"].text in notes
    # The context and safety answers.
    answers = page.split('id="context-answers"', 1)[1].split("</dl>", 1)[0]
    assert dict(questions["CTX_VISA"].choices)["technical_intern"] in answers
    assert dict(questions["CTX_THIRD_PARTY"].choices)["harbouring"] in answers
    assert "<dd>24</dd>" in answers and "Tiếng Việt" in answers
    assert questions["W_INTERPRETER"].text in answers


def test_saved_and_fresh_results_order_the_dimensions_alike(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    fresh = caseworker_client.post(url("screening:interview"), interview_post(TITP_PRESENT)).content.decode()
    caseworker_client.post(url("screening:interview"), interview_post(TITP_PRESENT, action="save"))
    record = ScreeningRecord.objects.get()
    saved = caseworker_client.get(url("screening:record", record.pk)).content.decode()
    assert _dimension_order(fresh) == _dimension_order(saved) == list(CATALOGUE.dimensions)
