"""The benchmark's bare page (scripts/bare_app.py), which every budget is a multiple of, stays the page
the README describes: 50 rows of a two-table join rendered as a table. (Fast tier: no server.)"""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bare_app.py"


@pytest.fixture
def bare(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bare_app", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    database = tmp_path / "bare.sqlite"
    module.build(database)
    monkeypatch.setenv("BARE_DATABASE", str(database))
    return module


def test_the_bare_page_is_a_table_of_fifty_joined_rows(bare):
    response = bare.app.test_client().get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<tr class="govuk-table__row">') == 51  # the header row and 50 rows
    assert html.count("Agency number ") == 50  # each row's agency comes from the join
    assert "&amp; &lt;training&gt;" in html  # escaped like the app's pages


FLOOR_SCRIPT = SCRIPT.with_name("stack_floor_app.py")


def test_the_stack_floor_is_the_same_table_signed_in_through_the_stack(bare, tmp_path):
    """scripts/stack_floor_app.py: the bare page's rows and table, but only for a signed-in user, read
    through the ORM and inside GOV.UK Frontend's page template with a CSRF-protected sign-out form."""
    bare.build(tmp_path / "bare.sqlite")
    spec = importlib.util.spec_from_file_location("stack_floor_app", FLOOR_SCRIPT)
    floor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    floor.build(tmp_path / "bare.sqlite")
    client = floor.app.test_client()
    assert client.get("/").status_code == 401  # signed out: no list
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/sign-in", data={"email": floor.EMAIL, "csrf_token": token}).status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert html.count('<tr class="govuk-table__row">') == 51
    assert html.count("Agency number ") == 50
    assert "&amp; &lt;training&gt;" in html
    assert 'class="govuk-template__body' in html and 'name="csrf_token"' in html and "Floor User" in html
    tbody = lambda page: page[page.index("<tbody"):page.index("</tbody>")]  # noqa: E731
    assert tbody(html) == tbody(bare.app.test_client().get("/").get_data(as_text=True))  # the same rows
