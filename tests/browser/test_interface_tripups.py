"""Issue 18's interface trip-ups, in a real browser: the searchable theme pickers (with and without
JavaScript), the action tables at phone width, and the long review page's tab stops and landmarks."""

from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in
from tests.browser.test_accessibility import check_axe

BUSINESS_UNIT = "business.unit@example.org"


def test_theme_picker_finds_a_theme_by_typing_and_ticks_its_box(page):
    sign_in(page, BUSINESS_UNIT)
    page.goto("/reviews/new")
    search = page.get_by_label("Find a theme to add")
    expect(search).to_be_visible()
    boxes = page.locator("[data-theme-picker] .govuk-checkboxes__item")
    total = boxes.count()
    assert total > 5
    # Only the chosen themes are on show: none yet, so the long list is out of the way.
    assert page.locator("[data-theme-picker] .govuk-checkboxes__item:visible").count() == 0
    wanted = boxes.nth(total // 2).locator("label").inner_text().strip()
    search.fill(wanted[:6])
    option = page.get_by_role("option", name=wanted)
    expect(option).to_be_visible()
    check_axe(page, "new review form, theme search open")
    option.click()
    ticked = page.get_by_role("checkbox", name=wanted)
    expect(ticked).to_be_checked()
    expect(ticked).to_be_visible()
    assert page.locator("[data-theme-picker] .govuk-checkboxes__item:visible").count() == 1
    search.fill("zzzz-no-such-theme")
    expect(page.get_by_text("No theme matches")).to_be_visible()
    page.get_by_role("button", name=f"Show all {total} themes").click()
    assert page.locator("[data-theme-picker] .govuk-checkboxes__item:visible").count() == total
    check_axe(page, "new review form, all themes shown")
    shot(page, "theme-picker")


def test_theme_picker_without_javascript_is_the_whole_list_of_checkboxes(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, BUSINESS_UNIT)
        page.goto("/reviews/new")
        boxes = page.locator("[data-theme-picker] .govuk-checkboxes__item")
        assert boxes.count() > 5
        assert page.locator("[data-theme-picker] .govuk-checkboxes__item:visible").count() == boxes.count()
        assert page.get_by_label("Find a theme to add").count() == 0
    finally:
        context.close()


def test_theme_filter_on_the_actions_list_is_searchable(page):
    sign_in(page, BUSINESS_UNIT)
    page.goto("/actions/")
    theme_select = page.locator("select[data-theme-select]")
    options = theme_select.locator("option")
    wanted = options.nth(options.count() - 1).inner_text().strip()
    box = page.get_by_role("combobox", name="Theme")
    box.fill(wanted[:5])
    page.get_by_role("option", name=wanted).click()
    assert theme_select.evaluate("s => s.options[s.selectedIndex].text").strip() == wanted
    check_axe(page, "actions list, theme filter open")
