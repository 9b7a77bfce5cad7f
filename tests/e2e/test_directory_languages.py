"""Service texts per language in a real Chromium: a network admin enters a new Vietnamese description
on the staff form (JavaScript off) and removes the Thai one (say, a wrong translation); the
Vietnamese public page shows the new text, and the Thai page, which now has no Thai description,
shows the English one marked as such (lang="en" and a note).

Screenshots: the staff form and the public page in vi, th and zh-hans
(test-artifacts/screenshots/directory-languages/).
"""

from __future__ import annotations

import json
import subprocess
import urllib.request

from playwright.sync_api import expect

from tests.e2e import pages
from tests.e2e.conftest import DESKTOP, PHONE, TipnetServer
from tests.support import tipnet_executable

DEMO_PASSWORD = "demo-password-2026"
SERVICE = "法務局 人権擁護部"  # Legal Affairs Bureaus: the lodging open to men
VIETNAMESE = "Chỗ ở khẩn cấp cho nạn nhân buôn bán người, cả nam giới. Gọi trước khi đến."


def _service_id(server: TipnetServer) -> int:
    proc = subprocess.run(
        [tipnet_executable(), "directory", "seed"], env=server.env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with urllib.request.urlopen(server.url("/en/help/services.json?need=shelter&sex=male")) as response:
        services = json.loads(response.read())["services"]
    return next(s["id"] for s in services if s["name"] == SERVICE)


def test_staff_enter_vietnamese_and_thai_readers_see_the_marked_fallback(  # type: ignore[no-untyped-def]
    make_context, tipnet_server, screenshots
) -> None:
    service_id = _service_id(tipnet_server)
    folder = screenshots / "directory-languages"
    folder.mkdir(parents=True, exist_ok=True)

    staff = make_context(java_script_enabled=False, viewport=DESKTOP).new_page()
    pages.sign_in(staff, "admin", DEMO_PASSWORD, tipnet_server.totp("admin"))
    staff.goto(f"/en/staff/directory/{service_id}/")
    vietnamese = staff.get_by_role("group", name="Tiếng Việt")
    expect(vietnamese).to_be_visible()
    vietnamese.get_by_label("Description").fill(VIETNAMESE)
    thai = staff.get_by_role("group", name="ไทย").get_by_label("Description")
    expect(thai).not_to_have_value("")
    thai.fill("")
    staff.screenshot(path=str(folder / "staff-form-en.png"), full_page=True)
    with staff.expect_navigation():
        staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("status")).to_have_text("Saved.")
    expect(staff.get_by_role("group", name="Tiếng Việt").get_by_label("Description")).to_have_value(VIETNAMESE)
    expect(staff.get_by_role("group", name="ไทย").get_by_label("Description")).to_have_value("")

    public = make_context(viewport=PHONE).new_page()
    public.goto(f"/vi/help/services/{service_id}/")
    expect(public.locator("main")).to_contain_text(VIETNAMESE)
    expect(public.locator("main p", has_text=VIETNAMESE).locator(".fallback-note")).to_have_count(0)
    public.screenshot(path=str(folder / "service-vi.png"), full_page=True)

    public.goto(f"/th/help/services/{service_id}/")
    expect(public.locator("html")).to_have_attribute("lang", "th")
    assert VIETNAMESE not in public.locator("main").inner_text()
    english = public.locator('main span[lang="en"]', has_text="emergency lodging for trafficking victims")
    expect(english).to_be_visible()
    note = english.locator("xpath=following-sibling::small[1]")
    expect(note).to_have_class("fallback-note")
    expect(note).to_be_visible()
    public.screenshot(path=str(folder / "service-th.png"), full_page=True)

    public.goto("/zh-hans/help/services/?need=shelter&language=zh&prefecture=34&sex=female")
    expect(public.locator("select[name=prefecture] option[value='34']")).to_have_text("广岛县")
    public.screenshot(path=str(folder / "search-zh-hans.png"), full_page=True)
