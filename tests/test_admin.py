import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from tracker.actions.models import Rating
from tracker.actions.ratings import rate
from tracker.audit.models import AuditRecord
from tracker.audit.queries import change_lines
from tracker.audit.services import log_event
from tracker.core.spreadsheets import neutralise
from tracker.extensions import db
from tracker.settings import load_settings
from tracker.users.models import Agency, Role, User


def sign_in(app, user, password: str = factories.PASSWORD) -> FlaskClient:
    """Another person's browser (its own cookies), signed in as `user`."""
    browser = app.test_client()
    response = browser.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302
    return browser


def body(response) -> str:
    return response.get_data(as_text=True)


NOT_ADMINS = [Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.BOARD_MEMBER, Role.SCRUTINEER]


def admin_urls(target_user: User, agency: Agency) -> list[str]:
    return ["/admin/", "/admin/users", "/admin/users/new", f"/admin/users/{target_user.id}",
            f"/admin/users/{target_user.id}/password", "/admin/agencies", "/admin/agencies/new",
            f"/admin/agencies/{agency.id}", "/admin/settings", "/admin/audit", "/admin/audit.csv"]


def test_admin_sees_every_admin_page(client, login_as):
    admin = login_as(Role.ADMIN)
    agency = factories.make_agency()
    db.session.commit()
    for url in admin_urls(admin, agency):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_other_roles_are_refused_everywhere_and_nothing_changes(client, login_as, role):
    user = login_as(role)
    target = factories.make_user(Role.BOARD_MEMBER, name="Target Person")
    agency = factories.make_agency(name="Untouched Agency")
    db.session.commit()
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditRecord))
    for url in admin_urls(target, agency):
        if role == Role.BUSINESS_UNIT and url.startswith("/admin/audit"):
            assert client.get(url).status_code == 200, url  # it reads the audit trail (issue 18)
            continue
        assert client.get(url).status_code == 403, url
    posts = {
        "/admin/users/new": {"name": "Sneaky", "email": "sneaky@example.org", "role": "admin",
                             "password": "a-long-enough-password"},
        f"/admin/users/{target.id}": {"name": "Renamed", "email": target.email, "role": "admin", "active": "y"},
        f"/admin/users/{user.id}": {"name": "Me", "email": user.email, "role": "admin", "active": "y"},
        f"/admin/users/{target.id}/password": {"password": "a-long-enough-password",
                                                "confirm": "a-long-enough-password"},
        "/admin/agencies/new": {"name": "Sneaky Agency", "short_name": "SNK", "kind": "agency", "active": "y"},
        f"/admin/agencies/{agency.id}": {"name": "Renamed Agency", "short_name": "RN", "kind": "agency"},
        "/admin/settings": {"at_risk_days": "200", "stale_update_days": "100", "evidence_max_mb": "5"},
        "/admin/": {}, "/admin/audit": {},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code in (403, 405), url
    db.session.expire_all()
    assert db.session.get(User, target.id).name == "Target Person"
    assert db.session.get(User, user.id).role == Role(role).value
    assert db.session.get(Agency, agency.id).name == "Untouched Agency"
    assert db.session.scalar(select(User).where(User.email == "sneaky@example.org")) is None
    assert db.session.scalar(select(Agency).where(Agency.name == "Sneaky Agency")) is None
    assert load_settings().at_risk_days == 28
    exported = 1 if role == Role.BUSINESS_UNIT else 0  # its audit export is itself audited
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == audit_rows + exported


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_overview_counts_roles_and_shows_settings(client, login_as):
    login_as(Role.ADMIN)
    factories.make_user(Role.SCRUTINEER)
    factories.make_user(Role.SCRUTINEER)
    factories.make_theme("Think family")
    db.session.commit()
    page = body(client.get("/admin/"))
    assert "Independent scrutineer" in page
    assert "Email reminders are not configured" in page
    assert "28 days" in page
    assert "1 theme" in page


def test_users_list_filters_searches_and_sorts(client, login_as):
    login_as(Role.ADMIN)
    police = factories.make_agency(name="West Midlands Police", short_name="WMP")
    factories.make_user(Role.AGENCY_LEAD, agency=police, name="Zara Police", email="zara@police.example.org")
    factories.make_user(Role.BOARD_MEMBER, name="Alan Board", email="alan@board.example.org")
    db.session.commit()
    page = body(client.get("/admin/users?role=agency_lead"))
    assert "Zara Police" in page and "Alan Board" not in page
    page = body(client.get(f"/admin/users?agency={police.id}"))
    assert "Zara Police" in page and "Alan Board" not in page
    page = body(client.get("/admin/users?q=BOARD.example"))
    assert "Alan Board" in page and "Zara Police" not in page
    page = body(client.get("/admin/users?sort=name&dir=desc"))
    assert page.index("Zara Police") < page.index("Alan Board")
    page = body(client.get("/admin/users?sort=email&dir=asc"))
    assert page.index("alan@board") < page.index("zara@police")
    page = body(client.get("/admin/users?sort=role&dir=desc"))
    assert page.index("Alan Board") < page.index("Zara Police")  # board_member after agency_lead, reversed
    for odd in ("?sort=nonsense&dir=sideways", "?page=999", "?page=x&agency=x", "?q=%25_",
                "?sort=last_sign_in&dir=desc", "?sort=last_sign_in&dir=asc"):
        assert client.get("/admin/users" + odd).status_code == 200


def test_create_user(client, login_as):
    login_as(Role.ADMIN)
    agency = factories.make_agency(name="Dudley Group NHS Foundation Trust")
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "name": "Priya Lead", "email": "Priya@Example.org", "role": "agency_lead", "agency_id": str(agency.id),
        "password": "twelve-chars-ok"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "priya@example.org"))
    assert user.agency_id == agency.id and user.role == "agency_lead"
    assert "Priya Lead" in body(client.get("/admin/users"))
    theirs = sign_in(client.application, user, password="twelve-chars-ok")
    assert theirs.get("/themes/").status_code == 200


