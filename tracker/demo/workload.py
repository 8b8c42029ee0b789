"""The business unit's week in the demo, so that a newcomer finds its lists at work rather than empty:
an update round opened a week ago with its deadline next week and about a third of the leads
answered, two requests for a new due date waiting for a decision, and three scrutiny challenges (one
waiting for the agency, one answered, one closed)."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.actions.models import Action, ActionStatus
from tracker.actions.services import record_progress, request_due_date
from tracker.challenges.services import close_challenge, post_message, raise_challenge
from tracker.extensions import db
from tracker.rounds.services import open_round
from tracker.users.models import User

#: Leads' updates given in the round: "under way" in their own words, one of these each.
ROUND_ANSWERS = [
    "Briefings delivered to two of the three teams; the third is booked for next month.",
    "The revised procedure is out for consultation with team managers; comments close on Friday.",
    "Audit of ten case files done: seven met the standard. Findings go to the next practice forum.",
]
DUE_DATE_REASONS = [
    "The training provider cancelled the spring cohort; the next dates are in the autumn.",
    "The audit needs the new case recording system, whose go-live has moved by three months.",
]
CHALLENGES = [
    ("Green is proposed, but the last two updates describe plans rather than anything done. What has "
     "changed for children so far, and how do you know?", None, None),
    ("The evidence attached is the briefing's attendance list. How will you know that practice changed?",
     "We are adding three questions on this to the quarterly case file audit; the first results come in "
     "the next quarter.", None),
    ("Is this action still needed now that the new procedure covers it?",
     "Yes: the procedure sets the standard, and this action checks that teams follow it.",
     "Thank you: the answer is clear, and the quarterly audit will show whether it holds."),
]


def build_workload(today: date, officer: User, scrutineer: User) -> None:
    working = db.session.scalars(
        select(Action).where(Action.status == ActionStatus.IN_PROGRESS, Action.lead_id.is_not(None))
        .options(selectinload(Action.lead), selectinload(Action.owner_agency), selectinload(Action.recommendation))
        .order_by(Action.id)).all()
    opened = today - timedelta(days=7)
    open_round(name=f"Updates for the {(today + timedelta(days=10)):%B} board", deadline=today + timedelta(days=7),
               by=officer, today=opened)
    answered = [a for a in working[::3] if a.last_update_date is None or a.last_update_date < today - timedelta(days=2)]
    for n, action in enumerate(answered):
        record_progress(action, by=action.lead, narrative=ROUND_ANSWERS[n % len(ROUND_ANSWERS)],
                        proposed_rating=action.last_proposed_rating or "green",
                        update_date=today - timedelta(days=2 + n % 4), today=today)
    others = [a for a in working if a not in answered]
    for action, reason in zip(_one_per_agency(others[::2]), DUE_DATE_REASONS):
        request_due_date(action, max(action.due_date, today) + timedelta(days=120), reason, action.lead, today)
    for action, (question, answer, closing) in zip(_one_per_agency(others[1::2]), CHALLENGES):
        challenge = raise_challenge(action, agency=action.owner_agency, by=scrutineer, text=question)
        if answer:
            post_message(challenge, by=action.lead, text=answer)
        if closing:
            close_challenge(challenge, by=scrutineer, note=closing)
    db.session.flush()


def _one_per_agency(actions: list[Action]) -> list[Action]:
    """The first of `actions` for each owner, so the demo's requests and challenges come from several."""
    seen: set[int] = set()
    return [a for a in actions if not (a.owner_agency_id in seen or seen.add(a.owner_agency_id))]
