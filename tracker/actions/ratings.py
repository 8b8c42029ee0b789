"""The BRAG rating: a pure function of an action and a date, with the reason as a sentence.

The same rule exists as a SQL CASE expression (`rating_expression`) for filters and sorting;
a test checks the two agree. The SQL forms are built once: the days they turn on are named parameters,
given with each statement that uses them by `rating_days`.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

from sqlalchemy import Date, and_, bindparam, case, literal, or_

from tracker.actions.models import (
    UNRATED_STATUSES,
    WORKING_STATUSES,
    Action,
    ActionStatus,
    Rating,
)
from tracker.settings import Settings


@dataclass(frozen=True)
class RatingResult:
    rating: Rating
    reason: str

    @property
    def value(self) -> str:
        return self.rating.value


@lru_cache(maxsize=4096)
def format_date(d: date) -> str:
    """"5 March 2025". Kept: a report words twelve thousand ratings, mostly with the same few hundred
    dates, and strftime was a tenth of its rating time."""
    return f"{d.day} {d:%B %Y}"


#: Each status by its value (or by itself): `rate` runs for every action of a report, twelve thousand
#: at the ten-year size, and the enum's own lookup by value was a tenth of its time.
_STATUSES = {status.value: status for status in ActionStatus}


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


#: The members `rate` turns on, looked up once: a member looked up on its enum class costs about as much
#: as a dictionary look-up and a call, and a report rates twelve thousand actions.
_ASSURED, _SUBMITTED = ActionStatus.ASSURED, ActionStatus.SUBMITTED
_BLUE, _NONE, _GREEN, _RED, _AMBER = Rating.BLUE, Rating.NONE, Rating.GREEN, Rating.RED, Rating.AMBER


def rate(action: Action, today: date, settings: Settings) -> RatingResult:
    """Blue when assured; Green when submitted; otherwise Red if overdue or reported off track,
    Amber if due within the at-risk window, not updated for too long or reported at risk,
    else Green. Drafts and withdrawn or superseded actions are not rated."""
    label = settings.label
    status = _STATUSES[action.status]
    if status is _ASSURED:
        when = f" on {format_date(action.assured_date)}" if action.assured_date else ""
        return RatingResult(_BLUE, f"{label('blue')}: assured{when} with evidence of impact")
    if status in UNRATED_STATUSES:
        return RatingResult(_NONE, f"{label('none')}: {status.label.lower()}")
    if status is _SUBMITTED:
        when = f" on {format_date(action.submitted_at.date())}" if action.submitted_at else ""
        return RatingResult(_GREEN, f"{label('green')}: submitted{when}, awaiting assurance")

    due = action.due_date
    last = action.last_update_date or action.opened_date
    stale = last is not None and (today - last).days > settings.stale_update_days
    since = f", no update since {format_date(last)}" if stale else ""
    if today > due:
        return RatingResult(_RED, f"{label('red')}: due {format_date(due)}, {_days((today - due).days)} ago{since}")
    if action.last_proposed_rating == _RED:
        return RatingResult(_RED, f"{label('red')}: the lead reported it off track on {format_date(action.last_update_date)}")
    if (due - today).days <= settings.at_risk_days:
        when = "today" if due == today else f"in {_days((due - today).days)}"
        return RatingResult(_AMBER, f"{label('amber')}: due {when} ({format_date(due)}){since}")
    if stale:
        return RatingResult(_AMBER, f"{label('amber')}: no update since {format_date(last)}, {_days((today - last).days)} ago")
    if action.last_proposed_rating == _AMBER:
        return RatingResult(_AMBER, f"{label('amber')}: the lead reported it at risk on {format_date(action.last_update_date)}")
    return RatingResult(_GREEN, f"{label('green')}: on track, due {format_date(due)}")


#: The three days the rule turns on, as named parameters, so that the SQL forms below are built once
#: (building them, and working out their cache keys, was a large part of a list page's time).
TODAY = bindparam("rating_today", type_=Date)
STALE_BEFORE = bindparam("rating_stale_before", type_=Date)
AT_RISK_BY = bindparam("rating_at_risk_by", type_=Date)


def rating_days(today: date, settings: Settings) -> dict[str, date]:
    """The parameters every statement built from `rating_expression` or `rating_condition` runs with."""
    return {"rating_today": today,
            "rating_stale_before": today - timedelta(days=settings.stale_update_days),
            "rating_at_risk_by": today + timedelta(days=settings.at_risk_days)}


def _rating_case(outputs: dict[str, object] | None):
    out = (lambda rating: literal(outputs[rating.value])) if outputs else (lambda rating: literal(rating.value))
    last = Action.last_update_date
    stale = or_(
        and_(last.is_not(None), last < STALE_BEFORE),
        and_(last.is_(None), Action.opened_date.is_not(None), Action.opened_date < STALE_BEFORE),
    )
    return case(
        (Action.status == ActionStatus.ASSURED, out(Rating.BLUE)),
        (Action.status.in_(UNRATED_STATUSES), out(Rating.NONE)),
        (Action.status == ActionStatus.SUBMITTED, out(Rating.GREEN)),
        (Action.due_date < TODAY, out(Rating.RED)),
        (Action.last_proposed_rating == Rating.RED, out(Rating.RED)),
        (Action.due_date <= AT_RISK_BY, out(Rating.AMBER)),
        (stale, out(Rating.AMBER)),
        (Action.last_proposed_rating == Rating.AMBER, out(Rating.AMBER)),
        else_=out(Rating.GREEN),
    )


@cache
def rating_expression():
    """The rule of `rate` as a SQL expression over the actions table: the rating's value."""
    return _rating_case(None)


