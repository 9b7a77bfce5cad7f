"""Documents on a case: sealed like the case, cleaned like the reporting line's files, opened only
through the access function (same 404 for missing and forbidden), every download audited, the
section rules applied, bad files refused with nothing stored, no plaintext on disk or in the
database."""

from __future__ import annotations

import io
import re
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image

from tests.web.cases_support import (
    NAME,
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    intake_content,
    unlocked,
)
from tests.web.conftest import make_staff, signed_in_client, url
from tests.web.test_report_line import _database_text
from tipnet.web.accounts import keys
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import Role
from tipnet.web.cases import documents, services
from tipnet.web.cases.models import Case, CaseDocument

MARK = "PASSPORT-B7731942-Thuong"
TITLE = "Passport copy of Thuong, issued in Vinh"


_KEYS: dict[bytes, bytes] = {}


def key_of(user: User) -> bytes:
    """The user's private key, unlocked once per keyring (Argon2id is slow on purpose)."""
    public = keys.public_key_of(user)
    if public is None or bytes(public) not in _KEYS:
        private = unlocked(user)
        public = keys.public_key_of(user)
        assert public is not None
        _KEYS[bytes(public)] = private
    return _KEYS[bytes(public)]


def client_of(user: User) -> Client:
    """``keyed_client`` without a second Argon2id run for a keyring already unlocked here."""
    client = signed_in_client(user)
    session = client.session
    session[keys.SESSION_FIELD], client.cookies[keys.COOKIE] = keys.split_private_key(key_of(user))
    session.save()
    return client


def case_of(user: User, *, name: str = NAME, birth: str = "1999-04-03", consents: set[str] | None = None) -> Case:
    """``open_case`` with the cached key."""
    return services.case_open(actor=user, organisation=user.memberships.get().organisation,
                              content=intake_content(name, birth),
                              consents=consents or {"interview", "purpose_told", "police"}, private_key=key_of(user))


def document_row(case: Case, section: str = "other") -> CaseDocument:
    """A document row made directly (nothing sealed), for access tests."""
    return CaseDocument.objects.create(case=case, section=section)


def pdf_bytes(mark: str = MARK) -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + mark.encode()
            + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def png_bytes(colour: tuple[int, int, int] = (10, 200, 30)) -> bytes:
    raw = io.BytesIO()
    image = Image.new("RGB", (12, 12), colour)
    exif = Image.Exif()
    exif[0x010F] = "CameraMakerSecret"  # Make
    image.save(raw, format="PNG", exif=exif)
    return raw.getvalue()


