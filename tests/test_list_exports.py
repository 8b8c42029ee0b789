"""Issue 18 point 3: every list exports as CSV and XLSX as it is filtered and sorted (every row, not one
page), with typed cells, a frozen header with filters, the page's permissions and an audit record.
The actions, reviews and themes lists and the assurance queue are tested beside them; the library and
search results in their own files."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from tests import factories
from tests.spreadsheet_reading import csv_rows, xlsx_rows
from tracker.actions import services as actions
from tracker.audit.models import AuditRecord
from tracker.challenges.services import raise_challenge
from tracker.extensions import db
from tracker.rounds.services import open_round
from tracker.users.models import Role

TODAY = factories.TODAY


def _exports(event_summary_start: str) -> list[str]:
    return db.session.scalars(select(AuditRecord.summary).where(AuditRecord.event == "export",
                                                                AuditRecord.summary.startswith(event_summary_start))).all()


def test_due_date_requests_export_every_waiting_request_oldest_first(app, client, login_as):
    police = factories.make_agency("Police", "POL")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police, name="Pat Lead")
    first = factories.make_action(owner=police, lead=lead, status="in_progress", description="=Train sergeants")
    second = factories.make_action(owner=police, lead=lead, status="in_progress", description="Audit files")
    actions.request_due_date(first, TODAY + timedelta(days=200), "Training slots are full.", lead, TODAY)
    actions.request_due_date(second, TODAY + timedelta(days=150), "Auditor on leave.", lead, TODAY)
    db.session.commit()
    app.config["PAGE_SIZE"] = 1  # the page shows one; the export has both
    login_as(Role.BUSINESS_UNIT)
    page = client.get("/actions/due-date-requests").get_data(as_text=True)
    assert "/actions/due-date-requests/export.csv" in page and "these 2 requests" in page
    rows = csv_rows(client.get("/actions/due-date-requests/export.csv"))
    assert rows[0] == ["Asked", "Asked by", "Reference", "Review", "Action", "Owner", "Due", "Asked for", "Reason"]
    assert [row[4] for row in rows[1:]] == ["'=Train sergeants", "Audit files"]  # never a formula
    assert rows[1][1] == "Pat Lead" and rows[1][5] == "Police" and rows[1][8] == "Training slots are full."
    assert rows[1][7] == (TODAY + timedelta(days=200)).isoformat()
    sheet = xlsx_rows(client.get("/actions/due-date-requests/export.xlsx"))
    assert isinstance(sheet[1][0], datetime) and sheet[1][7] == datetime.combine(TODAY + timedelta(days=200),
                                                                                 datetime.min.time())
    assert _exports("Requests for a new due date list exported as") == [
        "Requests for a new due date list exported as CSV", "Requests for a new due date list exported as XLSX"]


def test_impact_reviews_due_export_longest_waiting_first_with_the_lead(client, login_as):
    health = factories.make_agency("Health trust", "NHS")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=health, name="Sam Nurse")
    later = factories.make_action(owner=health, lead=lead, status="assured", description="Later review")
    sooner = factories.make_action(owner=health, lead=lead, status="assured", description="Sooner review")
    not_yet = factories.make_action(owner=health, lead=lead, status="assured", description="Not due")
    later.impact_review_date, sooner.impact_review_date = TODAY - timedelta(days=3), TODAY - timedelta(days=30)
    not_yet.impact_review_date = TODAY + timedelta(days=30)
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    rows = xlsx_rows(client.get("/actions/impact-reviews/export.xlsx"))
    assert rows[0][:6] == ("Review due", "Reference", "Review", "Action", "Owner", "Lead")
    assert [(row[0].date(), row[3], row[5]) for row in rows[1:]] == [
        (TODAY - timedelta(days=30), "Sooner review", "Sam Nurse"), (TODAY - timedelta(days=3), "Later review", "Sam Nurse")]


def test_round_exports_carry_the_pages_counts_and_filters_and_a_lead_sees_their_agency(app, client, login_as):
    police, health = factories.make_agency("Police", "POL"), factories.make_agency("Health trust", "NHS")
    police_lead = factories.make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police")
    factories.make_action(owner=police, lead=police_lead, status="in_progress", description="Police action")
    health_action = factories.make_action(owner=health, status="in_progress", description="Health action")
    staff = factories.make_user(Role.BUSINESS_UNIT)
    round_ = open_round(name="Before the March board", deadline=TODAY + timedelta(days=14), by=staff, today=TODAY)
    actions.record_progress(health_action, by=factories.make_user(Role.AGENCY_LEAD, agency=health),
                            narrative="Done the training.", proposed_rating="green", update_date=TODAY, today=TODAY)
    db.session.commit()

    login_as(Role.BUSINESS_UNIT, user=staff)
    assert csv_rows(client.get("/update-rounds/export.csv"))[1] == [
        "Before the March board", TODAY.isoformat(), (TODAY + timedelta(days=14)).isoformat(), "Open", "", "2", "1", "1",
        "50"]
    everyone = csv_rows(client.get(f"/update-rounds/{round_.id}/export.csv?state=all"))
    assert [(row[2], row[3]) for row in everyone[1:]] == [("Health action", "Health trust"),
                                                            ("Police action", "Police")]  # by agency
    outstanding = xlsx_rows(client.get(f"/update-rounds/{round_.id}/export.xlsx"))  # the page's default filter
    assert [row[2] for row in outstanding[1:]] == ["Police action"]
    page = client.get(f"/update-rounds/{round_.id}?state=all").get_data(as_text=True)
    assert f"/update-rounds/{round_.id}/export.csv?state=all" in page

    lead_browser = app.test_client()
    login_as(Role.AGENCY_LEAD, user=police_lead, client=lead_browser)
    assert csv_rows(lead_browser.get("/update-rounds/export.csv"))[1][5:] == ["1", "0", "1", "0"]  # their agency's
    mine = csv_rows(lead_browser.get(f"/update-rounds/{round_.id}/export.csv?state=all&agency={health.id}"))
    assert [row[2] for row in mine[1:]] == ["Police action"]  # another agency's filter is ignored


def test_challenges_export_obeys_the_filters_and_an_agency_leads_visibility(app, client, login_as):
    police, health = factories.make_agency("Police", "POL"), factories.make_agency("Health trust", "NHS")
    scrutineer = factories.make_user(Role.SCRUTINEER, name="Sol Scrutineer")
    police_action = factories.make_action(owner=police, status="in_progress", description="Police action")
    health_action = factories.make_action(owner=health, status="in_progress", description="Health action")
    raise_challenge(police_action, agency=police, by=scrutineer, text="Where is the audit?")
    raise_challenge(health_action, agency=health, by=scrutineer, text="Who checked this?")
    db.session.commit()

    login_as(Role.BUSINESS_UNIT)
    rows = csv_rows(client.get("/challenges/export.csv"))
    assert rows[0] == ["Challenge", "About", "Review", "Addressed to", "Raised", "Raised by", "Status", "Closed",
                       "Days open"]
    assert sorted(row[3] for row in rows[1:]) == ["Health trust", "Police"]
    assert rows[1][5] == "Sol Scrutineer"
    only_police = xlsx_rows(client.get(f"/challenges/export.xlsx?agency={police.id}"))
    assert [row[3] for row in only_police[1:]] == ["Police"] and isinstance(only_police[1][0], int)
    assert csv_rows(client.get("/challenges/export.csv?status=closed"))[1:] == []

    lead_browser = app.test_client()
    login_as(Role.AGENCY_LEAD, agency=health, client=lead_browser)
    assert [row[3] for row in csv_rows(lead_browser.get(f"/challenges/export.csv?agency={police.id}"))[1:]] == [
        "Health trust"]


def test_admin_lists_export_as_filtered_and_sorted(client, login_as):
    police = factories.make_agency("Police", "POL")
    factories.make_agency("Youth offending", "YOT")
    factories.make_user(Role.AGENCY_LEAD, agency=police, name="Ann Police")
    factories.make_user(Role.AGENCY_LEAD, agency=police, name="Bob Police", active=False)
    factories.make_action(owner=police, status="in_progress")
    db.session.commit()
    login_as(Role.ADMIN)
    users = csv_rows(client.get(f"/admin/users/export.csv?agency={police.id}&q=police&sort=name&dir=desc"))
    assert users[0] == ["Name", "Email", "Role", "Agency", "Status", "Last signed in"]
    assert [(row[0], row[3], row[4]) for row in users[1:]] == [("Bob Police", "Police", "Disabled"),
                                                                ("Ann Police", "Police", "Active")]
    owners = xlsx_rows(client.get("/admin/agencies/export.xlsx?q=pol"))
    assert owners[0] == ("Name", "Short name", "Kind", "Accounts", "Open actions", "Status")
    assert owners[1][:5] == ("Police", "POL", "Agency", 3, 1)  # two named here, the action's worker
    assert len(owners) == 2
    page = client.get("/admin/agencies?q=pol").get_data(as_text=True)
    assert "/admin/agencies/export.xlsx?q=pol" in page


def test_the_audit_trail_exports_as_xlsx_with_times_as_dates(client, login_as):
    login_as(Role.BUSINESS_UNIT)
    rows = xlsx_rows(client.get("/admin/audit.xlsx?event=sign_in"))
    assert rows[0][:4] == ("When (UTC)", "Who", "From where", "Event")
    assert len(rows) >= 2 and all(row[3] == "sign_in" for row in rows[1:])
    assert isinstance(rows[1][0], datetime)
    assert "audit.xlsx" in client.get("/admin/audit?event=sign_in").get_data(as_text=True)


def test_exports_are_refused_to_roles_that_cannot_read_the_list(client, login_as):
    login_as(Role.AGENCY_LEAD)
    for path in ("/actions/due-date-requests/export.csv", "/actions/impact-reviews/export.xlsx",
                 "/admin/users/export.csv", "/admin/agencies/export.csv", "/admin/audit.xlsx"):
        assert client.get(path).status_code == 403, path
    assert client.get("/update-rounds/export.pdf").status_code == 404


def test_an_export_is_every_row_not_one_page(app, client, login_as):
    police = factories.make_agency("Police", "POL")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police)
    recommendation = factories.make_recommendation(addressees=[police])
    for n in range(12):
        action = factories.make_action(owner=police, lead=lead, status="in_progress", recommendation=recommendation,
                                       description=f"Action {n:02}")
        actions.request_due_date(action, TODAY + timedelta(days=100 + n), f"Reason {n}", lead, TODAY)
    db.session.commit()
    app.config["PAGE_SIZE"] = 5
    login_as(Role.BUSINESS_UNIT)
    rows = csv_rows(client.get("/actions/due-date-requests/export.csv"))
    assert [row[4] for row in rows[1:]] == [f"Action {n:02}" for n in range(12)]
    assert date.fromisoformat(rows[-1][7]) == TODAY + timedelta(days=111)
