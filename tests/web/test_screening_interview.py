"""The guided screening interview over HTTP: two languages, stand-alone results, drafts, saving,
audited reads, organisation boundaries, bad input."""

from __future__ import annotations

import pytest

from tests.web.conftest import keyed_client, make_staff, signed_in_client, url
from tipnet.core.screening import default_catalogue
from tipnet.web.accounts import keys, orgkeys
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import Role
from tipnet.web.screening.models import ScreeningRecord
from tipnet.web.screening.sealing import payload_open

PASSWORD = "correct horse battery 9"

# A TITP worker: deceived about the job and wages, debt, passport taken, cannot leave (worked case).
TITP_PRESENT = ["DR_JOB_NATURE", "DR_WAGES", "DR_CONDITIONS", "CR_DEBT_BONDAGE", "CR_DOC_CONFISCATION",
                "CD_DOC_CONFISCATION", "CD_DEBT_BONDAGE", "CD_ISOLATION", "EX_EXCESSIVE_HOURS", "EX_LOW_NO_PAY",
                "EX_WAGE_MANIPULATION"]



def interview_post(present: list[str], *, profile: str = "adult_labour", age: str = "24", action: str = "result",
                   unknown: tuple[str, ...] = ()) -> dict[str, object]:
    catalogue = default_catalogue()
    data: dict[str, object] = {"person": "vi", "profile": profile, "reference": "C-2026-017", "action": action,
                               "q_CTX_AGE": age, "q_CTX_FORM": "labour", "q_CTX_VISA": "technical_intern",
                               "q_CTX_THIRD_PARTY": ["recruitment", "harbouring"], "q_CTX_COMMERCIAL_SEX": "no",
                               "q_W_SAFE_NOW": "yes", "note_W_SAFE_NOW": "staying with a friend tonight"}
    for indicator in catalogue.profile_indicators(profile):
        data[f"q_{indicator}"] = "yes" if indicator in present else ("unknown" if indicator in unknown else "no")
    return data


def content_of(record: ScreeningRecord, reader: User) -> dict[str, object]:
    """Decrypt a saved screening as ``reader`` without going through the audited service."""
    private_key = keys.keyring_unlock(reader, password=PASSWORD)
    assert private_key is not None
    org_private = orgkeys.organisation_private_key(user=reader, private_key=private_key, organisation=record.organisation)
    assert org_private is not None
    return payload_open(private_key=org_private, sealed_key=bytes(record.sealed_key), ciphertext=bytes(record.ciphertext))


@pytest.fixture
def caseworker_client(staff):  # type: ignore[no-untyped-def]
    return keyed_client(staff[Role.CASEWORKER])


