"""Texts tipnet writes on a timeline or a support plan are shown in the reader's language, whoever
wrote them and in whatever language (cases.messages): a shelter worker using the pages in Vietnamese
must not leave Vietnamese on a Japanese NGO's timeline, and a status change reads as words, not codes."""

from __future__ import annotations

from django.utils import timezone, translation

from tests.web.cases_support import (
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    open_case,
    runs_a_shelter_for_men,
    unlocked,
)
from tests.web.conftest import make_staff
from tipnet.web.accounts.roles import Role
from tipnet.web.cases import messages, services
from tipnet.web.cases.models import CaseEvent


def _timeline(user, case) -> list[str]:  # type: ignore[no-untyped-def]
    return [text for _event, text in services.case_timeline(actor=user, case=case, private_key=unlocked(user))]


def test_a_referral_accepted_in_vietnamese_reads_in_japanese_on_the_senders_timeline(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    runs_a_shelter_for_men(organisations["other"])
    shelter_worker = make_staff("shelter_vi", organisations["other"], Role.CASEWORKER)
    unlocked(shelter_worker)
    case = open_case(caseworker)
    services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=timezone.localdate(),
                            recipient=organisations["other"])
    with translation.override("ja"):
        referral = services.referral_propose(actor=caseworker, case=case, receiver=organisations["other"],
                                             sections=["situation"], reason="", private_key=unlocked(caseworker))
    with translation.override("vi"):
        services.referral_decide(actor=shelter_worker, referral=referral, action="accept")
        vietnamese = _timeline(caseworker, case)
    with translation.override("ja"):
        japanese = _timeline(caseworker, case)
    with translation.override("vi"):
        label_vi = str(referral.State.ACCEPTED.label)
    with translation.override("ja"):
        label_ja = str(referral.State.ACCEPTED.label)
    assert label_vi != label_ja
    assert f"Other NGO: {label_ja}" in japanese and not any(label_vi in text for text in japanese)
    assert f"Other NGO: {label_vi}" in vietnamese


def test_status_changes_and_the_return_read_as_words_in_each_language(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    with translation.override("vi"):
        tasks = services.case_return_record(actor=caseworker, case=case, returned_on=case.opened_on, through_iom=True)
    with translation.override("en"):
        english = _timeline(caseworker, case)
        titles = services.task_titles(user=caseworker, private_key=unlocked(caseworker), tasks=tasks)
    assert "Returned home through IOM" in english
    assert sorted(titles.values()) == sorted(f"Check-in {m} months after return" for m in (3, 6, 12))
    with translation.override("ja"):
        japanese = _timeline(caseworker, case)
        assert str(translation.gettext("Returned home through IOM")) in japanese
        assert "Returned home through IOM" not in japanese


def test_a_status_change_is_shown_with_the_status_names() -> None:
    with translation.override("en"):
        assert messages.words(messages.status_changed(old="active", new="follow_up")) == "Status: Active → Follow-up"
        # A code this version does not know is shown as stored, never as an error.
        assert messages.shown({"text": "as written", "message": {"code": "from_the_future"}}, "text") == "as written"
        assert messages.shown({"text": "plain note"}, "text") == "plain note"


def test_the_stored_event_keeps_codes_not_words(caseworker) -> None:  # type: ignore[no-untyped-def]
    """What is sealed is the code and its values (and the writer's words for older readers)."""
    case = open_case(caseworker)
    with translation.override("vi"):
        services.case_return_record(actor=caseworker, case=case, returned_on=case.opened_on, through_iom=False)
    event = case.events.get(kind=CaseEvent.Kind.RETURN)
    org_private = services.organisation_private(user=caseworker, private_key=unlocked(caseworker),
                                                organisation=case.organisation)
    content = services._open(event, org_private)
    assert content["message"] == {"code": "return", "through_iom": False}
