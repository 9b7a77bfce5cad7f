"""The reporter's path when things go wrong (issue 11, "The people's path"): a reload or a second
press of Send (one-time form tokens), an invalid form on a phone (error summary at the top), a
refused file among good ones, and a server error or an unreachable database after Send."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client
from django.utils import timezone
from PIL import Image

from tests.support import required
from tests.web.conftest import url
from tipnet.web.report import attachments, once
from tipnet.web.report.models import Report, ReportFile, ReportMessage, SpentFormToken

T = TypeVar("T")

TEXT = "The boss keeps our passports in the office safe"
LANGUAGES = ("ja", "en", "vi", "zh-hans", "fil", "th", "id", "es", "pt-br")


def token_of(page: str, form: str = "report") -> str:
    match = re.search(r'name="once" value="([^"]+)"', page)
    assert match, f"no one-time token in the {form} form"
    return match.group(1)


def fresh_report_form(client: Client, lang: str = "en") -> str:
    return client.get(url("report:form", lang=lang)).content.decode()


def send(client: Client, token: str | None, lang: str = "en", **extra: object):  # type: ignore[no-untyped-def]
    data = {"what_happened": TEXT, "kind": "labour", **extra}
    if token is not None:
        data["once"] = token
    return client.post(url("report:form", lang=lang), data)


def png(name: str = "photo.png", size: tuple[int, int] = (8, 6)) -> io.BytesIO:
    raw = io.BytesIO()
    Image.new("RGB", size, (10, 120, 40)).save(raw, format="PNG")
    raw.seek(0)
    raw.name = name
    return raw


# --- 1. one-time tokens ---------------------------------------------------------------------------


def test_reloading_the_receipt_page_does_not_send_the_report_twice(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    token = token_of(fresh_report_form(client, "vi"))
    first = send(client, token, lang="vi")
    assert first.status_code == 200 and 'id="receipt"' in first.content.decode()
    # The browser's "resend the form?" after a reload, or a second press of Send: the same POST.
    again = send(client, token, lang="vi")
    body = again.content.decode()
    assert again.status_code == 409 and 'id="already-sent"' in body
    assert 'id="receipt"' not in body and not re.search(r"\d{4} \d{4} \d{4}", body), "never a receipt again"
    assert '<html lang="vi">' in body, "in the reporter's language"
    assert Report.objects.count() == 1 and SpentFormToken.objects.count() == 1


def test_a_fresh_form_sends_a_second_report(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    send(client, token_of(fresh_report_form(client)))
    send(client, token_of(fresh_report_form(client)))
    assert Report.objects.count() == 2


def test_only_a_hash_of_the_token_is_stored_with_the_day(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    token = token_of(fresh_report_form(client))
    nonce = once._unb64(token.split(".")[1])
    assert len(nonce) * 8 >= 128
    send(client, token)
    row = SpentFormToken.objects.get()
    assert row.digest == hashlib.sha256(b"report:" + nonce).hexdigest()
    assert row.spent_day == timezone.localdate()
    assert {f.name for f in SpentFormToken._meta.get_fields()} == {"id", "digest", "spent_day"}, "no link to the report"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM report_spentformtoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert token.split(".")[1] not in stored and token not in stored


def test_a_token_is_bound_to_its_form_and_cannot_be_made_up(operator) -> None:  # type: ignore[no-untyped-def]
    reply_token = once.once_token_new(form="reply")
    forged = f"{timezone.localdate().toordinal()}.{once._b64(b'x' * 16)}.{once._b64(b'y' * 16)}"
    old_day = (timezone.localdate() - timedelta(days=30)).toordinal()
    nonce = b"z" * 16
    too_old = f"{old_day}.{once._b64(nonce)}.{once._b64(once._signature('report', old_day, nonce))}"
    for bad in (reply_token, forged, too_old, "", "not-a-token"):
        response = send(Client(), bad)
        body = response.content.decode()
        assert response.status_code == 400, bad
        assert "Nothing was sent" in body and TEXT in body, "explained, and the text is still there"
        assert 'id="error-summary"' in body
    assert not Report.objects.exists() and not SpentFormToken.objects.exists()


def test_a_failed_send_does_not_spend_the_token(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    token = token_of(fresh_report_form(client))
    assert send(client, token, what_happened="").status_code == 400
    assert send(client, token).status_code == 200, "the same page can still be sent once it is right"
    assert Report.objects.count() == 1


def _open_and_reply(client: Client, receipt: str, message: str, token: str):  # type: ignore[no-untyped-def]
    return client.post(url("report:follow_up", lang="es"),
                       {"action": "reply", "receipt": receipt, "message": message, "once": token})


def test_reloading_after_an_answer_does_not_send_it_twice(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    page = send(client, token_of(fresh_report_form(client))).content.decode()
    receipt = re.search(r'id="receipt">([0-9 ]+)<', page).group(1)  # type: ignore[union-attr]
    opened = client.post(url("report:follow_up", lang="es"), {"action": "open", "receipt": receipt}).content.decode()
    token = token_of(opened, "reply")
    first = _open_and_reply(client, receipt, "We are in Ogaki", token)
    assert first.status_code == 200 and 'id="sent"' in first.content.decode()
    again = _open_and_reply(client, receipt, "We are in Ogaki", token)
    assert again.status_code == 409 and 'id="already-sent"' in again.content.decode()
    assert ReportMessage.objects.count() == 1
    # The page after a send carries a new token: the next answer goes through.
    assert _open_and_reply(client, receipt, "Now in Gifu", token_of(first.content.decode(), "reply")).status_code == 200
    assert ReportMessage.objects.count() == 2
    # A report form's token does not send an answer.
    assert _open_and_reply(client, receipt, "x", once.once_token_new(form="report")).status_code == 400
    assert ReportMessage.objects.count() == 2


def test_purge_deletes_old_token_hashes_only(db) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    SpentFormToken.objects.create(digest="a" * 64, spent_day=today - timedelta(days=30))
    SpentFormToken.objects.create(digest="b" * 64, spent_day=today - once.TOKEN_LIFETIME)
    assert once.once_tokens_purge() == 1
    assert list(SpentFormToken.objects.values_list("digest", flat=True)) == ["b" * 64]


def test_two_sends_at_the_same_moment_spend_a_token_once(django_db_setup, django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    """Two requests with the same token, each in its own connection and transaction, as two
    gunicorn threads would: the first holds its uncommitted row; the second must wait for it
    (PostgreSQL: the unique index; SQLite: the write lock) and then fail, never commit too."""
    from django.db import transaction

    digest = hashlib.sha256(b"concurrent-test:" + threading.get_ident().to_bytes(8, "little")).hexdigest()
    first_spent, release = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                once.once_token_spend(digest=digest)
                first_spent.set()
                release.wait(10)
            outcomes["first"] = "sent"
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes["first"] = repr(error)
            first_spent.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            with transaction.atomic():
                once.once_token_spend(digest=digest)
            outcomes["second"] = "sent"
        except once.AlreadySent:
            outcomes["second"] = "already sent"
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes["second"] = repr(error)
        finally:
            connections.close_all()

    if connection.vendor != "postgresql":
        required("postgres", "SQLite's shared in-memory test database answers 'table is locked' at once instead of "
                             "waiting; the SQLite file case runs over HTTP in tests/e2e/test_people_path.py")
    with django_db_blocker.unblock():
        try:
            one = threading.Thread(target=first)
            one.start()
            assert first_spent.wait(10)
            two = threading.Thread(target=second)
            two.start()
            two.join(0.5)
            assert two.is_alive() or outcomes.get("second") == "already sent", outcomes
            release.set()
            one.join(15)
            two.join(30)
            assert outcomes == {"first": "sent", "second": "already sent"}, outcomes
            assert _in_thread(SpentFormToken.objects.filter(digest=digest).count) == 1
        finally:
            release.set()
            _in_thread(SpentFormToken.objects.filter(digest=digest).delete)


def _in_thread(query: Callable[[], T]) -> T:
    """Run a query in a fresh thread. This test is not marked for the database, so pytest-django
    runs it last, after the browser tests, whose Playwright event loop still runs in the main
    thread; there Django refuses synchronous queries (SynchronousOnlyOperation)."""

    def run() -> T:
        try:
            return query()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=30)


# --- 2. error summary -----------------------------------------------------------------------------


def _main(body: str) -> str:
    return body.split('<main id="main">', 1)[1]


def test_an_empty_report_starts_with_an_error_summary_linked_to_the_field(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = send(client, token_of(fresh_report_form(client, "vi")), lang="vi", what_happened="")
    body = response.content.decode()
    assert response.status_code == 400
    main = _main(body)
    # The summary is the first thing in the page's content (after the demo banner), with its heading.
    first_element = re.sub(r'^\s*(<p class="demo-banner">.*?</p>\s*)?', "", main, flags=re.S)
    assert first_element.startswith('<div class="error-summary" id="error-summary" role="alert" tabindex="-1"')
    assert 'aria-labelledby="error-summary-title"' in main and 'id="error-summary-title"' in main
    summary = main.split("</div>", 1)[0]
    assert '<a href="#id_what_happened">' in summary
    assert 'id="id_what_happened"' in body
    assert 'src="/static/tipnet/forms.js"' in body, "the script that moves the focus (no inline script)"


def test_the_summary_lists_every_problem_in_form_order(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    body = send(client, token_of(fresh_report_form(client)), what_happened="", kind="nonsense").content.decode()
    summary = _main(body).split("</div>", 1)[0]
    assert summary.index("#id_what_happened") < summary.index("#id_kind")


def test_follow_up_errors_are_summarised_too(operator) -> None:  # type: ignore[no-untyped-def]
    body = Client().post(url("report:follow_up"), {"action": "open", "receipt": "123"}).content.decode()
    summary = _main(body).split("</div>", 1)[0]
    assert 'id="error-summary"' in summary and '<a href="#id_receipt">' in summary
    client = Client()
    page = send(client, token_of(fresh_report_form(client))).content.decode()
    receipt = re.search(r'id="receipt">([0-9 ]+)<', page).group(1)  # type: ignore[union-attr]
    opened = client.post(url("report:follow_up"), {"action": "open", "receipt": receipt}).content.decode()
    empty = _open_and_reply(client, receipt, "", token_of(opened, "reply"))
    assert empty.status_code == 400
    assert 'id="error-summary"' in _main(empty.content.decode()).split("<h1>", 1)[0]


def test_forms_js_is_a_static_file_that_focuses_the_summary() -> None:
    from django.contrib.staticfiles import finders

    path = finders.find("tipnet/forms.js")
    assert path, "tipnet/forms.js is served as a static file"
    source = open(path, encoding="utf-8").read()
    assert 'getElementById("error-summary")' in source and ".focus()" in source


# --- 3. refused files -----------------------------------------------------------------------------


def test_the_file_field_carries_the_servers_limits(operator, settings) -> None:  # type: ignore[no-untyped-def]
    body = fresh_report_form(Client(), "en")
    field = re.search(r'<input type="file" name="files"[^>]*>', body).group(0)  # type: ignore[union-attr]
    assert f'data-max-file-bytes="{attachments.MAX_FILE_BYTES}"' in field
    assert f'data-max-files="{attachments.MAX_FILES}"' in field
    assert f'data-max-total-bytes="{settings.FILE_UPLOAD_MAX_MEMORY_SIZE}"' in field
    assert "heic" in field and "image/webp" in field
    assert "%(name)s is larger than 8 MB." in field, "the warning, in the page's language, with the name left to fill"


def test_a_refused_file_does_not_cost_the_good_one_or_the_text(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    big = io.BytesIO(b"\xff" * (attachments.MAX_FILE_BYTES + 1))
    big.name = "night-shift.jpg"
    response = send(client, token_of(fresh_report_form(client)), files=[png("dormitory.png"), big])
    body = response.content.decode()
    assert response.status_code == 200 and 'id="receipt"' in body
    refused = body.split('id="refused-files"', 1)[1]
    assert "night-shift.jpg" in refused and "larger than 8 MB" in refused
    assert "dormitory.png" not in body, "only the refused file is named"
    report = Report.objects.get()
    assert report.files.count() == 1
    assert "night-shift" not in str(list(ReportFile.objects.values_list("sealed_meta", flat=True)))


def test_more_files_than_allowed_keeps_the_first_ones(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    files = [png(f"p{i}.png") for i in range(attachments.MAX_FILES + 1)]
    body = send(client, token_of(fresh_report_form(client)), files=files).content.decode()
    assert f"p{attachments.MAX_FILES}.png" in body.split('id="refused-files"', 1)[1]
    assert Report.objects.get().files.count() == attachments.MAX_FILES


def test_an_answer_keeps_its_text_and_good_file_when_one_is_refused(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    page = send(client, token_of(fresh_report_form(client))).content.decode()
    receipt = re.search(r'id="receipt">([0-9 ]+)<', page).group(1)  # type: ignore[union-attr]
    opened = client.post(url("report:follow_up"), {"action": "open", "receipt": receipt}).content.decode()
    pdf = io.BytesIO(b"%PDF-1.4 contract")
    pdf.name = "contract.pdf"
    response = client.post(url("report:follow_up"), {"action": "reply", "receipt": receipt, "message": "Here it is",
                                                     "files": [png(), pdf], "once": token_of(opened, "reply")})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="sent"' in body and "contract.pdf" in body
    assert ReportMessage.objects.count() == 1 and ReportFile.objects.count() == 1
    # Only a refused file and no text: nothing is sent, and the page says why.
    pdf.seek(0)
    nothing = client.post(url("report:follow_up"), {"action": "reply", "receipt": receipt, "files": [pdf],
                                                    "once": token_of(body, "reply")})
    assert nothing.status_code == 400 and "Nothing was sent" in nothing.content.decode()
    assert ReportFile.objects.count() == 1


def test_keep_my_files_has_the_same_help_on_both_forms(operator) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    report_page = fresh_report_form(client)
    receipt = re.search(r'id="receipt">([0-9 ]+)<', send(client, token_of(report_page)).content.decode()).group(1)  # type: ignore[union-attr]
    follow_up = client.post(url("report:follow_up"), {"action": "open", "receipt": receipt}).content.decode()

    def help_next_to_checkbox(page: str) -> str:
        return re.search(r'name="keep_files"[^>]*>\s*<span class="helptext"[^>]*>([^<]+)</span>', page).group(1)  # type: ignore[union-attr]

    assert help_next_to_checkbox(report_page) == help_next_to_checkbox(follow_up)
    assert "may contain your name" in help_next_to_checkbox(follow_up)


# --- 4. server errors -----------------------------------------------------------------------------


def test_an_error_while_showing_the_receipt_leaves_nothing_stored(operator) -> None:  # type: ignore[no-untyped-def]
    """The report used to be committed before the receipt page was made: an error there left a
    stored report whose receipt nobody ever saw, while the error page said nothing was saved."""
    from tipnet.web.report import views

    client = Client(raise_request_exception=False)
    token = token_of(fresh_report_form(client, "th"))
    real_render = views.render

    def failing_render(request, template, *args, **kwargs):  # type: ignore[no-untyped-def]
        if template == "report/receipt.html":
            raise RuntimeError("the receipt page could not be made")
        return real_render(request, template, *args, **kwargs)

    with mock.patch.object(views, "render", failing_render):
        response = send(client, token, lang="th")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="th">' in body and 'id="error-saved"' in body
    assert not Report.objects.exists() and not SpentFormToken.objects.exists()
    # The reporter presses Send again (the same page, the same token): now it works, once.
    assert send(client, token, lang="th").status_code == 200
    assert Report.objects.count() == 1


def test_an_error_while_showing_an_answer_leaves_nothing_stored(operator) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.report import views

    client = Client(raise_request_exception=False)
    page = send(client, token_of(fresh_report_form(client))).content.decode()
    receipt = re.search(r'id="receipt">([0-9 ]+)<', page).group(1)  # type: ignore[union-attr]
    opened = client.post(url("report:follow_up"), {"action": "open", "receipt": receipt}).content.decode()
    with mock.patch.object(views.services, "reporter_conversation", side_effect=RuntimeError("boom")):
        response = _open_and_reply(client, receipt, "hello", token_of(opened, "reply"))
    assert response.status_code == 500
    assert not ReportMessage.objects.exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_500_page_is_in_the_addresss_language_without_the_database(lang: str, db) -> None:  # type: ignore[no-untyped-def]
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.test import RequestFactory

    from tipnet.web.public.views import server_error

    fake = RequestFactory().post(f"/{lang}/report/")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=AssertionError("the database was used")):
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            response = server_error(fake)
    body = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{lang}">' in body and 'id="error-saved"' in body
    # the police number is a tap-to-call link here too (issue 11), in the footer's translated sentence
    assert '<a class="tel" href="tel:110">110</a>' in body


def test_an_unreachable_database_gives_503_with_retry_after(operator) -> None:  # type: ignore[no-untyped-def]
    from django.db.backends.base.base import BaseDatabaseWrapper

    client = Client(raise_request_exception=False)
    token = token_of(fresh_report_form(client, "id"))
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")):
        response = send(client, token, lang="id")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit() and int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert '<html lang="id">' in body and 'id="error-saved"' in body
    assert '<a class="tel" href="tel:110">110</a>' in body
    assert not Report.objects.exists()


@pytest.mark.parametrize(("params", "target"), [({"age": "old"}, "#id_age"), ({"sex": "robot"}, "#id_sex")])
def test_directory_search_errors_are_summarised_at_the_top(db, params: dict, target: str) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(url("directory:search", lang="fil"), params)
    assert response.status_code == 400
    before_heading = _main(response.content.decode()).split("<h1>", 1)[0]
    assert 'id="error-summary"' in before_heading and f'<a href="{target}">' in before_heading


def test_directory_search_unknown_filter_is_in_the_summary(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(url("directory:search"), {"colour": "red"})
    before_heading = _main(response.content.decode()).split("<h1>", 1)[0]
    assert 'id="error-summary"' in before_heading and "Unknown filter: colour" in before_heading


def test_a_busy_server_refuses_the_whole_send_as_it_says(operator, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """"The server is busy ... nothing was stored" must stay true: a busy decoder is not a bad
    file, so the report is not sent without the photo."""
    monkeypatch.setattr(attachments, "DECODE_WAIT_SECONDS", 0.1)
    client = Client()
    token = token_of(fresh_report_form(client))
    assert attachments._decoding.acquire(timeout=5)
    try:
        response = send(client, token, files=[png()])
    finally:
        attachments._decoding.release()
    assert response.status_code == 400 and "The server is busy" in response.content.decode()
    assert not Report.objects.exists() and not SpentFormToken.objects.exists()
    assert send(client, token, files=[png()]).status_code == 200
    assert Report.objects.get().files.count() == 1
