from flask import Blueprint, render_template
from sqlalchemy import func, select

from tracker import permissions
from tracker.actions.models import WORKING_STATUSES, Action, ActionStatus, DueDateRequest, RequestStatus
from tracker.actions.queries import (ActionFilters, actions_query, count_actions, impact_review_due,
                                     live_counts, paginate_actions, rating_counts, returned_filter)
from tracker.actions.ratings import rate, rating_days
from tracker.challenges.services import age_in_days, waiting_for_agency
from tracker.core.clock import today
from tracker.extensions import db
from tracker.recommendations.services import count_outstanding_responses, outstanding_responses
from tracker.reviews.clocks import clocks_from_settings
from tracker.reviews.milestones import overdue_milestones
from tracker.settings import load_settings
from tracker.users.models import Role
from tracker.web.views import signed_in_user

bp = Blueprint("main", __name__)

HOME_LIST_SIZE = 10


def _section(user, filters, day, settings, limit=HOME_LIST_SIZE, where=None, total=None):
    """The first `limit` actions of a list, and its total (counted here unless the caller knows it)."""
    stmt, days = actions_query(user, filters), rating_days(day, settings)
    if where is not None:
        stmt = stmt.where(where)
    if total is None:
        total = count_actions(stmt, days)
    actions = paginate_actions(stmt, days, page=1, per_page=limit, total=total).items if total else []
    return {"actions": [(a, rate(a, day, settings)) for a in actions], "total": total}


@bp.route("/")
def home():
    """What each role needs first: an agency lead their agency's open actions, soonest due first;
    the business unit what is waiting for assurance, overdue and due soon."""
    day, settings = today(), load_settings()
    user = signed_in_user()
    # The lists below are live actions: their totals come from the rating summary's one grouped query.
    live = live_counts(user, day, settings)
    sections = {}
    if user.has_role(Role.AGENCY_LEAD):
        # Returned submissions first: work the business unit has sent back (issue 18 point 7).
        sections["returned"] = _section(user, ActionFilters(sort="due"), day, settings, where=returned_filter())
        sections["mine"] = _section(user, ActionFilters(open_only=True, sort="due"), day, settings, limit=25,
                                    total=live.total_of())
        total, waiting = waiting_for_agency(user, HOME_LIST_SIZE)
        sections["challenges"] = {"rows": waiting, "total": total}
    else:
        if permissions.can_view_assurance_queue(user):
            sections["waiting"] = _section(user, ActionFilters(status=ActionStatus.SUBMITTED, sort="due"),
                                           day, settings, total=live.total_of((ActionStatus.SUBMITTED,)))
        sections["overdue"] = _section(
            user, ActionFilters(rating="red", statuses=WORKING_STATUSES,
                                sort="due"), day, settings, total=live.total_of(WORKING_STATUSES, "red"))
        sections["due_soon"] = _section(
            user, ActionFilters(rating="amber", statuses=WORKING_STATUSES,
                                sort="due"), day, settings, total=live.total_of(WORKING_STATUSES, "amber"))
        total, late = overdue_milestones(day, clocks_from_settings(settings), HOME_LIST_SIZE)
        sections["late_milestones"] = {"rows": late, "total": total}
    return render_template("main/home.html", sections=sections, counts=rating_counts(user, live),
                           settings=settings, today=day, challenge_age=age_in_days,
                           waiting=_also_waiting(user, day))


def _also_waiting(user, day) -> dict:
    """Counts of the other things waiting: formal responses owed (an agency lead's own agency's), and
    for the business unit the requests for new due dates and the impact reviews that have come due."""
    agency_id = user.agency_id if user.has_role(Role.AGENCY_LEAD) else None
    if user.has_role(Role.AGENCY_LEAD) and agency_id is None:
        return {}
    missing, overdue = count_outstanding_responses(db.session, day, agency_id)
    waiting = {"responses": missing, "responses_overdue": overdue}
    if agency_id is not None and missing:
        waiting["owed"] = outstanding_responses(db.session, day, agency_id, limit=HOME_LIST_SIZE).get(agency_id, [])
    if permissions.can_view_assurance_queue(user):
        waiting["due_date_requests"] = db.session.scalar(
            select(func.count()).select_from(DueDateRequest).where(DueDateRequest.status == RequestStatus.PENDING))
        waiting["impact_reviews"] = db.session.scalar(
            select(func.count()).select_from(Action).where(impact_review_due(day)))
    return waiting
