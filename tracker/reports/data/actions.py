"""The report's actions: each one as it stood on the as-at day, rated, and the lists and counts made
from them (by agency and review; what changed since the previous report; what needs attention)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import Select

from tracker.actions.models import (
    ALL_RATINGS,
    LIVE_STATUSES,
    Action,
    ActionStatus,
    Rating,
    action_reference,
)
from tracker.actions.ratings import rate
from tracker.evidence.models import EvidenceKind
from tracker.reports.data.archive import ReportPeriod
from tracker.reports.data.history import (
    DueMove,
    EvidenceRecord,
    ReportHistory,
    StatusAt,
    UpdateRecord,
    is_overdue,
    uk_date,
)
from tracker.settings import Settings
from tracker.users.models import Agency, User


@dataclass
class ActionLine:
    id: int
    review_reference: str
    review_title: str
    recommendation_number: str
    description: str
    owner: str
    owner_short: str
    lead: str
    success_measure: str
    original_due_date: date
    due_date: date
    status: str
    status_label: str
    rating: str
    rating_label: str
    reason: str
    opened_date: date | None
    submitted_date: date | None
    assured_date: date | None
    overdue: bool
    latest_update: UpdateRecord | None
    impact_evidence: list[EvidenceRecord] = field(default_factory=list)
    completion_evidence: list[EvidenceRecord] = field(default_factory=list)
    due_moves: list[DueMove] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return action_reference(self.review_reference, self.recommendation_number, self.id)

    @property
    def is_open(self) -> bool:
        return self.status in LIVE

    @property
    def completed_late(self) -> bool:
        """Assured after the original due date (a moved date does not excuse it)."""
        return self.assured_date is not None and self.assured_date > self.original_due_date


#: The order `rate_actions` gives ActionLine's fields in (a test checks it is the dataclass's).
LINE_FIELDS = (
    "id", "review_reference", "review_title", "recommendation_number", "description",
    "owner", "owner_short", "lead", "success_measure", "original_due_date",
    "due_date", "status", "status_label", "rating", "rating_label", "reason",
    "opened_date", "submitted_date", "assured_date",
    "overdue", "latest_update",
    "impact_evidence", "completion_evidence",
    "due_moves",
)


@dataclass(frozen=True)
class CountRow:
    label: str
    counts: dict[str, int]
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.get(r, 0) for r in ALL_RATINGS)


@dataclass(frozen=True)
class DueMoveLine:
    action: ActionLine
    move: DueMove


class Placement(NamedTuple):
    """Where an action sits: its recommendation's number and its review's reference and title (a named
    tuple: a report places four thousand recommendations, and a frozen dataclass is made field by field)."""

    recommendation_number: str
    review_reference: str
    review_title: str


RATING = attrgetter("rating")


def count_ratings(lines: Sequence[ActionLine]) -> dict[str, int]:
    """Each rating's number of lines, every rating present (counted in C: a report counts its twelve
    thousand lines four times over, by owner, by review, in each review's section and in all)."""
    counts = dict.fromkeys(ALL_RATINGS, 0)
    for rating, n in Counter(map(RATING, lines)).items():
        counts[rating] += n
    return counts


def action_facts(query: Select) -> Select:
    """The columns of the actions that do not change with time, added to `query` (for
    `load_report_history`, which gives the rest as at the day, and the rows as the driver gives them):
    each one's recommendation, description, success measure, original due date, owner and lead."""
    lead = User.__table__.alias("lead")
    return (query.add_columns(Action.recommendation_id, Action.description, Action.success_measure,
                              Action.original_due_date, Agency.name, Agency.short_name, lead.c.name)
            .join(Agency, Agency.id == Action.owner_agency_id)
            .outerjoin(lead, lead.c.id == Action.lead_id))


#: Each rating's value, looked up once (`Rating.value` is a Python-level property, asked per action).
RATING_VALUES = {rating: rating.value for rating in Rating}
#: The values the lists compare twelve thousand lines with, as plain text: each comparison with an enum
#: member looked the member up on its class first.
RED, AMBER = Rating.RED.value, Rating.AMBER.value
SUBMITTED, ASSURED = ActionStatus.SUBMITTED.value, ActionStatus.ASSURED.value
LIVE = frozenset(status.value for status in LIVE_STATUSES)

#: Each status's label by its value (the enum's own labels, looked up once).
STATUS_LABELS = {status.value: status.label for status in ActionStatus}


@dataclass
class RatedActions:
    """The actions that existed on the as-at day, in id order, and how those that existed at the period's
    start stood then."""

    lines: list[ActionLine]
    at_start: dict[int, StatusAt]
    #: Each recommendation's action lines, in id order.
    by_recommendation: dict[int, list[ActionLine]]


