"""Case-insensitive matching works for every letter, not ASCII only, on SQLite (where lower() is
Python's, registered on the connection) as on PostgreSQL: search words, names, emails, references."""

import pytest

from tests import factories
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.users import services as users
from tracker.users.models import Role


@pytest.mark.parametrize("stored,typed", [("ŁÓDŹ", "łódź"), ("ÉCOLE Sainte-Anne", "école"),
                                          ("Ysgol Gymraeg Llanfair", "YSGOL GYMRAEG"),
                                          ("Ádh Mór Ó Súilleabháin", "ó súilleabháin")])
def test_the_review_search_ignores_case_in_any_script(client, login_as, stored, typed):
    factories.make_review("CSPR-2025-01", title=f"Child {stored}")
    factories.make_review("CSPR-2025-02", title="Child Z")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.get("/reviews/", query_string={"q": typed}).get_data(as_text=True)
    assert f"Child {stored}" in page and "Child Z" not in page


def test_the_admin_lists_find_people_and_agencies_whatever_the_case(client, login_as):
    factories.make_user(Role.BUSINESS_UNIT, name="Zoë ÉCOLE-Łukasz", email="ZOË@example.org")
    factories.make_user(Role.BUSINESS_UNIT, name="Other Person")
    factories.make_agency("Heddlu Gogledd Cymru – ŴYŶ", "HGC")
    db.session.commit()
    login_as(Role.ADMIN)
    for search in ("école-łukasz", "zoë@"):
        page = client.get("/admin/users", query_string={"q": search}).get_data(as_text=True)
        assert "Zoë ÉCOLE-Łukasz" in page and "Other Person" not in page, search
    page = client.get("/admin/agencies", query_string={"q": "ŵyŷ"}).get_data(as_text=True)
    assert "Heddlu Gogledd Cymru" in page


def test_an_email_or_agency_name_differing_only_in_case_is_taken(app):
    factories.make_user(Role.BUSINESS_UNIT, email="łucja.ó@example.org")
    factories.make_agency("Cyngor Gwynedd – ŴŶ", "CGW")
    db.session.flush()
    with pytest.raises(DomainError, match="already an account"):
        users.create_user(email="ŁUCJA.Ó@example.org", name="L", role=Role.BUSINESS_UNIT.value, agency=None,
                          password="a long enough passphrase 123")
    with pytest.raises(DomainError, match="Another agency"):
        users.save_agency(None, name="CYNGOR GWYNEDD – ŵŷ", short_name="X", kind="agency", aliases=[])


def test_sign_in_takes_the_email_in_any_case(client):
    user = factories.make_user(Role.BUSINESS_UNIT, email="Siân.ŁOPEZ@example.org")
    db.session.commit()
    response = client.post("/sign-in", data={"email": "siân.łopez@EXAMPLE.org", "password": factories.PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert user.email == "Siân.ŁOPEZ@example.org"
