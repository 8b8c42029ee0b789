"""Issue 18's interface trip-ups, in a real browser: the searchable theme pickers (with and without
JavaScript), the action tables at phone width, and the long review page's tab stops and landmarks."""

import pytest
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


NARROW_LISTS = [
    ("home", "/", ("Due", "Rating")),
    ("actions list", "/actions/?sort=due", ("Due", "Rating")),
    ("review page", "/reviews/{review}", ("Due", "Rating")),
    ("assurance queue", "/actions/assurance", ("Due",)),
]


def _busy_review_id() -> int:
    from sqlalchemy import func, select

    from tests.browser.conftest import LIVE
    from tracker.actions.models import Action
    from tracker.extensions import db

    with LIVE["app"].app_context():
        review = db.session.scalar(select(Action.review_id).group_by(Action.review_id)
                                   .order_by(func.count().desc(), Action.review_id).limit(1))
        db.session.remove()
    return review


@pytest.mark.parametrize("width", [320, 400])
def test_due_date_and_rating_stay_in_view_on_narrow_screens(page, width):
    sign_in(page, BUSINESS_UNIT)
    page.set_viewport_size({"width": width, "height": 700})
    review = _busy_review_id()
    for name, path, columns in NARROW_LISTS:
        page.goto(path.format(review=review))
        show_all = page.get_by_role("button", name="Show all sections")
        if show_all.count():  # the review page folds a long list of recommendations
            show_all.click()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        for column in columns:
            cells = page.locator(f"table.app-table--stack td[data-label='{column}']")
            assert cells.count() > 0, f"{name}: no {column} cells"
            for index in range(min(cells.count(), 5)):
                cell = cells.nth(index)
                # where the cell sits with its table box scrolled to the start, as a reader first sees it
                left, right = cell.evaluate("""c => {
                    const box = c.closest('.app-table-wrapper'); if (box) box.scrollLeft = 0;
                    const r = c.getBoundingClientRect(); return [r.left, r.right]; }""")
                assert right > left, f"{name}: {column} cell {index} not shown"
                assert 0 <= left and right <= width, (
                    f"{name} at {width} px: {column} cell {index} spans {left:.0f}-{right:.0f} px")
                # the cell says what it is, its header being hidden at this width
                label = cell.evaluate("c => getComputedStyle(c, '::before').content")
                assert column in label, f"{name}: {column} cell shows {label}"
            # and no sideways scroll inside the table's own box either
            wrapper = cells.first.locator("xpath=ancestor::div[contains(@class, 'app-table-wrapper')]")
            if wrapper.count():
                assert wrapper.evaluate("w => w.scrollWidth <= w.clientWidth + 1"), f"{name}: table box scrolls"
        if width == 320:
            shot(page, f"narrow-320-{name.replace(' ', '-')}")


#: What a keyboard reaches: focusable, shown, and not inside a folded accordion section.
TAB_STOPS = """() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .filter(e => !e.closest('[hidden]') && e.offsetParent !== null && !e.disabled && e.tabIndex >= 0).length"""
LANDMARKS = """() => [...document.querySelectorAll('main, nav, aside, header, footer, section[aria-labelledby], [role=region]')]
    .filter(e => !e.closest('[hidden]')).length"""


def _most_recommendations_review_id() -> int:
    from sqlalchemy import func, select

    from tests.browser.conftest import LIVE
    from tracker.extensions import db
    from tracker.recommendations.models import Recommendation

    with LIVE["app"].app_context():
        review = db.session.scalar(select(Recommendation.review_id).group_by(Recommendation.review_id)
                                   .order_by(func.count().desc(), Recommendation.review_id).limit(1))
        db.session.remove()
    return review


def test_a_long_review_page_folds_its_recommendations_under_a_contents_list(page):
    sign_in(page, BUSINESS_UNIT)
    review = _most_recommendations_review_id()
    page.goto(f"/reviews/{review}")
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name="Milestones")).to_be_visible()
    count = int(contents.get_by_role("link", name="Recommendations").inner_text().strip("Recommendations ()"))
    assert count > 3
    sections = page.locator(".app-recommendation")
    assert sections.count() == count
    expect(sections.first).to_be_hidden()  # folded: a heading and a summary line each
    folded_stops, folded_landmarks = page.evaluate(TAB_STOPS), page.evaluate(LANDMARKS)
    check_axe(page, "review page, recommendations folded")
    shot(page, "review-page-folded")
    page.get_by_role("button", name="Show all sections").click()
    expect(sections.last).to_be_visible()
    open_stops, open_landmarks = page.evaluate(TAB_STOPS), page.evaluate(LANDMARKS)
    assert folded_stops < open_stops / 2, (folded_stops, open_stops)
    assert folded_landmarks <= 8 and open_landmarks <= folded_landmarks + count  # no region per recommendation
    # A link to one recommendation (from a warning, a search result) opens its section.
    page.get_by_role("button", name="Hide all sections").click()
    target = sections.nth(count // 2).get_attribute("id")
    page.goto(f"/reviews/{review}#{target}")
    expect(page.locator(f"#{target}")).to_be_visible()
