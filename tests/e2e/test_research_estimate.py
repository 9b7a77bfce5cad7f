"""A researcher estimates hidden victims in Chromium: picks the UK 2013 example, watches the run
queued and fitted by the task worker that `tipnet serve` started (the page reloads itself), reads
the estimate, both intervals with the Monte-Carlo error, the model and the warnings, downloads the
result; cancels a second run; then uploads a broken table and is told what is wrong, with nothing
stored.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.e2e import pages

DEMO_PASSWORD = "demo-password-2026"
ESTIMATE_PAGE = "/en/staff/research/estimate/"


def _open_estimate_page(page, tipnet_server) -> None:  # type: ignore[no-untyped-def]
    pages.sign_in(page, "researcher", DEMO_PASSWORD, tipnet_server.totp("researcher"))
    page.goto(ESTIMATE_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hidden victims estimate")


def test_researcher_estimates_from_the_uk_example(page, tipnet_server, screenshots) -> None:  # type: ignore[no-untyped-def]
    _open_estimate_page(page, tipnet_server)
    page.get_by_label("Or use an example table").select_option("UKdat_5")
    page.get_by_label("Bootstrap replicates").fill("1000")
    page.get_by_label("Random seed").fill("7")
    with page.expect_navigation():
        page.get_by_role("button", name="Estimate").click()
    # The request only queued the run: its page shows the state until the worker is done.
    expect(page.locator("#estimate-state, #estimate-result").first).to_be_visible()

    # SparseMSE 2.0.2 on UKdat_5: 11,312.99, model-conditional 9,884-13,027 (issue 6).
    # Numbers are grouped as the page's language writes them (issue 11).
    expect(page.locator("#estimate")).to_have_text("11,313", timeout=180_000)
    expect(page.locator("#ci")).to_have_text("9,884 – 13,027")
    bca = page.locator("#bca").inner_text()
    low, high = (int(v.replace(",", "")) for v in re.findall(r"\d[\d,]*", bca))
    assert 8000 < low < 11313 < high < 20000, bca
    expect(page.locator("#bca-mc")).to_contain_text("±")
    expect(page.locator("#model")).to_contain_text("LA:NG")
    expect(page.locator("#warnings")).to_contain_text("LA:GP")
    expect(page.locator("img.chart")).to_be_visible()
    page.screenshot(path=str(screenshots / "estimate-result-en.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download JSON").click()
    result = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert result["bca_low"] == low or abs(result["bca_low"] - low) < 1
    assert result["bca_low_mc_se"] > 0


def test_a_running_estimate_can_be_cancelled(page, tipnet_server, screenshots) -> None:  # type: ignore[no-untyped-def]
    _open_estimate_page(page, tipnet_server)
    page.get_by_label("Or use an example table").select_option("UKdat_5")
    page.get_by_label("Bootstrap replicates").fill("5000")
    with page.expect_navigation():
        page.get_by_role("button", name="Estimate").click()
    expect(page.locator("#estimate-state")).to_be_visible()
    page.screenshot(path=str(screenshots / "estimate-progress-en.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel this estimate").click()
    expect(page.locator("#state")).to_have_text("Cancelled", timeout=30_000)
    expect(page.get_by_role("button", name="Cancel this estimate")).to_have_count(0)


def test_a_broken_table_is_explained_and_nothing_is_stored(page, tipnet_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _open_estimate_page(page, tipnet_server)
    earlier = page.locator("table tbody tr").count()
    broken = tmp_path / "broken.csv"
    broken.write_text("police,shelter,count\n1,0,12\n0,1,-3\n", encoding="utf-8")
    page.get_by_label("Capture table (CSV or Excel)").set_input_files(str(broken))
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Estimate").click()

    assert navigation.value is not None and navigation.value.status == 400
    expect(page.locator("#estimate-error")).to_contain_text("negative")
    page.goto(ESTIMATE_PAGE)
    expect(page.locator("table tbody tr")).to_have_count(earlier)
