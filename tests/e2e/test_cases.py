"""A caseworker opens a case with consent for a Vietnamese man, adds a task and finds it in her
"due this week"; the case page shows his situation and nothing is lost on the way. Screenshots of
the case pages go to test-artifacts/screenshots (docs/screenshots/cases-*.png are copies)."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from tests.e2e.pages import open_menu, sign_in

DEMO_PASSWORD = "demo-password-2026"
NAME = "Tran Minh Duc"


def test_caseworker_opens_a_case_adds_a_task_and_sees_it_due(page: Page, tipnet_server, screenshots) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "caseworker", DEMO_PASSWORD, tipnet_server.totp("caseworker"))
    open_menu(page, "Cases")
    expect(page.locator("#cases")).to_contain_text("C-")  # the demo cases, by neutral reference only
    expect(page.locator("#cases")).not_to_contain_text("Nguyen")
    page.screenshot(path=str(screenshots / "cases-list-en.png"), full_page=True)

    page.get_by_role("link", name="Open a new case").click()
    page.get_by_label("Names (one per line, in any script)").fill(NAME)
    page.get_by_label("Other names or spellings (one per line)").fill("チャン・ミン・ドゥック")
    page.get_by_label("Birth date").fill("2000-05-21")
    page.get_by_label("Gender").select_option("masculine")
    page.get_by_label("Citizenships (ISO codes, e.g. VNM, PHL)").fill("VNM")
    page.get_by_label("Languages (e.g. vi, ja)").fill("vi")
    page.get_by_label("Residence status").select_option("technical_intern")
    page.get_by_label("Debt bondage").check()
    page.get_by_label("Withholds documents").check()
    page.get_by_label("Forced labour").check()
    page.get_by_label("Industry").select_option("A")
    page.get_by_label("Consents or assents to the interview").check()
    page.get_by_label("Was told the purpose of the interview").check()
    page.get_by_label("Was told how the data is and may be used").check()
    page.screenshot(path=str(screenshots / "cases-new-en.png"), full_page=True)
    page.get_by_role("button", name="Open the case").click()

    expect(page.locator("#section-identity")).to_contain_text(NAME)
    expect(page.locator("#section-situation")).to_contain_text("Technical intern (技能実習)")
    expect(page.locator("#section-situation")).to_contain_text("Debt bondage")
    expect(page.locator("#consents")).to_contain_text("Consents or assents to the interview")
    reference = page.locator("h1").inner_text()
    assert reference.startswith("C-")

    due = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    tasks = page.locator("#task-form")
    tasks.get_by_label("Task").fill("Go with him to the Labour Standards Inspection Office")
    tasks.get_by_label("Due").fill(due)
    tasks.get_by_role("button", name="Add the task").click()
    expect(page.locator("#tasks table")).to_contain_text("Go with him to the Labour Standards Inspection Office")
    page.screenshot(path=str(screenshots / "cases-case-en.png"), full_page=True)

    open_menu(page, "Home")
    due_list = page.locator("#due-this-week")
    expect(due_list).to_contain_text("Go with him to the Labour Standards Inspection Office")
    expect(due_list).to_contain_text(reference)
    due_list.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_have_text(reference)

    # The same case in Japanese (the staff language is in the address).
    page.goto(page.url.replace("/en/", "/ja/"))
    expect(page.locator("#section-situation")).to_contain_text("技能実習")
    page.screenshot(path=str(screenshots / "cases-case-ja.png"), full_page=True)


def test_legal_aid_reads_and_accepts_the_demo_referral(page: Page, tipnet_server, screenshots) -> None:  # type: ignore[no-untyped-def]
    """The demo NGO referred a Vietnamese technical intern to the demo legal aid office with his
    consent; the lawyer reads only the shared sections and accepts."""
    sign_in(page, "lawyer", DEMO_PASSWORD, tipnet_server.totp("lawyer"))
    open_menu(page, "Referrals")
    page.locator("table.referrals a").first.click()
    expect(page.locator("#referral-state")).to_have_text("Proposed")
    expect(page.locator("#shared-situation")).to_contain_text("Technical intern (技能実習)")
    expect(page.locator("#referral-reason")).to_contain_text("lawyer who speaks Vietnamese")
    expect(page.locator("#shared-health")).to_have_count(0)
    page.screenshot(path=str(screenshots / "cases-referral-en.png"), full_page=True)
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("#referral-state")).to_have_text("Accepted")
