"""Bulk change pages: tick actions on the list, choose the change, check the preview, confirm."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.factories import TODAY, make_action, make_agency, make_recommendation, make_user
from tracker.actions.models import Action, DueDateChange
from tracker.extensions import db
from tracker.users.models import Role


@pytest.fixture
def world(app):
    police, health = make_agency("Dudley Police", "POL"), make_agency("Black Country Health", "BCH")
    staff = make_user(Role.BUSINESS_UNIT, name="Bea Unit")
    pat = make_user(Role.AGENCY_LEAD, agency=police, name="Pat Police")
    pam = make_user(Role.AGENCY_LEAD, agency=police, name="Pam Police")
    hal = make_user(Role.AGENCY_LEAD, agency=health, name="Hal Health")
    p1 = make_action(owner=police, lead=pat, by=staff, description="POLICE one")
    p2 = make_action(owner=police, lead=pat, by=staff, description="POLICE two")
    h1 = make_action(owner=health, lead=hal, by=staff, description="HEALTH one")
    db.session.commit()
    return {"police": police, "health": health, "staff": staff, "pat": pat, "pam": pam, "hal": hal,
            "p1": p1, "p2": p2, "h1": h1}


def _date(name, value):
    return [(name, str(value.day)), (name, str(value.month)), (name, str(value.year))]


def test_the_list_offers_checkboxes_to_the_business_unit_only(client, login_as, world):
    login_as(Role.BUSINESS_UNIT)
    page = client.get("/actions/").get_data(as_text=True)
    assert f'name="action_id" type="checkbox" value="{world["p1"].id}"' in page
    assert "Change the selected actions" in page
    client.post("/sign-out")
    login_as(Role.AGENCY_LEAD, agency=world["police"])
    page = client.get("/actions/").get_data(as_text=True)
    assert 'type="checkbox"' not in page
    assert client.post("/actions/bulk", data={"action_id": world["p1"].id}).status_code == 403


def test_move_due_dates_preview_then_confirm(client, login_as, world):
    login_as(Role.BUSINESS_UNIT)
    chosen = [("action_id", str(world[k].id)) for k in ("p1", "h1")]
    page = client.post("/actions/bulk", data=MultiDict(chosen)).get_data(as_text=True)
    assert "Change 2 selected actions" in page and "POLICE one" in page and "HEALTH one" in page
    new_date = TODAY + timedelta(days=45)
    form = MultiDict(chosen + [("operation", "due_date"), ("reason", "New procedure delayed")]
                     + _date("due_date", new_date))
    preview = client.post("/actions/bulk/preview", data=form)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Actions that will change" in text and "17 July 2025" in text
    assert db.session.scalar(select(Action.due_date).where(Action.id == world["p1"].id)) != new_date
    versions = [("version", f"{world[k].id}:{world[k].version}") for k in ("p1", "h1")]
    done = client.post("/actions/bulk/confirm", data=MultiDict(list(form.items(multi=True)) + versions))
    assert done.status_code == 302
    db.session.expire_all()
    assert {a.due_date for a in db.session.scalars(select(Action).where(Action.id.in_(
        [world["p1"].id, world["h1"].id])))} == {new_date}
    assert "2 actions changed" in client.get("/actions/").get_data(as_text=True)


def test_a_missing_reason_is_shown_on_the_form_and_nothing_changes(client, login_as, world):
    login_as(Role.BUSINESS_UNIT)
    form = MultiDict([("action_id", str(world["p1"].id)), ("operation", "due_date")]
                     + _date("due_date", TODAY + timedelta(days=9)))
    response = client.post("/actions/bulk/preview", data=form)
    assert response.status_code == 422
    assert "Enter the reason the due dates are moving" in response.get_data(as_text=True)


def test_choosing_no_action_is_refused_on_the_form(client, login_as, world):
    login_as(Role.BUSINESS_UNIT)
    response = client.post("/actions/bulk", data=MultiDict([("operation", "lead")]))
    assert response.status_code == 422
    assert "Select at least one action." in response.get_data(as_text=True)


def test_confirm_after_someone_else_changed_an_action_shows_the_fresh_preview(client, login_as, world):
    login_as(Role.BUSINESS_UNIT)
    form = [("action_id", str(world["p1"].id)), ("operation", "lead"), ("lead_id", str(world["pam"].id)),
            ("version", f"{world['p1'].id}:{world['p1'].version}")]
    world["p1"].description = "Edited meanwhile"
    db.session.commit()
    response = client.post("/actions/bulk/confirm", data=MultiDict(form))
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "changed after the preview" in text and "Edited meanwhile" in text
    db.session.expire_all()
    assert db.session.get(Action, world["p1"].id).lead_id == world["pat"].id


def test_an_admin_hands_a_leavers_work_to_a_successor(client, login_as, world):
    login_as(Role.ADMIN)
    url = f"/admin/users/{world['pat'].id}/hand-over"
    assert "2 live actions" in client.get(url).get_data(as_text=True)
    wrong = client.post(url, data={"successor_id": world["hal"].id})
    assert wrong.status_code == 422 and "not a lead in the agency" in wrong.get_data(as_text=True)
    preview = client.post(url, data={"successor_id": world["pam"].id}).get_data(as_text=True)
    assert "Check the hand-over to Pam Police" in preview
    fingerprint = preview.split('name="fingerprint" value="')[1].split('"')[0]
    assert db.session.get(Action, world["p1"].id).lead_id == world["pat"].id
    done = client.post(url, data={"successor_id": world["pam"].id, "fingerprint": fingerprint, "confirm": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert {a.lead_id for a in db.session.scalars(select(Action).where(Action.owner_agency_id == world["police"].id))} \
        == {world["pam"].id}


def test_one_action_per_agency_from_the_recommendation_page(client, login_as, world):
    rec = make_recommendation(addressees=[world["police"], world["health"]])
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    url = f"/recommendations/{rec.id}/actions-per-agency"
    page = client.get(url).get_data(as_text=True)
    assert f'id="agency-{world["police"].id}" name="agency" type="checkbox" value="{world["police"].id}" checked' in page
    police, health = world["police"].id, world["health"].id
    form = [("description", "Train every team"), ("success_measure", ""), ("agency", str(police)),
            ("agency", str(health)), (f"lead-{police}", str(world["pam"].id))]
    missing = client.post(url, data=MultiDict(form + _date(f"due-{police}", TODAY + timedelta(days=30))))
    assert missing.status_code == 422 and "Enter the due date for Black Country Health" in missing.get_data(as_text=True)
    form += _date(f"due-{police}", TODAY + timedelta(days=30)) + _date(f"due-{health}", TODAY + timedelta(days=60))
    preview = client.post(url, data=MultiDict(form)).get_data(as_text=True)
    assert "Check the actions" in preview and "Pam Police" in preview
    assert db.session.scalar(select(Action).where(Action.recommendation_id == rec.id)) is None
    done = client.post(url, data=MultiDict(form + [("confirm", "1")]))
    assert done.status_code == 302
    made = db.session.scalars(select(Action).where(Action.recommendation_id == rec.id)).all()
    assert {(a.owner_agency_id, a.lead_id, a.due_date) for a in made} == {
        (police, world["pam"].id, TODAY + timedelta(days=30)), (health, None, TODAY + timedelta(days=60))}


def _many_actions(world, n):
    """n open police actions inserted at once (the services would take far longer for the benchmark)."""
    rec = make_recommendation(addressees=[world["police"]])
    made = [Action(recommendation=rec, review_id=rec.review_id, description=f"Bulk action {i}",
                   owner_agency=world["police"], lead=world["pat"], original_due_date=TODAY + timedelta(days=30),
                   due_date=TODAY + timedelta(days=30), status="open", opened_date=TODAY, created_by_id=world["staff"].id)
            for i in range(n)]
    db.session.add_all(made)
    db.session.commit()
    return made


def due_date_move_form(made, new_date):
    form = [("action_id", str(a.id)) for a in made] + [("version", f"{a.id}:{a.version}") for a in made]
    return MultiDict(form + [("operation", "due_date"), ("reason", "Procedure rewritten")] + _date("due_date", new_date))


def test_a_bulk_change_runs_the_same_number_of_queries_for_5_or_50_actions(client, login_as, world):
    from tests.test_query_counts import counting  # the shared statement counter

    login_as(Role.BUSINESS_UNIT)
    counts = []
    for n in (5, 50):
        form = due_date_move_form(_many_actions(world, n), TODAY + timedelta(days=40 + n))
        with counting() as statements:
            assert client.post("/actions/bulk/confirm", data=form).status_code == 302
        counts.append(len(statements))
    assert counts[0] == counts[1], (counts, sorted({s[:70] for s in statements}))
    moved = db.session.scalar(select(func.count()).select_from(DueDateChange).where(
        DueDateChange.new_date == TODAY + timedelta(days=90)))
    assert moved == 50
