"""Onboarding and offboarding, clicked through by two people in two browser contexts:
the network admin invites a caseworker, the caseworker sets a password and two-step sign-in from
the one-time link, a key holder of the NGO confirms the new role, then the admin closes the account and the caseworker can no longer sign in.
"""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from tests.e2e import pages

DEMO_PASSWORD = "demo-password-2026"
ORGANISATION = "Demo Migrant Support NGO"


def test_authenticator_code_matches_rfc_6238() -> None:
    """The test's own authenticator against the RFC 6238 SHA1 test vectors (last 6 digits)."""
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
    assert pages.authenticator_code(secret, at=59) == "287082"
    assert pages.authenticator_code(secret, at=1111111109) == "081804"
    assert pages.authenticator_code(secret, at=2000000000, digits=8) == "69279037"


def test_admin_invites_caseworker_who_sets_up_and_is_then_offboarded(  # type: ignore[no-untyped-def]
    make_context, tipnet_server, screenshots
) -> None:
    username = "new.caseworker"  # the server is fresh for each test session
    password = "a long new password " + secrets.token_hex(4)

    # The network admin invites a new caseworker from "Organisations and staff".
    admin = make_context().new_page()
    pages.sign_in(admin, "admin", DEMO_PASSWORD, tipnet_server.totp("admin"))
    pages.open_organisation(admin, ORGANISATION)
    link = pages.invite_staff_member(admin, username, "New Caseworker", role="Caseworker")
    assert re.fullmatch(re.escape(tipnet_server.url("/en/staff/welcome/")) + r"[A-Za-z0-9_-]{20,}/", link), link
    row = pages.staff_row(admin, username)
    expect(row).to_contain_text("Caseworker")
    expect(row).to_contain_text("invited")
    admin.screenshot(path=str(screenshots / "organisation-staff-invite-en.png"), full_page=True)

    # The new caseworker, in their own browser, opens the link and chooses a password.
    newcomer = make_context().new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(f"Welcome, {username}")
    pages.choose_password(newcomer, password)
    key_code = pages.keep_key_recovery_code(newcomer)
    assert len(key_code.replace("-", "")) >= 16, key_code
    expect(newcomer).to_have_url(tipnet_server.url(pages.SIGN_IN))
    # The link works once.
    again = newcomer.goto(link)
    assert again is not None and again.status == 404

    # First sign-in: password, then the two-step set-up page with the key for the app.
    pages.enter_password(newcomer, username, password)
    expect(newcomer).to_have_url(tipnet_server.url("/en/staff/sign-in/set-up/"))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    expect(newcomer.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    secret = pages.authenticator_key(newcomer)
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    newcomer.screenshot(path=str(screenshots / "two-step-set-up-en.png"), full_page=True)
    codes = pages.confirm_two_step(newcomer, pages.authenticator_code(secret))

    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[0-9a-z][0-9a-z-]{7,}", code) for code in codes), codes
    newcomer.get_by_role("link", name="I have kept them, continue").click()
    expect(newcomer).to_have_url(tipnet_server.url(pages.STAFF_HOME))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Welcome, New Caseworker")
    # The network admin holds no key of the NGO: the new role waits for one of its key holders.
    expect(newcomer.locator("body")).to_contain_text("awaiting confirmation")

    # A key holder of the NGO (its demo caseworker) sees the newcomer on her home page and confirms.
    holder = make_context().new_page()
    pages.sign_in(holder, "caseworker", DEMO_PASSWORD, tipnet_server.totp("caseworker"))
    awaiting = holder.locator("#awaiting-confirmation")
    expect(awaiting).to_contain_text(username)
    expect(awaiting).to_contain_text(ORGANISATION)
    holder.screenshot(path=str(screenshots / "awaiting-confirmation-en.png"), full_page=True)
    with holder.expect_navigation():
        awaiting.get_by_role("button", name="Confirm").click()
    expect(holder.locator("body")).to_contain_text("Confirmed.")
    newcomer.reload()
    expect(newcomer.locator("body")).not_to_contain_text("awaiting confirmation")

    # The admin sees the account active, then closes it.
    pages.open_organisation(admin, ORGANISATION)  # not reload(): that would send the invite again
    expect(pages.staff_row(admin, username)).to_contain_text("active")
    admin.screenshot(path=str(screenshots / "organisation-staff-en.png"), full_page=True)
    pages.close_account(admin, username)
    pages.open_organisation(admin, ORGANISATION)
    expect(pages.staff_row(admin, username)).to_have_count(0)

    # The caseworker's open session has ended, and signing in again fails.
    newcomer.goto(pages.STAFF_HOME)
    expect(newcomer).to_have_url(re.compile(re.escape(tipnet_server.url(pages.SIGN_IN))))
    response = pages.enter_password(newcomer, username, password)
    assert response is not None and response.status == 400
    expect(pages.error_message(newcomer)).to_have_text("The user name or password is not correct.")
    expect(newcomer).to_have_url(tipnet_server.url(pages.SIGN_IN))
