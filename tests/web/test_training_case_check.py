"""Practice cases never describe a stored person: the check at cohort creation (issue 14).

The trainer's chosen practice cases go through the intake duplicate warning's own blind-index
lookup in her organisation; a likely match refuses the cohort naming only the practice case. When
the trainer holds no key (an organisation admin never does) the cohort waits, closed to trainees,
until a caseworker or case supervisor runs the check: at her sign-in or with the cohort page's
button; a matching case is then taken out of the cohort. No stored case: the page says so.
"""

from __future__ import annotations

import datetime
import json
import tomllib
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.cases_support import HEALTH, PASSWORD, caseworker_fixture, intake_content, unlocked  # noqa: F401
from tests.web.conftest import keyed_client, make_staff, signed_in_client, url
from tipnet.core.training import CaseProblem, PracticeCase, case_dir, parse_case
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import Role
from tipnet.web.cases import services as case_services
from tipnet.web.cases.models import Case
from tipnet.web.training import services
from tipnet.web.training.models import Cohort, CohortMember

MAI = "age-unknown-massage"  # the invented Tran Thi Mai / チャン・ティ・マイ
OTHER = "construction-man"
CONTACT = "via the church in Hamamatsu"


def store(user: User, *, names: list[str], birth: str | None = None, aliases: list[str] | None = None,
          citizenship: str = "VNM") -> Case:
    """A real-looking case of ``user``'s organisation with this person."""
    content = intake_content(names[0], birth or "1999-04-03")
    content["identity"]["names"] = names
    content["identity"]["aliases"] = aliases or []
    if birth is None:
        content["identity"].pop("birth_date")
    content["situation"]["citizenships"] = [citizenship]
    return case_services.case_open(actor=user, organisation=user.memberships.get().organisation, content=content,
                                   consents={"interview"}, private_key=unlocked(user))


def practice_case(**person: Any) -> PracticeCase:
    """A library case file with its [person] table replaced (as an author would write one)."""
    data = tomllib.loads((case_dir() / f"{OTHER}.toml").read_text(encoding="utf-8"))
    data["person"] = {"sex": "male", "nationality": {"ja": "ベトナム", "en": "Viet Nam"}, **person}
    return parse_case(data, where="test.toml")


def check_audits() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="training.cases_checked").order_by("pk"))


def post_cohort(client, organisation_id: int, cases: list[str]):  # type: ignore[no-untyped-def]
    return client.post(url("training:cohorts"), {"name": "Police station B", "organisation": organisation_id,
                                                   "cases": cases})


# ------------------------------------------------------------------------------------- the service


def test_a_stored_person_in_another_script_with_a_swapped_birth_date_is_found(caseworker) -> None:  # type: ignore[no-untyped-def]
    store(caseworker, names=["グエン・ヴァン・トゥオン"], birth="1999-04-03")  # katakana only
    store(caseworker, names=["Maria Santos Dela Cruz"], birth="1990-01-12", citizenship="PHL")
    latin = practice_case(name={"ja": "Nguyen Van Thuong（仮名）", "en": "Nguyen Van Thuong (invented)"},
                          birth_date=datetime.date(1999, 3, 4), country="VNM")
    stranger = practice_case(name={"ja": "ファム・クオック・バオ（仮名）", "en": "Pham Quoc Bao (invented)"},
                             country="VNM")
    result = services.practice_cases_check(actor=caseworker, organisation=caseworker.memberships.get().organisation,
                                           practice_cases=[latin, stranger], private_key=unlocked(caseworker))
    assert result.ran and result.status == "refused" and result.matching == (OTHER,)
    passed = services.practice_cases_check(actor=caseworker, organisation=caseworker.memberships.get().organisation,
                                           practice_cases=[stranger], private_key=unlocked(caseworker))
    assert passed.status == "passed" and passed.matching == ()


def test_the_shipped_library_resembles_nobody_in_a_organisation_with_other_people(caseworker) -> None:  # type: ignore[no-untyped-def]
    store(caseworker, names=["Nguyen Van Thuong"], aliases=["グエン・ヴァン・トゥオン"], birth="1999-04-03")
    store(caseworker, names=["Maria Santos Dela Cruz"], birth="1990-01-12", citizenship="PHL")
    from tipnet.web.training.library import cases

    result = services.practice_cases_check(actor=caseworker, organisation=caseworker.memberships.get().organisation,
                                           practice_cases=list(cases()), private_key=unlocked(caseworker))
    assert result.status == "passed", result.matching


