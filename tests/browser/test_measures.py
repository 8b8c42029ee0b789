"""A measure end to end in the browser: the police lead adds a measure to an action, records a
measurement (first with a mistake, which comes back on the form with nothing lost), and sees the
chart and its table on the action page. Both pages pass axe (WCAG 2.2 AA) and reflow at 320 px.
Screenshots go to test-artifacts/."""

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import LIVE, shot, sign_in
from tests.browser.test_accessibility import check_axe, check_reflow


def _police_action() -> int:
    from tracker.actions.models import Action
    from tracker.extensions import db
    from tracker.measures.models import Measure
    from tracker.users.models import Agency

    with LIVE["app"].app_context():
        action_id = db.session.scalar(
            select(Action.id).join(Agency, Agency.id == Action.owner_agency_id)
            .where(Agency.short_name == "WMP", Action.status == "in_progress",
                   ~select(Measure.id).where(Measure.action_id == Action.id).exists())
            .order_by(Action.id).limit(1))
        db.session.remove()
    assert action_id
    return action_id


def test_the_lead_records_a_measurement_and_sees_the_chart(page):
    action_id = _police_action()
    sign_in(page, "police.lead@example.org")
    page.goto(f"/actions/{action_id}")
    page.get_by_role("link", name="Add a measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a measure")
    page.get_by_label("What is counted").fill("Strategy discussions with health present")
    page.get_by_label("Percentage").check()
    page.get_by_label("Higher is better").check()
    page.get_by_label("Baseline value").fill("40")
    page.locator("#baseline_date").get_by_label("Day").fill("1")
    page.locator("#baseline_date").get_by_label("Month").fill("6")
    page.locator("#baseline_date").get_by_label("Year").fill("2026")
    page.get_by_label("Target value").fill("85")
    page.locator("#target_date").get_by_label("Day").fill("31")
    page.locator("#target_date").get_by_label("Month").fill("3")
    page.locator("#target_date").get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Save the measure").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Measure added")

    page.get_by_role("link", name="Record a measurement").click()
    page.locator("#measured_date").get_by_label("Day").fill("1")
    page.locator("#measured_date").get_by_label("Month").fill("10")
    page.locator("#measured_date").get_by_label("Year").fill("2026")
    page.get_by_label("Value").fill("120")
    page.get_by_label("Sample size (optional)").fill("40")
    page.get_by_label("Source", exact=True).fill("Strategy discussion audit, September")
    page.get_by_role("button", name="Record the measurement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("it must be 100 or less")
    expect(page.get_by_label("Source", exact=True)).to_have_value("Strategy discussion audit, September")
    check_axe(page, "measurement form with errors")
    page.get_by_label("Value").fill("62")
    page.get_by_role("button", name="Record the measurement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Measurement recorded: 62%")

    measure = page.locator(".app-measure").first
    expect(measure).to_contain_text("Latest: 62%")
    expect(measure).to_contain_text("Below target")
    chart = measure.locator("svg.app-measure-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(1)
    expect(measure.locator("table")).to_contain_text("Strategy discussion audit, September")
    shot(page, "measure-on-the-action-page")
    check_axe(page, "action page with a measure")
    check_reflow(page, "action page with a measure")
