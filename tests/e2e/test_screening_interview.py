"""The screening interview clicked through in Chromium, as a caseworker does it with a person:
Japanese staff pages with Filipino questions, and English with Vietnamese."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import sign_in, start_screening
from tipnet.core.screening import default_catalogue

DEMO_PASSWORD = "demo-password-2026"
TITP = ["DR_JOB_NATURE", "DR_WAGES", "DR_CONDITIONS", "CR_DEBT_BONDAGE", "CR_DOC_CONFISCATION", "CD_DOC_CONFISCATION",
        "CD_DEBT_BONDAGE", "CD_ISOLATION", "EX_EXCESSIVE_HOURS", "EX_LOW_NO_PAY", "EX_WAGE_MANIPULATION"]


@pytest.mark.parametrize(("staff_lang", "person_lang"), [("ja", "fil"), ("en", "vi")])
def test_interview_two_languages_result_and_save(page: Page, tipnet_server, screenshots, staff_lang: str, person_lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "caseworker", DEMO_PASSWORD, tipnet_server.totp("caseworker"))
    start_screening(page, staff_lang, person_lang, f"E2E-{staff_lang}-{person_lang}")

    catalogue = default_catalogue()
    questions = catalogue.questions("adult_labour", staff_lang)
    person = {q.id: q.text for q in catalogue.questions("adult_labour", person_lang)}
    assert questions[0].kind == "welfare", "safety and basic needs come first"
    first = page.locator(".question").first
    expect(first.locator(f'.staff-text[lang="{staff_lang}"]')).to_have_text(questions[0].text)
    expect(first.locator(f'.person-text[lang="{person_lang}"]')).to_have_text(person[questions[0].id])
    page.screenshot(path=str(screenshots / f"screening-interview-{staff_lang}-{person_lang}.png"))

    page.locator("input[name=q_W_SAFE_NOW][value=yes]").check()
    page.locator("input[name=note_W_SAFE_NOW]").fill("staying with a friend")
    page.locator("select[name=q_CTX_VISA]").select_option("technical_intern")
    page.locator("input[name=q_CTX_THIRD_PARTY][value=recruitment]").check()
    for indicator in catalogue.profile_indicators("adult_labour"):
        page.locator(f"input[name=q_{indicator}][value={'yes' if indicator in TITP else 'no'}]").check()
    page.locator("button[name=action][value=result]").click()

    determination = catalogue.text("determinations", "indicators met", staff_lang)
    expect(page.locator("#determination")).to_have_text(determination)
    expect(page.locator(f'.person-text[lang="{person_lang}"]').first).to_have_text(
        catalogue.text("determinations", "indicators met", person_lang))
    expect(page.locator("#next-steps li")).not_to_have_count(0)
    page.screenshot(path=str(screenshots / f"screening-result-{staff_lang}-{person_lang}.png"), full_page=True)

    page.locator("button[name=action][value=save]").click()
    expect(page.locator("#determination")).to_have_text(determination)
    assert "/staff/screening/" in page.url and page.url.rstrip("/").split("/")[-1].isdigit()

    # The saved screening is encrypted to the organisation's key; the caseworker's sign-in unlocked
    # her share, so the list shows the reference (decrypted) and opening it shows the result again.
    page.goto(f"/{staff_lang}/staff/screening/")
    expect(page.locator("#screening-locked")).to_have_count(0)
    page.get_by_role("link", name=f"E2E-{staff_lang}-{person_lang}").click()
    expect(page.locator("#determination")).to_have_text(determination)