def upload(client, case: Case, *, data: bytes, name: str = "scan.pdf", section: str = "identity",  # type: ignore[no-untyped-def]
           title: str = TITLE):
    return client.post(url("cases:document_add", case.pk), {
        "section": section, "title": title, "file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_a_pdf_is_sealed_downloaded_whole_and_every_download_is_audited(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    client = client_of(caseworker)
    response = upload(client, case, data=pdf_bytes())
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    document = CaseDocument.objects.get()
    assert document.section == "identity" and document.added_by == caseworker
    dump = _database_text()
    for needle in (MARK, "Passport copy", "Vinh", "scan.pdf", "application/pdf"):
        assert needle not in dump, needle
    page = client.get(url("cases:case", case.pk)).content.decode()
    assert TITLE in page and url("cases:document", case.pk, document.pk) in page
    for _ in range(2):
        download = client.get(url("cases:document", case.pk, document.pk))
        assert download.status_code == 200 and download.content == pdf_bytes()
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == f'attachment; filename="{case.reference}-document-{document.pk}.pdf"'
        assert download["Cache-Control"].startswith("no-store") or "no-store" in download["Cache-Control"]
    reads = AuditEvent.objects.filter(action="record.read", target_type="case", target_id=str(case.pk),
                                      details__document=document.pk)
    assert reads.count() == 2
    assert AuditEvent.objects.filter(action="case.document_added", target_id=str(case.pk)).count() == 1


def test_an_image_is_re_encoded_without_its_metadata(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    client = client_of(caseworker)
    original = png_bytes()
    assert b"CameraMakerSecret" in original
    assert upload(client, case, data=original, name="photo.png", section="other", title="Contract, page 1").status_code == 302
    document = CaseDocument.objects.get()
    download = client.get(url("cases:document", case.pk, document.pk))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"CameraMakerSecret" not in download.content
    assert Image.open(io.BytesIO(download.content)).getpixel((3, 3)) == (10, 200, 30)
    assert original not in bytes(document.file_ciphertext) and b"CameraMakerSecret" not in _database_text().encode("latin-1", "replace")


def test_bad_files_and_bad_input_are_refused_and_nothing_is_stored(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    client = client_of(caseworker)
    audit_before = AuditEvent.objects.count()
    cases = [
        ({"data": b"MZ\x90\x00 a windows program"}, "Only photos or scans"),
        ({"data": b"plain text, not a PDF"}, "Only photos or scans"),
        ({"data": pdf_bytes(), "title": "   "}, ""),
        ({"data": pdf_bytes(), "section": "sexual"}, ""),
        ({"data": b""}, ""),
    ]
    with translation.override("en"):
        for kwargs, message in cases:
            response = upload(client, case, **kwargs)  # type: ignore[arg-type]
            assert response.status_code == 400, kwargs.keys()
            if message:
                assert message in response.content.decode(), response.content.decode()[-800:]
    # Over the per-file limit (the service's own check; through HTTP the same path, only slower).
    with translation.override("en"), pytest.raises(services.CaseError, match="larger than 8 MB"):
        documents.document_add(actor=caseworker, case=case, section="identity", title=TITLE,
                               data=b"%PDF-1.4\n" + b"0" * documents.MAX_FILE_BYTES)
    assert not CaseDocument.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_a_request_too_large_to_read_is_refused_with_a_message(caseworker, settings) -> None:  # type: ignore[no-untyped-def]
    """Django drops the files of a request over FILE_UPLOAD_MAX_MEMORY_SIZE without a word; the view
    says so instead of storing nothing silently. (A 1 MiB limit here, to keep the test fast.)"""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    case = case_of(caseworker)
    client = client_of(caseworker)
    big = b"%PDF-1.4\n" + b"0" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 10)
    with translation.override("en"):
        response = upload(client, case, data=big)
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_health_documents_follow_the_health_section_rule(caseworker, organisations, staff) -> None:  # type: ignore[no-untyped-def]
    colleague = make_staff("colleague_docs", organisations["ngo"], Role.CASEWORKER)
    key_of(colleague)
    supervisor = staff[Role.CASE_SUPERVISOR]
    key_of(supervisor)
    case = case_of(caseworker)
    owner = client_of(caseworker)
    assert upload(owner, case, data=pdf_bytes("MEDICAL-NOTE"), section="health", title="Hospital note").status_code == 302
    assert upload(owner, case, data=pdf_bytes(), section="identity").status_code == 302
    health = CaseDocument.objects.get(section="health")
    identity = CaseDocument.objects.get(section="identity")
    other = client_of(colleague)
    page = other.get(url("cases:case", case.pk)).content.decode()
    assert "Hospital note" not in page and TITLE in page and 'id="documents-hidden"' in page
    forbidden = other.get(url("cases:document", case.pk, health.pk))
    missing = other.get(url("cases:document", case.pk, 987654))
    assert forbidden.status_code == missing.status_code == 404

    def strip(body: bytes) -> bytes:
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
        return body.replace(f"/documents/{health.pk}/".encode(), b"/ID/").replace(b"/documents/987654/", b"/ID/")

    assert strip(forbidden.content) == strip(missing.content)
    assert other.get(url("cases:document", case.pk, identity.pk)).status_code == 200
    # The colleague cannot add to the health section either (a forged POST).
    assert upload(other, case, data=pdf_bytes(), section="health").status_code == 400
    assert CaseDocument.objects.count() == 2
    assert client_of(supervisor).get(url("cases:document", case.pk, health.pk)).content == pdf_bytes("MEDICAL-NOTE")
    assert not AuditEvent.objects.filter(actor_id=colleague.pk, details__document=health.pk).exists()


def test_another_organisation_and_other_roles_never_reach_a_document(caseworker, organisations, staff) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    client = client_of(caseworker)
    assert upload(client, case, data=pdf_bytes(), section="other").status_code == 302
    document = CaseDocument.objects.get()
    stranger = make_staff("stranger_docs", organisations["other"], Role.CASE_SUPERVISOR)
    stranger_client = client_of(stranger)
    assert stranger_client.get(url("cases:document", case.pk, document.pk)).status_code == 404
    assert upload(stranger_client, case, data=pdf_bytes("INJECTED")).status_code == 404
    for role in (Role.RESEARCHER, Role.ORG_ADMIN, Role.NETWORK_ADMIN, Role.HOTLINE_OPERATOR, Role.TRAINEE):
        assert signed_in_client(staff[role]).get(url("cases:document", case.pk, document.pk)).status_code == 404, role
    # A document id of one case through another case's address: not found.
    own_other = case_of(caseworker, name="Tran Van Binh", birth="1990-01-01")
    assert client.get(url("cases:document", own_other.pk, document.pk)).status_code == 404
    assert CaseDocument.objects.count() == 1
    assert AuditEvent.objects.filter(details__document=document.pk, action="record.read").count() == 0


def test_without_the_unlocked_key_nothing_is_decrypted(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    assert upload(client_of(caseworker), case, data=pdf_bytes()).status_code == 302
    document = CaseDocument.objects.get()
    response = signed_in_client(caseworker).get(url("cases:document", case.pk, document.pk))
    assert response.status_code == 403 and MARK.encode() not in response.content
    assert not AuditEvent.objects.filter(details__document=document.pk, action="record.read").exists()


def test_a_changed_byte_is_refused_not_served(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    client = client_of(caseworker)
    assert upload(client, case, data=pdf_bytes()).status_code == 302
    document = CaseDocument.objects.get()
    damaged = bytearray(bytes(document.file_ciphertext))
    damaged[-5] ^= 1
    CaseDocument.objects.filter(pk=document.pk).update(file_ciphertext=bytes(damaged))
    response = client.get(url("cases:document", case.pk, document.pk))
    assert response.status_code == 409 and MARK.encode() not in response.content


def test_no_plaintext_of_an_upload_reaches_the_disk(caseworker) -> None:  # type: ignore[no-untyped-def]
    """GlobaLeaks #821 for case documents: the upload stays in memory and is sealed before it is
    stored; no file in the temporary folder or the data folder written since holds it."""
    assert settings.FILE_UPLOAD_HANDLERS == ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
    case = case_of(caseworker)
    started = time.time() - 1
    marker = f"DISK-LEAK-{int(started)}-Thuong"
    assert upload(client_of(caseworker), case, data=pdf_bytes(marker) + b"x" * 300_000).status_code == 302
    for root in (Path(tempfile.gettempdir()), Path(settings.DATA_DIR)):
        for path in root.rglob("*"):
            try:
                if path.is_file() and path.stat().st_mtime >= started and path.stat().st_size < 50_000_000:
                    assert marker.encode() not in path.read_bytes(), f"plaintext in {path}"
            except OSError:
                continue
    assert marker not in _database_text()


def test_the_document_list_is_on_the_case_page_without_reading_files(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    client = client_of(caseworker)
    with translation.override("en"):
        page = client.get(url("cases:case", case.pk)).content.decode()
    assert 'id="document-form"' in page and 'enctype="multipart/form-data"' in page
    assert re.search(r'<select name="section"[^>]*>.*value="health"', page, re.S), "the owner may add health documents"
    assert not AuditEvent.objects.filter(action="record.read", details__has_key="document").exists()


def test_the_case_page_queries_do_not_grow_with_documents(caseworker) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = case_of(caseworker)
    client = client_of(caseworker)
    assert upload(client, case, data=pdf_bytes(), section="other").status_code == 302

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("cases:case", case.pk)).status_code == 200
        return len(captured)

    few = count()
    for n in range(6):
        assert upload(client, case, data=pdf_bytes(f"doc {n}"), section=("identity", "health", "other")[n % 3]).status_code == 302
    assert count() == few


def test_the_upload_form_carries_a_working_csrf_token(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    client = client_of(caseworker)
    client.handler.enforce_csrf_checks = True
    page = client.get(url("cases:case", case.pk)).content.decode()
    form = page.split('id="document-form"')[1].split("</form>")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token and len(token.group(1)) > 20
    assert upload(client, case, data=pdf_bytes()).status_code == 403, "refused without the token"
    response = client.post(url("cases:document_add", case.pk), {
        "csrfmiddlewaretoken": token.group(1), "section": "other", "title": TITLE,
        "file": SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")})
    assert response.status_code == 302 and CaseDocument.objects.count() == 1
