"""Issue 11, staff items: what operators and caseworkers hit on their path. A reused sign-in code,
the triage indicators as a checked list, the reporter's language on the report page, and the
saved screening page. Driven through HTTP; each test fails without its fix."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import make_staff, url
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import Role

PASSWORD = "correct horse battery 9"
REUSED = "This code was already used."


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_step(username: str) -> Client:
    client = Client()
    response = client.post(url("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == url("accounts:otp")
    return client


@pytest.fixture
def carla(organisations) -> User:  # type: ignore[no-untyped-def]
    return make_staff("carla", organisations["ngo"], Role.CASEWORKER, PASSWORD)


# ------------------------------------------------------------------------------ sign-in code


def test_a_reused_code_says_so_and_asks_for_the_next_one(carla: User) -> None:
    code = _code(carla)
    first = _password_step("carla").post(url("accounts:otp"), {"code": code})
    assert first.status_code == 302 and first["Location"] == url("accounts:home")
    # The same code again, within its 30 seconds (a second tab, or a colleague's shoulder).
    again = _password_step("carla").post(url("accounts:otp"), {"code": code})
    body = again.content.decode()
    assert again.status_code == 400
    assert REUSED in body and "wait for the next code" in body and "30 seconds" in body
    assert "The code is not correct." not in body
    assert AuditEvent.objects.filter(action="login.failed", actor_id=carla.pk,
                                     details__reason="code_reused").exists()


def test_a_wrong_code_is_still_just_not_correct(carla: User) -> None:
    code = _code(carla)
    assert _password_step("carla").post(url("accounts:otp"), {"code": code}).status_code == 302
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    body = _password_step("carla").post(url("accounts:otp"), {"code": wrong}).content.decode()
    assert "The code is not correct." in body and REUSED not in body


def test_an_old_used_code_is_not_called_reused(carla: User) -> None:
    """Only the last code of this device, still inside its window, gets the message: a code used
    ten minutes ago is simply not correct now."""
    device = TOTPDevice.objects.get(user=carla)
    old_t = int(time.time()) // device.step - 20
    device.last_t = old_t
    device.save()
    old_code = f"{hotp(device.bin_key, old_t, digits=device.digits):06d}"
    body = _password_step("carla").post(url("accounts:otp"), {"code": old_code}).content.decode()
    assert "The code is not correct." in body and REUSED not in body


def test_another_users_last_code_is_not_called_reused(carla: User, organisations) -> None:  # type: ignore[no-untyped-def]
    """The message is about this person's device only: someone typing a colleague's fresh code
    learns nothing about it."""
    make_staff("dan", organisations["ngo"], Role.CASEWORKER, PASSWORD)
    dan = User.objects.get(username="dan")
    dan_code = _code(dan)
    assert _password_step("dan").post(url("accounts:otp"), {"code": dan_code}).status_code == 302
    body = _password_step("carla").post(url("accounts:otp"), {"code": dan_code}).content.decode()
    # (Should both secrets show the same code now, one chance in a million, Carla is signed in.)
    assert REUSED not in body


def test_a_wrong_password_never_reaches_the_code_step(carla: User) -> None:
    code = _code(carla)
    assert _password_step("carla").post(url("accounts:otp"), {"code": code}).status_code == 302
    client = Client()
    response = client.post(url("accounts:login"), {"username": "carla", "password": "wrong"})
    assert response.status_code == 400 and REUSED not in response.content.decode()
    # Without the password step, the code page sends back to the sign-in.
    assert client.post(url("accounts:otp"), {"code": code})["Location"].startswith(url("accounts:login"))


# --------------------------------------------------------------------------- triage indicators


@pytest.fixture
def report(operator):  # type: ignore[no-untyped-def]
    from tests.web.test_report_line import submit
    from tipnet.web.report.models import Report

    submit(Client(), lang="vi")
    return Report.objects.get()


def _operator_page(operator, report, lang: str = "en") -> str:  # type: ignore[no-untyped-def]
    from tests.web.conftest import keyed_client

    return keyed_client(operator).get(url("report:report", report.pk, lang=lang)).content.decode()


def test_triage_offers_the_catalogues_indicators_as_checkboxes(operator, report) -> None:  # type: ignore[no-untyped-def]
    from tipnet.core.screening import default_catalogue

    catalogue = default_catalogue()
    page = _operator_page(operator, report, lang="ja")
    triage = page.split('id="triage-form"', 1)[1].split("</form>", 1)[0]
    boxes = re.findall(r'<input type="checkbox" name="indicators" value="([A-Z0-9_]+)"', triage)
    assert sorted(boxes) == sorted(catalogue.indicators)
    # Grouped by dimension, labelled in the operator's language.
    for dim in catalogue.dimensions:
        assert f'id="indicators-{dim}"' in triage
    assert catalogue.indicator_label("CD_DOC_CONFISCATION", "ja") in triage
    assert catalogue.text("dimensions", "CD", "ja") in triage
    # The filter works with JavaScript only; without it the whole list is there.
    assert 'id="indicator-filter"' in triage and "indicator-filter.js" in page
    assert 'name="indicators" type="text"' not in triage and 'type="text" name="indicators"' not in triage


def test_ticked_indicators_are_saved_and_confirmed(operator, report) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import keyed_client

    client = keyed_client(operator)
    response = client.post(url("report:report", report.pk), {
        "action": "triage", "status": "triaged", "kind": "labour",
        "indicators": ["DR_JOB_NATURE", "CD_DOC_CONFISCATION"],
    }, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Triage saved: Triaged, Forced labour, 2 indicators." in page
    report.refresh_from_db()
    assert report.indicators == ["CD_DOC_CONFISCATION", "DR_JOB_NATURE"]
    assert 'value="CD_DOC_CONFISCATION" checked' in page and 'value="DR_JOB_NATURE" checked' in page
    # The message is shown once.
    assert "Triage saved" not in client.get(url("report:report", report.pk)).content.decode()


@pytest.mark.parametrize("posted", [["passport, wages"], ["DR_JOB_NATURE", "DR_MADE_UP"], ["Tanaka hits her"]])
def test_an_unknown_indicator_is_refused_and_nothing_is_saved(operator, report, posted: list[str]) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import keyed_client

    response = keyed_client(operator).post(url("report:report", report.pk), {
        "action": "triage", "status": "closed", "kind": "labour", "indicators": posted,
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "Not indicator ids of the screening catalogue" in page and 'id="indicators-error"' in page
    assert "Triage saved" not in page
    report.refresh_from_db()
    assert (report.status, report.indicators, report.closed_at) == ("new", [], None)


def test_words_from_before_the_list_stay_visible_and_can_become_a_note(operator, report) -> None:  # type: ignore[no-untyped-def]
    """Migration 0004 keeps what it cannot map; the page shows it and an operator moves it into an
    encrypted internal note (and out of the clear column)."""
    import importlib

    from django.apps import apps

    from tests.web.conftest import keyed_client
    from tests.web.test_report_line import _database_text
    from tipnet.web.report.models import Report

    migration = importlib.import_module("tipnet.web.report.migrations.0004_triage_indicators_map_free_text")
    Report.objects.filter(pk=report.pk).update(indicators=["passport, wages", "cd_doc_confiscation"])
    migration.map_indicators(apps, None)
    report.refresh_from_db()
    assert report.indicators == ["CD_DOC_CONFISCATION"] and report.indicators_unmapped == ["passport", "wages"]
    page = _operator_page(operator, report)
    unmapped = page.split('id="unmapped-indicators"', 1)[1].split("</div>", 1)[0]
    assert "<li>passport</li>" in unmapped and "<li>wages</li>" in unmapped
    client = keyed_client(operator)
    response = client.post(url("report:report", report.pk), {"action": "unmapped_to_note"}, follow=True)
    page = response.content.decode()
    assert "The earlier indicator notes are now an internal note." in page
    notes = page.split('id="notes"', 1)[1].split("</ul>", 1)[0]
    assert "passport, wages" in notes
    report.refresh_from_db()
    assert report.indicators_unmapped == [] and report.indicators == ["CD_DOC_CONFISCATION"]
    assert "passport, wages" not in _database_text()
    assert client.post(url("report:report", report.pk), {"action": "unmapped_to_note"}).status_code == 400


def test_the_forwarded_package_keeps_ids_and_names_them_in_the_pdf(operator, report) -> None:  # type: ignore[no-untyped-def]
    import io
    import json
    import zipfile

    import pypdfium2
    import pyrage

    from tests.web.conftest import keyed_client
    from tipnet.web.accounts.models import Organisation
    from tipnet.web.accounts.roles import OrganisationType
    from tipnet.web.report.models import ReceiverKey

    police = Organisation.objects.create(name="Gifu Prefectural Police", type=OrganisationType.LAW_ENFORCEMENT)
    identity = pyrage.x25519.Identity.generate()
    ReceiverKey.objects.create(organisation=police, recipient=str(identity.to_public()))
    client = keyed_client(operator)
    client.post(url("report:report", report.pk), {"action": "triage", "status": "triaged", "kind": "labour",
                                                  "indicators": ["CD_DOC_CONFISCATION"]})
    response = client.post(url("report:report", report.pk), {"action": "forward", "recipient": police.pk})
    package = zipfile.ZipFile(io.BytesIO(pyrage.decrypt(response.content, [identity])))
    document = json.loads(package.read("report.json"))
    assert document["indicators"] == ["CD_DOC_CONFISCATION"] and document["language"] == "vi"
    pdf = pypdfium2.PdfDocument(package.read("report.pdf"))[0].get_textpage().get_text_range()
    assert "CD_DOC_CONFISCATION" in pdf and "passport" in pdf
    assert "Language of the report" in pdf and "(Vietnamese)" in pdf, pdf


# ----------------------------------------------------------------------- language of a report


@pytest.mark.parametrize(("lang", "expected"), [("en", "Vietnamese"), ("ja", "ベトナム語")])
def test_the_report_page_says_in_which_language_the_reporter_wrote(operator, report, lang: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    page = _operator_page(operator, report, lang=lang)
    shown = page.split('id="report-language"', 1)[1].split("</dd>", 1)[0]
    assert '<span lang="vi">Tiếng Việt</span>' in shown and f"({expected})" in shown


def test_only_an_operator_with_the_reports_key_may_move_the_words(operator, report, organisations) -> None:  # type: ignore[no-untyped-def]
    """A colleague who joined after the report came in cannot read it, so she cannot turn its
    words into a note either; a caseworker of another organisation does not even see the report."""
    from tests.web.conftest import keyed_client
    from tipnet.web.accounts.keys import keyring_create_for
    from tipnet.web.report.models import Report, ReportNote

    Report.objects.filter(pk=report.pk).update(indicators_unmapped=["passport"])
    sato = make_staff("sato", organisations["trustee"], Role.HOTLINE_OPERATOR, PASSWORD)
    keyring_create_for(sato, password=PASSWORD)
    assert keyed_client(sato).post(url("report:report", report.pk), {"action": "unmapped_to_note"}).status_code == 403
    outsider = make_staff("kumi", organisations["ngo"], Role.CASEWORKER, PASSWORD)
    assert keyed_client(outsider).post(url("report:report", report.pk), {"action": "unmapped_to_note"}).status_code == 404
    report.refresh_from_db()
    assert report.indicators_unmapped == ["passport"] and not ReportNote.objects.exists()
