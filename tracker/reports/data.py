"""Step one of a report: gather plain data (dataclasses, no ORM objects) in a fixed number of queries.

Every rating is worked out as at the report's date from the recorded history: the status from the
status changes made on or before that day, the due date from the due-date moves made on or before it,
and the latest progress update dated on or before it. The current columns of an action are never
trusted for a past date; `rate` is then applied to that reconstructed state, so a report for a past
date gives the ratings as they were on that date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, exists, func, or_, select

from tracker.actions.models import (
    ALL_RATINGS, LIVE_STATUSES, RATED, WORKING_STATUSES, Action, ActionStatus, DueDateChange, ProgressUpdate, Rating,
    StatusChange,
)
from tracker.actions.ratings import format_date, rate
from tracker.challenges.models import Challenge, ChallengeMessage
from tracker.clock import LONDON
from tracker.errors import DomainError
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.extensions import db
from tracker.recommendations.models import (
    FormalResponse, Recommendation, RecommendationResponse, recommendation_addressees,
)
from tracker.reports.models import BoardReport, ReportStatus
from tracker.reviews.models import KEY_DATES, Review, ReviewStatus, ReviewType
from tracker.reviews.clocks import clocks_from_settings
from tracker.reviews.milestones import add_months, milestones
from tracker.rounds.models import UpdateRequest, UpdateRound
from tracker.settings import Settings
from tracker.themes.models import Theme, recommendation_themes, review_themes
from tracker.users.models import Agency, User



# --- the scope of a report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the as-at date and optional filters, already checked to exist."""

    as_at: date
    review_reference: str | None = None
    agency_name: str | None = None
    theme_name: str | None = None
    review_id: int | None = None
    agency_id: int | None = None
    theme_id: int | None = None

    @property
    def description(self) -> str:
        parts = []
        if self.review_reference:
            parts.append(f"review {self.review_reference}")
        if self.agency_name:
            parts.append(f"actions owned by {self.agency_name}")
        if self.theme_name:
            parts.append(f"theme “{self.theme_name}”")
        return "; ".join(parts) if parts else "all reviews, all agencies"


def resolve_scope(as_at: date, review: str | None = None, agency: str | None = None,
                  theme: str | None = None) -> ReportScope:
    """Check the filters name real records (agency by name or short name, any case)."""
    review_id = agency_id = theme_id = None
    review_ref = agency_name = theme_name = None
    if review and review.strip():
        row = db.session.execute(select(Review.id, Review.reference).where(
            func.lower(Review.reference) == review.strip().lower())).first()
        if row is None:
            raise DomainError(f"There is no review with the reference {review.strip()}.", field="review")
        review_id, review_ref = row
    if agency and agency.strip():
        text = agency.strip().lower()
        row = db.session.execute(select(Agency.id, Agency.name).where(
            or_(func.lower(Agency.name) == text, func.lower(Agency.short_name) == text))).first()
        if row is None:
            raise DomainError(f"There is no agency called {agency.strip()}.", field="agency")
        agency_id, agency_name = row
    if theme and theme.strip():
        row = db.session.execute(select(Theme.id, Theme.name).where(
            func.lower(Theme.name) == theme.strip().lower())).first()
        if row is None:
            raise DomainError(f"There is no theme called {theme.strip()}.", field="theme")
        theme_id, theme_name = row
    return ReportScope(as_at=as_at, review_reference=review_ref, agency_name=agency_name, theme_name=theme_name,
                       review_id=review_id, agency_id=agency_id, theme_id=theme_id)


# --- plain records of the history ----------------------------------------------------------------------


def uk_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


@dataclass(frozen=True)
class StatusMove:
    action_id: int
    from_status: str | None
    to_status: str
    reason: str
    at: datetime

    @property
    def on(self) -> date:
        return uk_date(self.at)


@dataclass(frozen=True)
class DueMove:
    action_id: int
    old_date: date
    new_date: date
    reason: str
    at: datetime

    @property
    def on(self) -> date:
        return uk_date(self.at)


@dataclass(frozen=True)
class UpdateRecord:
    id: int
    action_id: int
    update_date: date
    proposed_rating: str
    narrative: str
    author: str
    round_id: int | None = None  # the update round it was given for


