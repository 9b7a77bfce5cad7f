"""The anonymous reporting line as people use it, in Chromium: a reporter with JavaScript off
(Japanese) and on (Vietnamese) sends a report, keeps the receipt, comes back, reads the operator's
reply and answers. Afterwards no fragment of the plaintext and no client address is in the
database, the data folder, the temp folder or the server log."""

from __future__ import annotations

import os
import re
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import sign_in

# These tests look into the SQLite file as well: CI's SQLite pass keeps them (tests/conftest.py).
pytestmark = pytest.mark.embedded_database

DEMO_PASSWORD = "demo-password-2026"


def send_report(page: Page, lang: str, text: str) -> str:
    page.goto(f"/{lang}/report/")
    html = page.content()
    assert html.index("110") < html.index("<form"), "what to do in danger comes before the form"
    page.locator("#id_what_happened").fill(text)
    page.locator("#id_kind").select_option("labour")
    page.locator("#id_prefecture").select_option("23")
    page.locator("main form button[type=submit]").click()
    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"(\d{4} ){6}\d{4}", receipt), receipt
    return receipt


def open_with_receipt(page: Page, lang: str, receipt: str) -> None:
    page.goto(f"/{lang}/report/follow-up/")
    page.locator("#id_receipt").fill(receipt.replace(" ", "-"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#report-text")).to_be_visible()


def operator_replies(page: Page, server, text: str, reply: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "operator", DEMO_PASSWORD, server.totp("operator"))
    page.goto("/en/staff/reports/")
    page.locator("#inbox a").first.click()
    for _ in range(20):
        if text in page.locator("#report-text").inner_text():
            break
        page.go_back()
        page.locator("#inbox a").nth(1).click()
    expect(page.locator("#report-text")).to_contain_text(text)
    form = page.locator("form:has(input[name=action][value=message])")
    form.locator("textarea").fill(reply)
    form.locator("button[type=submit]").click()
    expect(page.get_by_text(reply)).to_be_visible()


@pytest.mark.parametrize(("lang", "javascript"), [("ja", False), ("vi", True)])
def test_report_receipt_reply_answer(make_context, tipnet_server, lang: str, javascript: bool) -> None:  # type: ignore[no-untyped-def]
    marker = f"passports-kept-{uuid.uuid4().hex[:12]}"
    text = f"社長がパスポートを取り上げています {marker}" if lang == "ja" else f"Chủ giữ hộ chiếu của chúng tôi {marker}"
    started = time.time()
    reporter = make_context(java_script_enabled=javascript, viewport={"width": 390, "height": 844}).new_page()
    receipt = send_report(reporter, lang, text)
    reporter_cookies = {c["name"] for c in reporter.context.cookies()}
    assert reporter_cookies <= {"csrftoken"}, reporter_cookies

    operator = make_context().new_page()
    reply = f"Are you safe now? {uuid.uuid4().hex[:6]}"
    operator_replies(operator, tipnet_server, marker, reply)

    returning = make_context(java_script_enabled=javascript).new_page()
    open_with_receipt(returning, lang, receipt)
    expect(returning.get_by_text(reply)).to_be_visible()
    answer = f"We are in Ogaki {uuid.uuid4().hex[:6]}"
    returning.locator("#id_message").fill(answer)
    returning.locator("main form:has(input[value=reply]) button[type=submit]").click()
    expect(returning.locator("#sent")).to_be_visible()
    expect(returning.get_by_text(answer)).to_be_visible()
    assert not any(c["name"] == "sessionid" for c in returning.context.cookies())

    operator.reload()
    expect(operator.get_by_text(answer)).to_be_visible()
    _assert_nothing_leaked(tipnet_server, [marker, receipt.replace(" ", ""), answer], since=started)


def _database_bytes(server) -> bytes:  # type: ignore[no-untyped-def]
    url = server.env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        chunks = []
        with psycopg.connect(url) as conn:
            tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            for table in tables:
                for row in conn.execute(f'SELECT * FROM "{table}"'):
                    chunks.extend(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row)
        return b"\n".join(chunks)
    return b"".join(p.read_bytes() for p in Path(server.data_dir).glob("tipnet.sqlite3*"))


def _assert_nothing_leaked(server, secrets: list[str], since: float) -> None:  # type: ignore[no-untyped-def]
    places: dict[str, bytes] = {"database": _database_bytes(server)}
    for path in Path(server.data_dir).rglob("*"):
        if path.is_file() and "static" not in path.parts:
            places[str(path)] = path.read_bytes()
    for path in Path(tempfile.gettempdir()).rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime >= since and path.stat().st_size < 50_000_000:
                places[str(path)] = path.read_bytes()
        except OSError:
            continue
    for name, data in places.items():
        if "test-artifacts" in name or name.endswith(".png"):
            continue
        for secret in secrets:
            assert secret.encode() not in data, f"{secret!r} found in {name}"
    log_lines = Path(server.log).read_text(errors="replace").splitlines()
    addresses = [line for line in log_lines if "127.0.0.1" in line and "Listening at" not in line]
    assert not addresses, f"a client address in the server log: {addresses[:2]}"
    assert b"127.0.0.1" not in places["database"], "a client address in the database"
    assert os.environ.get("TIPNET_DATA_DIR") != str(server.data_dir)


def test_wrong_receipt_is_refused_in_the_readers_language(page_nojs: Page) -> None:
    page_nojs.goto("/vi/report/follow-up/")
    page_nojs.locator("#id_receipt").fill("1234 5678 9012")
    page_nojs.locator("main form button[type=submit]").click()
    message = page_nojs.locator("#follow-up-error").inner_text()
    assert message and "receipt" not in message.lower(), f"not in Vietnamese: {message!r}"
