"""The action pages: list, queue, action page and every workflow form, for each role."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import event, func, select
from werkzeug.datastructures import MultiDict

from tests import factories
from tests.markup import select_options as _options
from tracker.actions.models import Action, ActionStatus, DueDateChange, ProgressUpdate
from tracker.core.clock import LONDON
from tracker.extensions import db
from tracker.users.models import Role

READERS = (Role.BOARD_MEMBER, Role.SCRUTINEER)
STAFF = (Role.ADMIN, Role.BUSINESS_UNIT)


@pytest.fixture
def sign_in(client, login_as):
    """Sign in as a new user, signing out whoever was signed in first (the sign-in page sends a
    signed-in user home without switching)."""

    def _sign_in(*args, **kw):
        client.post("/sign-out")
        return login_as(*args, **kw)

    return _sign_in


def _action(**kw) -> Action:
    action = factories.make_action(**kw)
    db.session.commit()
    return action


def _body(response) -> str:
    return response.get_data(as_text=True)


def _date(d) -> list[tuple[str, str]]:
    return [("due_date", str(d.day)), ("due_date", str(d.month)), ("due_date", str(d.year))]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- list ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*STAFF, *READERS])
def test_list_shows_every_agency_to_reading_roles(client, sign_in, role):
    a = _action(description="Police neglect training")
    b = _action(description="Health genogram audit")
    sign_in(role)
    body = _body(client.get("/actions/"))
    assert a.description in body and b.description in body
    assert "2 actions" in body
    assert 'name="agency"' in body


def test_agency_lead_sees_only_own_agency_even_when_asking_for_another(client, sign_in):
    mine = _action(description="Our own action")
    theirs = _action(description="Another agency's secret action")
    sign_in(Role.AGENCY_LEAD, agency=mine.owner_agency)
    for url in ("/actions/", f"/actions/?agency={theirs.owner_agency_id}", "/actions/?sort=agency&dir=desc"):
        response = client.get(url)
        body = _body(response)
        assert response.status_code == 200
        assert "Our own action" in body
        assert "secret action" not in body
        assert 'name="agency"' not in body  # no owner filter for a lead


def test_rating_filter_shows_only_red(client, sign_in, today):
    _action(description="Overdue thing", due_date=today - timedelta(days=3))
    _action(description="Comfortable thing", due_date=today + timedelta(days=200))
    sign_in(Role.BUSINESS_UNIT)
    body = _body(client.get("/actions/?rating=red"))
    assert "Overdue thing" in body and "Comfortable thing" not in body
    assert "1 action" in body
    assert "Rating: Red" in body and "Clear filters" in body
    assert "Red: due 30 May 2025, 3 days ago" in body


def test_due_before_accepts_iso_and_boxes_and_reports_bad_dates(client, sign_in, today):
    _action(description="Soon thing", due_date=today + timedelta(days=10))
    _action(description="Later thing", due_date=today + timedelta(days=100))
    sign_in(Role.BUSINESS_UNIT)
    limit = today + timedelta(days=20)
    for query in (f"due_before={limit.isoformat()}",
                  f"due_before={limit.day}&due_before={limit.month}&due_before={limit.year}"):
        body = _body(client.get(f"/actions/?{query}"))
        assert "Soon thing" in body and "Later thing" not in body, query
        assert "Due on or before 22 June 2025" in body
    for bad in ("due_before=31&due_before=2&due_before=2025", "due_before=2025-02-31", "due_before=soon"):
        response = client.get(f"/actions/?{bad}")
        assert response.status_code == 200
        body = _body(response)
        assert "Due on or before must" in body, bad
        assert "Soon thing" in body and "Later thing" in body  # the bad filter is ignored, not fatal


def test_other_filters_and_junk_values_do_not_fail(client, sign_in):
    a = _action(description="Reviewed thing")
    _action(description="Other thing")
    theme = factories.make_theme("Professional curiosity")
    a.recommendation.themes.append(theme)
    db.session.commit()
    sign_in(Role.BUSINESS_UNIT)
    body = _body(client.get(f"/actions/?review={a.review_id}"))
    assert "Reviewed thing" in body and "Other thing" not in body
    body = _body(client.get(f"/actions/?theme={theme.id}"))
    assert "Reviewed thing" in body and "Other thing" not in body
    assert "Theme: Professional curiosity" in body
    body = _body(client.get("/actions/?status=in_progress"))
    assert "0 actions" in body and "No actions match" in body
    for junk in ("agency=abc", "review=-1", "rating=purple", "sort=drop", "dir=sideways", "page=x", "page=999"):
        assert client.get(f"/actions/?{junk}").status_code == 200, junk


def test_sorting_by_due_date_both_ways(client, sign_in, today):
    for n, days in ((1, 50), (2, 10), (3, 30)):
        _action(description=f"Thing {n}", due_date=today + timedelta(days=days))
    sign_in(Role.BUSINESS_UNIT)
    body = _body(client.get("/actions/?sort=due&dir=asc"))
    assert body.index("Thing 2") < body.index("Thing 3") < body.index("Thing 1")
    assert 'aria-sort="ascending"' in body
    body = _body(client.get("/actions/?sort=due&dir=desc"))
    assert body.index("Thing 1") < body.index("Thing 3") < body.index("Thing 2")
    body = _body(client.get("/actions/?sort=rating"))
    assert body.index("Thing 2") < body.index("Thing 1")  # amber (due soon) before green


def test_list_is_paginated(app, client, sign_in):
    app.config["PAGE_SIZE"] = 2
    for n in range(5):
        _action(description=f"Paged thing {n}")
    sign_in(Role.BUSINESS_UNIT)
    body = _body(client.get("/actions/"))
    assert "5 actions" in body and body.count("Paged thing") == 2
    assert "page=3" in body
    assert _body(client.get("/actions/?page=3")).count("Paged thing") == 1


def test_list_query_count_does_not_grow_with_actions(client, sign_in):
    sign_in(Role.BUSINESS_UNIT)

    def queries_for_list() -> int:
        statements = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        client.get("/actions/")  # warm up
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/actions/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    for _ in range(2):
        _action(lead=factories.make_user(Role.AGENCY_LEAD))
    few = queries_for_list()
    for _ in range(12):
        _action(lead=factories.make_user(Role.AGENCY_LEAD))
    assert queries_for_list() == few
    assert few <= 8  # user, settings, agencies, reviews, themes for the filters, count, page ids, page rows


# --- assurance queue -------------------------------------------------------------------------------------


def test_queue_lists_submitted_oldest_first_for_staff(client, sign_in):
    first = _action(status="submitted", description="Submitted first")
    second = _action(status="submitted", description="Submitted second")
    _action(status="in_progress", description="Still going")
    sign_in(Role.BUSINESS_UNIT)
    response = client.get("/actions/assurance")
    body = _body(response)
    assert response.status_code == 200
    assert body.index("Submitted first") < body.index("Submitted second")
    assert "Still going" not in body
    assert first.submitted_by.name in body
    assert f"/actions/{second.id}/decide" in body
    assert "2 actions waiting" in body


def test_the_queue_exports_in_its_order_with_when_each_was_submitted(client, sign_in):
    first = _action(status="submitted", description="Submitted first")
    second = _action(status="submitted", description="Submitted second")
    first.submitted_at = second.submitted_at + timedelta(hours=1)  # now the later one
    _action(status="in_progress", description="Still going")
    db.session.commit()
    sign_in(Role.BUSINESS_UNIT)
    assert "/actions/assurance/export.csv" in _body(client.get("/actions/assurance"))
    rows = list(csv.reader(io.StringIO(client.get("/actions/assurance/export.csv").get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "Reference" and rows[0][-1] == "Submitted"
    assert [row[5] for row in rows[1:]] == ["Submitted second", "Submitted first"]
    xlsx = client.get("/actions/assurance/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    xlsx.close()
    values = list(sheet.iter_rows(values_only=True))
    assert [row[5] for row in values[1:]] == ["Submitted second", "Submitted first"]
    submitted = values[1][-1]
    assert submitted.date() == second.submitted_at.astimezone(LONDON).date() and submitted.tzinfo is None


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, *READERS])
def test_queue_refused_to_other_roles(client, sign_in, role):
    sign_in(role)
    assert client.get("/actions/assurance").status_code == 403
    assert client.get("/actions/assurance/export.csv").status_code == 403


# --- action page -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*STAFF, *READERS, "own_lead"])
def test_action_page_renders_for_allowed_roles(client, sign_in, role):
    action = _action(status="in_progress", description="Rewrite the neglect toolkit")
    factories.make_evidence(action, action.updates[0].author, kind="impact", link="https://example.org/audit")
    db.session.commit()
    if role == "own_lead":
        sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    else:
        sign_in(role)
    body = _body(client.get(f"/actions/{action.id}"))
    assert "Rewrite the neglect toolkit" in body
    assert action.recommendation.text in body
    assert "Under way." in body  # the progress update
    assert 'href="https://example.org/audit" rel="noopener noreferrer"' in body
    assert "Original due date" in body and "Status history" in body
    works = role in STAFF or role == "own_lead"
    assert ("Post an update" in body) is works
    assert ("Add evidence" in body) is works
    assert ("Withdraw or supersede" in body) is (role in STAFF)
    assert (f"/actions/{action.id}/edit" in body) is (role in STAFF)


def test_action_page_is_404_for_another_agency_lead(client, sign_in):
    action = _action(description="A confidential health action about Child T")
    sign_in(Role.AGENCY_LEAD)
    response = client.get(f"/actions/{action.id}")
    assert response.status_code == 404
    assert "confidential health action" not in _body(response)
    assert client.get("/actions/999999").status_code == 404


def test_completed_late_and_due_date_history_are_shown(client, sign_in, today):
    action = _action(status="open", due_date=today + timedelta(days=40))
    staff = sign_in(Role.BUSINESS_UNIT)
    client.post(f"/actions/{action.id}/due-date",
                data=MultiDict([*_date(today + timedelta(days=70)), ("reason", "Waiting for the audit tool")]))
    body = _body(client.get(f"/actions/{action.id}"))
    assert '<time datetime="2025-07-12">12 July 2025</time> to <time datetime="2025-08-11">' in body
    assert "Waiting for the audit tool" in body and staff.name in body
    assert "Completed late" not in body


# --- create and edit -------------------------------------------------------------------------------------


def test_new_action_form_defaults_owner_and_creates_an_open_action(client, sign_in, today):
    subgroup = factories.make_agency(kind="subgroup")
    police = factories.make_agency("West Midlands Police", "WMP")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=police)
    rec = factories.make_recommendation(addressees=[subgroup, police], text="Think fathers.")
    db.session.commit()
    sign_in(Role.BUSINESS_UNIT)
    body = _body(client.get(f"/actions/new?recommendation_id={rec.id}"))
    assert "Think fathers." in body
    assert f'<option value="{police.id}" selected' in body
    assert f"{lead.name} (WMP)" in body
    due = today + timedelta(days=60)
    response = client.post(f"/actions/new?recommendation_id={rec.id}", data=MultiDict([
        ("description", "Train officers on fathers"), ("owner_agency_id", str(police.id)),
        ("lead_id", str(lead.id)), *_date(due), ("success_measure", "Audit"), ("open_now", "y")]))
    assert response.status_code == 302
    action = db.session.scalars(select(Action).where(Action.recommendation_id == rec.id)).one()
    assert action.status == ActionStatus.OPEN and action.due_date == due and action.lead_id == lead.id
    assert "Train officers on fathers" in _body(client.get(response.headers["Location"]))


def test_new_action_without_open_now_stays_a_draft_and_can_be_opened(client, sign_in, today):
    police = factories.make_agency()
    rec = factories.make_recommendation(addressees=[police])
    db.session.commit()
    sign_in(Role.BUSINESS_UNIT)
    client.post(f"/actions/new?recommendation_id={rec.id}", data=MultiDict([
        ("description", "Draft it"), ("owner_agency_id", str(police.id)), ("lead_id", ""),
        *_date(today + timedelta(days=30))]))
    action = db.session.scalars(select(Action).where(Action.recommendation_id == rec.id)).one()
    assert action.status == ActionStatus.DRAFT
    assert "Open the action" in _body(client.get(f"/actions/{action.id}"))
    response = client.post(f"/actions/{action.id}/open")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == ActionStatus.OPEN


def test_new_action_errors_keep_what_was_typed(client, sign_in):
    police = factories.make_agency()
    other = factories.make_agency()
    wrong_lead = factories.make_user(Role.AGENCY_LEAD, agency=other)
    rec = factories.make_recommendation(addressees=[police])
    db.session.commit()
    sign_in(Role.BUSINESS_UNIT)
    url = f"/actions/new?recommendation_id={rec.id}"
    response = client.post(url, data=MultiDict([("description", ""), ("owner_agency_id", ""), ("lead_id", ""),
                                      ("due_date", ""), ("due_date", ""), ("due_date", ""),
                                      ("success_measure", "Kept measure")]))
    body = _body(response)
    assert response.status_code == 422
    assert "Enter a description of the action" in body
    assert "Choose the agency that owns the action" in body
    assert "Enter due date" in body
    assert "Kept measure" in body
    response = client.post(url, data=MultiDict([("description", "Typed description"), ("owner_agency_id", str(police.id)),
                                      ("lead_id", ""), ("due_date", "31"), ("due_date", "2"), ("due_date", "2025")]))
    body = _body(response)
    assert "Due date must be a real date" in body and "Typed description" in body
    assert 'value="31"' in body
    response = client.post(url, data=MultiDict([("description", "Typed description"), ("owner_agency_id", str(police.id)),
                                      ("lead_id", str(wrong_lead.id)), *_date(factories.TODAY)]))
    body = _body(response)
    assert f"{wrong_lead.name} is not a lead in {police.name}" in body
    assert 'href="#lead_id"' in body
    assert _count(Action) == 0
    assert client.get("/actions/new?recommendation_id=99999").status_code == 404


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, *READERS])
def test_new_action_refused_to_non_staff(client, sign_in, role):
    police = factories.make_agency()
    rec = factories.make_recommendation(addressees=[police])
    db.session.commit()
    sign_in(role, agency=police)
    url = f"/actions/new?recommendation_id={rec.id}"
    assert client.get(url).status_code == 403
    assert client.post(url, data=MultiDict([("description", "x"), ("owner_agency_id", str(police.id)),
                                  *_date(factories.TODAY)])).status_code == 403
    assert _count(Action) == 0


def test_edit_action_changes_details_but_not_the_due_date(client, sign_in):
    action = _action(status="open")
    new_owner = factories.make_agency("Dudley Council", "DMBC")
    db.session.commit()
    due = action.due_date
    sign_in(Role.BUSINESS_UNIT)
    body = _body(client.get(f"/actions/{action.id}/edit"))
    assert action.description in body and "due_date" not in body.split("<form", 1)[1].split("</form>")[0]
    version = body.split('name="version"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    response = client.post(f"/actions/{action.id}/edit", data={
        "description": "New wording", "owner_agency_id": str(new_owner.id), "lead_id": "",
        "success_measure": "Better measure", "version": version})
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.description, action.owner_agency_id, action.due_date) == ("New wording", new_owner.id, due)


def test_edit_action_conflict_keeps_typed_values(client, sign_in):
    action = _action(status="open")
    sign_in(Role.BUSINESS_UNIT)
    response = client.post(f"/actions/{action.id}/edit", data={
        "description": "My stale edit", "owner_agency_id": str(action.owner_agency_id), "lead_id": "",
        "success_measure": "", "version": "0"})
    body = _body(response)
    assert response.status_code == 409
    assert "Someone else changed this action" in body and "My stale edit" in body
    db.session.expire_all()
    assert db.session.get(Action, action.id).description != "My stale edit"


def test_edit_refusals(client, sign_in):
    action = _action(status="open")
    closed = _action(status="withdrawn")
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    assert client.get(f"/actions/{action.id}/edit").status_code == 403
    sign_in(Role.AGENCY_LEAD)
    assert client.post(f"/actions/{action.id}/edit", data={"description": "hacked"}).status_code == 404
    sign_in(Role.BUSINESS_UNIT)
    assert client.get(f"/actions/{closed.id}/edit").status_code == 403
    db.session.expire_all()
    assert db.session.get(Action, action.id).description != "hacked"


def test_move_due_date_needs_a_reason_and_a_real_date(client, sign_in, today):
    action = _action(status="open")
    sign_in(Role.BUSINESS_UNIT)
    url = f"/actions/{action.id}/due-date"
    assert client.get(url).status_code == 200
    body = _body(client.post(url, data=MultiDict([*_date(today + timedelta(days=200)), ("reason", "")])))
    assert "Enter the reason the due date is moving" in body
    assert 'value="2025"' in body  # the typed year is kept
    body = _body(client.post(url, data=MultiDict([("due_date", "31"), ("due_date", "2"), ("due_date", "2026"),
                                        ("reason", "Kept reason")])))
    assert "New due date must be a real date" in body and "Kept reason" in body
    body = _body(client.post(url, data=MultiDict([*_date(action.due_date), ("reason", "Same")])))
    assert "same as the current one" in body
    assert _count(DueDateChange) == 0
    response = client.post(url, data=MultiDict([*_date(today + timedelta(days=200)), ("reason", "Audit delayed")]))
    assert response.status_code == 302
    assert _count(DueDateChange) == 1


# --- progress updates ------------------------------------------------------------------------------------


def test_agency_lead_posts_an_update_and_the_rating_changes(client, sign_in, today):
    action = _action(status="open", due_date=today + timedelta(days=200))
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    assert "Green: on track" in _body(client.get(f"/actions/{action.id}"))
    body = _body(client.get(f"/actions/{action.id}/update"))
    assert 'value="2025"' in body and 'value="02"' in body  # today by default
    response = client.post(f"/actions/{action.id}/update", data=MultiDict([
        ("proposed_rating", "red"), ("narrative", "Staff shortages stopped the training."),
        ("update_date", "2"), ("update_date", "6"), ("update_date", "2025")]))
    assert response.status_code == 302
    body = _body(client.get(f"/actions/{action.id}"))
    assert "Red: the lead reported it off track on 2 June 2025" in body
    assert "Staff shortages stopped the training." in body
    assert "In progress" in body


def test_update_form_errors(client, sign_in, today):
    action = _action(status="open")
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    url = f"/actions/{action.id}/update"
    body = _body(client.post(url, data=MultiDict([("proposed_rating", "amber"), ("narrative", ""),
                                        ("update_date", "1"), ("update_date", "6"), ("update_date", "2025")])))
    assert "a narrative is needed for an Amber or Red rating" in body
    assert 'href="#narrative"' in body
    assert 'value="amber" checked' in body
    body = _body(client.post(url, data=MultiDict([("narrative", "Typed narrative"),
                                        ("update_date", "31"), ("update_date", "2"), ("update_date", "2025")])))
    assert "Choose a rating" in body and "Date of the update must be a real date" in body
    assert "Typed narrative" in body
    tomorrow = today + timedelta(days=1)
    body = _body(client.post(url, data=MultiDict([("proposed_rating", "green"), ("narrative", ""),
                                        ("update_date", str(tomorrow.day)), ("update_date", str(tomorrow.month)),
                                        ("update_date", str(tomorrow.year))])))
    assert "cannot be in the future" in body
    assert _count(ProgressUpdate) == 0


def test_update_refusals(client, sign_in):
    action = _action(status="open")
    data = MultiDict([("proposed_rating", "green"), ("update_date", "1"), ("update_date", "6"), ("update_date", "2025")])
    for role in READERS:
        sign_in(role)
        assert client.get(f"/actions/{action.id}/update").status_code == 403
        assert client.post(f"/actions/{action.id}/update", data=data).status_code == 403
    sign_in(Role.AGENCY_LEAD)
    assert client.get(f"/actions/{action.id}/update").status_code == 404
    assert client.post(f"/actions/{action.id}/update", data=data).status_code == 404
    assert _count(ProgressUpdate) == 0


# --- submit, decide, close -------------------------------------------------------------------------------


def test_submit_needs_evidence_then_works(client, sign_in):
    action = _action(status="in_progress")
    lead = sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    url = f"/actions/{action.id}/submit"
    assert "There is no evidence yet" in _body(client.get(url))
    response = client.post(url, data={"note": "All done"})
    body = _body(response)
    assert response.status_code == 422
    assert "Add evidence of completion or impact before submitting the action." in body
    assert f"/evidence/new?action_id={action.id}" in body
    assert "All done" in body
    factories.make_evidence(action, lead, kind="impact")
    db.session.commit()
    assert client.post(url, data={"note": "All done"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == ActionStatus.SUBMITTED
    for role in READERS:
        sign_in(role)
        assert client.get(url).status_code == 403


def test_submitter_cannot_decide_but_colleague_accepts_and_it_goes_blue(client, sign_in):
    submitter = factories.make_user(Role.BUSINESS_UNIT)
    action = _action(status="submitted", submitted_by=submitter)
    sign_in(Role.BUSINESS_UNIT, user=submitter)
    url = f"/actions/{action.id}/decide"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"decision": "accept", "reason": "Mine"}).status_code == 403
    assert "someone else in the business unit must accept" in _body(client.get(f"/actions/{action.id}"))
    sign_in(Role.BUSINESS_UNIT)
    assert "impact evidence" in _body(client.get(url))
    response = client.post(url, data={"decision": "accept", "reason": "Audit shows the change."})
    assert response.status_code == 302
    body = _body(client.get(f"/actions/{action.id}"))
    assert "Blue: assured on 2 June 2025 with evidence of impact" in body
    assert "Audit shows the change." in body and "Accepted" in body


def test_accept_without_impact_evidence_shows_the_service_error(client, sign_in):
    action = _action(status="in_progress")
    lead = action.updates[0].author
    factories.make_evidence(action, lead, kind="completion")
    from tracker.actions import services

    services.submit_for_assurance(action, lead, factories.TODAY)
    db.session.commit()
    sign_in(Role.BUSINESS_UNIT)
    body = _body(client.post(f"/actions/{action.id}/decide", data={"decision": "accept", "reason": "Fine"}))
    assert "There is no evidence of impact yet" in body
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == ActionStatus.SUBMITTED


def test_return_shows_the_reason_and_reopens_for_updates(client, sign_in):
    action = _action(status="submitted")
    sign_in(Role.BUSINESS_UNIT)
    url = f"/actions/{action.id}/decide"
    body = _body(client.post(url, data={"decision": "return", "reason": ""}))
    assert "Enter the reason for your decision" in body and 'value="return" checked' in body
    body = _body(client.post(url, data={"reason": "Typed reason"}))
    assert "Choose accept or return" in body and "Typed reason" in body
    assert client.post(url, data={"decision": "return", "reason": "Need the re-audit results."}).status_code == 302
    body = _body(client.get(f"/actions/{action.id}"))
    assert "Need the re-audit results." in body and "Returned" in body and "In progress" in body


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, *READERS])
def test_decide_refused_to_non_staff(client, sign_in, role):
    action = _action(status="submitted")
    sign_in(role, agency=action.owner_agency)
    assert client.get(f"/actions/{action.id}/decide").status_code == 403
    assert client.post(f"/actions/{action.id}/decide", data={"decision": "accept", "reason": "x"}).status_code == 403


def test_close_needs_reason_and_is_staff_only(client, sign_in):
    action = _action(status="open")
    url = f"/actions/{action.id}/close"
    for role in READERS:
        sign_in(role)
        assert client.get(url).status_code == 403
        assert client.post(url, data={"status": "withdrawn", "reason": "x"}).status_code == 403
    sign_in(Role.AGENCY_LEAD, agency=action.owner_agency)
    assert client.post(url, data={"status": "withdrawn", "reason": "x"}).status_code == 403
    sign_in(Role.BUSINESS_UNIT)
    body = _body(client.post(url, data={"status": "superseded", "reason": ""}))
    assert "Enter the reason for closing the action" in body
    assert client.post(url, data={"status": "superseded", "reason": "Replaced by the new MASH plan"}).status_code == 302
    body = _body(client.get(f"/actions/{action.id}"))
    assert "Superseded" in body and "Replaced by the new MASH plan" in body
    assert client.get(url).status_code == 403  # closed now


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, *READERS])
def test_open_refused_to_non_staff(client, sign_in, role):
    action = _action(status="draft")
    sign_in(role, agency=action.owner_agency)
    assert client.post(f"/actions/{action.id}/open").status_code == 403
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == ActionStatus.DRAFT


@pytest.mark.parametrize("path", ["edit", "due-date", "update", "submit", "decide", "close"])
def test_every_form_is_404_for_another_agency_lead(client, sign_in, path):
    action = _action(status="in_progress", description="Not yours")
    sign_in(Role.AGENCY_LEAD)
    response = client.get(f"/actions/{action.id}/{path}")
    assert response.status_code == 404 and "Not yours" not in _body(response)
    assert client.post(f"/actions/{action.id}/{path}", data={"reason": "x"}).status_code == 404


@pytest.mark.parametrize("path", ["edit", "due-date", "update", "submit", "close"])
@pytest.mark.parametrize("role", READERS)
def test_readers_are_refused_every_form(client, sign_in, path, role):
    action = _action(status="in_progress")
    sign_in(role)
    assert client.get(f"/actions/{action.id}/{path}").status_code == 403
    assert client.post(f"/actions/{action.id}/{path}", data={"reason": "x"}).status_code == 403


def test_each_filter_option_submits_what_it_names(client, sign_in):
    """Choosing an option in the filter form sends its id, and the chosen one stays selected."""
    a = _action(description="Reviewed thing")
    theme = factories.make_theme("Professional curiosity")
    a.recommendation.themes.append(theme)
    db.session.commit()
    sign_in(Role.BUSINESS_UNIT)
    body = _body(client.get("/actions/"))
    agency = _options(body, "agency")
    assert list(agency)[0] == "All owners" and agency["All owners"][0] == ""
    assert agency[a.owner_agency.name] == (str(a.owner_agency_id), False)
    assert _options(body, "theme")["Professional curiosity"] == (str(theme.id), False)
    assert _options(body, "rating")["Red"] == ("red", False)
    assert _options(body, "status")["In progress"] == ("in_progress", False)
    review_label = f"{a.review.reference} {a.review.title}"
    assert _options(body, "review")[review_label] == (str(a.review_id), False)

    body = _body(client.get(f"/actions/?theme={theme.id}&rating=red"))
    assert _options(body, "theme")["Professional curiosity"] == (str(theme.id), True)
    assert _options(body, "theme")["All themes"] == ("", False)
    assert _options(body, "rating")["Red"] == ("red", True)
