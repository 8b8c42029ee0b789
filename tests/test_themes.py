import csv
import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.themes.models import Theme
from tracker.users.models import Role

ALL_ROLES = [Role.ADMIN, Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.BOARD_MEMBER, Role.SCRUTINEER]
STAFF = [Role.ADMIN, Role.BUSINESS_UNIT]
READERS = [Role.AGENCY_LEAD, Role.BOARD_MEMBER, Role.SCRUTINEER]


def body(response) -> str:
    return response.get_data(as_text=True)


def row_cells(page: str, text: str) -> list[str]:
    start = page.rindex("<tr", 0, page.index(text))
    row = page[start: page.index("</tr>", start)]
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


@pytest.fixture
def recurring(app):
    """'Think family' in two reviews and three recommendations, with open actions for two agencies;
    'Escalation' in one review only."""
    police = factories.make_agency(name="West Midlands Police", short_name="WMP")
    health = factories.make_agency(name="Dudley Group NHS", short_name="DGFT")
    family = factories.make_theme("Think family")
    escalation = factories.make_theme("Escalation")
    factories.make_theme("Unused theme")
    first = factories.make_review(reference="CSPR-A", title="Child A")
    second = factories.make_review(reference="CSPR-B", title="Child B")
    first.themes = [family, escalation]
    second.themes = [family]
    rec1 = factories.make_recommendation(first, "1", text="Share information about fathers.", addressees=[police])
    rec2 = factories.make_recommendation(second, "1", text="Ask about the household.", addressees=[health])
    rec3 = factories.make_recommendation(second, "2", text="Audit genograms.", addressees=[health])
    untagged = factories.make_recommendation(first, "2", text="Something else.", addressees=[police])
    for rec in (rec1, rec2, rec3):
        rec.themes = [family]
    police_lead = factories.make_user(Role.AGENCY_LEAD, agency=police)
    # Think family: rec1 (police: open + in progress + assured), rec2 (health: open, draft),
    # untagged rec in a tagged review (police: submitted) -> open: 2 police + 1 health + 1 police = 4.
    factories.make_action(owner=police, lead=police_lead, recommendation=rec1, status="open")
    factories.make_action(owner=police, lead=police_lead, recommendation=rec1, status="in_progress")
    factories.make_action(owner=police, lead=police_lead, recommendation=rec1, status="assured")
    factories.make_action(owner=health, recommendation=rec2, status="open")
    factories.make_action(owner=health, recommendation=rec2, status="draft")
    factories.make_action(owner=police, lead=police_lead, recommendation=untagged, status="submitted")
    db.session.commit()
    return {"family": family, "escalation": escalation, "police": police, "police_lead": police_lead,
            "rec1": rec1, "rec2": rec2, "first": first}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_reads_themes(client, login_as, recurring, role):
    login_as(role)
    assert client.get("/themes/").status_code == 200
    assert client.get(f"/themes/{recurring['family'].id}").status_code == 200
    assert client.get("/themes/999999").status_code == 404


def test_themes_need_sign_in(client):
    assert client.get("/themes/").status_code == 302


def test_theme_counts(client, login_as, recurring):
    login_as(Role.BOARD_MEMBER)
    page = body(client.get("/themes/"))
    assert row_cells(page, "Think family")[1:] == ["2", "3", "4"]
    assert row_cells(page, "Escalation")[1:] == ["1", "0", "3"]  # review A: police open + in progress + submitted
    assert row_cells(page, "Unused theme")[1:] == ["0", "0", "0"]


def test_agency_lead_counts_only_their_agency(client, login_as, recurring):
    login_as(Role.AGENCY_LEAD, user=recurring["police_lead"])
    page = body(client.get("/themes/"))
    assert row_cells(page, "Think family")[1:] == ["2", "3", "3"]
    page = body(client.get(f"/themes/{recurring['family'].id}"))
    assert row_cells(page, "Share information about fathers.")[2:] == ["2", "3"]
    assert row_cells(page, "Ask about the household.")[2:] == ["0", "0"]  # health's actions are not counted
    assert "3 open actions" in page


def test_the_list_exports_in_its_order_with_the_counts_the_user_may_see(client, login_as, recurring):
    login_as(Role.AGENCY_LEAD, user=recurring["police_lead"])
    page = body(client.get("/themes/?sort=actions&dir=desc"))
    assert "/themes/export.csv?sort=actions&amp;dir=desc" in page
    response = client.get("/themes/export.csv?sort=actions&dir=desc")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows == [["Theme", "Description", "Reviews", "Recommendations", "Open actions"],
                    ["Escalation", "", "1", "0", "3"], ["Think family", "", "2", "3", "3"],
                    ["Unused theme", "", "0", "0", "0"]]  # health's open action in Think family not counted
    xlsx = client.get("/themes/export.xlsx?sort=name")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    xlsx.close()
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Theme", "Escalation", "Think family",
                                                                     "Unused theme"]
    assert sheet.freeze_panes == "A2" and sheet["C3"].value == 2  # a number, not text
    assert db.session.scalars(select(AuditRecord.summary).where(AuditRecord.event == "export")).all() == [
        "Themes list exported as CSV (sort=actions&dir=desc)", "Themes list exported as XLSX (sort=name)"]


