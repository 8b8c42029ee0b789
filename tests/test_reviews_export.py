"""The reviews list as a spreadsheet: every review the filters match (not one page), in the list's order,
with the counts of the actions the user may see by rating; an audit record of each download."""

import csv
import io

import openpyxl
from sqlalchemy import select

from tests import factories
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.users.models import Role


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _world():
    police, health = factories.make_agency("Police", "POL"), factories.make_agency("Health trust", "NHS")
    reviews = [factories.make_review(f"CSPR-2024-{n:02d}", title=f"Child {n}") for n in range(1, 31)]
    reviews.append(factories.make_review("CSPR-2024-99", title="=cmd|' /C calc'!A0"))
    rec = factories.make_recommendation(reviews[0], "1", addressees=[police, health])
    factories.make_action(owner=police, recommendation=rec, status="in_progress")
    factories.make_action(owner=health, recommendation=rec, status="in_progress")
    db.session.commit()
    return police, reviews


def test_every_review_in_order_with_the_counts_the_user_may_see(app, client, login_as):
    police, reviews = _world()
    login_as(Role.BUSINESS_UNIT)
    page = client.get("/reviews/?sort=reference&dir=desc").get_data(as_text=True)
    assert "/reviews/export.csv?sort=reference&amp;dir=desc" in page
    response = client.get("/reviews/export.csv?sort=reference&dir=desc")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _rows(response)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Reference", "Title", "Type", "Status", "Published", "Closed by the board"]
    assert len(body) == 31  # more than a page
    assert [r[0] for r in body] == sorted((r.reference for r in reviews), reverse=True)
    assert next(r for r in body if r[0] == "CSPR-2024-99")[1].startswith("'=")  # never a formula
    first = next(r for r in body if r[0] == "CSPR-2024-01")
    assert sum(int(n) for n in first[6:]) == 2
    client.post("/sign-out")
    login_as(Role.AGENCY_LEAD, agency=police)
    first = next(r for r in _rows(client.get("/reviews/export.csv")) if r[0] == "CSPR-2024-01")
    assert sum(int(n) for n in first[6:]) == 1  # the other agency's action is not counted
    summaries = db.session.scalars(select(AuditRecord.summary).where(AuditRecord.event == "export")).all()
    assert summaries == ["Reviews list exported as CSV (sort=reference&dir=desc)", "Reviews list exported as CSV"]


def test_the_xlsx_has_the_filtered_reviews_and_a_frozen_header(app, client, login_as):
    _world()
    login_as(Role.BOARD_MEMBER)
    response = client.get("/reviews/export.xlsx?q=child+1")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    response.close()
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Reference" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert {row[1] for row in values[1:]} == {"Child 1", *(f"Child {n}" for n in range(10, 20))}
    assert client.get("/reviews/export.pdf").status_code == 404