@cache
def rating_condition(rating: str):
    """`rating_expression() == rating` written as plain conditions on the columns, so that the
    database can use its indexes (status, due date) instead of working the CASE out for every row.
    Due dates are never empty; the proposed rating and the dates of updates may be."""
    if rating == Rating.BLUE:
        return Action.status == ActionStatus.ASSURED
    if rating == Rating.NONE:
        return Action.status.in_(UNRATED_STATUSES)
    open_ = Action.status.in_(WORKING_STATUSES)
    proposed = Action.last_proposed_rating
    if rating == Rating.RED:
        return and_(open_, or_(Action.due_date < TODAY, proposed == Rating.RED))
    not_red = and_(Action.due_date >= TODAY, or_(proposed.is_(None), proposed != Rating.RED))
    last, opened = Action.last_update_date, Action.opened_date
    if rating == Rating.AMBER:
        stale = or_(and_(last.is_not(None), last < STALE_BEFORE),
                    and_(last.is_(None), opened.is_not(None), opened < STALE_BEFORE))
        return and_(open_, not_red, or_(Action.due_date <= AT_RISK_BY, stale, proposed == Rating.AMBER))
    if rating == Rating.GREEN:
        fresh = or_(and_(last.is_not(None), last >= STALE_BEFORE),
                    and_(last.is_(None), or_(opened.is_(None), opened >= STALE_BEFORE)))
        not_amber = and_(Action.due_date > AT_RISK_BY, fresh,
                         or_(proposed.is_(None), proposed != Rating.AMBER))
        return or_(Action.status == ActionStatus.SUBMITTED, and_(open_, not_red, not_amber))
    raise KeyError(rating)


RATING_ORDER = {Rating.RED: 0, Rating.AMBER: 1, Rating.GREEN: 2, Rating.BLUE: 3,
                Rating.NONE: 4}


@cache
def rating_order_expression():
    """Red first, then Amber, Green, Blue, not rated: for sorting lists by rating. One CASE, not the
    rating's CASE nested in another (which SQLite would work out once per rating for every row)."""
    return _rating_case(RATING_ORDER)