def test_agency_lead_without_agency_shows_error_and_keeps_values(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data={
        "name": "Kim Typed", "email": "kim.typed@example.org", "role": "agency_lead", "agency_id": "",
        "password": "long-enough-password"})
    assert response.status_code == 200
    page = body(response)
    assert "Choose the agency this lead belongs to" in page
    assert 'value="Kim Typed"' in page and 'value="kim.typed@example.org"' in page
    assert 'value="agency_lead" checked' in page
    assert "govuk-error-summary" in page
    assert db.session.scalar(select(User).where(User.email == "kim.typed@example.org")) is None


def test_duplicate_email_and_short_password(client, login_as):
    login_as(Role.ADMIN)
    factories.make_user(Role.BOARD_MEMBER, email="taken@example.org")
    db.session.commit()
    page = body(client.post("/admin/users/new", data={
        "name": "Second", "email": "TAKEN@example.org", "role": "board_member", "password": "long-enough-password"}))
    assert "There is already an account with this email address." in page
    page = body(client.post("/admin/users/new", data={
        "name": "Shorty", "email": "shorty@example.org", "role": "board_member", "password": "short"}))
    assert "The password must be at least 12 characters long." in page
    assert 'value="Shorty"' in page
    page = body(client.post("/admin/users/new", data={"name": "", "email": "not-an-email", "role": "wizard"}))
    assert "Enter the person&#39;s full name" in page
    assert "Enter an email address in the correct format" in page
    assert "Choose a role" in page
    assert db.session.scalar(select(func.count()).select_from(User).where(User.name == "Shorty")) == 0


