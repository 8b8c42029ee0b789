"""Exports of the actions list: every row the list holds (not one page), in its order and with its
filters and visibility, as CSV safe from formulas and as XLSX with typed cells, a frozen header and
filters."""

import csv
import io
from datetime import date, timedelta

import openpyxl

from tests import factories
from tracker.actions.export import HEADERS, write_xlsx
from tracker.extensions import db
from tracker.users.models import Role


def _rows_of_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=False).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _setup():
    police, health = factories.make_agency("Police", "POL"), factories.make_agency("Health trust", "NHS")
    review = factories.make_review("CSPR-2024-07")
    rec = factories.make_recommendation(review, number="3", addressees=[police, health])
    police_actions = [factories.make_action(owner=police, recommendation=rec, description=f"Police step {n}",
                                            due_date=factories.TODAY + timedelta(days=10 * (n + 1)))
                      for n in range(30)]
    health_action = factories.make_action(owner=health, recommendation=rec, description="=HYPERLINK(\"x\")")
    db.session.commit()
    return police, health, police_actions, health_action


def test_csv_has_every_row_in_the_lists_order_and_no_formula(app, client, login_as):
    police, health, police_actions, health_action = _setup()
    login_as(Role.BUSINESS_UNIT)
    response = client.get("/actions/export.csv?sort=due&dir=desc")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows_of_csv(response)
    assert rows[0] == HEADERS
    assert len(rows) == 1 + 31  # more than a page of 25
    dues = [date.fromisoformat(r[HEADERS.index("Due date")]) for r in rows[1:]]
    assert dues == sorted(dues, reverse=True)
    formula = next(r for r in rows if r[HEADERS.index("Action ID")] == str(health_action.id))
    assert formula[HEADERS.index("Action")] == "'=HYPERLINK(\"x\")"
    assert formula[HEADERS.index("Reference")] == health_action.short_reference


def test_filters_and_visibility_are_the_lists(app, client, login_as):
    police, health, police_actions, health_action = _setup()
    login_as(Role.BUSINESS_UNIT)
    rows = _rows_of_csv(client.get(f"/actions/export.csv?agency={health.id}"))
    assert [r[HEADERS.index("Action ID")] for r in rows[1:]] == [str(health_action.id)]
    client.post("/sign-out")
    login_as(Role.AGENCY_LEAD, agency=police)
    rows = _rows_of_csv(client.get(f"/actions/export.csv?agency={health.id}"))  # the owner filter is ignored
    assert {r[HEADERS.index("Owner")] for r in rows[1:]} == {"Police"}
    assert str(health_action.id) not in {r[HEADERS.index("Action ID")] for r in rows[1:]}


def test_xlsx_has_typed_cells_frozen_header_and_filters(app, client, login_as):
    police, health, police_actions, health_action = _setup()
    login_as(Role.BOARD_MEMBER)
    with client.get("/actions/export.xlsx?sort=due") as response:  # closing it closes the temporary file
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = book["Actions"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:P{1 + 31}"
    first = [c.value for c in sheet[2]]
    assert isinstance(first[HEADERS.index("Action ID")], int)
    due = sheet.cell(row=2, column=HEADERS.index("Due date") + 1)
    assert due.is_date
    formula = [row for row in sheet.iter_rows(min_row=2, values_only=True)
               if row[HEADERS.index("Action ID")] == health_action.id][0]
    assert formula[HEADERS.index("Action")] == "'=HYPERLINK(\"x\")"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_list_offers_the_downloads_with_its_filters(app, client, login_as):
    police, *_ = _setup()
    login_as(Role.BUSINESS_UNIT)
    page = client.get(f"/actions/?agency={police.id}&sort=due").get_data(as_text=True)
    assert f"/actions/export.csv?agency={police.id}&amp;sort=due" in page
    assert f"/actions/export.xlsx?agency={police.id}&amp;sort=due" in page


def test_write_xlsx_counts_rows(tmp_path):
    rows = iter([[f"R{n}", n, "x", "t", "1", "a", "o", "l", date(2025, 1, 1), "Open", "Red", "why",
                  None, None, None, "No"] for n in range(3)])
    with open(tmp_path / "a.xlsx", "wb") as out:
        assert write_xlsx(rows, out) == 3


def test_each_export_leaves_an_audit_record_with_who_and_which_filters(app, client, login_as):
    from sqlalchemy import select

    from tracker.audit.models import AuditRecord

    police, *_ = _setup()
    lead = login_as(Role.AGENCY_LEAD, agency=police)
    client.get("/actions/export.csv?rating=red&sort=due").close()
    client.get("/actions/export.xlsx").close()
    records = db.session.scalars(select(AuditRecord).where(AuditRecord.event == "export")
                                 .order_by(AuditRecord.id)).all()
    assert [r.summary for r in records] == ["Actions list exported as CSV (rating=red&sort=due)",
                                           "Actions list exported as XLSX"]
    assert {r.actor_id for r in records} == {lead.id}
