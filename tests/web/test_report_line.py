"""The anonymous reporting line over HTTP: submit, receipt, follow-up, operator reading and replying,
notes, triage, forwarding with age, retention, and every kind of bad input."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pyrage
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from tests.web.conftest import make_staff, url
from tipnet.web.accounts.keys import keyring_create_for, keyring_unlock
from tipnet.web.accounts.models import AuditEvent, Organisation
from tipnet.web.accounts.roles import OrganisationType, Role
from tipnet.web.report import ratelimit, services
from tipnet.web.report.models import (
    Forwarding,
    ReceiverKey,
    Report,
    ReportAccess,
    ReportFile,
    ReportMessage,
)

PASSWORD = "correct horse battery 9"
SECRET_TEXT = "Mr Tanaka keeps our passports at the Gifu sewing factory"




def sign_in(user) -> Client:  # type: ignore[no-untyped-def]
    """The real two-step sign-in, so that the password unlocks the operator's key."""
    client = Client()
    client.post(url("accounts:login"), {"username": user.username, "password": PASSWORD})
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post(url("accounts:otp"), {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    return client


def submit(client: Client, lang: str = "ja", **extra: object) -> tuple[object, str]:
    data = {"what_happened": SECRET_TEXT, "kind": "labour", "prefecture": "21", "victims": "2-5", "children": "no",
            "nationality": "Vietnam", "how_known": "I work there", **extra}
    response = client.post(url("report:form", lang=lang), data)
    match = re.search(r'id="receipt">([0-9 ]+)<', response.content.decode())
    return response, match.group(1) if match else ""


def test_submit_gives_a_receipt_and_stores_only_ciphertext(operator) -> None:  # type: ignore[no-untyped-def]
    response, receipt = submit(Client(), lang="vi")
    assert response.status_code == 200
    assert re.fullmatch(r"(\d{4} ){6}\d{4}", receipt)
    report = Report.objects.get()
    assert SECRET_TEXT.encode() not in bytes(report.content)
    assert report.created_hour.minute == 0 and report.created_hour.second == 0
    assert (report.kind, report.prefecture, report.victims) == ("labour", "21", "2-5")
    assert ReportAccess.objects.filter(report=report, user=operator).exists()
    # Nothing in any table holds the text, the receipt or the client's address.
    dump = _database_text()
    for needle in (SECRET_TEXT, "Tanaka", receipt.replace(" ", ""), "127.0.0.1"):
        assert needle not in dump, needle


def _database_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    chunks.append(bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value))
    return "\n".join(chunks)


@pytest.mark.django_db
def test_public_report_pages_set_no_cookie_but_the_form_token() -> None:
    response = Client().get(url("report:form"))
    assert response.status_code == 200
    assert set(response.cookies) <= {"csrftoken"}
    body = response.content.decode()
    assert "110" in body.split("<form")[0], "what to do in danger comes before the form"


def test_reporter_reads_reply_and_answers(operator) -> None:  # type: ignore[no-untyped-def]
    _response, receipt = submit(Client())
    report = Report.objects.get()
    staff = sign_in(operator)
    page = staff.get(url("report:report", report.pk))
    assert page.status_code == 200 and SECRET_TEXT in page.content.decode()
    # Triage shown in words, not codes (prefecture 21 is Gifu; 2-5 people).
    assert "Gifu" in page.content.decode() and "2 to 5 people" in page.content.decode()
    inbox_page = staff.get(url("report:inbox")).content.decode()
    assert "Gifu" in inbox_page and "2 to 5 people" in inbox_page
    assert AuditEvent.objects.filter(action="record.read", target_type="report", target_id=str(report.pk)).exists()
    staff.post(url("report:report", report.pk), {"action": "message", "body": "Are you safe now? Can you tell us the town?"})
    staff.post(url("report:report", report.pk), {"action": "note", "body": "call labour inspection"})
    full_width = "".join(chr(ord("０") + int(d)) if d.isdigit() else "－" for d in receipt)
    reporter = Client()
    opened = reporter.post(url("report:follow_up", lang="vi"), {"action": "open", "receipt": full_width})
    body = opened.content.decode()
    assert opened.status_code == 200 and "Can you tell us the town?" in body
    assert "call labour inspection" not in body, "internal notes never reach the reporter"
    assert not reporter.cookies.get("sessionid")
    answered = reporter.post(url("report:follow_up"), {"action": "reply", "receipt": receipt, "message": "In Ogaki. I am safe."})
    assert answered.status_code == 200 and "In Ogaki. I am safe." in answered.content.decode()
    assert ReportMessage.objects.filter(report=report).count() == 2
    assert "In Ogaki" in staff.get(url("report:report", report.pk)).content.decode()


def test_wrong_and_malformed_receipts_get_the_same_answer(operator) -> None:  # type: ignore[no-untyped-def]
    _response, receipt = submit(Client())
    digits = receipt.replace(" ", "")
    wrong_but_valid = None
    from tipnet.core.receipts import receipt_new

    wrong_but_valid = receipt_new()
    answers = [Client().post(url("report:follow_up"), {"action": "open", "receipt": text})
               for text in (wrong_but_valid, digits[:-1] + str((int(digits[-1]) + 1) % 10), "hello", "")]
    assert {a.status_code for a in answers} == {400}
    assert all(b"This receipt does not open a report." in a.content for a in answers)


def test_receipt_guessing_is_throttled(operator, settings) -> None:  # type: ignore[no-untyped-def]
    from tipnet.core.receipts import receipt_new

    settings.TIPNET_RATE_LIMITS = {"receipt_client_per_hour": 3}
    client = Client()
    # Well-formed guesses: only they cost an Argon2 check and count (a malformed one costs nothing).
    codes = [client.post(url("report:follow_up"), {"action": "open", "receipt": receipt_new()}).status_code
             for _ in range(5)]
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]


