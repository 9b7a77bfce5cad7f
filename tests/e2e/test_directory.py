"""The services directory in a real Chromium, with JavaScript on and off.

Two people search: a Vietnamese man in Aichi who needs a shelter (the directory must show that
there is no public shelter for men, and what exists instead), and a Thai woman in Tokyo who needs
legal help. Every public directory page is screenshotted in every language
(test-artifacts/screenshots/directory/) and checked with axe-core, injected from the repository's
node_modules (`npm ci` installs it from package-lock.json).
"""

from __future__ import annotations

import json
import subprocess
import urllib.request

import pytest
from django.conf import settings
from django.utils.translation import check_for_language
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, TipnetServer
from tests.support import REPO_ROOT, required, tipnet_executable

LANGUAGES = [code for code, _name in settings.LANGUAGES]
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "help": "/{lang}/help/",
    "trafficking": "/{lang}/help/what-is-trafficking/",
    "rights": "/{lang}/help/your-rights/",
    "after": "/{lang}/help/after-asking-for-help/",
    "search": "/{lang}/help/services/",
    "results": "/{lang}/help/services/?need=shelter&language=vi&prefecture=23&sex=female&age=",
    "service": "/{lang}/help/services/{service_id}/",
}


@pytest.fixture(scope="module")
def directory(tipnet_server: TipnetServer) -> dict[str, int]:
    """Load the directory seed into the running app; return the id of a demo shelter."""
    proc = subprocess.run(
        [tipnet_executable(), "directory", "seed"], env=tipnet_server.env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with urllib.request.urlopen(tipnet_server.url("/en/help/services.json?need=shelter&prefecture=23")) as response:
        services = json.loads(response.read())["services"]
    shelter = next(s for s in services if s["demo"])
    return {"service_id": shelter["id"]}


def served(lang: str) -> bool:
    return check_for_language(lang)


def search(page: Page, lang: str, **choices: str) -> None:
    """Fill the search form as a person would (selects by value) and send it."""
    page.goto(f"/{lang}/help/services/")
    form = page.get_by_role("search")
    for name, value in choices.items():
        field = form.locator(f"[name={name}]")
        if name == "age":
            field.fill(value)
        else:
            field.select_option(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_vietnamese_man_in_aichi_looks_for_a_shelter(make_context, directory, screenshots, js: bool) -> None:  # type: ignore[no-untyped-def]
    page = make_context(java_script_enabled=js, viewport=PHONE, locale="vi-VN").new_page()
    search(page, "vi", need="shelter", language="vi", prefecture="23", sex="male", age="30")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert "language=vi" in page.url and "prefecture=23" in page.url
    notice = page.locator("p.notice")
    expect(notice).to_be_visible()  # no public shelter for men
    articles = page.locator("article.service")
    expect(articles.first).to_be_visible()
    text = page.locator("main").inner_text()
    assert "Cục Pháp vụ" in text  # Legal Affairs Bureaus (name in Vietnamese): the lodging open to men, nationwide
    assert "Trung tâm tư vấn và hỗ trợ phụ nữ" not in text  # women only: not offered to a man
    page.screenshot(path=str(screenshots / f"directory-search-vi-man-aichi-{'js' if js else 'nojs'}.png"), full_page=True)
    assert page.context.cookies() == []


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_thai_woman_in_tokyo_looks_for_legal_help(make_context, directory, screenshots, js: bool) -> None:  # type: ignore[no-untyped-def]
    page = make_context(java_script_enabled=js, viewport=PHONE, locale="th-TH").new_page()
    search(page, "th", need="legal", language="th", prefecture="13", sex="female")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    results = page.locator("article.service h3")
    names = results.all_inner_texts()
    assert any("โฮเทราสึ" in name for name in names), names  # Houterasu, named in Thai
    assert all("Thai" not in name for name in names)
    # Open a result: its page is in Thai too, and says it is not verified yet.
    with page.expect_navigation():
        page.get_by_role("link", name="โฮเทราสึ (ศูนย์ช่วยเหลือทางกฎหมายแห่งญี่ปุ่น)").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("dl.result").get_by_role("link", name="0570-078377")).to_be_visible()  # also in the emergency box
    page.screenshot(path=str(screenshots / f"directory-service-th-{'js' if js else 'nojs'}.png"), full_page=True)
    assert page.context.cookies() == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_in_every_language(make_context, tipnet_server, directory, screenshots, lang: str) -> None:  # type: ignore[no-untyped-def]
    if not served(lang):
        pytest.xfail(f"no {lang} catalogue yet: Django answers 404 for /{lang}/")
    if not AXE.exists():
        required("browser", f"axe-core is not installed ({AXE}); run `npm ci` in the repository")
    axe_source = AXE.read_text(encoding="utf-8")
    target = screenshots / "directory"
    target.mkdir(parents=True, exist_ok=True)
    failures = []
    for js in (False, True):
        context = make_context(java_script_enabled=js)
        page = context.new_page()
        base = tipnet_server.base_url + "/"
        foreign: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request, seen=foreign: seen.append(request.url) if not request.url.startswith(base) else None)  # noqa: B023
        page.on("console", lambda message, seen=errors: seen.append(message.text) if message.type == "error" else None)
        for name, template in PAGES.items():
            response = page.goto(template.format(lang=lang, **directory))
            assert response is not None
            if response.status != 200:
                failures.append(f"{name} {lang}: HTTP {response.status}")
                continue
            if page.locator("html").get_attribute("lang") != lang:
                failures.append(f"{name} {lang}: wrong html lang")
            if not js:
                page.screenshot(path=str(target / f"{name}-{lang}.png"), full_page=True)
                continue
            # CSP forbids inline scripts; evaluate() is not subject to it.
            page.evaluate(axe_source)
            violations = page.evaluate(
                """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"""
            )
            serious = [v for v in violations if v["impact"] in ("serious", "critical")]
            if serious:
                failures.append(f"{name} {lang}: axe {serious}")
        if foreign:
            failures.append(f"{lang}: requests to another origin: {foreign}")
        if errors:
            failures.append(f"{lang}: console errors: {errors}")
        if context.cookies():
            failures.append(f"{lang}: cookies set: {context.cookies()}")
    assert not failures, "\n".join(failures)


def test_leaflet_link_from_results_gives_a_pdf(page: Page, directory) -> None:  # type: ignore[no-untyped-def]
    search(page, "en", need="shelter", prefecture="23")
    link = page.get_by_role("link", name="Leaflet to print for this prefecture (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
