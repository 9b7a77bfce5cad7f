"""Staff sign-in clicked through in Chromium: password, then a code from the authenticator.

Each test signs in a different demo user: django-otp accepts a code only once per user and time
step, and wrong attempts throttle that user for a moment.
"""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from tests.e2e import pages

DEMO_PASSWORD = "demo-password-2026"


def _at(server, path: str) -> re.Pattern[str]:  # type: ignore[no-untyped-def]
    """The app's URL for ``path``, with or without a query string."""
    return re.compile(re.escape(server.url(path)) + r"(\?.*)?$")


def test_sign_in_with_password_and_code_lands_on_staff_home(page, tipnet_server, screenshots) -> None:  # type: ignore[no-untyped-def]
    response = pages.sign_in(page, "admin", DEMO_PASSWORD, tipnet_server.totp("admin"))

    assert response is not None and response.status == 200
    expect(page).to_have_url(tipnet_server.url(pages.STAFF_HOME))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Network admin (demo)")
    menu = page.get_by_role("navigation", name="Staff menu")
    for entry in ("Home", "Organisations and staff", "Audit log"):
        expect(menu.get_by_role("link", name=entry)).to_be_visible()
    assert response.headers.get("cache-control", "").startswith("no-store")
    page.screenshot(path=str(screenshots / "staff-home-en.png"), full_page=True)


def test_sign_in_works_without_javascript(page_nojs, tipnet_server) -> None:  # type: ignore[no-untyped-def]
    pages.sign_in(page_nojs, "orgadmin", DEMO_PASSWORD, tipnet_server.totp("orgadmin"))

    expect(page_nojs).to_have_url(tipnet_server.url(pages.STAFF_HOME))
    expect(page_nojs.get_by_role("heading", level=1)).to_have_text("Welcome, Organisation admin (demo)")


def test_wrong_password_shows_an_error_and_stays_on_sign_in(page, tipnet_server, screenshots) -> None:  # type: ignore[no-untyped-def]
    response = pages.enter_password(page, "operator", "not-the-password-2026")

    assert response is not None and response.status == 400
    expect(page).to_have_url(tipnet_server.url(pages.SIGN_IN))
    expect(pages.error_message(page)).to_have_text("The user name or password is not correct.")
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    expect(page.get_by_label(re.compile("^Password:?$"))).to_have_value("")
    page.screenshot(path=str(screenshots / "sign-in-wrong-password-en.png"), full_page=True)

    page.goto(pages.STAFF_HOME)
    expect(page).to_have_url(_at(tipnet_server, pages.SIGN_IN))


def test_wrong_code_shows_an_error_and_does_not_sign_in(page, tipnet_server) -> None:  # type: ignore[no-untyped-def]
    real = tipnet_server.totp("researcher")
    wrong = f"{(int(real) + 500_000) % 1_000_000:06d}"
    pages.enter_password(page, "researcher", DEMO_PASSWORD)
    expect(page).to_have_url(tipnet_server.url("/en/staff/sign-in/code/"))

    response = pages.enter_code(page, wrong)

    assert response is not None and response.status == 400
    expect(page).to_have_url(tipnet_server.url("/en/staff/sign-in/code/"))
    expect(pages.error_message(page)).to_have_text("The code is not correct.")
    page.goto(pages.STAFF_HOME)
    expect(page).to_have_url(_at(tipnet_server, pages.SIGN_IN))


def test_sign_out_is_a_post_button_and_ends_the_session(page, tipnet_server) -> None:  # type: ignore[no-untyped-def]
    pages.sign_in(page, "coordinator", DEMO_PASSWORD, tipnet_server.totp("coordinator"))
    expect(page).to_have_url(tipnet_server.url(pages.STAFF_HOME))

    button = page.get_by_role("button", name="Sign out")
    assert button.evaluate("b => b.form && b.form.method") == "post"
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
    assert page.request.get(tipnet_server.url("/en/staff/sign-out/"), max_redirects=0).status == 405
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")  # a GET did not sign out

    pages.sign_out(page)

    expect(page).to_have_url(tipnet_server.url(pages.SIGN_IN))
    page.goto(pages.STAFF_HOME)
    expect(page).to_have_url(tipnet_server.url(pages.SIGN_IN) + "?next=/en/staff/")
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    # "Back" after signing out must not show the staff page again (no-store, session gone).
    page.go_back()
    page.go_back()
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_have_count(0)


def test_forged_csrf_token_gets_the_form_has_expired_page(page, tipnet_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(pages.SIGN_IN)
    page.get_by_label(re.compile("^User name:?$")).fill("admin")
    page.get_by_label(re.compile("^Password:?$")).fill(DEMO_PASSWORD)
    forged = secrets.token_hex(32)  # right length and alphabet, wrong value
    page.evaluate(
        "value => { document.querySelector('input[name=csrfmiddlewaretoken]').value = value; }", forged
    )
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Next").click()

    assert navigation.value is not None and navigation.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("The form has expired")
    expect(pages.error_message(page)).to_contain_text("Nothing was saved.")
    expect(page.get_by_role("link", name="Back to the start page")).to_be_visible()
    # Not signed in, not even half-way (no pending password step).
    page.goto("/en/staff/sign-in/code/")
    expect(page).to_have_url(tipnet_server.url(pages.SIGN_IN))
    page.goto(pages.STAFF_HOME)
    expect(page).to_have_url(_at(tipnet_server, pages.SIGN_IN))