def test_submissions_are_rate_limited_site_wide(operator, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIPNET_RATE_LIMITS = {"submit_site_per_minute": 2}
    codes = [submit(Client(REMOTE_ADDR=f"10.0.0.{i}"))[0].status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert Report.objects.count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"what_happened": ""}, b"This field is required"),
    ({"website": "http://spam.example"}, b"Please leave this field empty."),
    ({"kind": "alien"}, b"Select a valid choice"),
    ({"what_happened": "x" * 20001}, b"at most 20000 characters"),
])
def test_bad_reports_are_refused_and_nothing_is_stored(operator, data: dict, message: bytes) -> None:  # type: ignore[no-untyped-def]
    response, receipt = submit(Client(), lang="en", **data)
    assert response.status_code == 400 and message in response.content and not receipt
    assert not Report.objects.exists()


def test_refused_file_type_and_oversized_file(operator) -> None:  # type: ignore[no-untyped-def]
    pdf = io.BytesIO(b"%PDF-1.4 secret contract of Mr Tanaka")
    pdf.name = "contract.pdf"
    # The file is refused by name; the text is sent without it (tests/web/test_people_uploads.py).
    response, _receipt = submit(Client(), lang="en", files=pdf)
    assert response.status_code == 200 and b"Only photos" in response.content and b"contract.pdf" in response.content
    big = io.BytesIO(b"\xff" * (8 * 1024 * 1024 + 1))
    big.name = "big.jpg"
    response, _receipt = submit(Client(), lang="en", files=big)
    assert response.status_code == 200 and b"larger than" in response.content and b"big.jpg" in response.content
    assert not ReportFile.objects.exists()


def test_photos_are_reencoded_without_gps(operator) -> None:  # type: ignore[no-untyped-def]
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam Maker"  # Make
    exif[0x8825] = {2: (35.0, 41.0, 22.0)}  # GPSInfo
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif.tobytes())
    assert b"SecretCam" in raw.getvalue()
    raw.seek(0)
    raw.name = "IMG_0001.jpg"
    response, _receipt = submit(Client(), files=raw)
    assert response.status_code == 200
    report = Report.objects.get()
    staff = sign_in(operator)
    page = staff.get(url("report:report", report.pk)).content.decode()
    assert "blurred" in page and "IMG_0001" not in page
    file_id = report.files.get().pk
    served = staff.get(url("report:file", report.pk, file_id))
    assert served["Content-Type"] == "image/jpeg"
    assert b"SecretCam" not in served.content and b"Exif" not in served.content
    assert Image.open(io.BytesIO(served.content)).size == (40, 30)


