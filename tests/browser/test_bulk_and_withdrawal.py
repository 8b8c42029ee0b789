"""Issue 18 in the browser: a bulk change of due dates with its preview, and a withdrawn update; axe
finds nothing on the new pages. Screenshots go to test-artifacts/."""

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import LIVE, shot, sign_in
from tests.browser.test_accessibility import check_axe


def test_business_unit_moves_due_dates_in_bulk_after_a_preview(page):
    sign_in(page, "business.unit@example.org")
    page.goto("/actions/?status=open")
    boxes = page.locator("input[name='action_id']")
    expect(boxes.first).to_be_visible()
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Change the selected actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change 2 selected actions")
    check_axe(page, "bulk change: choose")
    page.get_by_label("Move the due dates").check()
    page.get_by_role("button", name="Preview the change").click()  # no date or reason: errors, nothing lost
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the new due date")
    check_axe(page, "bulk change: choose with errors")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Reason the due dates are moving").fill("The new neglect procedure is delayed by a quarter.")
    page.get_by_role("button", name="Preview the change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the change: move the due dates")
    expect(page.locator("table").first).to_contain_text("30 June 2027")
    check_axe(page, "bulk change: preview")
    shot(page, "bulk-change-preview")
    page.get_by_role("button", name="Confirm the change").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 actions changed")


def _action_with_update() -> int:
    from tracker.actions.models import Action, ProgressUpdate
    from tracker.extensions import db

    with LIVE["app"].app_context():
        action_id = db.session.scalar(
            select(Action.id).join(ProgressUpdate, ProgressUpdate.action_id == Action.id)
            .where(Action.status == "in_progress", ProgressUpdate.withdrawn_at.is_(None))
            .order_by(Action.id).limit(1))
        db.session.remove()
    assert action_id
    return action_id


def test_business_unit_withdraws_a_mistaken_update(page):
    action_id = _action_with_update()
    sign_in(page, "business.unit@example.org")
    page.goto(f"/actions/{action_id}")
    link = page.locator(f"a[href^='/actions/{action_id}/updates/']").first
    href = link.get_attribute("href")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw this update")
    page.get_by_role("button", name="Withdraw it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for withdrawing it")
    check_axe(page, "withdraw an update, with errors")
    page.get_by_label("Why are you withdrawing it?").fill("Posted on the wrong action by mistake.")
    shot(page, "withdraw-update")
    page.get_by_role("button", name="Withdraw it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The update was withdrawn")
    expect(page.locator(f"a[href='{href}']")).to_have_count(0)


def _ids() -> tuple[int, int]:
    from tracker.recommendations.models import Recommendation
    from tracker.extensions import db
    from tracker.users.models import User

    with LIVE["app"].app_context():
        rec = db.session.scalar(select(Recommendation.id).order_by(Recommendation.id).limit(1))
        lead = db.session.scalar(select(User.id).where(User.email == "police.lead@example.org"))
        db.session.remove()
    return rec, lead


def test_the_other_new_pages_pass_axe(page):
    rec, lead = _ids()
    sign_in(page, "business.unit@example.org")
    page.goto(f"/recommendations/{rec}/actions-per-agency")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add one action per agency")
    check_axe(page, "one action per agency")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "admin@example.org")
    page.goto(f"/admin/users/{lead}/hand-over")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hand over")
    check_axe(page, "hand-over")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "police.lead@example.org")
    page.goto("/account/deputies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your deputy")
    check_axe(page, "deputies")


def _police_action() -> int:
    """A West Midlands Police action, which the police lead may see (so a mention reaches them)."""
    from tracker.actions.models import Action
    from tracker.extensions import db
    from tracker.users.models import Agency

    with LIVE["app"].app_context():
        action_id = db.session.scalar(select(Action.id).join(Agency, Agency.id == Action.owner_agency_id)
                                      .where(Agency.short_name == "WMP").order_by(Action.id).limit(1))
        db.session.remove()
    assert action_id
    return action_id


def test_a_comment_with_a_mention_sends_an_email(page, tmp_path):
    from tests.smtp_server import SMTPServer

    action_id = _police_action()
    with SMTPServer(tmp_path) as server:
        saved = {key: LIVE["app"].config.get(key) for key in server.config()}
        LIVE["app"].config.update(server.config())
        try:
            sign_in(page, "business.unit@example.org")
            page.goto(f"/actions/{action_id}")
            page.get_by_role("link", name="The whole story of this action in one timeline").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
            check_axe(page, "timeline")
            page.get_by_label("Add a comment").fill("@police.lead@example.org can you add the audit results?")
            page.get_by_role("button", name="Post the comment").click()
            expect(page.locator(".govuk-notification-banner")).to_contain_text("DI Chris Hall told")
            expect(page.locator(".app-timeline")).to_contain_text("can you add the audit results?")
            shot(page, "timeline-with-comment")
        finally:
            LIVE["app"].config.update(saved)
        assert [m["To"] for m in server.messages] == ["DI Chris Hall <police.lead@example.org>"]
        assert "can you add the audit results?" in server.messages[0].get_body().get_content()
