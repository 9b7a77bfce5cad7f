"""Issue 11 in Chromium: the triage list filtered with JavaScript (and complete without it), and a
saved screening read by a caseworker in Japanese and in Filipino, with the notes, the context
answers and the Palermo elements in her language. Screenshots for docs/screenshots."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import sign_in, start_screening
from tests.e2e.test_report_line import send_report
from tipnet.core.screening import default_catalogue

DEMO_PASSWORD = "demo-password-2026"
TITP = ["DR_JOB_NATURE", "DR_WAGES", "DR_CONDITIONS", "CR_DEBT_BONDAGE", "CR_DOC_CONFISCATION", "CD_DOC_CONFISCATION",
        "CD_DEBT_BONDAGE", "CD_ISOLATION", "EX_EXCESSIVE_HOURS", "EX_LOW_NO_PAY", "EX_WAGE_MANIPULATION"]


@pytest.mark.parametrize("javascript", [True, False])
def test_operator_ticks_indicators_and_sees_the_confirmation(make_context, tipnet_server, screenshots, javascript: bool) -> None:  # type: ignore[no-untyped-def]
    marker = f"triage-{uuid.uuid4().hex[:10]}"
    send_report(make_context().new_page(), "vi", f"Chủ giữ hộ chiếu của chúng tôi {marker}")
    page = make_context(java_script_enabled=javascript).new_page()
    sign_in(page, "operator", DEMO_PASSWORD, tipnet_server.totp("operator"))
    page.goto("/ja/staff/reports/")
    page.locator("#inbox a").first.click()
    for n in range(1, 20):
        if marker in page.locator("#report-text").inner_text():
            break
        page.go_back()
        page.locator("#inbox a").nth(n).click()
    expect(page.locator("#report-language")).to_contain_text("Tiếng Việt")
    boxes = page.locator("#triage-indicators input[name=indicators]")
    expect(boxes).to_have_count(len(default_catalogue().indicators))
    if javascript:
        page.locator("#indicator-filter").fill("passport")
        expect(page.locator("#triage-indicators label.indicator:visible")).to_have_count(0)
        page.locator("#indicator-filter").fill("doc_conf")
        expect(page.locator("#triage-indicators label.indicator:visible")).to_have_count(2)
        page.locator("#triage-indicators").screenshot(path=str(screenshots / "triage-indicators-ja-filtered.png"))
        page.locator("#indicator-filter").fill("")
    else:
        expect(page.locator("#indicator-filter")).to_be_hidden()
    page.locator("#triage-indicators input[value=CD_DOC_CONFISCATION]").check()
    page.locator("#triage-indicators input[value=DR_JOB_NATURE]").check()
    page.locator("#triage-form button[type=submit]").click()
    expect(page.locator("#report-messages")).to_be_visible()
    expect(page.locator("#triage-indicators input[value=CD_DOC_CONFISCATION]")).to_be_checked()
    if javascript:
        page.locator("#report-messages").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / "triage-saved-ja.png"))
        page.locator("#triage").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / "triage-form-ja.png"))


@pytest.mark.parametrize(("staff_lang", "person_lang"), [("ja", "fil"), ("fil", "ja")])
def test_saved_screening_shows_everything_in_the_caseworkers_language(page: Page, tipnet_server, screenshots, staff_lang: str, person_lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "caseworker", DEMO_PASSWORD, tipnet_server.totp("caseworker"))
    start_screening(page, staff_lang, person_lang, f"E2E-saved-{staff_lang}")

    catalogue = default_catalogue()
    page.locator("input[name=q_W_SAFE_NOW][value=yes]").check()
    page.locator("input[name=note_W_SAFE_NOW]").fill("staying with a friend")
    page.locator("select[name=q_W_LANGUAGE]").select_option(person_lang)
    page.locator("input[name=q_W_INTERPRETER][value=yes]").check()
    page.locator("select[name=q_CTX_VISA]").select_option("technical_intern")
    page.locator("input[name=q_CTX_THIRD_PARTY][value=recruitment]").check()
    for indicator in catalogue.profile_indicators("adult_labour"):
        page.locator(f"input[name=q_{indicator}][value={'yes' if indicator in TITP else 'no'}]").check()
    page.locator("input[name=note_CD_DOC_CONFISCATION]").fill("the supervising organisation holds it")
    page.locator("button[name=action][value=result]").click()
    page.locator("button[name=action][value=save]").click()

    # The saved page: determination, notes, context answers, Palermo in the caseworker's language.
    expect(page.locator("#determination")).to_have_text(catalogue.text("determinations", "indicators met", staff_lang))
    expect(page.locator("#notes")).to_contain_text("the supervising organisation holds it")
    visa = dict({q.id: q for q in catalogue.questions(None, staff_lang)}["CTX_VISA"].choices)["technical_intern"]
    expect(page.locator("#context-answers")).to_contain_text(visa)
    expect(page.locator("#palermo")).to_contain_text(catalogue.palermo_text("acts", "recruitment", staff_lang))
    expect(page.locator("#palermo")).not_to_contain_text("recruitment")
    page.screenshot(path=str(screenshots / f"screening-saved-{staff_lang}-{person_lang}.png"), full_page=True)
