"""Per-channel questionnaires: a network admin edits them; the public form follows; answers are
encrypted with the report and shown to the operator; bad questionnaire data changes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.web.conftest import signed_in_client, url
from tests.web.test_report_line import _database_text, sign_in
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.report.models import Channel, Report

QUESTIONS = [
    {"key": "workplace_type", "type": "choice", "required": True,
     "label": {"en": "What kind of workplace?", "ja": "どんな職場ですか？", "vi": "Nơi làm việc loại nào?"},
     "choices": [{"value": "farm", "label": {"en": "Farm", "ja": "農場", "vi": "Nông trại"}},
                 {"value": "factory", "label": {"en": "Factory", "ja": "工場", "vi": "Nhà máy"}}]},
    {"key": "employer_town", "type": "text", "label": {"en": "Town of the employer", "ja": "雇い主の町"}},
]




@pytest.fixture
def admin_client(staff):  # type: ignore[no-untyped-def]
    return signed_in_client(staff[Role.NETWORK_ADMIN])


def make_channel(admin_client) -> Channel:  # type: ignore[no-untyped-def]
    response = admin_client.post(url("report:channels"), {
        "name": "Technical interns", "slug": "titp", "hidden_fields": ["nationality", "files"],
        "questions": json.dumps(QUESTIONS, ensure_ascii=False),
    })
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Channel.objects.get(slug="titp")


def test_admin_creates_a_channel_and_the_form_follows(admin_client, operator) -> None:  # type: ignore[no-untyped-def]
    channel = make_channel(admin_client)
    assert AuditEvent.objects.filter(action="report.channel_saved", target_id=str(channel.pk)).exists()
    vi = Client().get(url("report:channel_form", "titp", lang="vi")).content.decode()
    assert "Nơi làm việc loại nào?" in vi and "Nông trại" in vi
    assert "Town of the employer" in vi, "English is shown where a language has no text"
    assert 'name="nationality"' not in vi and 'type="file"' not in vi
    ja = Client().get(url("report:channel_form", "titp", lang="ja")).content.decode()
    assert "どんな職場ですか？" in ja and "雇い主の町" in ja
    default = Client().get(url("report:form", lang="ja")).content.decode()
    assert "どんな職場ですか？" not in default and 'name="nationality"' in default


def test_channel_answers_are_encrypted_and_shown_to_the_operator(admin_client, operator) -> None:  # type: ignore[no-untyped-def]
    make_channel(admin_client)
    response = Client().post(url("report:channel_form", "titp", lang="ja"), {
        "what_happened": "passports taken at the farm", "kind": "labour",
        "extra_workplace_type": "farm", "extra_employer_town": "Kumagaya-secret-town",
    })
    assert response.status_code == 200 and b'id="receipt"' in response.content
    report = Report.objects.get()
    assert report.channel.slug == "titp"
    assert "Kumagaya-secret-town" not in _database_text()
    page = sign_in(operator).get(url("report:report", report.pk)).content.decode()
    assert "What kind of workplace?" in page and "Kumagaya-secret-town" in page


def test_required_channel_question_is_enforced(admin_client, operator) -> None:  # type: ignore[no-untyped-def]
    make_channel(admin_client)
    response = Client().post(url("report:channel_form", "titp"), {"what_happened": "x", "kind": "labour"})
    assert response.status_code == 400 and not Report.objects.exists()


@pytest.mark.parametrize(("questions", "message"), [
    ("[{", "not valid JSON"),
    ('{"key": "x"}', "must be a JSON list"),
    ('[{"key": "Bad Key", "label": {"en": "a", "ja": "b"}}]', "lower-case"),
    ('[{"key": "town", "label": {"en": "Town"}}]', "at least in ja"),
    ('[{"key": "town", "type": "choice", "label": {"en": "a", "ja": "b"}, "choices": []}]', "at least two choices"),
    ('[{"key": "nationality", "label": {"en": "a", "ja": "b"}}]', "already used"),
    ('[{"key": "town", "label": {"en": "a", "ja": "b", "xx": "c"}}]', "unknown language code xx"),
])
def test_bad_questionnaires_are_refused_and_change_nothing(admin_client, questions: str, message: str) -> None:  # type: ignore[no-untyped-def]
    channel = make_channel(admin_client)
    before = channel.questions
    response = admin_client.post(url("report:channel_edit", channel.pk), {"name": "Technical interns", "slug": "titp", "questions": questions})
    assert response.status_code == 400 and message in response.content.decode()
    channel.refresh_from_db()
    assert channel.questions == before


@pytest.mark.django_db
def test_unknown_channel_is_not_found() -> None:
    assert Client().get(url("report:channel_form", "nope")).status_code == 404