@dataclass(frozen=True)
class RoundSummary:
    """The latest update round opened by the report's date, and how many of the actions in scope that
    it asked about had an update for it by that date."""

    id: int
    name: str
    deadline_date: date
    opened_date: date
    closed_date: date | None
    requested: int
    responded: int

    @property
    def rate(self) -> int:
        return round(100 * self.responded / self.requested) if self.requested else 0


@dataclass(frozen=True)
class EvidenceRecord:
    action_id: int
    kind: str
    title: str
    effective_date: date


@dataclass(frozen=True)
class ActionFacts:
    """The columns of an action that do not change with time (or that history overrides)."""

    id: int
    original_due_date: date
    due_date: date
    status: str
    opened_date: date | None
    created_at: datetime


@dataclass(frozen=True)
class ActionState:
    """An action as it stood at the end of a day: what `rate` reads."""

    status: str
    due_date: date
    last_update_date: date | None
    last_proposed_rating: str | None
    opened_date: date | None
    submitted_at: datetime | None
    assured_date: date | None

    def is_overdue(self, day: date) -> bool:
        """Live work past its due date; submitted work waits on the business unit, not the agency."""
        return self.status in WORKING_STATUSES and day > self.due_date


def action_state_at(action: ActionFacts, status_moves: list[StatusMove], due_moves: list[DueMove],
                    updates: list[UpdateRecord], as_at: date) -> ActionState | None:
    """The action at the end of `as_at` from its history, or None if it did not exist yet.

    Each list holds this action's records in the order they were made. Status: the last move made on or
    before the day. Due date: the original date with every move made on or before the day applied.
    Latest update: the one dated on or before the day (the latest recorded, if two share a date)."""
    moves = [m for m in status_moves if m.on <= as_at]
    if status_moves:
        if not moves:
            return None
        status = moves[-1].to_status
    else:  # no recorded history: trust the row from the day it was created
        if uk_date(action.created_at) > as_at:
            return None
        status = action.status
    due = action.original_due_date if due_moves else action.due_date
    for move in due_moves:
        if move.on <= as_at:
            due = move.new_date
    opened = next((m.on for m in moves if m.to_status == ActionStatus.OPEN), None)
    if opened is None and not status_moves and action.opened_date and action.opened_date <= as_at:
        opened = action.opened_date
    submitted_at = next((m.at for m in reversed(moves) if m.to_status == ActionStatus.SUBMITTED), None)
    assured = next((m.on for m in reversed(moves) if m.to_status == ActionStatus.ASSURED), None)
    latest = None
    for update in updates:
        if update.update_date <= as_at and (latest is None or (update.update_date, update.id) >=
                                            (latest.update_date, latest.id)):
            latest = update
    return ActionState(
        status=status, due_date=due,
        last_update_date=latest.update_date if latest else None,
        last_proposed_rating=latest.proposed_rating if latest else None,
        opened_date=opened,
        submitted_at=submitted_at if status == ActionStatus.SUBMITTED else None,
        assured_date=assured if status == ActionStatus.ASSURED else None,
    )


# --- what the report prints -----------------------------------------------------------------------------


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
        return f"{self.review_reference} R{self.recommendation_number} A{self.id}"

    @property
    def is_open(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def completed_late(self) -> bool:
        """Assured after the original due date (a moved date does not excuse it)."""
        return self.assured_date is not None and self.assured_date > self.original_due_date


@dataclass
class RecommendationSection:
    number: str
    text: str
    kind: str
    addressed_to: list[str]
    #: Each addressee's formal response recorded by the as-at date, e.g. "West Midlands Police: accepted
    #: on 1 May 2025"; and the addressees with none.
    responses: list[str] = field(default_factory=list)
    missing_responses: list[str] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)


@dataclass
class MilestoneLine:
    name: str
    due_date: date | None
    done_date: date | None
    state: str
    reason: str


@dataclass(frozen=True)
class LateMilestoneLine:
    review_reference: str
    review_title: str
    milestone: MilestoneLine


@dataclass(frozen=True)
class ChallengeLine:
    """A scrutiny challenge not closed by the end of the as-at day."""

    id: int
    review_reference: str
    subject: str
    agency: str
    raised_on: date
    age_days: int
    text: str


@dataclass
class ReviewSection:
    reference: str
    title: str
    type_label: str
    status_label: str
    milestones: list[MilestoneLine]
    recommendations: list[RecommendationSection]
    counts: dict[str, int]


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


@dataclass(frozen=True)
class UnansweredRecommendation:
    review_reference: str
    number: str
    text: str
    addressed_to: list[str]
    #: The addressees with no formal response recorded by the as-at date.
    missing: list[str]
    deadline: date | None
    overdue: bool