def test_tampered_ciphertext_gives_a_clear_message(operator) -> None:  # type: ignore[no-untyped-def]
    _response, receipt = submit(Client())
    report = Report.objects.get()
    damaged = bytearray(bytes(report.content))
    damaged[-1] ^= 1
    Report.objects.filter(pk=report.pk).update(content=bytes(damaged))
    response = Client().post(url("report:follow_up"), {"action": "open", "receipt": receipt})
    assert response.status_code == 400 and b"its stored data is damaged" in response.content


def test_forward_with_age_records_a_disclosure(operator) -> None:  # type: ignore[no-untyped-def]
    submit(Client())
    report = Report.objects.get()
    police = Organisation.objects.create(name="Gifu Prefectural Police", type=OrganisationType.LAW_ENFORCEMENT)
    identity = pyrage.x25519.Identity.generate()
    ReceiverKey.objects.create(organisation=police, recipient=str(identity.to_public()))
    staff = sign_in(operator)
    staff.post(url("report:report", report.pk), {"action": "note", "body": "internal only"})
    response = staff.post(url("report:report", report.pk), {"action": "forward", "recipient": police.pk})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('report.zip.age"')
    import zipfile

    package = zipfile.ZipFile(io.BytesIO(pyrage.decrypt(response.content, [identity])))
    assert sorted(package.namelist()) == ["report.json", "report.pdf"]
    assert package.read("report.pdf").startswith(b"%PDF")
    import pypdfium2

    pdf_text = pypdfium2.PdfDocument(package.read("report.pdf"))[0].get_textpage().get_text_range()
    # Words for people, not stored codes: kind, prefecture (21 = Gifu) and group size.
    assert "Forced labour" in pdf_text and "Gifu" in pdf_text and "2 to 5 people" in pdf_text
    assert "labour\n" not in pdf_text and "2-5" not in pdf_text
    document = json.loads(package.read("report.json"))
    assert document["what_happened"] == SECRET_TEXT
    flat = json.dumps(document)
    assert "internal only" not in flat and str(report.pk) not in re.findall(r'"\d+"', flat)
    assert "receipt" not in flat and "hanako" not in flat
    event = AuditEvent.objects.get(action="disclosure")
    assert event.recipient_organisation_id == police.pk and event.target_id == str(report.pk)
    forwarding = Forwarding.objects.get()
    staff.post(url("report:report", report.pk), {"action": "forwarding", "forwarding_id": forwarding.pk, "state": "acknowledged", "outcome": ""})
    forwarding.refresh_from_db()
    assert forwarding.state == "acknowledged"


def test_only_the_trustees_operators_read_reports(operator, staff, organisations) -> None:  # type: ignore[no-untyped-def]
    submit(Client())
    report = Report.objects.get()
    from tests.web.conftest import signed_in_client

    for role in (Role.NETWORK_ADMIN, Role.CASEWORKER, Role.RESEARCHER):
        assert signed_in_client(staff[role]).get(url("report:report", report.pk)).status_code == 404
    other_trustee = Organisation.objects.create(name="Other trustee", type=OrganisationType.TRUSTEE)
    outsider = make_staff("outsider_op", other_trustee, Role.HOTLINE_OPERATOR, PASSWORD)
    keyring_create_for(outsider, password=PASSWORD)
    assert sign_in(outsider).get(url("report:report", report.pk)).status_code == 404


def test_operator_without_the_key_cannot_read_until_granted(operator, organisations) -> None:  # type: ignore[no-untyped-def]
    submit(Client())
    report = Report.objects.get()
    newcomer = make_staff("newcomer", organisations["trustee"], Role.HOTLINE_OPERATOR, PASSWORD)
    keyring_create_for(newcomer, password=PASSWORD)
    newcomer_client = sign_in(newcomer)
    assert newcomer_client.get(url("report:report", report.pk)).status_code == 403
    sign_in(operator).post(url("report:report", report.pk), {"action": "grant", "user_id": newcomer.pk})
    assert SECRET_TEXT in newcomer_client.get(url("report:report", report.pk)).content.decode()


