"""The GOV.UK character count in the browser: the count message follows what is typed, and text over
the limit is still refused by the server with everything typed kept."""

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import LIVE, shot, sign_in


def _open_action() -> int:
    from tracker.actions.models import Action
    from tracker.extensions import db

    with LIVE["app"].app_context():
        action_id = db.session.scalar(select(Action.id).where(Action.status == "in_progress")
                                      .order_by(Action.id).limit(1))
        db.session.remove()
    assert action_id
    return action_id


def test_the_count_follows_the_typing_and_the_server_still_refuses_too_much(page):
    action_id = _open_action()
    sign_in(page, "business.unit@example.org")
    page.goto(f"/actions/{action_id}/due-date")
    reason = page.get_by_label("Reason for the change")
    status = page.locator(".govuk-character-count__status")
    expect(status).to_have_text("You have 5,000 characters remaining")
    reason.fill("Staff away")
    expect(status).to_have_text("You have 4,990 characters remaining")
    reason.fill("x" * 5003)
    expect(status).to_have_text("You have 3 characters too many")
    expect(reason).to_have_class("govuk-textarea govuk-js-character-count govuk-textarea--error")
    shot(page, "character-count-too-many")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Move the due date").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The reason must be 5,000 characters or fewer")
    expect(page.get_by_label("Reason for the change")).to_have_value("x" * 5003)
    expect(page.locator(".govuk-character-count__status")).to_have_text("You have 3 characters too many")
