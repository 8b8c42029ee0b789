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