@dataclass(frozen=True)
class ThemeLine:
    name: str
    reviews: list[str]
    recommendations: int
    open_actions: int

    @property
    def recurring(self) -> bool:
        return len(self.reviews) > 1


@dataclass(frozen=True)
class PastReport:
    as_at: date
    counts: dict[str, int]


@dataclass
class ReportData:
    scope: ReportScope
    partnership: str
    generated_by: str
    generated_at: datetime
    period_start: date
    previous_report_date: date | None
    labels: dict[str, str]
    definitions: dict[str, str]
    actions: list[ActionLine]
    counts: dict[str, int]
    by_agency: list[CountRow]
    by_review: list[CountRow]
    newly_overdue: list[ActionLine]
    newly_assured: list[ActionLine]
    due_dates_moved: list[DueMoveLine]
    overdue: list[ActionLine]
    red_and_amber: list[ActionLine]
    awaiting_assurance: list[ActionLine]
    unanswered: list[UnansweredRecommendation]
    late_milestones: list[LateMilestoneLine]
    open_challenges: list[ChallengeLine]
    reviews: list[ReviewSection]
    themes: list[ThemeLine]
    open_actions: list[ActionLine]
    history: list[PastReport]
    latest_round: RoundSummary | None = None

    @property
    def as_at(self) -> date:
        return self.scope.as_at

    @property
    def title(self) -> str:
        return "Board assurance report"

    @property
    def rated_total(self) -> int:
        return sum(self.counts[r] for r in RATED)


# --- gathering --------------------------------------------------------------------------------------------


def _scoped_recommendations(scope: ReportScope):
    """The ids of the recommendations in scope, as a subquery (no list of ids crosses to Python)."""
    stmt = select(Recommendation.id)
    if scope.review_id:
        stmt = stmt.where(Recommendation.review_id == scope.review_id)
    if scope.agency_id:
        stmt = stmt.where(or_(
            exists().where(and_(Action.recommendation_id == Recommendation.id,
                                Action.owner_agency_id == scope.agency_id)),
            exists().where(and_(recommendation_addressees.c.recommendation_id == Recommendation.id,
                                recommendation_addressees.c.agency_id == scope.agency_id)),
        ))
    if scope.theme_id:
        stmt = stmt.where(or_(
            exists().where(and_(recommendation_themes.c.recommendation_id == Recommendation.id,
                                recommendation_themes.c.theme_id == scope.theme_id)),
            exists().where(and_(review_themes.c.review_id == Recommendation.review_id,
                                review_themes.c.theme_id == scope.theme_id)),
        ))
    return stmt


def _scoped_actions(scope: ReportScope):
    stmt = select(Action.id).where(Action.recommendation_id.in_(_scoped_recommendations(scope)))
    if scope.agency_id:
        stmt = stmt.where(Action.owner_agency_id == scope.agency_id)
    return stmt


def _key_dates_until(row, as_at: date) -> SimpleNamespace:
    """A review's key dates as known on the day: later dates had not happened yet."""
    values = {name: getattr(row, name) for name, _ in KEY_DATES}
    values = {k: (v if v is not None and v <= as_at else None) for k, v in values.items()}
    return SimpleNamespace(review_type=row.review_type, status=row.status, **values)


def _count(lines: list[ActionLine]) -> dict[str, int]:
    counts = dict.fromkeys(ALL_RATINGS, 0)
    for line in lines:
        counts[line.rating] += 1
    return counts


