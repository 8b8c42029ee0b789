"""No key page runs a query per row: the number of SQL statements a page runs is the same with a
little data and with several times as much (scripts/bench.py checks the same at demo and large size)."""

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from tests import factories
from tracker.actions import services as actions
from tracker.extensions import db
from tracker.users.models import Role


@contextmanager
def counting():
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def add_round(world: dict, today) -> None:
    """One more review with recommendations and actions in every status, for both agencies, and one
    more update, evidence and moved date on the action that is looked at."""
    review = factories.make_review(title="Child Q and family")
    review.themes = [world["theme"]]
    for agency, lead in ((world["agency"], world["lead"]), (world["other"], world["other_lead"])):
        rec = factories.make_recommendation(review=review, addressees=[agency])
        rec.themes = [world["theme"]]
        for status in ("draft", "open", "in_progress", "submitted", "assured", "withdrawn"):
            factories.make_action(owner=agency, lead=lead, status=status, recommendation=rec, by=world["staff"],
                                  submitted_by=lead, due_date=today + timedelta(days=10))
        # and more on the first review, so that its page has more rows too
        rec = factories.make_recommendation(review=world["review"], addressees=[agency])
        factories.make_action(owner=agency, lead=lead, status="in_progress", recommendation=rec, by=world["staff"])
    action = world["action"]
    actions.record_progress(action, by=world["lead"], narrative="More news.", proposed_rating="amber",
                            update_date=today - timedelta(days=len(action.updates)), today=today)
    factories.make_evidence(action, world["lead"])
    actions.move_due_date(action, action.due_date + timedelta(days=7), "Staff away.", world["staff"])
    db.session.commit()


def test_key_pages_run_the_same_number_of_queries_whatever_the_data(app, client, login_as, today):
    agency, other = factories.make_agency(), factories.make_agency()
    staff = factories.make_user(Role.BUSINESS_UNIT)
    lead = factories.make_user(Role.AGENCY_LEAD, agency=agency)
    theme = factories.make_theme()
    review = factories.make_review(title="Child P")
    review.themes = [theme]
    rec = factories.make_recommendation(review=review, addressees=[agency])
    action = factories.make_action(owner=agency, lead=lead, status="in_progress", recommendation=rec, by=staff)
    world = {"agency": agency, "other": other, "staff": staff, "lead": lead, "theme": theme, "review": review,
             "action": action, "other_lead": factories.make_user(Role.AGENCY_LEAD, agency=other)}
    db.session.commit()

    clients = {}
    for role in Role:
        clients[role] = app.test_client()
        login_as(role, agency=agency if role is Role.AGENCY_LEAD else None,
                 user=lead if role is Role.AGENCY_LEAD else None, client=clients[role])
    pages = [(f"home as {role.value}", role, "/") for role in Role] + [
        ("reviews list", Role.BUSINESS_UNIT, "/reviews/"),
        ("library search", Role.SCRUTINEER, "/reviews/?q=child"),
        ("review page", Role.BUSINESS_UNIT, f"/reviews/{review.id}"),
        ("review page as agency lead", Role.AGENCY_LEAD, f"/reviews/{review.id}"),
        ("recommendation page", Role.BOARD_MEMBER, f"/recommendations/{rec.id}"),
        ("actions list with filters", Role.BUSINESS_UNIT, "/actions/?status=in_progress&sort=rating"),
        ("actions list as agency lead", Role.AGENCY_LEAD, "/actions/?sort=due"),
        ("action page", Role.BUSINESS_UNIT, f"/actions/{action.id}"),
        ("action page as agency lead", Role.AGENCY_LEAD, f"/actions/{action.id}"),
        ("assurance queue", Role.BUSINESS_UNIT, "/actions/assurance"),
        ("themes list", Role.BOARD_MEMBER, "/themes/"),
        ("theme page", Role.BOARD_MEMBER, f"/themes/{theme.id}"),
    ]

    def measure() -> dict[str, int]:
        counts = {}
        for name, role, path in pages:
            clients[role].get(path)  # warm up
            with counting() as statements:
                response = clients[role].get(path)
            assert response.status_code == 200, f"{name}: {response.status_code}"
            counts[name] = len(statements)
        return counts

    add_round(world, today)
    small = measure()
    for _ in range(3):
        add_round(world, today)
    large = measure()
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grown, f"query counts grow with the data (small, large): {grown}"
