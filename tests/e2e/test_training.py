"""A trainee's journey in Chromium, in Japanese: join with a one-time link, sign in with a password
and a TOTP code, read a lesson, interview two practice cases, read the feedback, get the certificate.
The trainer (the demo organisation admin) makes the cohort and the link in the same browser run; the
demo caseworker's sign-in runs the check of its cases against the stored cases (the admin holds no key)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.pages import authenticator_code, authenticator_key, sign_in
from tipnet.core.training import case_dir, load_case

DEMO_PASSWORD = "demo-password-2026"
TRAINEE_PASSWORD = "a long training password 7"
CASES = ["titp-debt-passport", "labour-exploitation-only"]


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def trainer_makes_cohort_and_link(page: Page, code: str) -> str:
    sign_in(page, "orgadmin", DEMO_PASSWORD, code)
    page.goto("/en/staff/training/cohorts/")
    page.locator("#id_name").fill("E2E police station")
    for case in CASES:
        page.locator(f"input[name=cases][value={case}]").check()
    _submit(page)
    page.locator("#id_count").fill("1")
    _submit(page)
    link = page.locator("#join-links code").first.inner_text().strip()
    return re.sub(r"^https?://[^/]+", "", link).replace("/en/", "/ja/", 1)


def trainee_joins_and_signs_in(page: Page, link: str) -> None:
    page.goto(link)
    page.locator("#id_username").fill("e2e.trainee")
    page.locator("#id_password").fill(TRAINEE_PASSWORD)
    page.locator("#id_password2").fill(TRAINEE_PASSWORD)
    _submit(page)
    with page.expect_navigation():
        page.locator("#sign-in-link").click()
    page.locator("#id_username").fill("e2e.trainee")
    page.locator("#id_password").fill(TRAINEE_PASSWORD)
    _submit(page)
    secret = authenticator_key(page)
    page.locator("#id_code").fill(authenticator_code(secret))
    _submit(page)
    expect(page.locator("#recovery-codes li").first).to_be_visible()


def interview(page: Page, case_id: str, screenshots, shot: str = "") -> None:  # type: ignore[no-untyped-def]
    case = load_case(case_dir() / f"{case_id}.toml")
    page.goto("/ja/staff/training/")
    with page.expect_navigation():
        page.locator(f"#start-{case_id}").click()
    expect(page.locator("#story")).to_have_text(case.story["ja"])
    # Safety and consent first, then the questions that matter.
    for question in ("W_SAFE_NOW", "W_CONSENT", *case.expected_present[:3]):
        with page.expect_navigation():
            page.locator(f"#ask-{question}").click()
    said = case.answer("W_SAFE_NOW").text(with_care=True, language="ja")
    if said:
        expect(page.locator("#said-W_SAFE_NOW .said")).to_have_text(said)
    if shot:
        page.screenshot(path=str(screenshots / f"training-{shot}.png"), full_page=True)
    with page.expect_navigation():
        page.locator("#record-link").click()
    truth = case.screening_input()
    ctx = truth["context"]
    page.locator("#id_age").fill(str(truth["age"]))
    page.locator("#id_visa").select_option(ctx["visa"])
    page.locator("#id_form").select_option(truth["form"])
    page.locator("#id_acts_known").check()
    for act in ctx["third_party_acts"]:
        page.locator(f"input[name=acts][value={act}]").check()
    page.locator("#id_commercial_sex").select_option("yes" if ctx["commercial_sex"] else "no")
    for indicator in truth["present"]:
        page.locator(f"select[name=i_{indicator}]").select_option("yes")
    page.locator(f"input[name=determination][value='{case.expected_determination}']").check()
    for step in case.expected_next_steps:
        page.locator(f"input[name=next_steps][value={step}]").check()
    with page.expect_navigation():
        page.locator("#submit-record").click()
    expect(page.locator("#result")).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator("#debrief")).to_have_text(case.debrief["ja"])


def test_trainee_journey_in_japanese(make_context, tipnet_server, screenshots) -> None:  # type: ignore[no-untyped-def]
    trainer = make_context().new_page()
    link = trainer_makes_cohort_and_link(trainer, tipnet_server.totp("orgadmin"))
    # The organisation admin holds no share of the key: the cohort waits for a key holder, whose
    # sign-in checks its cases against the demo NGO's stored cases.
    expect(trainer.locator("#case-check")).to_contain_text("Waiting for a check")
    caseworker = make_context().new_page()
    sign_in(caseworker, "caseworker", DEMO_PASSWORD, tipnet_server.totp("caseworker"))
    trainer.goto(trainer.url)
    expect(trainer.locator("#case-check")).to_contain_text("Checked: no practice case of this cohort resembles")

    page = make_context(locale="ja-JP").new_page()
    trainee_joins_and_signs_in(page, link)

    page.goto("/ja/staff/training/")
    with page.expect_navigation():
        page.locator("a[href$='/lessons/palermo/']").click()
    expect(page.locator("h1")).to_have_text("人身取引とは：パレルモ議定書の三つの要素")
    page.screenshot(path=str(screenshots / "training-lesson-ja.png"), full_page=True)

    interview(page, CASES[0], screenshots, shot="interview-ja")
    page.screenshot(path=str(screenshots / "training-feedback-ja.png"), full_page=True)
    # A short lesson between the cases, chosen by what went wrong (nothing: the Palermo elements).
    with page.expect_navigation():
        page.locator("#lesson-after").click()
    expect(page.locator("h1")).to_have_text("人身取引とは：パレルモ議定書の三つの要素")
    interview(page, CASES[1], screenshots)

    page.goto("/ja/staff/training/")
    certificate = page.locator("a[id^=certificate-]")
    expect(certificate).to_have_count(1)
    with page.expect_download() as download:
        certificate.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    trainer.goto("/en/staff/training/cohorts/")
    with trainer.expect_navigation():
        trainer.get_by_role("link", name="E2E police station").click()
    expect(trainer.locator("#progress")).to_contain_text("e2e.trainee")
    expect(trainer.locator("#progress")).to_contain_text("2 / 2")
    trainer.screenshot(path=str(screenshots / "training-cohort-en.png"), full_page=True)
