"""Page-object helpers named in the staff's own words ("sign in", "invite a staff member",
"close account"). They click and type as a person would, through labels and button names;
element ids are used only where the page gives a value to copy (set-up link, key, codes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

from playwright.sync_api import Locator, Page, Response, expect

SIGN_IN = "/en/staff/sign-in/"
STAFF_HOME = "/en/staff/"


def _field(page: Page, label: str) -> Locator:
    """The input with exactly this label (Django renders "Label:")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _not_refused(page: Page, response: Response | None) -> Response | None:
    """A form the page itself sent must never be refused as forged (HTTP 403)."""
    if response is not None and response.status == 403:
        heading = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
        raise AssertionError(
            f"the app refused the form with HTTP 403 ({heading!r}) at {response.url}: "
            "its CSRF check did not accept the browser's own request (see the serve log)"
        )
    return response


def enter_password(page: Page, username: str, password: str, lang: str = "en") -> Response | None:
    """Open the staff sign-in and send user name and password (the first step)."""
    page.goto(f"/{lang}/staff/sign-in/")
    _field(page, "User name").fill(username)
    _field(page, "Password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Next").click()
    return _not_refused(page, navigation.value)


def enter_code(page: Page, code: str) -> Response | None:
    """Send the 6-digit code (the second step)."""
    _field(page, "Code").fill(code)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in").click()
    return _not_refused(page, navigation.value)


def sign_in(page: Page, username: str, password: str, code: str) -> Response | None:
    """Both steps of the staff sign-in; returns the response of the last step."""
    enter_password(page, username, password)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    return enter_code(page, code)


def sign_out(page: Page) -> Response | None:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign out").click()
    return _not_refused(page, navigation.value)


def error_message(page: Page) -> Locator:
    return page.get_by_role("alert")


def open_menu(page: Page, entry: str) -> None:
    """Follow an entry of the staff menu, e.g. "Organisations and staff"."""
    with page.expect_navigation():
        page.get_by_role("navigation", name="Staff menu").get_by_role("link", name=entry).click()


def open_organisation(page: Page, name: str) -> None:
    """From "Organisations and staff", open one organisation's staff page."""
    open_menu(page, "Organisations and staff")
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def invite_staff_member(page: Page, username: str, display_name: str, role: str) -> str:
    """On an organisation's staff page, invite someone; return the one-time set-up link shown."""
    _field(page, "User name").fill(username)
    _field(page, "Display name").fill(display_name)
    _field(page, "Role").select_option(label=role)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Invite").click()
    _not_refused(page, navigation.value)
    link = page.locator("#invite-link")
    expect(link).to_be_visible()
    return link.inner_text().strip()


def staff_row(page: Page, username: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=re.compile(rf"^{re.escape(username)}\b")))


def close_account(page: Page, username: str) -> None:
    """On an organisation's staff page, press "Close account" in that person's row."""
    with page.expect_navigation() as navigation:
        staff_row(page, username).get_by_role("button", name="Close account").click()
    _not_refused(page, navigation.value)
    # The app asks once more before ending someone's access.
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Close account").click()
    _not_refused(page, navigation.value)
    expect(page.get_by_role("status")).to_have_text("The account was closed.")


def choose_password(page: Page, password: str) -> Response | None:
    """On the page a set-up link opens, choose a password."""
    _field(page, "New password").fill(password)
    _field(page, "New password again").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save password").click()
    return _not_refused(page, navigation.value)


def keep_key_recovery_code(page: Page) -> str:
    """After choosing a password: note the encryption-key recovery code shown once, go on to sign in."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")
    code = page.locator("#key-recovery-code").inner_text().strip()
    with page.expect_navigation():
        page.get_by_role("link", name="I have kept it, sign in").click()
    return code


def authenticator_key(page: Page) -> str:
    """The key shown on the two-step set-up page, as typed into an authenticator app."""
    return page.locator("#otp-secret").inner_text().strip().replace(" ", "")


def confirm_two_step(page: Page, code: str) -> list[str]:
    """Send the first code from the app; return the recovery codes shown once."""
    _field(page, "Code from the app").fill(code)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Confirm").click()
    _not_refused(page, navigation.value)
    codes = page.locator("#recovery-codes li")
    expect(codes.first).to_be_visible()
    return [text.strip() for text in codes.all_inner_texts()]


def authenticator_code(secret: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """What an authenticator app shows for ``secret`` (RFC 6238 TOTP: HMAC-SHA1, 30 s, 6 digits)."""
    padded = secret.upper() + "=" * (-len(secret) % 8)
    key = base64.b32decode(padded)
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def start_screening(page: Page, staff_lang: str, person_lang: str, reference: str, age: str = "27",
                    form: str = "labour") -> None:
    """Start a screening from the screenings page: the person's language, age, form, reference."""
    page.goto(f"/{staff_lang}/staff/screening/")
    page.locator("#id_person_language").select_option(person_lang)
    page.locator("#id_age").fill(age)
    page.locator("#id_form").select_option(form)
    page.locator("#id_reference").fill(reference)
    page.locator("main form button[type=submit]").click()
