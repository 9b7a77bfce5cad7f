"""The people's path in Chromium (issue 11): a reporter on a phone, in Vietnamese, sends an empty
report (the error summary at the top gets the focus), chooses a good photo and one too large (the
page says before sending which file will not be sent), sends (receipt, the big file named as not
sent), reloads the receipt page (the report is not sent again: one report, "already sent").
Also over HTTP: two sends of the same form at the same moment store one report (SQLite file or
PostgreSQL, as the server runs)."""

from __future__ import annotations

import io
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE
from tests.support import REPO_ROOT, required

# These tests look into the SQLite file as well: CI's SQLite pass keeps them (tests/conftest.py).
pytestmark = pytest.mark.embedded_database

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def report_count(server) -> int:  # type: ignore[no-untyped-def]
    """Reports in the running app's database, read directly (never through the app)."""
    database_url = server.env.get("DATABASE_URL")
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as connection:
            return int(connection.execute("SELECT count(*) FROM report_report").fetchone()[0])
    path = Path(server.data_dir) / "tipnet.sqlite3"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return int(connection.execute("SELECT count(*) FROM report_report").fetchone()[0])


def png_bytes() -> bytes:
    raw = io.BytesIO()
    Image.new("RGB", (60, 40), (30, 90, 160)).save(raw, format="PNG")
    return raw.getvalue()


def axe_serious(page: Page) -> list[dict]:
    if not AXE.exists():
        required("browser", f"the accessibility (axe) checks need axe-core ({AXE}): run `npm ci` in the repository")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_phone_reporter_in_vietnamese_errors_files_receipt_reload(make_context, tipnet_server) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = make_context(viewport=PHONE, locale="vi-VN").new_page()
    errors: list[str] = []
    # Script errors only: Chromium also logs the page's own 400 and 409 answers as "errors".
    page.on("pageerror", lambda error: errors.append(str(error)))
    before = report_count(tipnet_server)

    # 1. An empty report: the summary at the top of the page has the focus.
    page.goto("/vi/report/")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    box = summary.bounding_box()
    assert box is not None and box["y"] < PHONE["height"], f"the summary is in the first screen ({box})"
    expect(summary.locator('a[href="#id_what_happened"]')).to_be_visible()
    assert not axe_serious(page), axe_serious(page)
    page.screenshot(path=str(SCREENSHOTS / "report-errors-vi.png"))
    summary.locator('a[href="#id_what_happened"]').click()
    expect(page.locator("#id_what_happened")).to_be_focused()

    # 2. A good photo and one too large: said before sending.
    marker = f"Chủ giữ hộ chiếu {uuid.uuid4().hex[:10]}"
    page.locator("#id_what_happened").fill(marker)
    page.locator("#id_files").set_input_files([
        {"name": "phong-ngu.png", "mimeType": "image/png", "buffer": png_bytes()},
        {"name": "video-lon.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (8 * 1024 * 1024 + 10)},
    ])
    warning = page.locator("#id_files-check")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("video-lon.jpg")
    expect(warning).not_to_contain_text("phong-ngu.png")
    warning.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "report-files-warning-vi.png"))

    # 3. Send: a receipt, the big file named as not sent, the good one kept.
    page.locator("main form button[type=submit]").click()
    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"(\d{4} ){6}\d{4}", receipt), receipt
    expect(page.locator("#refused-files")).to_contain_text("video-lon.jpg")
    expect(page.locator("#refused-files")).not_to_contain_text("phong-ngu.png")
    page.screenshot(path=str(SCREENSHOTS / "receipt-refused-file-vi.png"), full_page=True)
    assert report_count(tipnet_server) == before + 1

    # 4. Reload the receipt page: the browser sends the same form again; nothing is sent twice.
    response = page.reload()
    assert response is not None and response.request.method == "POST", "the reload resent the form"
    expect(page.locator("#already-sent")).to_be_visible()
    assert page.locator("#receipt").count() == 0 and receipt not in page.content()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.screenshot(path=str(SCREENSHOTS / "report-already-sent-vi.png"))
    assert report_count(tipnet_server) == before + 1, "one report in the inbox"
    assert not errors, errors


def _csrf_and_token(server) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    with urllib.request.urlopen(server.url("/en/report/"), timeout=20) as response:
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
        html = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    once = re.search(r'name="once" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    return cookie, csrf, once


def test_two_sends_of_one_form_at_the_same_moment_store_one_report(tipnet_server) -> None:  # type: ignore[no-untyped-def]
    cookie, csrf, once = _csrf_and_token(tipnet_server)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "once": once, "kind": "labour",
                                   "what_happened": f"double press {uuid.uuid4().hex[:8]}"}).encode()
    before = report_count(tipnet_server)
    start = threading.Barrier(2)
    codes: list[int] = []

    def press() -> None:
        request = urllib.request.Request(tipnet_server.url("/en/report/"), data=body, method="POST", headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
            "Referer": tipnet_server.url("/en/report/")})
        start.wait(10)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                codes.append(response.status)
        except urllib.error.HTTPError as error:
            codes.append(error.code)

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert sorted(codes) == [200, 409], codes
    assert report_count(tipnet_server) == before + 1


@pytest.mark.parametrize("javascript", [False, True])
def test_follow_up_errors_are_at_the_top_with_and_without_javascript(make_context, javascript: bool) -> None:  # type: ignore[no-untyped-def]
    page = make_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    page.goto("/vi/report/follow-up/")
    page.locator("#id_receipt").fill("1234")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    if javascript:
        expect(summary).to_be_focused()
        assert not axe_serious(page), axe_serious(page)
    first = page.evaluate("() => document.querySelector('main').firstElementChild.id || document.querySelector('main').children[1].id")
    assert first == "error-summary", first