def test_only_the_trainers_own_organisation_is_searched(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    elsewhere = make_staff("cw_elsewhere", organisations["other"], Role.CASEWORKER)
    unlocked(elsewhere)
    store(elsewhere, names=["Tran Thi Mai"])  # the practice case's person, stored by another NGO
    from tipnet.web.training.library import case_by_id

    mai = case_by_id(MAI)
    ngo = organisations["ngo"]
    no_cases = services.practice_cases_check(actor=caseworker, organisation=ngo, practice_cases=[mai],
                                             private_key=unlocked(caseworker))
    assert no_cases.status == "no_cases" and not no_cases.ran
    store(caseworker, names=["Pham Quoc Bao"])
    result = services.practice_cases_check(actor=caseworker, organisation=ngo, practice_cases=[mai],
                                           private_key=unlocked(caseworker))
    assert result.status == "passed"
    # The person does match there: checked by the other organisation's own trainer, it is refused.
    theirs = services.practice_cases_check(actor=elsewhere, organisation=organisations["other"], practice_cases=[mai],
                                           private_key=unlocked(elsewhere))
    assert theirs.matching == (MAI,)
    # And she cannot point the check at the other organisation, whose records it would search.
    with pytest.raises(services.TrainingError):
        services.practice_cases_check(actor=caseworker, organisation=organisations["other"], practice_cases=[mai],
                                      private_key=unlocked(caseworker))


def test_bad_person_fields_in_a_case_file_are_refused_with_the_field_named() -> None:
    with pytest.raises(CaseProblem, match=r"person\.country"):
        practice_case(name={"ja": "a", "en": "a"}, country="Viet Nam")
    with pytest.raises(CaseProblem, match=r"person\.birth_date"):
        practice_case(name={"ja": "a", "en": "a"}, birth_date="03/04/1999")
    keys = practice_case(name={"ja": "チャン・ティ・マイ（仮名）", "en": "Tran Thi Mai (invented)"}).person_keys()
    assert keys.names == ("チャン・ティ・マイ", "Tran Thi Mai") and keys.birth_date is None


# ----------------------------------------------------------------------------------------- the page


def test_a_practice_case_resembling_a_stored_person_refuses_the_cohort(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    stored = store(caseworker, names=["Trần Thị Mai"], birth="2007-11-02")
    client = keyed_client(caseworker)
    response = post_cohort(client, organisations["ngo"].pk, [OTHER, MAI])
    page = response.content.decode()
    assert response.status_code == 400
    assert "resembles a person in your organisation&#x27;s records: it cannot be used. Tell the case&#x27;s author." in page
    assert MAI in page and OTHER not in page.split('role="alert"')[1].split("</p>")[0]
    assert not Cohort.objects.exists()  # nothing saved
    # The trainer learns that a practice case matches, nothing of the record.
    for secret in ("Trần", "2007", stored.reference, HEALTH, CONTACT, f"/cases/{stored.pk}/"):
        assert secret not in page, secret
    assert not AuditEvent.objects.filter(action="record.read", target_id=str(stored.pk)).exists()
    (audit,) = check_audits()
    assert audit.actor_id == caseworker.pk and audit.organisation_id == organisations["ngo"].pk
    assert audit.details == {"cases": sorted([OTHER, MAI]), "status": "refused", "matching": [MAI]}
    written = json.dumps(audit.details, ensure_ascii=False)
    for name in ("Mai", "Trần", "Tran", "チャン", str(stored.pk), stored.reference):
        assert name not in written.replace(MAI, ""), name


def test_a_non_matching_choice_is_checked_and_the_cohort_says_so(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    store(caseworker, names=["Trần Thị Mai"], birth="2007-11-02")
    client = keyed_client(caseworker)
    response = post_cohort(client, organisations["ngo"].pk, [OTHER])
    assert response.status_code == 302
    cohort = Cohort.objects.get()
    assert cohort.case_check == "passed"
    page = client.get(response["Location"]).content.decode()
    assert "Checked: no practice case of this cohort resembles a person" in page
    assert [a.details["status"] for a in check_audits()] == ["passed"]


def test_without_the_key_the_cohort_waits_for_the_check(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    store(caseworker, names=["Trần Thị Mai"], birth="2007-11-02")
    client = signed_in_client(caseworker)  # signed in, but no unlocked key in this session
    response = post_cohort(client, organisations["ngo"].pk, [MAI])
    assert response.status_code == 302
    assert Cohort.objects.get().case_check == "pending"
    page = client.get(response["Location"]).content.decode()
    assert 'id="case-check"' in page and "Waiting for a check" in page and 'id="check-cases"' in page
    assert "Checked:" not in page
    assert [a.details for a in check_audits()] == [{"cases": [MAI], "status": "no_key", "matching": []}]
    # The button runs nothing without the key either.
    client.post(response["Location"], {"action": "check"})
    assert Cohort.objects.get().case_check == "pending"


# ------------------------------------------ an organisation admin's cohort: checked by a key holder


def real_sign_in(user: User) -> Client:
    """The two-step sign-in through the pages: the password unlocks the key, the code finishes."""
    client = Client()
    client.post(url("accounts:login"), {"username": user.username, "password": PASSWORD})
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post(url("accounts:otp"), {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302, response.content
    return client


def trainee_in(cohort: Cohort, organisations) -> Client:  # type: ignore[no-untyped-def]
    trainee = make_staff("officer.kato", organisations["ngo"], Role.TRAINEE)
    CohortMember.objects.create(cohort=cohort, user=trainee)
    return signed_in_client(trainee)


def test_an_org_admins_cohort_waits_and_a_caseworkers_sign_in_checks_it(staff, caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    """The organisation admin holds no share of the key (ORGANISATION_KEY_ROLES), so she cannot run
    the check; the cohort waits, closed to trainees, until a caseworker signs in."""
    stored = store(caseworker, names=["Trần Thị Mai"], birth="2007-11-02")
    admin = staff[Role.ORG_ADMIN]
    response = post_cohort(keyed_client(admin), organisations["ngo"].pk, [OTHER, MAI])  # her key is unlocked
    assert response.status_code == 302
    cohort = Cohort.objects.get()
    assert cohort.case_check == "pending" and cohort.case_ids == [OTHER, MAI]
    admin_page = keyed_client(admin).get(response["Location"]).content.decode()
    assert "Waiting for a check" in admin_page and 'id="check-cases"' not in admin_page  # she cannot run it
    # The trainee can join and read lessons, but no case of the waiting cohort starts.
    trainee = trainee_in(cohort, organisations)
    home = trainee.get(url("training:home")).content.decode()
    assert f'id="waiting-{cohort.pk}"' in home and 'id="start-' not in home and 'id="no-cases"' in home
    for case in (OTHER, MAI):
        assert trainee.post(url("training:start"), {"case": case}).status_code == 404
        assert trainee.post(url("training:start"), {"case": case, "cohort": str(cohort.pk)}).status_code == 404
    assert trainee.get(url("training:lesson", "palermo")).status_code == 200

    real_sign_in(caseworker)  # her key is unlocked by the password: the check runs

    cohort.refresh_from_db()
    assert cohort.case_check == "passed" and cohort.case_ids == [OTHER] and cohort.withheld_case_ids == [MAI]
    (first, second) = check_audits()
    assert first.actor_id == admin.pk and first.details["status"] == "no_key"
    assert second.actor_id == caseworker.pk
    assert second.details == {"cases": sorted([OTHER, MAI]), "status": "refused", "matching": [MAI], "cohort": cohort.pk}
    # The trainer learns which practice case was taken out, nothing of the record.
    admin_page = keyed_client(admin).get(response["Location"]).content.decode()
    withheld = admin_page.split('id="withheld"')[1].split("</p>")[0]
    from tipnet.web.training.library import case_by_id

    assert case_by_id(MAI).title["en"] in withheld and case_by_id(OTHER).title["en"] not in withheld
    for secret in ("Trần", "2007", stored.reference, HEALTH, CONTACT, f"/cases/{stored.pk}/"):
        assert secret not in admin_page, secret
    assert not AuditEvent.objects.filter(action="record.read", target_id=str(stored.pk)).exists()
    # The trainee now practises the case that passed, never the one taken out.
    assert trainee.post(url("training:start"), {"case": OTHER}).status_code == 302
    assert trainee.post(url("training:start"), {"case": MAI}).status_code == 404
    # Her next sign-in checks nothing twice.
    assert services.cohort_checks_run_pending(user=caseworker, private_key=unlocked(caseworker)) == 0
    assert len(check_audits()) == 2


def test_a_key_holder_runs_the_check_from_the_cohort_page(staff, caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    store(caseworker, names=["Pham Quoc Bao"], birth="1990-02-02")
    admin_client = signed_in_client(staff[Role.ORG_ADMIN])
    response = post_cohort(admin_client, organisations["ngo"].pk, [OTHER])
    cohort = Cohort.objects.get()
    assert cohort.case_check == "pending"
    # The admin's forged POST of the button changes nothing: she holds no key role.
    admin_client.post(response["Location"], {"action": "check"})
    cohort.refresh_from_db()
    assert cohort.case_check == "pending" and len(check_audits()) == 1
    # A caseworker already signed in (key unlocked) presses the button.
    colleague = keyed_client(caseworker)
    assert 'id="check-cases"' in colleague.get(response["Location"]).content.decode()
    assert colleague.post(response["Location"], {"action": "check"}).status_code == 302
    cohort.refresh_from_db()
    assert cohort.case_check == "passed" and cohort.case_ids == [OTHER] and cohort.withheld_case_ids == []
    page = colleague.get(response["Location"]).content.decode()
    assert "Checked: no practice case of this cohort resembles a person" in page and 'id="check-cases"' not in page
    assert trainee_in(cohort, organisations).post(url("training:start"), {"case": OTHER}).status_code == 302


def test_a_key_holder_of_another_organisation_checks_nothing_here(staff, caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    store(caseworker, names=["Pham Quoc Bao"], birth="1990-02-02")
    post_cohort(signed_in_client(staff[Role.ORG_ADMIN]), organisations["ngo"].pk, [OTHER])
    elsewhere = make_staff("cw_far", organisations["other"], Role.CASEWORKER)
    store(elsewhere, names=["Le Van Nam"])
    real_sign_in(elsewhere)
    assert Cohort.objects.get().case_check == "pending"
    assert services.cohort_cases_check(actor=elsewhere, cohort=Cohort.objects.get(),
                                       private_key=unlocked(elsewhere)) is None
    assert [a.details["status"] for a in check_audits()] == ["no_key"]


def test_an_organisation_without_cases_gets_the_could_not_run_notice(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    client = keyed_client(caseworker)
    response = post_cohort(client, organisations["ngo"].pk, [MAI])
    assert response.status_code == 302 and Cohort.objects.get().case_check == "no_cases"
    page = client.get(response["Location"]).content.decode()
    assert "your organisation keeps no cases in tipnet" in page
    assert [a.details["status"] for a in check_audits()] == ["no_cases"]


def test_a_forged_post_for_another_organisation_checks_nothing_there(caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    elsewhere = make_staff("cw_elsewhere2", organisations["other"], Role.CASEWORKER)
    unlocked(elsewhere)
    store(elsewhere, names=["Tran Thi Mai"])
    response = post_cohort(keyed_client(caseworker), organisations["other"].pk, [MAI])
    assert response.status_code == 400 and not Cohort.objects.exists() and check_audits() == []


def test_a_failing_check_at_sign_in_does_not_stop_the_sign_in(staff, caseworker, organisations, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The check of pending cohorts is a side task of a key holder's sign-in: if it fails (a
    database error, say), she is signed in all the same and the cohort stays pending."""
    from tipnet.web.training import services

    store(caseworker, names=["Trần Thị Mai"], birth="2007-11-02")
    post_cohort(keyed_client(staff[Role.ORG_ADMIN]), organisations["ngo"].pk, [OTHER, MAI])

    def broken(**kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "practice_cases_check", broken)
    client = real_sign_in(caseworker)
    assert client.get(url("training:home")).status_code == 200
    assert Cohort.objects.get().case_check == "pending"
