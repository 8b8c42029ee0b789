"""The update round page, reminders on the action page and the admin mail status, as people see them
(screenshots in test-artifacts/)."""

from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_TODAY, LIVE, shot, sign_in


def test_business_unit_opens_a_round_and_sees_who_has_responded(page, tmp_path):
    sign_in(page, "business.unit@example.org")
    page.get_by_role("link", name="Rounds", exact=True).first.click()
    shot(page, "rounds-index-empty")
    page.get_by_role("link", name="Open a round").click()
    page.get_by_role("button", name="Open the round and ask for updates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the round")
    page.get_by_label("Name of the round").fill("Quarter 3 update for the March board")
    page.locator("#deadline-day").fill("9")
    page.locator("#deadline-month").fill("12")
    page.locator("#deadline-year").fill("2026")
    page.get_by_role("button", name="Open the round and ask for updates").click()
    expect(page.locator("h1")).to_have_text("Quarter 3 update for the March board")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Round opened")
    shot(page, "round-page-business-unit")

    # A lead answers for one action; the reminder run lists the rest for them.
    from tests.smtp_server import SMTPServer
    from tracker.extensions import db
    from tracker.reminders.services import send_reminders
    from tracker.settings import Settings

    app = LIVE["app"]
    with SMTPServer(tmp_path) as server, app.app_context():
        saved = {k: app.config.get(k) for k in server.config()}
        app.config.update(server.config())
        try:
            result = send_reminders(BROWSER_TODAY, Settings(), on_recorded=db.session.commit)
        finally:
            app.config.update(saved)
            db.session.remove()
        assert result.ok and result.sent and server.messages
    page.goto(page.url)
    shot(page, "round-page-after-reminders")

    from tests.browser.test_accessibility import check_axe, check_reflow

    check_axe(page, "update round page")
    check_reflow(page, "update round page")
    page.goto(page.url + "/close")
    check_axe(page, "close round page")


def test_reminders_sent_are_listed_on_the_action_page(page):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.reminders.models import ReminderItem

    app = LIVE["app"]
    with app.app_context():
        action_id = db.session.scalar(select(ReminderItem.action_id).where(ReminderItem.section == "overdue").limit(1))
        db.session.remove()
    assert action_id, "run after the round test, which sends reminders"
    sign_in(page, "business.unit@example.org")
    page.goto(f"/actions/{action_id}#reminders")
    expect(page.locator("#reminders")).to_have_text("Reminders sent")
    expect(page.locator("table", has_text="Reminder to the lead")).to_be_visible()
    page.locator("#reminders").scroll_into_view_if_needed()
    shot(page, "action-reminders-sent")


def test_the_admin_page_says_whether_email_is_configured(page):
    sign_in(page, "admin@example.org")
    page.goto("/admin/")
    expect(page.locator("main")).to_contain_text("Email reminders are not configured")
    shot(page, "admin-mail-status")


def test_an_agency_lead_sees_their_own_agency_in_the_round(page):
    sign_in(page, "health.lead@example.org")
    page.get_by_role("link", name="Rounds", exact=True).first.click()
    page.get_by_role("link", name="Quarter 3 update for the March board").click()
    expect(page.locator("main")).to_contain_text("Black Country Partnership NHS Foundation Trust")
    expect(page.locator("main")).not_to_contain_text("West Midlands Police")
    expect(page.get_by_role("link", name="Close the round")).to_have_count(0)
    shot(page, "round-page-agency-lead")
