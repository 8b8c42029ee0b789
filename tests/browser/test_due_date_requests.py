"""A request for a new due date, end to end in the browser: the agency lead asks on the action page,
the business unit decides from its queue, and the lead sees the outcome. Screenshots of the lead's
form and the business unit's decision go to test-artifacts/."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import LIVE, shot, sign_in


def _police_action() -> int:
    from tracker.actions.models import Action, DueDateRequest
    from tracker.extensions import db
    from tracker.users.models import Agency

    with LIVE["app"].app_context():
        action_id = db.session.scalar(
            select(Action.id).join(Agency, Agency.id == Action.owner_agency_id)
            .where(Agency.short_name == "WMP", Action.status == "in_progress",
                   ~select(DueDateRequest.id).where(DueDateRequest.action_id == Action.id).exists())
            .order_by(Action.id.desc()).limit(1))
        db.session.remove()
    assert action_id
    return action_id


def test_lead_asks_for_a_new_due_date_and_the_business_unit_decides(page):
    action_id = _police_action()
    sign_in(page, "police.lead@example.org")
    page.goto(f"/actions/{action_id}")
    page.get_by_role("link", name="Ask for a new due date").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for a new due date")
    page.get_by_role("button", name="Send the request").click()  # empty: errors, typed values kept
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason the due date needs to move")
    page.goto(f"/actions/{action_id}/due-date-request")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("7")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Why does the due date need to move?").fill(
        "The MASH trainer is on long-term sick leave; the replacement starts in January.")
    shot(page, "due-date-request-lead-form")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to the business unit")
    expect(page.locator("#due-date-request")).to_contain_text("31 July 2027")
    shot(page, "due-date-request-lead-waiting")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "business.unit@example.org")
    page.get_by_role("link", name=re.compile(r"requests? for a new due date")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests for a new due date")
    page.locator(f"a[href='/actions/{action_id}/due-date-request/decision']").click()
    expect(page.locator("body")).to_contain_text("The MASH trainer is on long-term sick leave")
    page.get_by_label("Approve: move the due date").check()
    shot(page, "due-date-request-business-unit-decision")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("the due date has moved")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "police.lead@example.org")
    page.goto(f"/actions/{action_id}")
    expect(page.locator("#due-dates ~ table, #due-dates ~ div").first).to_contain_text("31 July 2027")
    expect(page.locator("body")).to_contain_text("Requested by")
    shot(page, "due-date-request-lead-sees-approval")
