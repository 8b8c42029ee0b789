"""Recommendations and reviews close: what a recommendation's actions add up to, the board's closure
decision (only when every action is assured, or withdrawn or superseded with the risk accepted), the
review closing with its last recommendation, reopening an action reopening both with history, and
open / closed in the lists."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests import factories
from tracker.actions import services as actions
from tracker.actions.models import Action
from tracker.closure import services
from tracker.closure.models import ClosureDecision
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.users.models import Role

TODAY = factories.TODAY  # 2 June 2025

DECISION = {"decision_date": ["20", "5", "2025"], "meeting": "Partnership Board, 20 May 2025",
            "minute_reference": "PB/2025/14"}


@pytest.fixture
def world(app):
    police = factories.make_agency("Police Force", "POL")
    staff = factories.make_user(Role.BUSINESS_UNIT, name="Bea Unit")
    review = factories.make_review(reference="CSPR-21", title="Child W")
    first = factories.make_recommendation(review, number="1", addressees=[police])
    second = factories.make_recommendation(review, number="2", addressees=[police])
    done = factories.make_action(owner=police, recommendation=first, status="assured", by=staff)
    live = factories.make_action(owner=police, recommendation=second, status="in_progress", by=staff)
    db.session.commit()
    return {"police": police, "staff": staff, "review": review, "first": first, "second": second,
            "done": done, "live": live}


def close(world, rec, **changes):
    values = dict(decision_date=date(2025, 5, 20), meeting="Partnership Board", minute_reference="PB/14",
                  risk_accepted="", by=world["staff"], today=TODAY)
    values.update(changes)
    return services.close_recommendation(rec, **values)


def test_a_recommendation_closes_only_when_nothing_is_left(world):
    assert services.tally(world["second"].id).sentence == "0 of 1 assured, 1 still to do."
    with pytest.raises(DomainError, match="Every action must be assured, withdrawn or superseded first"):
        close(world, world["second"])
    empty = factories.make_recommendation(world["review"], number="3")
    with pytest.raises(DomainError, match="no actions"):
        close(world, empty)
    for bad, field in (({"decision_date": date(2025, 6, 3)}, "decision_date"), ({"meeting": " "}, "meeting"),
                       ({"minute_reference": ""}, "minute_reference")):
        with pytest.raises(DomainError) as refused:
            close(world, world["first"], **bad)
        assert refused.value.field == field
    decision = close(world, world["first"])
    assert world["first"].closed_date == date(2025, 5, 20) and decision.minute_reference == "PB/14"
    assert world["review"].closed_date is None  # recommendations 2 and 3 are still open
    with pytest.raises(DomainError, match="already closed"):
        close(world, world["first"])


def test_withdrawn_work_needs_the_risk_accepted_in_words(world):
    actions.close_action(world["live"], "withdrawn", world["staff"], "The service was decommissioned.", TODAY)
    assert services.tally(world["second"].id).sentence == "0 of 1 assured, 1 withdrawn or superseded."
    with pytest.raises(DomainError, match="say what risk the board accepts") as refused:
        close(world, world["second"])
    assert refused.value.field == "risk_accepted"
    close(world, world["second"], risk_accepted="The new service covers the same ground.")
    assert world["second"].closed_date is not None


def test_the_review_closes_with_its_last_recommendation_and_reopens_with_an_action(world):
    close(world, world["first"])
    factories.make_evidence(world["live"], world["staff"], kind="impact")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=world["police"])
    actions.submit_for_assurance(world["live"], lead, TODAY)
    actions.accept_action(world["live"], world["staff"], "Done.", TODAY)
    close(world, world["second"], decision_date=date(2025, 6, 1), minute_reference="PB/15")
    review = world["review"]
    assert review.closed_date == date(2025, 6, 1)

    actions.reopen_action(world["done"], world["staff"], "Impact review: not sustained.", TODAY)
    assert world["first"].closed_date is None and review.closed_date is None
    assert world["second"].closed_date == date(2025, 6, 1)  # the other recommendation stays closed
    kinds = [(d.recommendation_id, d.kind) for d in services.history(review.id)]
    assert kinds == [(world["first"].id, "closed"), (world["second"].id, "closed"), (None, "closed"),
                     (world["first"].id, "reopened"), (None, "reopened")]
    reopened = services.history(review.id, world["first"].id)[-1]
    # The closure history names the action but not why: every agency addressed reads it, and the reason
    # (an impact review's note, a measure's figures) is the owning agency's, kept in the action's history.
    assert reopened.reason == f"Action {world['done'].short_reference} was reopened: the reason is in the action's history."
    assert "not sustained" not in reopened.reason


def test_the_business_unit_records_the_decision_on_the_page(app, client, login_as, world):
    login_as(Role.BUSINESS_UNIT)
    rec = world["first"]
    page = client.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert "Its actions: 1 of 1 assured." in page and "Record the board's closure decision" in page
    second = client.get(f"/recommendations/{world['second'].id}").get_data(as_text=True)
    assert "1 still to do" in second and "Record the board's closure decision" not in second
    response = client.post(f"/closure/recommendations/{rec.id}", data={**DECISION, "minute_reference": ""})
    assert response.status_code == 422 and "Enter the minute reference" in response.get_data(as_text=True)
    assert "Partnership Board, 20 May 2025" in response.get_data(as_text=True)  # nothing lost
    assert client.post(f"/closure/recommendations/{rec.id}", data=DECISION).status_code == 302
    page = client.get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert re.search(r"Closed</strong> on <time[^>]*>20 May 2025", page)
    assert "at Partnership Board, 20 May 2025, minute PB/2025/14" in page
    review_page = client.get(f"/reviews/{world['review'].id}").get_data(as_text=True)
    assert review_page.count("govuk-tag--grey\">Closed</strong>") == 1  # recommendation 1 only

    board = app.test_client()
    login_as(Role.BOARD_MEMBER, client=board)
    assert board.get(f"/closure/recommendations/{rec.id}").status_code == 403
    assert db.session.scalar(select(ClosureDecision.decided_by_id)) is not None


def test_the_reviews_list_shows_and_filters_open_and_closed(client, login_as, world):
    other = factories.make_review(reference="CSPR-22", title="Child V")
    db.session.commit()
    close(world, world["first"])
    actions.close_action(world["live"], "superseded", world["staff"], "Replaced by CSPR-22's plan.", TODAY)
    close(world, world["second"], risk_accepted="Covered by CSPR-22.")
    db.session.commit()
    login_as(Role.BOARD_MEMBER)
    closed = client.get("/reviews/?closure=closed").get_data(as_text=True)
    assert "CSPR-21" in closed and "CSPR-22" not in closed and "Closed <time" in closed
    still_open = client.get("/reviews/?closure=open").get_data(as_text=True)
    assert "CSPR-22" in still_open and "CSPR-21" not in still_open
    assert other.closed_date is None


def test_no_new_action_under_a_recommendation_the_board_closed(client, login_as, world):
    """Closed means nothing live is left under it: an action added later would leave a "closed"
    recommendation with open work, so it is refused on the form, with the date, and nothing is saved."""
    close(world, world["first"])
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    count = db.session.scalar(select(func.count()).select_from(Action))
    response = client.post(f"/actions/new?recommendation_id={world['first'].id}", data=MultiDict([
        ("description", "More training"), ("owner_agency_id", str(world["police"].id)),
        ("due_date", "1"), ("due_date", "6"), ("due_date", str(TODAY.year + 1)),
        ("success_measure", "Audit shows it"), ("open_now", "y")]))
    body = response.get_data(as_text=True)
    assert response.status_code == 422, body
    assert "The board closed this recommendation on 20 May 2025" in body, re.findall(r'error-message.*?</p>', body, re.S)
    assert db.session.scalar(select(func.count()).select_from(Action)) == count
    assert world["first"].closed_date == date(2025, 5, 20)