def test_start_leads_to_a_two_language_interview(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    response = caseworker_client.get(url("screening:start", lang="ja"), {"person_language": "fil", "age": "31", "form": "labour"})
    assert response.status_code == 302
    interview = caseworker_client.get(response["Location"])
    body = interview.content.decode()
    catalogue = default_catalogue()
    first = catalogue.questions("adult_labour", "ja")[0]
    assert first.kind == "welfare"  # safety first
    assert catalogue.questions("adult_labour", "ja")[0].text in body
    assert catalogue.questions("adult_labour", "fil")[0].text in body
    assert 'lang="fil"' in body
    # Nothing is stored by opening an interview.
    assert not ScreeningRecord.objects.exists()


def test_result_without_saving_stores_nothing(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    response = caseworker_client.post(url("screening:interview"), interview_post(TITP_PRESENT))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="determination"' in body and "Indicators of trafficking are met" in body
    assert "deceptive recruitment" in body
    assert "Report to the police only with the person&#x27;s informed consent." in body or "informed consent" in body
    assert not ScreeningRecord.objects.exists()


def test_save_result_then_every_read_is_audited(caseworker_client, staff) -> None:  # type: ignore[no-untyped-def]
    response = caseworker_client.post(url("screening:interview"), interview_post(TITP_PRESENT, action="save"))
    assert response.status_code == 302
    record = ScreeningRecord.objects.get()
    content = content_of(record, staff[Role.CASEWORKER])
    assert record.status == "final" and content["result"]["determination"] == "indicators met"
    assert record.catalogue_version == default_catalogue().version
    assert content["notes"] == {"W_SAFE_NOW": "staying with a friend tonight"}
    page = caseworker_client.get(response["Location"])
    assert page.status_code == 200 and b"Indicators of trafficking are met" in page.content
    reads = AuditEvent.objects.filter(action="record.read", target_type="screening", target_id=str(record.pk))
    assert reads.count() == 1
    caseworker_client.get(response["Location"])
    assert reads.count() == 2
    assert AuditEvent.objects.filter(action="screening.saved", target_id=str(record.pk)).exists()


def test_draft_keeps_answers_and_can_be_finished(caseworker_client, staff) -> None:  # type: ignore[no-untyped-def]
    response = caseworker_client.post(url("screening:interview"), interview_post(TITP_PRESENT[:3], action="draft"))
    record = ScreeningRecord.objects.get()
    assert record.status == "draft" and content_of(record, staff[Role.CASEWORKER])["result"] is None
    page = caseworker_client.get(response["Location"]).content.decode()
    assert 'name="q_DR_WAGES" value="yes" checked' in page
    caseworker_client.post(url("screening:record", record.pk), interview_post(TITP_PRESENT, action="save"))
    record.refresh_from_db()
    content = content_of(record, staff[Role.CASEWORKER])
    assert record.status == "final" and content["result"]["determination"] == "indicators met"
    assert content["reference"] == "C-2026-017"
    assert ScreeningRecord.objects.count() == 1


def test_unanswered_questions_count_as_unknown_not_no(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    data = interview_post(TITP_PRESENT)
    for key in [k for k in data if k.startswith("q_CD_") and data[k] == "yes"]:
        del data[key]
    for key in [k for k in data if k.startswith("q_AVD_")]:
        del data[key]
    response = caseworker_client.post(url("screening:interview"), data)
    assert b"Not enough information yet" in response.content


def test_other_organisations_cannot_open_a_screening(caseworker_client, organisations, staff) -> None:  # type: ignore[no-untyped-def]
    caseworker_client.post(url("screening:interview"), interview_post(TITP_PRESENT, action="save"))
    record = ScreeningRecord.objects.get()
    before = bytes(record.ciphertext)
    outsider_user = make_staff("other_cw", organisations["other"], Role.CASEWORKER)
    for outsider in (signed_in_client(outsider_user), keyed_client(outsider_user)):
        assert outsider.get(url("screening:record", record.pk)).status_code == 404
        assert outsider.post(url("screening:record", record.pk), interview_post([], action="save")).status_code == 404
    record.refresh_from_db()
    assert bytes(record.ciphertext) == before
    assert content_of(record, staff[Role.CASEWORKER])["result"]["determination"] == "indicators met"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("q_CTX_AGE", "abc", b"Age must be a whole number"),
    ("q_DR_WAGES", "maybe", b"is not valid"),
    ("q_CTX_FORM", "stolen", b"cannot be screened"),
    ("note_W_SAFE_NOW", "x" * 2001, b"longer than"),
])
def test_bad_input_is_refused_keeps_answers_and_saves_nothing(caseworker_client, field: str, value: str, message: bytes) -> None:  # type: ignore[no-untyped-def]
    data = interview_post(TITP_PRESENT, action="save")
    data[field] = value
    response = caseworker_client.post(url("screening:interview"), data)
    assert response.status_code == 400 and message in response.content
    assert not ScreeningRecord.objects.exists()
    # Nothing typed is lost: the other answers are still in the form.
    assert b'name="q_DR_JOB_NATURE" value="yes" checked' in response.content


def test_child_in_commercial_sex_without_third_party(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    data = interview_post([], profile="child_sexual", age="16")
    data["q_CTX_FORM"] = "sexual"
    data["q_CTX_COMMERCIAL_SEX"] = "yes"
    data["q_CTX_THIRD_PARTY"] = ["none"]
    response = caseworker_client.post(url("screening:interview"), data)
    body = response.content.decode()
    assert "Indicators of trafficking are met" in body
    assert "commercial sexual exploitation of a child" in body


def test_unknown_age_shows_every_list(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    response = caseworker_client.get(url("screening:start"), {"person_language": "vi", "age": "", "form": ""})
    assert "profile=all" in response["Location"]
    page = caseworker_client.get(response["Location"]).content.decode()
    every = {q.id for q in default_catalogue().questions(None, "en") if q.kind == "indicator"}
    assert all(f'id="question-{i}"' in page for i in every)