def build_report_data(scope: ReportScope, settings: Settings, *, partnership: str, generated_by: str,
                      generated_at: datetime) -> ReportData:
    """Everything the report prints, in a fixed number of queries whatever the size of the data."""
    as_at = scope.as_at
    recs_in_scope = _scoped_recommendations(scope)
    actions_in_scope = _scoped_actions(scope)

    # 1. The archive: earlier reports with the same filters, for "since the previous report" and the
    #    ratings-over-time chart.
    same = [BoardReport.status == ReportStatus.DONE, BoardReport.as_at_date < as_at]
    for column, value in ((BoardReport.review_reference, scope.review_reference),
                          (BoardReport.agency_name, scope.agency_name), (BoardReport.theme_name, scope.theme_name)):
        same.append(column.is_(None) if value is None else column == value)
    past = db.session.execute(
        select(BoardReport.as_at_date, BoardReport.rating_counts).where(*same)
        .order_by(BoardReport.as_at_date, BoardReport.id)).all()
    history_by_date: dict[date, dict[str, int]] = {}
    for as_at_date, counts in past:
        history_by_date[as_at_date] = {r: int((counts or {}).get(r, 0)) for r in ALL_RATINGS}
    previous_date = max(history_by_date) if history_by_date else None
    period_start = previous_date or add_months(as_at, -3)

    # 2. Reviews in scope.
    review_rows = db.session.execute(
        select(Review.id, Review.reference, Review.title, Review.review_type, Review.status,
               Review.response_deadline, *(getattr(Review, name) for name, _ in KEY_DATES))
        .where(Review.id.in_(select(Recommendation.review_id).where(Recommendation.id.in_(recs_in_scope))))
        .order_by(Review.reference)).all()

    # 3. Recommendations in scope, with 4. who they are addressed to.
    recs = db.session.execute(
        select(Recommendation.id, Recommendation.review_id, Recommendation.number, Recommendation.sort_key,
               Recommendation.text, Recommendation.kind)
        .where(Recommendation.id.in_(recs_in_scope))
        .order_by(Recommendation.review_id, Recommendation.sort_key, Recommendation.id)).all()
    # with each addressee's formal response as it stood at the as-at date.
    addressees: dict[int, list[str]] = defaultdict(list)
    responses: dict[int, dict[str, tuple[str, date]]] = defaultdict(dict)
    for rec_id, name, response, response_date in db.session.execute(
            select(recommendation_addressees.c.recommendation_id, Agency.name, RecommendationResponse.response,
                   RecommendationResponse.response_date)
            .join(Agency, Agency.id == recommendation_addressees.c.agency_id)
            .outerjoin(RecommendationResponse, and_(
                RecommendationResponse.recommendation_id == recommendation_addressees.c.recommendation_id,
                RecommendationResponse.agency_id == recommendation_addressees.c.agency_id,
                RecommendationResponse.response_date <= as_at))
            .where(recommendation_addressees.c.recommendation_id.in_(recs_in_scope))
            .order_by(Agency.name)):
        addressees[rec_id].append(name)
        if response is not None:
            responses[rec_id][name] = (response, response_date)

    # 5. Actions with their owner, lead and recommendation.
    lead = User.__table__.alias("lead")
    action_rows = db.session.execute(
        select(Action.id, Action.recommendation_id, Action.review_id, Action.description, Action.success_measure,
               Action.original_due_date, Action.due_date, Action.status, Action.opened_date, Action.created_at,
               Agency.name.label("owner"), Agency.short_name.label("owner_short"), lead.c.name.label("lead"))
        .join(Agency, Agency.id == Action.owner_agency_id)
        .outerjoin(lead, lead.c.id == Action.lead_id)
        .where(Action.id.in_(actions_in_scope))
        .order_by(Action.id)).all()

    # 6-9. The history of those actions.
    status_moves: dict[int, list[StatusMove]] = defaultdict(list)
    for row in db.session.execute(
            select(StatusChange.action_id, StatusChange.from_status, StatusChange.to_status, StatusChange.reason,
                   StatusChange.changed_at)
            .where(StatusChange.action_id.in_(actions_in_scope))
            .order_by(StatusChange.changed_at, StatusChange.id)):
        status_moves[row.action_id].append(StatusMove(row.action_id, row.from_status, row.to_status, row.reason,
                                                      row.changed_at))
    due_moves: dict[int, list[DueMove]] = defaultdict(list)
    for row in db.session.execute(
            select(DueDateChange.action_id, DueDateChange.old_date, DueDateChange.new_date, DueDateChange.reason,
                   DueDateChange.changed_at)
            .where(DueDateChange.action_id.in_(actions_in_scope))
            .order_by(DueDateChange.changed_at, DueDateChange.id)):
        due_moves[row.action_id].append(DueMove(row.action_id, row.old_date, row.new_date, row.reason,
                                                row.changed_at))
    updates: dict[int, list[UpdateRecord]] = defaultdict(list)
    for row in db.session.execute(
            select(ProgressUpdate.id, ProgressUpdate.action_id, ProgressUpdate.update_date,
                   ProgressUpdate.proposed_rating, ProgressUpdate.narrative, User.name, ProgressUpdate.round_id)
            .outerjoin(User, User.id == ProgressUpdate.author_id)
            .where(ProgressUpdate.action_id.in_(actions_in_scope), ProgressUpdate.update_date <= as_at)
            .order_by(ProgressUpdate.update_date, ProgressUpdate.id)):
        updates[row.action_id].append(UpdateRecord(row.id, row.action_id, row.update_date, row.proposed_rating,
                                                   row.narrative, row.name or "", row.round_id))
    evidence: dict[int, list[EvidenceRecord]] = defaultdict(list)
    for row in db.session.execute(
            select(Evidence.action_id, Evidence.kind, Evidence.title, Evidence.effective_date)
            .where(Evidence.action_id.in_(actions_in_scope), Evidence.effective_date <= as_at)
            .order_by(Evidence.effective_date, Evidence.id)):
        evidence[row.action_id].append(EvidenceRecord(row.action_id, row.kind, row.title, row.effective_date))

    # 10. Themes of the reviews and recommendations in scope.
    theme_rows = db.session.execute(
        select(Theme.name, recommendation_themes.c.recommendation_id, None)
        .join(recommendation_themes, recommendation_themes.c.theme_id == Theme.id)
        .where(recommendation_themes.c.recommendation_id.in_(recs_in_scope))
        .union_all(
            select(Theme.name, None, review_themes.c.review_id)
            .join(review_themes, review_themes.c.theme_id == Theme.id)
            .where(review_themes.c.review_id.in_(
                select(Recommendation.review_id).where(Recommendation.id.in_(recs_in_scope)))))).all()

    # 11. Scrutiny challenges raised by the end of the day and not closed by then, on a review,
    #     recommendation or action in scope (and addressed to the agency, when the report is for one).
    end_of_day = datetime.combine(as_at + timedelta(days=1), time(), tzinfo=LONDON)
    first_message = (select(ChallengeMessage.text).where(ChallengeMessage.challenge_id == Challenge.id)
                     .order_by(ChallengeMessage.id).limit(1).scalar_subquery())
    challenge_rec = Recommendation.__table__.alias("challenge_rec")
    challenge_action = Action.__table__.alias("challenge_action")
    challenge_review = Review.__table__.alias("challenge_review")
    review_of_subject = func.coalesce(Challenge.review_id, challenge_rec.c.review_id, challenge_action.c.review_id)
    in_scope = or_(Challenge.recommendation_id.in_(recs_in_scope), Challenge.action_id.in_(actions_in_scope),
                   Challenge.review_id.in_(select(Recommendation.review_id).where(Recommendation.id.in_(recs_in_scope))))
    challenge_rows = db.session.execute(
        select(Challenge.id, Challenge.created_at, Challenge.recommendation_id, Challenge.action_id,
               challenge_rec.c.number.label("rec_number"), challenge_review.c.reference, Agency.name.label("agency"),
               first_message.label("text"))
        .join(Agency, Agency.id == Challenge.agency_id)
        .outerjoin(challenge_rec, challenge_rec.c.id == Challenge.recommendation_id)
        .outerjoin(challenge_action, challenge_action.c.id == Challenge.action_id)
        .join(challenge_review, challenge_review.c.id == review_of_subject)
        .where(Challenge.created_at < end_of_day, or_(Challenge.closed_at.is_(None), Challenge.closed_at >= end_of_day),
               in_scope, *([Challenge.agency_id == scope.agency_id] if scope.agency_id else []))
        .order_by(Challenge.created_at, Challenge.id)).all()
    open_challenges = [ChallengeLine(
        id=row.id, review_reference=row.reference,
        subject=(f"Action {row.action_id}" if row.action_id else f"Recommendation {row.rec_number}"
                 if row.recommendation_id else "The review"),
        agency=row.agency, raised_on=uk_date(row.created_at), age_days=(as_at - uk_date(row.created_at)).days,
        text=row.text or "") for row in challenge_rows]


    # 12. The latest update round opened by the day, with its requests and responses for actions in scope.
    asked = [UpdateRequest.round_id == UpdateRound.id, UpdateRequest.action_id.in_(actions_in_scope)]
    round_row = db.session.execute(
        select(UpdateRound.id, UpdateRound.name, UpdateRound.deadline_date, UpdateRound.opened_date,
               UpdateRound.closed_date,
               select(func.count()).select_from(UpdateRequest).where(*asked).scalar_subquery().label("requested"),
               select(func.count()).select_from(UpdateRequest)
               .join(ProgressUpdate, ProgressUpdate.id == UpdateRequest.update_id)
               .where(*asked, ProgressUpdate.update_date <= as_at).scalar_subquery().label("responded"))
        .where(UpdateRound.opened_date <= as_at)
        .order_by(UpdateRound.opened_date.desc(), UpdateRound.id.desc()).limit(1)).first()
    latest_round = None if round_row is None else RoundSummary(
        round_row.id, round_row.name, round_row.deadline_date, round_row.opened_date,
        round_row.closed_date if round_row.closed_date and round_row.closed_date <= as_at else None,
        round_row.requested, round_row.responded)

    data = _assemble(scope, settings, partnership, generated_by, generated_at, period_start, previous_date,
                     history_by_date, review_rows, recs, addressees, responses, action_rows, status_moves,
                     due_moves, updates, evidence, theme_rows, open_challenges)
    data.latest_round = latest_round
    return data


