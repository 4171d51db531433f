"""Pruning and the Lottery page in a real browser (the server and chromium of tests/test_app_browser.py)."""

import pytest
from playwright.sync_api import expect

from tests.test_app_browser import ARTIFACTS, browser, no_error_text, page, server  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_lesion_panel_prunes_and_the_picture_loses_the_edges(server, page):  # noqa: F811
    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".step-readout")).to_have_text("Step: 1")
    absent = "path.edge[stroke-width='0']"
    expect(page.locator(absent)).to_have_count(0)
    page.locator(".prune-button").click()
    expect(page.locator(".prune-report")).to_contain_text("Pruned ")
    expect(page.locator(".prune-report")).to_contain_text("Test accuracy")
    expect(page.locator(absent)).not_to_have_count(0)  # the redraw arrives after the report: pruned edges vanish
    no_error_text(page)
    page.screenshot(path=str(ARTIFACTS / "network-pruned.png"), full_page=True)
    page.locator(".restore-edges-button").click()
    expect(page.locator(".prune-report")).to_contain_text("pruned edges restored")
    expect(page.locator(absent)).to_have_count(0)


def test_the_lottery_page_plots_the_recorded_run(server, page):  # noqa: F811
    page.goto(server + "/lottery")
    page.locator("img.lottery-plot").wait_for()  # the page's default timeout: the app may still be loading
    expect(page.locator(".lottery-table")).to_contain_text("4.36%")
    expect(page.get_by_role("button", name="Run the lottery")).to_be_enabled()
    no_error_text(page)
    page.screenshot(path=str(ARTIFACTS / "lottery.png"), full_page=True)