def test_edit_user_changes_role_and_agency(client, login_as):
    login_as(Role.ADMIN)
    agency = factories.make_agency()
    user = factories.make_user(Role.BOARD_MEMBER, name="Before")
    db.session.commit()
    page = body(client.get(f"/admin/users/{user.id}"))
    assert 'value="Before"' in page and 'value="board_member" checked' in page
    response = client.post(f"/admin/users/{user.id}", data={
        "name": "After", "email": user.email, "role": "agency_lead", "agency_id": str(agency.id), "active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert (changed.name, changed.role, changed.agency_id) == ("After", "agency_lead", agency.id)
    assert client.get("/admin/users/999999").status_code == 404


def test_disabling_a_user_ends_their_session(app, client, login_as):
    login_as(Role.ADMIN)
    victim = factories.make_user(Role.BOARD_MEMBER)
    db.session.commit()
    theirs = sign_in(app, victim)
    assert victim.name in body(theirs.get("/themes/"))
    response = client.post(f"/admin/users/{victim.id}", data={
        "name": victim.name, "email": victim.email, "role": "board_member"})  # active left unticked
    assert response.status_code == 302
    after = theirs.get("/themes/")
    assert after.status_code == 302 and "/sign-in" in after.headers["Location"]
    again = app.test_client().post("/sign-in", data={"email": victim.email, "password": factories.PASSWORD})
    assert again.status_code == 200  # a disabled account cannot sign in
    assert "Disabled" in body(client.get("/admin/users"))


def test_admin_cannot_disable_themselves_or_change_own_role(client, login_as):
    admin = login_as(Role.ADMIN)
    page = body(client.post(f"/admin/users/{admin.id}", data={
        "name": admin.name, "email": admin.email, "role": "board_member", "active": "y"}))
    assert "You cannot change your own role or disable your own account." in page
    page = body(client.post(f"/admin/users/{admin.id}", data={
        "name": admin.name, "email": admin.email, "role": "admin"}))
    assert "You cannot change your own role or disable your own account." in page
    db.session.expire_all()
    me = db.session.get(User, admin.id)
    assert me.active and me.role == "admin"
    assert client.get("/admin/").status_code == 200


def test_reset_password_ends_sessions(app, client, login_as):
    login_as(Role.ADMIN)
    user = factories.make_user(Role.SCRUTINEER)
    db.session.commit()
    theirs = sign_in(app, user)
    assert user.name in body(theirs.get("/themes/"))
    page = body(client.post(f"/admin/users/{user.id}/password", data={"password": "short", "confirm": "short"}))
    assert "The password must be at least 12 characters long." in page
    page = body(client.post(f"/admin/users/{user.id}/password",
                            data={"password": "a-brand-new-password", "confirm": "something-else-entirely"}))
    assert "The passwords do not match" in page
    response = client.post(f"/admin/users/{user.id}/password",
                           data={"password": "a-brand-new-password", "confirm": "a-brand-new-password"})
    assert response.status_code == 302
    assert theirs.get("/themes/").status_code == 302
    fresh = app.test_client()
    assert fresh.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD}).status_code == 200
    assert fresh.post("/sign-in", data={"email": user.email, "password": "a-brand-new-password"}).status_code == 302


