"""The accessible web version of a published board report, and a draft's preview: the same sections,
headings and tables as the PDF, the commentary beside them, and axe finds nothing (WCAG 2.2 AA)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LIVE, sign_in
from tests.browser.test_accessibility import ROLES, check_axe

NOTES = {"summary": "Progress is **steady**.\n\n- Police are late\n- Health on track",
         "purpose": "To assure the board.", "asks": "Note the overdue actions."}


@pytest.fixture(scope="module")
def report_ids(live_server):
    from tests.factories import make_board_report
    from tracker.extensions import db
    from tracker.reports.models import BoardReport

    with LIVE["app"].app_context():
        as_at = LIVE["app"].config.get("FIXED_TODAY") or date(2025, 6, 2)
        published = make_board_report(b"%PDF stored", as_at=as_at, commentary=NOTES, requested_by_name="Priya Shah")
        draft = BoardReport(status="draft", as_at_date=as_at, requested_by_name="Priya Shah", commentary=NOTES)
        db.session.add_all([published, draft])
        db.session.commit()
        found = {"published": published.id, "draft": draft.id}
        db.session.remove()
    return found


@pytest.mark.parametrize("role", ["board-member", "business-unit"])
def test_the_published_report_in_the_browser_is_accessible(browser, live_server, report_ids, role):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10000)
    try:
        sign_in(page, ROLES[role])
        page.goto(f"/reports/{report_ids['published']}/report.html")
        expect(page.get_by_role("heading", level=1)).to_have_text("Board assurance report")
        for heading in ("Executive summary", "Charts", "Exceptions", "Reviews", "Actions assured in the period",
                        "Recurring themes across reviews", "Appendix: every open action"):
            expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()
        expect(page.locator("strong", has_text="steady")).to_be_visible()
        expect(page.get_by_role("table").first).to_be_visible()
        check_axe(page, f"published report as {role}")
        if role == "business-unit":
            page.goto(f"/reports/{report_ids['draft']}/preview")
            expect(page.get_by_text("This is a draft")).to_be_visible()
            check_axe(page, "draft preview")
            page.goto(f"/reports/{report_ids['draft']}/commentary")
            expect(page.get_by_label("Executive summary")).to_have_value(NOTES["summary"])
            check_axe(page, "commentary form")
    finally:
        context.close()
