"""Paginated pages say which page they are in their title (issue 18 point 7): page 2 of a list no
longer keeps page 1's title, for a screen reader's user or a browser's history."""

import re

from tests import factories
from tracker.extensions import db
from tracker.users.models import Role


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


def test_page_n_of_m_in_the_title(app, client, login_as):
    agency = factories.make_agency()
    rec = factories.make_recommendation(addressees=[agency])
    for n in range(30):
        factories.make_action(owner=agency, recommendation=rec, description=f"Step {n}")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    assert title_of(client.get("/actions/")).startswith("Actions (page 1 of 2) – ")
    assert title_of(client.get("/actions/?page=2")).startswith("Actions (page 2 of 2) – ")
    assert title_of(client.get("/actions/?agency=999")).startswith("Actions – ")  # one page: no numbers