def _assemble(scope, settings, partnership, generated_by, generated_at, period_start, previous_date,
              history_by_date, review_rows, recs, addressees, responses, action_rows, status_moves, due_moves,
              updates, evidence, theme_rows, open_challenges) -> ReportData:
    as_at = scope.as_at
    label = settings.label
    rec_by_id = {r.id: r for r in recs}
    review_by_id = {r.id: r for r in review_rows}

    lines: list[ActionLine] = []
    before: dict[int, ActionState | None] = {}
    for row in action_rows:
        facts = ActionFacts(row.id, row.original_due_date, row.due_date, row.status, row.opened_date, row.created_at)
        state = action_state_at(facts, status_moves[row.id], due_moves[row.id], updates[row.id], as_at)
        if state is None:
            continue
        before[row.id] = action_state_at(facts, status_moves[row.id], due_moves[row.id], updates[row.id],
                                         period_start)
        result = rate(state, as_at, settings)
        rec = rec_by_id[row.recommendation_id]
        review = review_by_id[rec.review_id]
        items = evidence[row.id]
        lines.append(ActionLine(
            id=row.id, review_reference=review.reference, review_title=review.title,
            recommendation_number=rec.number, description=row.description, owner=row.owner,
            owner_short=row.owner_short, lead=row.lead or "No named lead", success_measure=row.success_measure,
            original_due_date=row.original_due_date, due_date=state.due_date, status=state.status,
            status_label=ActionStatus(state.status).label, rating=result.rating.value,
            rating_label=label(result.rating.value), reason=result.reason, opened_date=state.opened_date,
            submitted_date=uk_date(state.submitted_at) if state.submitted_at else None,
            assured_date=state.assured_date, overdue=state.is_overdue(as_at),
            latest_update=updates[row.id][-1] if updates[row.id] else None,  # ordered by date, then id
            impact_evidence=[e for e in items if e.kind == EvidenceKind.IMPACT],
            completion_evidence=[e for e in items if e.kind == EvidenceKind.COMPLETION],
            due_moves=[m for m in due_moves[row.id] if m.on <= as_at],
        ))
    by_id = {line.id: line for line in lines}
    lines_by_rec: dict[int, list[ActionLine]] = defaultdict(list)
    for row in action_rows:
        if row.id in by_id:
            lines_by_rec[row.recommendation_id].append(by_id[row.id])

    # Counts by agency and by review.
    def rows_by(key) -> list[CountRow]:
        groups: dict[str, list[ActionLine]] = defaultdict(list)
        for line in lines:
            groups[key(line)].append(line)
        return [CountRow(name, _count(group), sum(1 for line in group if line.overdue))
                for name, group in sorted(groups.items())]

    was_overdue = {i for i, s in before.items() if s is not None and s.is_overdue(period_start)}
    was_assured = {i for i, s in before.items() if s is not None and s.status == ActionStatus.ASSURED}
    newly_overdue = [line for line in lines if line.overdue and line.id not in was_overdue]
    newly_assured = [line for line in lines if line.status == ActionStatus.ASSURED
                     and line.id not in was_assured]
    moved = [DueMoveLine(line, move) for line in lines for move in line.due_moves if move.on > period_start]
    moved.sort(key=lambda m: (m.move.at, m.action.id))

    by_due = sorted(lines, key=lambda line: (line.due_date, line.id))
    overdue = [line for line in by_due if line.overdue]
    red_and_amber = [line for line in by_due if line.rating in (Rating.RED, Rating.AMBER)]
    red_and_amber.sort(key=lambda line: (line.rating != Rating.RED, line.due_date, line.id))
    awaiting = [line for line in lines if line.status == ActionStatus.SUBMITTED]
    awaiting.sort(key=lambda line: (line.submitted_date or as_at, line.id))

    unanswered = []
    sections: dict[int, list[RecommendationSection]] = defaultdict(list)
    for rec in recs:
        review = review_by_id[rec.review_id]
        answers = responses[rec.id]
        missing = [name for name in addressees[rec.id] if name not in answers]
        if missing or not addressees[rec.id]:
            deadline = review.response_deadline
            unanswered.append(UnansweredRecommendation(
                review.reference, rec.number, rec.text, addressees[rec.id], missing, deadline,
                overdue=deadline is not None and as_at > deadline))
        sections[rec.review_id].append(RecommendationSection(
            number=rec.number, text=rec.text, kind=rec.kind, addressed_to=addressees[rec.id],
            responses=[f"{name}: {FormalResponse(r).label.lower()} on {format_date(on)}"
                       for name, (r, on) in sorted(answers.items())],
            missing_responses=missing, actions=lines_by_rec[rec.id]))

    review_sections = []
    clocks = clocks_from_settings(settings)
    for review in review_rows:
        at = _key_dates_until(review, as_at)
        review_lines = [line for rec in sections[review.id] for line in rec.actions]
        review_sections.append(ReviewSection(
            reference=review.reference, title=review.title, type_label=ReviewType(review.review_type).label,
            status_label=ReviewStatus(review.status).label,
            milestones=[MilestoneLine(m.name, m.due_date, m.done_date, m.state, m.reason)
                        for m in milestones(at, as_at, clocks)],
            recommendations=sections[review.id], counts=_count(review_lines)))
    # Late milestones: still overdue on the day, or done late within the period.
    late_milestones = [
        LateMilestoneLine(section.reference, section.title, m) for section in review_sections
        for m in section.milestones
        if m.state == "overdue" or (m.state == "done_late" and period_start < m.done_date <= as_at)]
    late_milestones.sort(key=lambda line: (line.milestone.due_date, line.review_reference))

    # Recurring themes: a theme counts for a review when the review or any of its recommendations has it.
    theme_reviews: dict[str, set[str]] = defaultdict(set)
    theme_recs: dict[str, set[int]] = defaultdict(set)
    theme_actions: dict[str, set[int]] = defaultdict(set)
    for name, rec_id, review_id in theme_rows:
        if rec_id is not None:
            rec = rec_by_id.get(rec_id)
            if rec is None:
                continue
            theme_reviews[name].add(review_by_id[rec.review_id].reference)
            theme_recs[name].add(rec_id)
            theme_actions[name].update(line.id for line in lines_by_rec[rec_id] if line.is_open)
        elif review_id in review_by_id:
            theme_reviews[name].add(review_by_id[review_id].reference)
            for rec in sections[review_id]:
                theme_actions[name].update(line.id for line in rec.actions if line.is_open)
    themes = [ThemeLine(name, sorted(theme_reviews[name]), len(theme_recs[name]), len(theme_actions[name]))
              for name in theme_reviews]
    themes.sort(key=lambda t: (-len(t.reviews), -t.open_actions, t.name))

    counts = _count(lines)
    history = [PastReport(d, c) for d, c in sorted(history_by_date.items())]
    history.append(PastReport(as_at, {r: counts[r] for r in ALL_RATINGS}))
    open_actions = sorted((line for line in lines if line.is_open),
                          key=lambda line: (line.owner, line.due_date, line.id))

    return ReportData(
        scope=scope, partnership=partnership, generated_by=generated_by, generated_at=generated_at,
        period_start=period_start, previous_report_date=previous_date,
        labels={r: label(r) for r in ALL_RATINGS}, definitions=dict(settings.definitions),
        actions=lines, counts=counts, by_agency=rows_by(lambda line: line.owner),
        by_review=rows_by(lambda line: line.review_reference), newly_overdue=newly_overdue,
        newly_assured=newly_assured, due_dates_moved=moved, overdue=overdue, red_and_amber=red_and_amber,
        awaiting_assurance=awaiting, unanswered=unanswered, late_milestones=late_milestones, open_challenges=open_challenges,
        reviews=review_sections, themes=themes,
        open_actions=open_actions, history=history,
    )