def test_retention_purge_keeps_the_disclosure_record(operator) -> None:  # type: ignore[no-untyped-def]
    _response, receipt = submit(Client())
    report = Report.objects.get()
    services.report_triage(actor=operator, report=report, status="closed", kind="labour", indicators=["CD_DOC_CONFISCATION"],
                           private_key=keyring_unlock(operator, password=PASSWORD))
    report.refresh_from_db()
    assert report.expires_at - report.closed_at == timedelta(days=90)
    # The reporter adds something: expiry moves later.
    services.reporter_add(receipt_text=receipt, message="one more thing", files=[], file_names=[])
    report.refresh_from_db()
    assert report.expires_at > report.closed_at + timedelta(days=90)
    audit_record_count = AuditEvent.objects.count()
    assert services.report_purge(now=timezone.now() + timedelta(days=30)) == 0
    assert services.report_purge(now=timezone.now() + timedelta(days=200)) == 1
    assert not Report.objects.exists()
    assert AuditEvent.objects.count() == audit_record_count + 1
    assert AuditEvent.objects.filter(action="report.purged", target_id=str(report.pk)).exists()


def test_phone_report_entered_by_operator(operator) -> None:  # type: ignore[no-untyped-def]
    staff = sign_in(operator)
    response = staff.post(url("report:staff_entry"), {"source": "phone", "what_happened": "Caller: three workers locked in dorm",
                                                      "kind": "labour", "prefecture": "13"})
    assert response.status_code == 200 and b'id="receipt"' in response.content
    report = Report.objects.get()
    assert report.source == "phone"
    assert AuditEvent.objects.filter(action="report.entered", target_id=str(report.pk)).exists()


def test_digest_has_counts_and_no_content(operator) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.report.selectors import digest_counts

    submit(Client(), danger_now="on")
    lines = digest_counts()
    assert lines == ["Test Trustee: 1 new, 0 triaged, 1 open with danger now"]
    assert SECRET_TEXT not in "\n".join(lines)


def test_notifications_carry_no_content(operator, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail

    from tipnet.web.report.notify import send_digest
    from tipnet.web.report.selectors import digest_counts

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    operator.email = "hanako@trustee.example"
    operator.save(update_fields=["email"])
    settings.TIPNET_NOTIFY = "digest"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda func, *a, **k: func())
        submit(Client())
        assert not mail.outbox, "digest mode sends nothing per report"
        settings.TIPNET_NOTIFY = "immediate"
        ratelimit.reset()
        submit(Client())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hanako@trustee.example"]
    assert SECRET_TEXT not in mail.outbox[0].body and "Tanaka" not in mail.outbox[0].body
    assert send_digest(digest_counts()) == 1
    assert "2 new" in mail.outbox[1].body and SECRET_TEXT not in mail.outbox[1].body


def test_retention_lifetime_per_status(operator, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIPNET_RETENTION_DAYS = {"closed": 30, "forwarded": 365}
    submit(Client())
    report = Report.objects.get()
    assert report.expires_at is None, "a new report is kept until someone looks at it"
    key = keyring_unlock(operator, password=PASSWORD)
    services.report_triage(actor=operator, report=report, status="forwarded", kind="labour", indicators=[], private_key=key)
    assert timedelta(days=364) < report.expires_at - timezone.now() <= timedelta(days=365)
    services.report_triage(actor=operator, report=report, status="closed", kind="labour", indicators=[], private_key=key)
    assert timedelta(days=29) < report.expires_at - timezone.now() <= timedelta(days=30)
    services.report_triage(actor=operator, report=report, status="triaged", kind="labour", indicators=[], private_key=key)
    assert report.expires_at is None


def test_forged_token_on_the_report_form_is_explained_in_the_readers_language(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.get(url("report:form", lang="vi"))
    response = client.post(url("report:form", lang="vi"), {"what_happened": SECRET_TEXT, "csrfmiddlewaretoken": "forged" * 8})
    assert response.status_code == 403
    with translation.override("vi"):
        from django.utils.translation import gettext

        assert gettext("The form has expired").encode() in response.content
        assert gettext("The form has expired") != "The form has expired"
    assert not Report.objects.exists()