def test_admin_resetting_own_password_stays_signed_in(client, login_as):
    admin = login_as(Role.ADMIN)
    assert client.get("/admin/").status_code == 200
    response = client.post(f"/admin/users/{admin.id}/password",
                           data={"password": "my-own-new-password", "confirm": "my-own-new-password"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_agencies_list_counts_users_and_open_actions(client, login_as):
    login_as(Role.ADMIN)
    police = factories.make_agency(name="West Midlands Police", short_name="WMP")
    health = factories.make_agency(name="Black Country Healthcare", short_name="BCHFT", kind="agency")
    factories.make_agency(name="National Panel", short_name="NP", kind="national")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police)
    factories.make_user(Role.AGENCY_LEAD, agency=police)
    factories.make_action(owner=police, lead=lead, status="open")
    factories.make_action(owner=police, lead=lead, status="in_progress")
    factories.make_action(owner=police, lead=lead, status="assured")
    factories.make_action(owner=health, status="draft")
    db.session.commit()
    page = body(client.get("/admin/agencies"))
    assert "National body" in page and "WMP" in page
    assert row_cells(page, "West Midlands Police")[3:5] == ["2 accounts in West Midlands Police", "2"]
    assert row_cells(page, "Black Country Healthcare")[3:5] == ["1 accounts in Black Country Healthcare", "0"]
    assert row_cells(page, "National Panel")[3:5] == ["0", "0"]


def row_cells(page: str, first_cell_text: str) -> list[str]:
    """The text of each cell in the table row that mentions `first_cell_text`."""
    start = page.rindex("<tr", 0, page.index(first_cell_text))
    row = page[start: page.index("</tr>", start)]
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def test_agency_create_edit_and_duplicates(client, login_as):
    login_as(Role.ADMIN)
    factories.make_agency(name="Dudley Council", short_name="DMBC")
    db.session.commit()
    response = client.post("/admin/agencies/new", data={
        "name": "West Midlands Police", "short_name": "WMP", "kind": "agency",
        "aliases": "Police\n\n  WM Police  \n", "active": "y"})
    assert response.status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.short_name == "WMP"))
    assert agency.aliases == ["Police", "WM Police"] and agency.active
    page = body(client.post("/admin/agencies/new", data={
        "name": "dudley council", "short_name": "DC2", "kind": "agency", "aliases": "Typed alias"}))
    assert "Another agency already uses" in page
    assert "Typed alias" in page
    page = body(client.post(f"/admin/agencies/{agency.id}", data={
        "name": "West Midlands Police", "short_name": "dmbc", "kind": "subgroup"}))
    assert "Another agency already uses" in page
    page = body(client.post("/admin/agencies/new", data={"name": "", "short_name": "", "kind": "planet"}))
    assert "Enter the agency&#39;s name" in page and "Choose the kind of owner" in page
    response = client.post(f"/admin/agencies/{agency.id}", data={
        "name": "West Midlands Police", "short_name": "WMP", "kind": "partnership", "aliases": ""})
    assert response.status_code == 302
    db.session.expire_all()
    agency = db.session.get(Agency, agency.id)
    assert agency.kind == "partnership" and agency.aliases == [] and not agency.active
    assert client.get("/admin/agencies/999999").status_code == 404


def test_an_agency_edit_records_only_what_changed(app):
    """The other names are read only when needed (a deferred column): an edit that keeps them must not
    be recorded as changing them from nothing, whoever calls the service."""
    from tracker.users.services import save_agency

    agency = factories.make_agency(name="West Midlands Police", short_name="WMP")
    agency.aliases = ["Police"]
    db.session.commit()
    db.session.expire_all()
    agency = db.session.get(Agency, agency.id)
    save_agency(agency, name="West Midlands Police", short_name="WM Police", kind="agency", aliases=["Police"])
    db.session.commit()
    record = db.session.scalars(select(AuditRecord).where(AuditRecord.object_type == "Agency")
                                .order_by(AuditRecord.id.desc())).first()
    assert record.changes == {"short_name": ["WMP", "WM Police"]}


SETTINGS = {"at_risk_days": "28", "stale_update_days": "90", "evidence_max_mb": "20", "summary_weekday": "0", "response_days": "28",
            "impact_review_months": "6",
            **{f"label_{k}": v for k, v in {"blue": "Blue", "red": "Red", "amber": "Amber", "green": "Green",
                                             "none": "Not rated"}.items()},
            **{f"definition_{k}": f"What {k} means." for k in ("blue", "red", "amber", "green", "none")}}