def rate_actions(history: ReportHistory, placement: Callable[[int], Placement], period: ReportPeriod,
                 settings: Settings) -> RatedActions:
    """Each action's state on the as-at day, rated with the settings; `placement` gives a
    recommendation's place by its id. The lines take over the history's lists of evidence and due-date
    moves (made for them), rather than filter or copy them per action."""
    as_at = period.as_at
    labels = {rating: settings.label(rating) for rating in ALL_RATINGS}
    impact, completion = history.evidence[EvidenceKind.IMPACT], history.evidence[EvidenceKind.COMPLETION]
    lines: list[ActionLine] = []
    at_start: dict[int, StatusAt] = {}
    by_recommendation: dict[int, list[ActionLine]] = defaultdict(list)
    places: dict[int, Placement] = {}
    days = history.days  # the facts' dates come as stored
    impact_of, completion_of, due_moves_of = impact.get, completion.get, history.due_moves.get
    for action_id, facts, (state, latest_update), then in history.actions:
        rec_id, description, success_measure, original_due_date, owner, owner_short, lead = facts
        status, due, _, _, opened, submitted_at, assured, _ = state
        result = rate(state, as_at, settings)
        rating = RATING_VALUES[result.rating]
        place = places.get(rec_id) or places.setdefault(rec_id, placement(rec_id))
        # by position, in LINE_FIELDS' order: twelve thousand calls with 24 keywords took three times as long
        line = ActionLine(
            action_id, place.review_reference, place.review_title, place.recommendation_number, description,
            owner, owner_short, lead or "No named lead", success_measure, days[original_due_date],
            due, status, STATUS_LABELS[status], rating, labels[rating], result.reason,
            opened, uk_date(submitted_at) if submitted_at else None, assured,
            is_overdue(status, due, as_at), latest_update,
            impact_of(action_id) or [], completion_of(action_id) or [],
            due_moves_of(action_id) or [],  # made on or before the as-at day
        )
        lines.append(line)
        by_recommendation[rec_id].append(line)
        if then is not None:
            at_start[action_id] = then
    return RatedActions(lines=lines, at_start=at_start, by_recommendation=by_recommendation)


def count_rows(lines: list[ActionLine], key: Callable[[ActionLine], str]) -> list[CountRow]:
    """Rating counts and overdue actions for each value of `key`, by that value, in one pass over the
    lines (each read once, while it is in the cache)."""
    counts: dict[str, dict[str, int]] = {}
    overdue: dict[str, int] = {}
    for line in lines:
        name = key(line)
        ratings = counts.get(name)
        if ratings is None:
            ratings = counts[name] = dict.fromkeys(ALL_RATINGS, 0)
            overdue[name] = 0
        ratings[line.rating] += 1
        if line.overdue:
            overdue[name] += 1
    return [CountRow(name, counts[name], overdue[name]) for name in sorted(counts)]


@dataclass(frozen=True)
class ActionLists:
    """The report's lists of actions: what changed in the period and what needs attention."""

    newly_overdue: list[ActionLine]
    newly_assured: list[ActionLine]
    due_dates_moved: list[DueMoveLine]
    overdue: list[ActionLine]
    red_and_amber: list[ActionLine]
    awaiting_assurance: list[ActionLine]
    #: Open work by owner, then due date.
    open_actions: list[ActionLine]


#: The order of most lists is by due date, then id: the lines come in id order, and a stable sort by
#: due date alone keeps it among the lines due the same day (without a tuple made and compared per line).
DUE_DATE = attrgetter("due_date")


def action_lists(rated: RatedActions, period: ReportPeriod) -> ActionLists:
    """The lists, from one sort of the lines by due date: the others are stable sorts of its parts
    (red before amber; open work by owner), each already in due-date order."""
    lines, at_start, start = rated.lines, rated.at_start, period.start
    moved = [DueMoveLine(line, move) for line in lines for move in line.due_moves if move.on > start]
    moved.sort(key=lambda m: (m.move.at, m.action.id))
    by_due = sorted(lines, key=DUE_DATE)
    red = [line for line in by_due if line.rating == RED]
    amber = [line for line in by_due if line.rating == AMBER]
    awaiting = [line for line in lines if line.status == SUBMITTED]
    awaiting.sort(key=lambda line: (line.submitted_date or period.as_at, line.id))
    assured_then = {action_id for action_id, then in at_start.items() if then.status == ASSURED}
    return ActionLists(
        newly_overdue=[line for line in lines if line.overdue and not _was_overdue(at_start.get(line.id), start)],
        newly_assured=[line for line in lines if line.status == ASSURED and line.id not in assured_then],
        due_dates_moved=moved,
        overdue=[line for line in by_due if line.overdue],
        red_and_amber=red + amber,
        awaiting_assurance=awaiting,
        open_actions=sorted([line for line in by_due if line.status in LIVE], key=attrgetter("owner")),
    )


def _was_overdue(then: StatusAt | None, start: date) -> bool:
    """Overdue at the start of the period: asked only of the lines overdue now, not of every action."""
    return then is not None and then.is_overdue(start)

