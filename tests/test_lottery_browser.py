"""Pruning and the Lottery page in a real browser (the server and chromium of tests/test_app_browser.py)."""

import pytest
from playwright.sync_api import expect

from tests.test_app_browser import ARTIFACTS, browser, no_error_text, page, picture_src, server  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_lesion_panel_prunes_and_the_picture_loses_the_edges(server, page):  # noqa: F811
    page.goto(server + "/")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator(".step-readout")).to_have_text("Step: 1")
    before = picture_src(page)
    page.locator(".prune-button").click()
    expect(page.locator(".prune-report")).to_contain_text("Pruned ")
    expect(page.locator(".prune-report")).to_contain_text("Test accuracy")
    page.wait_for_function(  # the report and the redraw arrive as two updates
        "before => document.querySelector('img.network-picture').getAttribute('src') !== before", arg=before
    )
    no_error_text(page)
    page.screenshot(path=str(ARTIFACTS / "network-pruned.png"), full_page=True)
    page.locator(".restore-edges-button").click()
    expect(page.locator(".prune-report")).to_contain_text("pruned edges restored")


def test_the_lottery_page_plots_the_recorded_run(server, page):  # noqa: F811
    page.goto(server + "/lottery")
    page.locator("img.lottery-plot").wait_for()  # the page's default timeout: the app may still be loading
    expect(page.locator(".lottery-table")).to_contain_text("4.36%")
    expect(page.get_by_role("button", name="Run the lottery")).to_be_enabled()
    no_error_text(page)
    page.screenshot(path=str(ARTIFACTS / "lottery.png"), full_page=True)
