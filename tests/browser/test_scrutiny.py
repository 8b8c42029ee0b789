"""Scrutiny challenges and review clocks in a real browser, with screenshots in test-artifacts/."""

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import LIVE, shot, sign_in
from tests.browser.test_accessibility import check_axe


def _police_action_id() -> int:
    from tracker.actions.models import Action
    from tracker.extensions import db
    from tracker.users.models import Agency

    with LIVE["app"].app_context():
        police = db.session.scalar(select(Agency.id).where(Agency.short_name == "WMP"))
        found = db.session.scalar(select(Action.id).where(Action.owner_agency_id == police,
                                                          Action.status == "in_progress").order_by(Action.id).limit(1))
        db.session.remove()
    return found


def test_a_challenge_thread_between_the_scrutineer_and_the_police(page):
    action_id = _police_action_id()
    sign_in(page, "scrutineer@example.org")
    page.goto(f"/actions/{action_id}")
    page.get_by_role("link", name="Raise a challenge").click()
    page.get_by_role("button", name="Raise the challenge").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the challenge")
    page.get_by_label("Your challenge").fill(
        "The update says the MASH audit is complete. Show the audit findings and how many referrals were "
        "checked, and say what changed in practice as a result.")
    page.get_by_role("button", name="Raise the challenge").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("to West Midlands Police")
    url = page.url
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "police.lead@example.org")
    expect(page.locator("#challenges")).to_contain_text("(1)")
    page.goto(url)
    page.get_by_label("Your answer").fill(
        "The audit of 60 referrals is attached to the action as impact evidence. Threshold decisions were "
        "recorded in 55 of 60 (92%), up from 70% in the previous audit.")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your answer was sent")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "scrutineer@example.org")
    page.goto(url)
    page.get_by_label("Answer back").fill("Thank you. Please repeat the audit in six months and report the result.")
    page.get_by_role("button", name="Send to the agency").click()
    expect(page.locator(".app-thread__message")).to_have_count(3)
    check_axe(page, "challenge thread")
    shot(page, "challenge-thread")
    page.goto("/challenges/")
    shot(page, "challenges-list")


def test_admin_changes_a_review_clock_with_clear_errors(page):
    sign_in(page, "admin@example.org")
    page.goto("/admin/clocks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review clocks")
    shot(page, "admin-clocks")
    page.goto("/admin/clocks/rapid_review")
    page.locator("#rows-0-amount").fill("five")
    page.get_by_role("button", name="Save clocks").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Milestone 1: the time allowed must be a whole number, like 5")
    expect(page.locator("#rows-0-amount")).to_have_value("five")
    check_axe(page, "admin clock form with errors")
    shot(page, "admin-clock-form-errors")
    page.locator("#rows-0-amount").fill("5")
    page.get_by_role("button", name="Save clocks").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
