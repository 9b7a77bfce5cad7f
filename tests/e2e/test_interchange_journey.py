"""Issue 13's import and export in Chromium, with JavaScript off (the job pages follow the worker by
refreshing themselves, so nothing needs a script). The demo's case supervisor uploads an HTCDS CSV
with one bad row: the page reports the row and the field, and nothing is imported. She fixes the
row, uploads again, confirms; the worker imports and the cases appear in her list. Then she asks
for an export, follows it to "ready", downloads the file once; a second try (another tab) finds it
gone. Screenshots go to test-artifacts/screenshots/ (docs/screenshots/interchange-*.png are copies)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.pages import sign_in

DEMO_PASSWORD = "demo-password-2026"
WAIT = 90_000  # the worker polls every second; the page refreshes every 3 s; two cores are shared
HEADER = "record_id,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,cas_Status,con_Consent\n"
GOOD_ROW = "E2E-1,Thi,Lan,1999-04-03,Feminine,VN,Active,true\n"
BAD_ROW = "E2E-2,Minh,Tran,2031-13-40,Female,VN,Active,true\n"
FIXED_ROW = "E2E-2,Minh,Tran,2001-06-15,Masculine,VN,Active,true\n"


def _upload(page: Page, name: str, text: str) -> None:
    page.goto("/en/staff/interchange/")
    page.get_by_label("File").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name=re.compile(f"Import: {re.escape(name)}"))).to_be_visible()


def _state(page: Page, selector: str, state: str) -> None:
    expect(page.locator(selector)).to_have_attribute("data-state", state, timeout=WAIT)


def test_import_with_a_bad_row_fix_confirm_then_export_once(make_context, tipnet_server, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    context = make_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    sign_in(page, "supervisor", DEMO_PASSWORD, tipnet_server.totp("supervisor"))
    # The served app is shared with the other journeys of the session, which may have given her
    # cases already: what counts is the two rows the import adds.
    page.goto("/en/staff/cases/?owner=me")
    before = page.locator("table tbody tr").all_inner_texts()

    # 1. One bad row: the report names its row and fields, nothing is imported.
    _upload(page, "our-cases.csv", HEADER + GOOD_ROW + BAD_ROW)
    _state(page, "#job-state", "invalid")
    expect(page.locator("#invalid-note")).to_be_visible()
    report = page.locator("#report tbody tr")
    expect(report.filter(has_text="prs_Gender")).to_contain_text("E2E-2")
    expect(report.filter(has_text="prs_Birthdate").locator("td").first).to_have_text("2")  # the second record
    expect(page.locator("#report")).not_to_contain_text("E2E-1")
    expect(page.get_by_role("button", name="Import now")).to_have_count(0)
    page.screenshot(path=str(screenshots / "interchange-import-report-en.png"), full_page=True)

    # 2. Fixed: every row valid, she confirms, the worker imports.
    _upload(page, "our-cases-fixed.csv", HEADER + GOOD_ROW + FIXED_ROW)
    _state(page, "#job-state", "valid")
    expect(page.locator("#valid-note")).to_contain_text("2 records are ready")
    with page.expect_navigation():
        page.get_by_role("button", name="Import now").click()
    _state(page, "#job-state", "done")
    expect(page.locator("#n-created")).to_have_text("2")
    page.screenshot(path=str(screenshots / "interchange-import-done-en.png"), full_page=True)

    # 3. The cases are hers, in the case list; one opens with the imported name.
    page.goto("/en/staff/cases/?owner=me")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(len(before) + 2)
    added = [i for i, text in enumerate(rows.all_inner_texts()) if text not in before]
    assert len(added) == 2
    with page.expect_navigation():
        rows.nth(added[-1]).get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text(re.compile("Thi Lan|Minh Tran"))

    # 4. Export: queued, written by the worker, downloaded once.
    page.goto("/en/staff/interchange/")
    with page.expect_navigation():
        page.get_by_role("link", name="Export cases").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Prepare the export").click()
    _state(page, "#export-state", "ready")
    expect(page.locator("#ready-note")).to_be_visible()
    page.screenshot(path=str(screenshots / "interchange-export-ready-en.png"), full_page=True)
    other_tab = context.new_page()
    other_tab.goto(page.url)
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download the file").click()
    download = waiting.value
    assert re.fullmatch(r"htcds-own-\d{8}-\d+\.csv", download.suggested_filename)
    rows_out = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8"))))
    names = {(r["prs_FirstName"], r["prs_SecondName"]) for r in rows_out}
    assert {("Thi", "Lan"), ("Minh", "Tran")} <= names
    page.reload()
    _state(page, "#export-state", "downloaded")
    expect(page.locator("#downloaded-note")).to_be_visible()
    expect(page.get_by_role("button", name="Download the file")).to_have_count(0)

    # 5. The same button in the other tab, opened while the file was ready: it is gone (410).
    with other_tab.expect_navigation() as navigation:
        other_tab.get_by_role("button", name="Download the file").click()
    assert navigation.value is not None and navigation.value.status == 410
    expect(other_tab.locator("#export-gone")).to_be_visible()
    other_tab.screenshot(path=str(screenshots / "interchange-export-gone-en.png"), full_page=True)
