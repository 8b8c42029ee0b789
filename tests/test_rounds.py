"""Update rounds: opening one asks every live action's lead; updates posted while it is open answer
it; the round page counts responses by agency; the board report uses the latest round."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.factories import TODAY, make_action, make_agency, make_user
from tracker.actions import services as actions
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.reports.data import build_report_data, resolve_scope
from tracker.rounds.models import UpdateRequest, UpdateRound
from tracker.rounds.services import close_round, open_round
from tracker.settings import Settings
from tracker.users.models import Role


@pytest.fixture
def world(app):
    police, health = make_agency("Dudley Police", "POL"), make_agency("Black Country Health", "BCH")
    staff = make_user(Role.BUSINESS_UNIT, name="Bea Unit")
    leads = {"police": make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police"),
             "health": make_user(Role.AGENCY_LEAD, agency=health, name="Hal Health")}
    made = {
        "police_open": make_action(owner=police, lead=leads["police"], by=staff, description="POLICE open"),
        "police_started": make_action(owner=police, lead=leads["police"], status="in_progress", by=staff,
                                      description="POLICE started"),
        "health_open": make_action(owner=health, lead=leads["health"], by=staff, description="HEALTH open"),
        "submitted": make_action(owner=health, lead=leads["health"], status="submitted", by=staff,
                                 description="HEALTH submitted"),
        "draft": make_action(owner=health, status="draft", by=staff, description="HEALTH draft"),
        "assured": make_action(owner=police, lead=leads["police"], status="assured", by=staff,
                               description="POLICE assured"),
    }
    db.session.commit()
    return {"police": police, "health": health, "staff": staff, "leads": leads, **made}


def open_through_the_form(client, name="Quarter 3 update for the March board", deadline=TODAY + timedelta(days=14)):
    return client.post("/update-rounds/new", data=MultiDict([
        ("name", name), ("deadline", str(deadline.day)), ("deadline", str(deadline.month)),
        ("deadline", str(deadline.year))]))


def test_the_business_unit_opens_a_round_for_every_live_action(app, client, login_as, world):
    login_as(Role.BUSINESS_UNIT)
    response = open_through_the_form(client)
    assert response.status_code == 302
    round_ = db.session.scalar(select(UpdateRound))
    assert (round_.name, round_.deadline_date, round_.opened_date) == (
        "Quarter 3 update for the March board", TODAY + timedelta(days=14), TODAY)
    requests = db.session.scalars(select(UpdateRequest)).all()
    assert {r.action_id for r in requests} == {world[k].id for k in ("police_open", "police_started", "health_open")}
    assert {(r.action_id, r.lead_id, r.agency_id) for r in requests} >= {
        (world["police_open"].id, world["leads"]["police"].id, world["police"].id)}
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.object_type == "UpdateRound",
                                                       AuditRecord.event == "create")) is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Round opened: updates asked for on 3 actions." in page
    assert "0 of 3" in page


@pytest.mark.parametrize("name, deadline, message", [
    ("", TODAY + timedelta(days=3), "Enter a name for the round"),
    ("Q3", TODAY - timedelta(days=1), "The deadline cannot be in the past."),
])
def test_a_bad_round_is_refused_with_the_typed_values_kept(app, client, login_as, world, name, deadline, message):
    login_as(Role.BUSINESS_UNIT)
    response = open_through_the_form(client, name=name, deadline=deadline)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "There is a problem" in page
    assert f'value="{deadline.year}"' in page
    assert db.session.scalar(select(UpdateRound)) is None


def test_an_update_posted_while_the_round_is_open_answers_it(app, client, login_as, world):
    round_ = open_round(name="Q3", deadline=TODAY + timedelta(days=7), by=world["staff"], today=TODAY)
    db.session.commit()
    login_as(Role.AGENCY_LEAD, user=world["leads"]["police"])
    response = client.post(f"/actions/{world['police_open'].id}/update", data=MultiDict([
        ("narrative", "Training booked."), ("proposed_rating", "green"), ("update_date", str(TODAY.day)),
        ("update_date", str(TODAY.month)), ("update_date", str(TODAY.year))]))
    assert response.status_code == 302
    request = db.session.scalar(select(UpdateRequest).where(UpdateRequest.action_id == world["police_open"].id))
    assert request.update is not None and request.responded_date == TODAY
    assert request.update.round_id == round_.id
    action_page = client.get(f"/actions/{world['police_open'].id}").get_data(as_text=True)
    assert "Given for Q3" in action_page
    assert "An update is asked for in" in client.get(f"/actions/{world['police_started'].id}").get_data(as_text=True)

    close_round(round_, by=world["staff"], today=TODAY)
    db.session.commit()
    later = actions.record_progress(world["police_started"], by=world["leads"]["police"], narrative="",
                                    proposed_rating="green", update_date=TODAY, today=TODAY)
    db.session.commit()
    assert later.round_id is None  # the round was closed


def test_the_round_page_shows_who_has_responded_by_agency(app, client, login_as, world):
    round_ = open_round(name="Q3", deadline=TODAY + timedelta(days=7), by=world["staff"], today=TODAY)
    actions.record_progress(world["health_open"], by=world["leads"]["health"], narrative="", proposed_rating="green",
                            update_date=TODAY, today=TODAY)
    db.session.commit()
    login_as(Role.BOARD_MEMBER)
    page = client.get(f"/update-rounds/{round_.id}").get_data(as_text=True)
    assert "1 of 3" in page and "33%" in page
    assert "Black Country Health" in page and "Dudley Police" in page
    assert "POLICE open" in page and "HEALTH open" not in page  # outstanding only, by default
    everything = client.get(f"/update-rounds/{round_.id}?state=all").get_data(as_text=True)
    assert "HEALTH open" in everything and "Responded" in everything
    only_health = client.get(f"/update-rounds/{round_.id}?state=all&agency={world['health'].id}").get_data(as_text=True)
    assert "HEALTH open" in only_health and "POLICE open" not in only_health
    assert "Close the round" not in page  # the board reads only
    listing = client.get("/update-rounds/").get_data(as_text=True)
    assert "Q3" in listing and "1 of 3 (33%)" in listing and "Open a round" not in listing


def test_an_agency_lead_sees_only_their_own_agency_in_a_round(app, client, login_as, world):
    round_ = open_round(name="Q3", deadline=TODAY + timedelta(days=7), by=world["staff"], today=TODAY)
    db.session.commit()
    login_as(Role.AGENCY_LEAD, user=world["leads"]["health"])
    page = client.get(f"/update-rounds/{round_.id}?state=all&agency={world['police'].id}").get_data(as_text=True)
    assert "HEALTH open" in page and "Black Country Health" in page
    assert "POLICE" not in page and "Dudley Police" not in page
    assert "0 of 1" in page
    assert "0 of 1 (0%)" in client.get("/update-rounds/").get_data(as_text=True)


def test_the_business_unit_closes_a_round(app, client, login_as, world):
    round_ = open_round(name="Q3", deadline=TODAY + timedelta(days=7), by=world["staff"], today=TODAY)
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    assert "Close Q3" in client.get(f"/update-rounds/{round_.id}/close").get_data(as_text=True)
    assert client.post(f"/update-rounds/{round_.id}/close").status_code == 302
    db.session.refresh(round_)
    assert round_.closed_date == TODAY and not round_.is_open
    again = client.post(f"/update-rounds/{round_.id}/close")
    assert again.status_code == 422 and "This round is already closed." in again.get_data(as_text=True)
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.object_type == "UpdateRound",
                                                       AuditRecord.event == "update")) is not None


def test_opening_a_round_with_nothing_to_ask_is_refused(app, client, login_as):
    login_as(Role.BUSINESS_UNIT)
    response = open_through_the_form(client)
    assert response.status_code == 422
    assert "There are no open actions to ask for updates on." in response.get_data(as_text=True)


def test_the_board_report_uses_the_latest_round(app, world):
    open_round(name="Q2", deadline=TODAY - timedelta(days=40), by=world["staff"], today=TODAY - timedelta(days=60))
    q3 = open_round(name="Q3 for the March board", deadline=TODAY + timedelta(days=7), by=world["staff"], today=TODAY)
    update = actions.record_progress(world["police_open"], by=world["leads"]["police"], narrative="Done half.",
                                     proposed_rating="amber", update_date=TODAY, today=TODAY)
    db.session.commit()
    later = datetime.now(UTC).date() + timedelta(days=1)  # the services stamp status moves with the real time
    data = build_report_data(resolve_scope(later), Settings(), partnership="P", generated_by="T",
                             generated_at=datetime.now(UTC))
    r = data.latest_round
    assert (r.name, r.deadline_date, r.requested, r.responded, r.rate) == ("Q3 for the March board",
                                                                           TODAY + timedelta(days=7), 3, 1, 33)
    [line] = [line for line in data.actions if line.id == world["police_open"].id]
    assert line.latest_update.round_id == q3.id == update.round_id
    earlier = build_report_data(resolve_scope(TODAY - timedelta(days=1)), Settings(), partnership="P",
                                generated_by="T", generated_at=datetime.now(UTC))
    assert earlier.latest_round.name == "Q2"
    scoped = build_report_data(resolve_scope(later, agency="POL"), Settings(), partnership="P", generated_by="T",
                               generated_at=datetime.now(UTC))
    assert (scoped.latest_round.requested, scoped.latest_round.responded) == (2, 1)

    from tracker.reports.render import render_report_html  # the HTML step, without WeasyPrint

    html = render_report_html(data)
    assert "Update round: Q3 for the March board" in html and "1 of 3" in html and "33%" in html
    assert "[Q3 for the March board]" in html