def test_sorting_by_counts(client, login_as, recurring):
    login_as(Role.SCRUTINEER)
    page = body(client.get("/themes/?sort=reviews&dir=desc"))
    assert page.index("Think family") < page.index("Escalation") < page.index("Unused theme")
    page = body(client.get("/themes/?sort=actions&dir=asc"))
    assert page.index("Unused theme") < page.index("Escalation") < page.index("Think family")
    page = body(client.get("/themes/?sort=name&dir=desc"))
    assert page.index("Unused theme") < page.index("Think family") < page.index("Escalation")
    for odd in ("?sort=bogus&dir=up", "?page=50", "?page=abc"):
        assert client.get("/themes/" + odd).status_code == 200


def test_theme_page_lists_reviews_and_recommendations(app, client, login_as, recurring):
    login_as(Role.BUSINESS_UNIT)
    page = body(client.get(f"/themes/{recurring['family'].id}"))
    assert "CSPR-A" in page and "CSPR-B" in page
    assert "Share information about fathers." in page and "Audit genograms." in page
    assert "Something else." not in page  # not tagged with the theme itself
    assert row_cells(page, "Share information about fathers.")[2:] == ["2", "3"]
    assert "2 reviews" in page and "3 recommendations" in page and "4 open actions" in page
    assert f'href="/reviews/{recurring["first"].id}"' in page
    assert f'href="/recommendations/{recurring["rec1"].id}"' in page


def test_theme_page_paginates_recommendations(app, client, login_as):
    app.config["PAGE_SIZE"] = 2
    login_as(Role.BOARD_MEMBER)
    theme = factories.make_theme("Professional curiosity")
    review = factories.make_review(reference="CSPR-P")
    for n in range(1, 6):
        factories.make_recommendation(review, str(n), text=f"Recommendation text {n}.").themes = [theme]
    db.session.commit()
    first = body(client.get(f"/themes/{theme.id}"))
    assert "Recommendation text 1." in first and "Recommendation text 3." not in first
    assert "Showing 1 to 2 of 5 recommendations" in first
    third = body(client.get(f"/themes/{theme.id}?page=3"))
    assert "Recommendation text 5." in third and "Recommendation text 1." not in third


@pytest.mark.parametrize("role", STAFF)
def test_staff_create_and_edit_themes(client, login_as, role):
    login_as(role)
    assert client.get("/themes/new").status_code == 200
    response = client.post("/themes/new", data={"name": "  Think   fathers ", "description": "Men in the household."})
    assert response.status_code == 302
    theme = db.session.scalar(select(Theme).where(Theme.name == "Think fathers"))
    assert theme.description == "Men in the household."
    assert "Think fathers" in body(client.get("/themes/"))
    assert client.get(f"/themes/{theme.id}/edit").status_code == 200
    response = client.post(f"/themes/{theme.id}/edit", data={"name": "Think fathers and male carers",
                                                             "description": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).name == "Think fathers and male carers"
    assert client.get("/themes/999999/edit").status_code == 404


def test_theme_form_errors_keep_typed_values(client, login_as):
    login_as(Role.ADMIN)
    factories.make_theme("Escalation")
    db.session.commit()
    response = client.post("/themes/new", data={"name": "ESCALATION", "description": "Typed description"})
    assert response.status_code == 200
    page = body(response)
    assert "There is already a theme called" in page
    assert "Typed description" in page and 'value="ESCALATION"' in page
    page = body(client.post("/themes/new", data={"name": "", "description": "Kept"}))
    assert "Enter the theme&#39;s name" in page and "Kept" in page
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 1


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_change_themes(client, login_as, role):
    login_as(role)
    theme = factories.make_theme("Neglect")
    db.session.commit()
    assert client.get("/themes/new").status_code == 403
    assert client.post("/themes/new", data={"name": "Sneaky"}).status_code == 403
    assert client.get(f"/themes/{theme.id}/edit").status_code == 403
    assert client.post(f"/themes/{theme.id}/edit", data={"name": "Renamed"}).status_code == 403
    db.session.expire_all()
    assert [t.name for t in db.session.scalars(select(Theme))] == ["Neglect"]
    assert "Add a theme" not in body(client.get("/themes/"))
    assert "Change this theme" not in body(client.get(f"/themes/{theme.id}"))
