"""Search in a real browser: from the header box on any page to a highlighted, filtered result and
the action it names, and the results on a phone-width screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in
from tests.browser.test_accessibility import check_axe

pytestmark = pytest.mark.browser


def test_search_from_the_header_to_an_action(page):
    sign_in(page, "business.unit@example.org")
    page.goto("/reviews/")
    page.get_by_label("Search reviews, recommendations and actions").fill("training")
    page.get_by_role("banner").get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("for “training”")
    expect(page.locator(".app-search-results mark").first).to_be_visible()
    check_axe(page, "search results")
    page.get_by_label("Kind").select_option("action")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.locator(".app-search-results .govuk-tag").first).to_have_text("Action")
    reference = page.locator(".app-search-results .app-ref").first.inner_text()
    shot(page, "search-results")
    page.locator(".app-search-results h2 a").first.click()
    expect(page.locator(".govuk-summary-list")).to_contain_text(reference)
    # The short reference typed back into the box finds that action first.
    page.get_by_label("Search reviews, recommendations and actions").fill(reference)
    page.get_by_role("banner").get_by_role("button", name="Search").click()
    expect(page.locator(".app-search-results .app-ref").first).to_have_text(reference)
    expect(page.locator(".app-search-results .govuk-tag").first).to_have_text("Action")


def test_search_on_a_narrow_screen(page):
    sign_in(page, "health.lead@example.org")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/search/?q=training")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    expect(page.locator("#header-search")).to_be_visible()
    check_axe(page, "search results at 320 px")
    shot(page, "search-narrow")