def test_settings_change_alters_a_rating(app, client, login_as, today):
    login_as(Role.ADMIN)
    action = factories.make_action(status="open", due_date=today + timedelta(days=60))
    db.session.commit()
    with app.app_context(), app.test_request_context():
        assert rate(action, today, load_settings()).rating is Rating.GREEN
    response = client.post("/admin/settings", data={**SETTINGS, "at_risk_days": "90", "label_amber": "At risk"})
    assert response.status_code == 302
    with app.app_context(), app.test_request_context():
        result = rate(action, today, load_settings())
    assert result.rating is Rating.AMBER
    assert result.reason.startswith("At risk:")
    page = body(client.get("/admin/settings"))
    assert 'value="90"' in page and 'value="At risk"' in page
    assert "Email reminders are not configured" in page
    assert "At risk" in body(client.get(f"/actions/{action.id}"))


@pytest.mark.parametrize("field, value, message", [
    ("at_risk_days", "0", "The at-risk window must be between 1 and 365 days"),
    ("at_risk_days", "366", "The at-risk window must be between 1 and 365 days"),
    ("at_risk_days", "ten", "The at-risk window must be a whole number of days"),
    ("stale_update_days", "731", "The longest time without an update must be between 1 and 730 days"),
    ("stale_update_days", "", "Enter the longest time without an update"),
    ("evidence_max_mb", "101", "The evidence upload limit must be between 1 and 100 MB"),
    ("label_red", "", "Enter a label for Red"),
    ("definition_green", "", "Enter what Green means"),
])
def test_bad_settings_are_refused_and_kept(client, login_as, field, value, message):
    login_as(Role.ADMIN)
    response = client.post("/admin/settings", data={**SETTINGS, "at_risk_days": "45", field: value})
    assert response.status_code == 200
    page = body(response)
    assert message in page
    if field != "at_risk_days":
        assert 'value="45"' in page
    assert load_settings().at_risk_days == 28


def test_audit_search_finds_a_sign_in(app, client, login_as):
    login_as(Role.ADMIN)
    someone = factories.make_user(Role.BOARD_MEMBER, email="searchable.person@example.org")
    db.session.commit()
    sign_in(app, someone)
    page = body(client.get("/admin/audit?actor=searchable.person&event=sign_in"))
    assert "searchable.person@example.org signed in" in page
    assert "Sign in" in page
    page = body(client.get("/admin/audit?actor=nobody-like-this"))
    assert "No audit records match this search." in page
    page = body(client.get(f"/admin/audit?object_type=User&object_id={someone.id}&event=create"))
    assert "searchable.person@example.org" in page  # the create record carries the email as a value


def test_audit_search_by_date_and_bad_input(client, login_as):
    login_as(Role.ADMIN)
    log_event("evidence_downloaded", summary="Old download")
    db.session.flush()
    old = db.session.scalar(select(AuditRecord).where(AuditRecord.summary == "Old download"))
    db.session.execute(AuditRecord.__table__.update().where(AuditRecord.id == old.id)
                       .values(at=datetime(2024, 1, 10, 12, tzinfo=UTC)))
    db.session.commit()
    page = body(client.get("/admin/audit?date_from=1&date_from=1&date_from=2024&date_to=31&date_to=1&date_to=2024"))
    assert "Old download" in page
    page = body(client.get("/admin/audit?date_from=11&date_from=1&date_from=2024"))
    assert "Old download" not in page
    response = client.get("/admin/audit?object_id=abc&date_from=31&date_from=2&date_from=2024"
                          "&date_to=1&date_to=1&date_to=2020")
    assert response.status_code == 200
    page = body(response)
    assert "Record ID must be a whole number" in page
    assert "From must be a real date" in page
    assert 'value="abc"' in page
    exported = client.get("/admin/audit.csv?object_id=abc")
    assert exported.status_code == 302 and "/admin/audit" in exported.headers["Location"]


def test_audit_rows_show_old_and_new_values(client, login_as):
    login_as(Role.ADMIN)
    agency = factories.make_agency(name="Old Name", short_name="OLD")
    db.session.commit()
    client.post(f"/admin/agencies/{agency.id}", data={"name": "New Name", "short_name": "OLD", "kind": "agency",
                                                      "active": "y"})
    page = body(client.get(f"/admin/audit?object_type=Agency&object_id={agency.id}&event=update"))
    assert "Old Name" in page and "New Name" in page
    assert "govuk-details" in page


