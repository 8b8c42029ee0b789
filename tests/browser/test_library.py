"""Searching the library in a real browser, and the review page's learning from elsewhere."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def test_search_the_library(page):
    sign_in(page, "board@example.org")
    page.get_by_role("link", name="Library").click()
    page.get_by_label("Search", exact=True).fill('"safe sleep" infants')
    page.get_by_label("Year published").select_option("2022")
    page.get_by_role("main").get_by_role("button", name="Search").click()  # not the header's
    expect(page.get_by_role("status")).to_contain_text("found, best match first")
    expect(page.locator(".app-library-results mark").first).to_be_visible()
    shot(page, "library-search")
    page.locator(".app-library-results a").first.click()
    expect(page.get_by_role("heading", name="Learning")).to_be_visible()
    shot(page, "library-entry")


def test_review_page_shows_learning_from_elsewhere(page):
    sign_in(page, "business.unit@example.org")
    page.goto("/reviews/")
    page.get_by_role("link", name="CSPR-2021-01").click()
    expect(page.get_by_role("heading", name="Similar learning elsewhere")).to_be_visible()
    expect(page.locator(".app-earlier-learning").first).to_contain_text("This learning was also made in")
    shot(page, "review-learning-elsewhere")
