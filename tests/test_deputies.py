"""Deputies: a lead names another lead for a period; during it the deputy acts on the lead's actions
(the same permission predicates as everywhere), before and after it does not; both get an email."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.factories import TODAY, make_action, make_agency, make_user
from tests.smtp_server import SMTPServer
from tracker import permissions
from tracker.actions import services as actions
from tracker.actions.models import Action
from tracker.core.errors import DomainError
from tracker.deputies import services
from tracker.deputies.models import Deputy
from tracker.extensions import db
from tracker.users.models import Role


@pytest.fixture
def world(app):
    police, health = make_agency("Dudley Police", "POL"), make_agency("Black Country Health", "BCH")
    staff = make_user(Role.BUSINESS_UNIT)
    pat = make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police", email="pat@police.example.org")
    hal = make_user(Role.AGENCY_LEAD, agency=health, name="Hal Health", email="hal@health.example.org")
    action = make_action(owner=police, lead=pat, by=staff, description="POLICE action")
    other = make_action(owner=police, lead=None, by=staff, description="POLICE unled")
    db.session.commit()
    return {"police": police, "health": health, "staff": staff, "pat": pat, "hal": hal, "action": action,
            "other": other}


def _fresh(user):
    user.__dict__.pop("_acting_for", None)
    return user


def test_a_deputy_acts_on_the_leads_actions_only_during_the_cover(app, world):
    hal, action = world["hal"], world["action"]
    assert not permissions.can_view_action(hal, action)
    services.name_deputy(world["pat"], hal, start=TODAY, end=TODAY + timedelta(days=13), by=world["pat"], today=TODAY)
    db.session.commit()
    assert permissions.can_view_action(_fresh(hal), action)
    assert permissions.can_update_progress(hal, action) and permissions.can_submit(hal, action)
    assert not permissions.can_view_action(hal, world["other"])  # not led by Pat
    visible = db.session.scalars(select(Action.description).where(permissions.visible_actions_filter(hal))).all()
    assert "POLICE action" in visible and "POLICE unled" not in visible
    actions.record_progress(action, by=hal, narrative="Covering for Pat.", proposed_rating="green",
                            update_date=TODAY, today=TODAY)
    app.config["FIXED_TODAY"] = TODAY + timedelta(days=14)
    assert not permissions.can_view_action(_fresh(hal), action)
    with pytest.raises(DomainError):
        actions.move_status(action, action.status.__class__.SUBMITTED, hal, today=TODAY + timedelta(days=14))


@pytest.mark.parametrize("start, end, message", [
    (TODAY - timedelta(days=1), TODAY, "cannot start in the past"),
    (TODAY + timedelta(days=3), TODAY + timedelta(days=1), "on or after the first day"),
    (TODAY, TODAY + timedelta(days=400), "a year at most"),
    (None, TODAY, "first day"),
])
def test_the_period_must_make_sense(world, start, end, message):
    with pytest.raises(DomainError, match=message):
        services.name_deputy(world["pat"], world["hal"], start=start, end=end, by=world["pat"], today=TODAY)


def test_only_an_active_agency_lead_other_than_oneself(world):
    with pytest.raises(DomainError, match="other than yourself"):
        services.name_deputy(world["pat"], world["pat"], start=TODAY, end=TODAY, by=world["pat"], today=TODAY)
    with pytest.raises(DomainError, match="choose an active agency lead"):
        services.name_deputy(world["pat"], world["staff"], start=TODAY, end=TODAY, by=world["pat"], today=TODAY)


def _dates(name, value):
    return [(name, str(value.day)), (name, str(value.month)), (name, str(value.year))]


def test_naming_a_deputy_on_the_account_page_emails_both(app, client, login_as, world, tmp_path):
    with SMTPServer(tmp_path) as server:
        app.config.update(server.config())
        login_as(Role.AGENCY_LEAD, user=world["pat"])
        assert "Name a deputy" in client.get("/account").get_data(as_text=True)
        bad = client.post("/account/deputies/", data=MultiDict([("deputy_id", "")] + _dates("start_date", TODAY)
                                                               + _dates("end_date", TODAY)))
        assert bad.status_code == 422 and "Choose your deputy" in bad.get_data(as_text=True)
        response = client.post("/account/deputies/", data=MultiDict(
            [("deputy_id", str(world["hal"].id))] + _dates("start_date", TODAY)
            + _dates("end_date", TODAY + timedelta(days=6))))
        assert response.status_code == 302
        page = client.get("/account/deputies/").get_data(as_text=True)
        assert re.search(r"Hal Health, <time[^>]*>2 June 2025</time> to <time[^>]*>8 June 2025</time>", page)
        assert [m["To"] for m in server.messages] == ["Pat Police <pat@police.example.org>",
                                                       "Hal Health <hal@health.example.org>"]
        assert "Hal Health deputises for Pat Police" in server.messages[0]["Subject"]
        record = db.session.scalar(select(Deputy))
        assert client.post(f"/account/deputies/{record.id}/end").status_code == 302
        assert len(server.messages) == 4 and "no longer deputises" in server.messages[2]["Subject"]
    db.session.refresh(record)
    assert record.ended_at is not None


def test_other_people_cannot_end_or_name_a_cover(client, login_as, world):
    record = services.name_deputy(world["pat"], world["hal"], start=TODAY, end=TODAY, by=world["pat"], today=TODAY)
    db.session.commit()
    login_as(Role.AGENCY_LEAD, user=world["hal"])
    assert client.post(f"/account/deputies/{record.id}/end").status_code == 404
    client.post("/sign-out")
    login_as(Role.BOARD_MEMBER)
    assert client.get("/account/deputies/").status_code == 403