def test_audit_export_neutralises_formulas(client, login_as):
    admin = login_as(Role.ADMIN)
    log_event("evidence_downloaded", summary="=cmd|' /C calc'!A0")
    log_event("evidence_downloaded", summary="+SUM(1,2)")
    log_event("evidence_downloaded", summary="plain text")
    db.session.commit()
    response = client.get("/admin/audit.csv?event=evidence_downloaded")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))  # a BOM, for Excel
    assert rows[0][:4] == ["When (UTC)", "Who", "From where", "Event"]
    summaries = [row[6] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in summaries and "'+SUM(1,2)" in summaries and "plain text" in summaries
    assert len(rows) == 4  # bounded by the search: no sign-in rows
    assert all(row[1] == "system job: background work" for row in rows[1:])  # logged outside any request
    exported = db.session.scalar(select(AuditRecord).where(AuditRecord.event == "audit_exported"))
    assert exported.actor_label == admin.email and "3 audit records" in exported.summary


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("+44", "'+44"), ("safe", "safe"),
    (None, ""), (12, "12"),
])
def test_safe_cell(value, expected):
    assert neutralise(value) == expected


def test_audit_records_cannot_be_changed_from_the_admin_pages(client, login_as):
    login_as(Role.ADMIN)
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/admin/audit").status_code == 405
    rules = [r for r in client.application.url_map.iter_rules() if r.endpoint.startswith("audit.")]
    assert sorted(r.rule for r in rules) == ["/admin/audit", "/admin/audit.<any(csv, xlsx):fmt>"]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


def test_change_lines_are_compact():
    assert change_lines({"name": ["Old", "New"]}) == [("name", "Old", "New")]
    assert change_lines({"short_name": [None, "WMP"]}, "create") == [("short name", None, "WMP")]
    assert change_lines({"aliases": [["A"], None]}, "delete") == [("aliases", '["A"]', None)]
    assert change_lines({"text": ["x" * 500, ""]})[0][1].endswith("…")
    assert change_lines({"text": ["x" * 500, ""]})[0][2] == "(empty)"


def test_agencies_list_sorts_by_a_column(client, login_as):
    login_as(Role.ADMIN)
    factories.make_agency("Alpha Trust", "ZZA")
    factories.make_agency("Zeta Police", "AAZ")
    db.session.commit()
    by_name = client.get("/admin/agencies?sort=name").get_data(as_text=True)
    by_short = client.get("/admin/agencies?sort=short_name").get_data(as_text=True)
    assert by_name.index("Alpha Trust") < by_name.index("Zeta Police")
    assert by_short.index("Zeta Police") < by_short.index("Alpha Trust")
    by_name_desc = client.get("/admin/agencies?sort=name&dir=desc").get_data(as_text=True)
    assert by_name_desc.index("Zeta Police") < by_name_desc.index("Alpha Trust")


def test_response_and_impact_review_settings_are_saved_and_checked(client, login_as):
    login_as(Role.ADMIN)
    page = body(client.get("/admin/settings"))
    assert "Time to respond to a published review" in page and "Impact review after assurance" in page
    response = client.post("/admin/settings", data={**SETTINGS, "response_days": "42", "impact_review_months": "0"})
    assert response.status_code == 200 and "the impact review interval" in body(response).lower()
    assert load_settings().impact_review_months == 6
    assert client.post("/admin/settings", data={**SETTINGS, "response_days": "42", "impact_review_months": "12"}
                       ).status_code == 302
    db.session.expire_all()
    from flask import g

    g.pop("tracker_settings", None)
    assert (load_settings().response_days, load_settings().impact_review_months) == (42, 12)


def test_audit_filter_with_a_blank_record_id_is_no_filter(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/admin/audit", query_string={"object_id": " "}).status_code == 200
