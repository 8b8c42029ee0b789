"""Journeys a user would take, in headless Chromium against the app served on loopback, with
screenshots kept in test-artifacts/ for people to look at."""

import hashlib
import re

from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

DEMO_ROLES = {
    "admin": "admin@example.org",
    "business-unit": "business.unit@example.org",
    "agency-lead": "police.lead@example.org",
    "board-member": "board@example.org",
    "scrutineer": "scrutineer@example.org",
}


def test_each_role_has_its_own_home_page(page):
    for name, email in DEMO_ROLES.items():
        sign_in(page, email)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if name == "agency-lead":
            expect(page.get_by_role("heading", level=1)).to_contain_text("Your agency's actions")
            expect(page.locator("table")).to_contain_text("WMP")
        else:
            expect(page.get_by_role("heading", level=1)).to_contain_text("What needs attention")
        shot(page, f"home-{name}")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in to Follow Through")).to_be_visible()


def test_agency_lead_updates_an_overdue_action_with_evidence(page, tmp_path):
    sign_in(page, "health.lead@example.org")
    page.get_by_role("navigation").get_by_role("link", name="Actions", exact=True).click()
    page.get_by_label("Rating").select_option(label="Red")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]rating=red(&|$)"))
    expect(page.locator("body")).to_contain_text("Rating: Red")
    first = page.locator("table tbody tr").first
    expect(first).to_contain_text("Red")
    first.get_by_role("link").first.click()
    expect(page.locator("h1")).to_be_visible()
    action_url = page.url
    page.locator("a", has_text="Post an update").first.click()
    page.get_by_label(re.compile("Amber")).check()
    page.get_by_label("What has happened since the last update?").fill(
        "The refresher training was postponed twice; a new date is booked for March.")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    expect(page.locator("body")).to_contain_text("The refresher training was postponed twice")
    evidence = tmp_path / "attendance.csv"
    evidence.write_text("name,team\nA. Officer,Public protection\n")
    page.locator("a", has_text="Add evidence").first.click()
    page.get_by_label(re.compile("Completion: the action was done")).check()
    page.get_by_label("Title").fill("Training attendance register")
    page.get_by_label("Upload a file").set_input_files(str(evidence))
    page.get_by_role("button", name="Add evidence").click()
    page.goto(action_url)
    expect(page.locator("body")).to_contain_text("Training attendance register")
    shot(page, "action-page-agency-lead")


def test_a_form_with_errors_keeps_what_was_typed(page):
    sign_in(page, "health.lead@example.org")
    page.goto("/actions/?status=in_progress")
    page.locator("table tbody tr").first.get_by_role("link").first.click()
    page.locator("a", has_text="Post an update").first.click()
    page.get_by_label(re.compile("Red")).check()
    page.locator("#update_date-day").fill("31")
    page.locator("#update_date-month").fill("2")
    page.locator("#update_date-year").fill("2026")
    page.get_by_role("button", name="Post update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("must be a real date")
    expect(page.locator("#update_date-day")).to_have_value("31")
    expect(page.get_by_label(re.compile("Red"))).to_be_checked()
    shot(page, "form-errors")


def test_business_unit_creates_a_review_and_assures_an_action(page):
    sign_in(page, "business.unit@example.org")
    page.goto("/reviews/new")
    page.get_by_label("Reference").fill("LCSPR-2026-07")
    page.get_by_label("Title").fill("Child M")
    page.get_by_label(re.compile("Local child safeguarding practice review")).check()
    page.get_by_role("button", name="Save review").click()
    expect(page.locator("h1")).to_contain_text("Child M")
    page.locator("a", has_text="Add a recommendation").first.click()
    page.get_by_label("Number").fill("1")
    page.get_by_label("Recommendation", exact=True).fill(
        "West Midlands Police should make sure every domestic abuse referral names the children in the household.")
    page.get_by_role("radio", name=re.compile("^Partnership")).check()
    page.get_by_role("checkbox", name="West Midlands Police", exact=True).check()
    page.get_by_role("button", name="Save recommendation").click()
    page.locator("a", has_text="Add an action").first.click()
    page.get_by_label("Description of the action").fill("Audit 50 domestic abuse referrals for named children.")
    page.get_by_label("Owner").select_option(label="West Midlands Police")
    page.get_by_label("Lead").select_option(label="DI Chris Hall (WMP)")
    page.locator("#due_date-day").fill("31")
    page.locator("#due_date-month").fill("3")
    page.locator("#due_date-year").fill("2027")
    page.get_by_label("Success measure").fill("90% of referrals name every child.")
    page.get_by_role("button", name="Create action").click()
    expect(page.locator("body")).to_contain_text("Audit 50 domestic abuse referrals")
    page.goto("/actions/assurance")
    page.locator("table tbody tr").first.get_by_role("link").first.click()
    shot(page, "action-page-business-unit")
    page.locator("a", has_text="Accept or return").first.click()
    page.get_by_role("radio", name=re.compile("Accept")).first.check()
    page.get_by_label("Reason").fill("Re-audit across three localities shows the change is embedded.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("body")).to_contain_text("Blue")
    page.goto("/reviews/")
    page.locator("a", has_text="SCR-2016-01").first.click()
    shot(page, "review-page")


def test_business_unit_generates_a_report_and_a_board_member_downloads_it(page):
    sign_in(page, "business.unit@example.org")
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name="Generate a report").click()
    page.locator("#as_at-day").fill("25")
    page.locator("#as_at-month").fill("11")
    page.locator("#as_at-year").fill("2026")
    # The test app's queue runs the job inside the request: the click waits for the whole PDF, which
    # takes longer than a click's usual 10 s on two busy cores (a real queue answers at once).
    page.get_by_role("button", name="Generate the report").click(timeout=90000)
    expect(page.locator(".govuk-panel__title")).to_have_text("The report is ready", timeout=60000)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "board@example.org")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("link", name="Generate a report")).to_have_count(0)  # board members only read
    archive = page.locator("table tbody tr").first
    expect(archive).to_contain_text("25 November 2026")
    expect(archive).to_contain_text("Ready")
    archive.get_by_role("link").first.click()
    shot(page, "report-page-board-member")
    sha256 = page.locator(".app-hash").inner_text().strip()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the PDF")).click()
    download = download_info.value
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == sha256  # the archived bytes, unchanged
    assert download.suggested_filename.endswith(".pdf")
