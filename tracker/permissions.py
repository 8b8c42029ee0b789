"""Who may do what. Views call these and refuse with 403 (or 404 for another agency's
records); templates call the same functions through a context processor to hide what a user
may not do. Board members and the scrutineer read but never write."""

from flask import has_app_context
from sqlalchemy import false, or_, select, true

from datetime import timedelta

from tracker.actions.models import UNSUBMITTED_STATUSES, WORKING_STATUSES, Action, ActionStatus
from tracker.challenges.models import Challenge
from tracker.core import clock
from tracker.core.models_base import utcnow
from tracker.deputies.models import Deputy
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.settings import load_settings
from tracker.users.models import READ_ALL_ROLES, STAFF_ROLES, Role, User


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_staff(user: User) -> bool:
    """Admins and the business unit run the tracker."""
    return _signed_in(user) and user.has_role(*STAFF_ROLES)


def is_admin(user: User) -> bool:
    return _signed_in(user) and user.has_role(Role.ADMIN)


def is_limited_to_own_agency(user: User) -> bool:
    """Agency leads: their lists, counts and home page cover only their own agency's actions."""
    return _signed_in(user) and not user.has_role(*READ_ALL_ROLES)


def is_own_agency(user: User, action: Action) -> bool:
    return (_signed_in(user) and user.has_role(Role.AGENCY_LEAD)
            and user.agency_id is not None and user.agency_id == action.owner_agency_id)


def acting_for(user: User) -> frozenset[int]:
    """The leads whose actions this agency lead covers today as their named deputy. One query per
    request: the answer is kept on the user object, which lives for one request."""
    if not (_signed_in(user) and user.has_role(Role.AGENCY_LEAD)) or not has_app_context():
        return frozenset()
    day = clock.today()
    cached = user.__dict__.get("_acting_for")
    if cached is None or cached[0] != day:
        leads = frozenset(db.session.scalars(select(Deputy.lead_id).where(
            Deputy.deputy_id == user.id, Deputy.ended_at.is_(None), Deputy.start_date <= day,
            Deputy.end_date >= day)))
        cached = (day, leads)
        user.__dict__["_acting_for"] = cached
    return cached[1]


def is_deputy_for(user: User, action: Action) -> bool:
    """A named deputy acts on the lead's actions for the period, as the lead's agency would."""
    return action.lead_id is not None and action.lead_id in acting_for(user)


def can_view_action(user: User, action: Action) -> bool:
    """Agency leads see only their own agency's actions (and those of a lead they deputise for); the
    other roles see all of them."""
    return _signed_in(user) and (user.has_role(*READ_ALL_ROLES) or is_own_agency(user, action)
                                 or is_deputy_for(user, action))


def visible_actions_filter(user: User):
    """The same rule as `can_view_action`, as a SQL condition on the actions table."""
    if not _signed_in(user):
        return false()
    if user.has_role(*READ_ALL_ROLES):
        return true()
    if user.has_role(Role.AGENCY_LEAD) and user.agency_id:
        leads = acting_for(user)
        own = Action.owner_agency_id == user.agency_id
        return or_(own, Action.lead_id.in_(sorted(leads))) if leads else own
    return false()


def can_view_reviews(user: User) -> bool:
    """Every signed-in role reads reviews and recommendations; an agency lead sees only its own
    agency's actions within them."""
    return _signed_in(user)


def can_manage_reviews(user: User) -> bool:
    """Create and edit reviews, learning points, recommendations and actions."""
    return is_staff(user)


def can_edit_action(user: User, action: Action) -> bool:
    return is_staff(user) and not action.is_closed


def can_move_due_date(user: User, action: Action) -> bool:
    return is_staff(user) and action.status in UNSUBMITTED_STATUSES


def works_on(user: User, action: Action) -> bool:
    """The business unit, the owning agency's leads, and the lead's deputy while the cover lasts."""
    return is_staff(user) or is_own_agency(user, action) or is_deputy_for(user, action)


_works_on = works_on


def can_update_progress(user: User, action: Action) -> bool:
    """The owning agency's leads (and the business unit) post updates on live work."""
    return _works_on(user, action) and action.status in WORKING_STATUSES


def can_add_evidence(user: User, action: Action) -> bool:
    return _works_on(user, action) and action.is_live


def can_view_evidence(user: User, action: Action) -> bool:
    return can_view_action(user, action)


def can_download_evidence(user: User, evidence: Evidence) -> bool:
    """A withdrawn file has left the action's page, lists and reports; only the business unit (and the
    administrator) can still fetch it, for the record."""
    return can_view_evidence(user, evidence.action) and (evidence.withdrawn_at is None or is_staff(user))


def can_submit(user: User, action: Action) -> bool:
    return _works_on(user, action) and action.status in WORKING_STATUSES


def can_open(user: User, action: Action) -> bool:
    return is_staff(user) and action.status == ActionStatus.DRAFT


def can_decide(user: User, action: Action) -> bool:
    """Nobody assures their own work: whoever submitted the action cannot accept or return it."""
    return (is_staff(user) and action.status == ActionStatus.SUBMITTED
            and action.submitted_by_id != user.id)


def can_withdraw(user: User, action: Action) -> bool:
    """Only the business unit withdraws or supersedes an action, and only while it is not closed."""
    return is_staff(user) and not action.is_closed


def can_record_response(user: User, agency_id: int) -> bool:
    """An agency lead records their own agency's formal response to a recommendation addressed to
    it; the business unit records on behalf of any addressee."""
    return is_staff(user) or (_signed_in(user) and user.has_role(Role.AGENCY_LEAD)
                              and user.agency_id is not None and user.agency_id == agency_id)


def can_request_due_date(user: User, action: Action) -> bool:
    """The owning agency's lead asks for a new due date on live work (the business unit may file
    one on their behalf; it can also move the date itself)."""
    return _works_on(user, action) and action.status in WORKING_STATUSES


def can_decide_due_date_requests(user: User) -> bool:
    return is_staff(user)


def can_record_impact_review(user: User, action: Action) -> bool:
    """After assurance the business unit checks whether the change in practice has lasted."""
    return is_staff(user) and action.status == ActionStatus.ASSURED


def can_manage_measures(user: User, action: Action) -> bool:
    """The owning agency's leads and the business unit add measures to an action and record its
    measurements, also after assurance (re-measuring is how a change is shown to last); not on a
    withdrawn or superseded action."""
    return _works_on(user, action) and action.status not in (ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED)


def can_manage_shared_measures(user: User) -> bool:
    """A recommendation's measures, shared by its actions, are kept by the business unit."""
    return is_staff(user)


def can_manage_measure(user: User, measure) -> bool:
    """Edit a measure or record a measurement of it: by whose measure it is."""
    if measure.action_id is not None:
        return can_manage_measures(user, measure.action)
    return can_manage_shared_measures(user)


def can_record_closure(user: User) -> bool:
    """The business unit records the board's decision to close a recommendation."""
    return is_staff(user)


def can_view_assurance_queue(user: User) -> bool:
    return is_staff(user)


def can_admin(user: User) -> bool:
    """Users, agencies, themes and settings."""
    return is_admin(user)


def can_view_audit(user: User) -> bool:
    """The partnership's audit trail (one partnership per installation): its administrators and its
    business unit, who answer for the records."""
    return is_staff(user)


TEMPLATE_PREDICATES = {
    name: fn for name, fn in list(globals().items()) if name.startswith(("can_", "is_")) and callable(fn)
}


# --- themes ---

def can_manage_themes(user: User) -> bool:
    """Create and rename themes: the controlled list is kept by the staff who run the tracker
    (administrators and the business unit, who tag reviews and recommendations with themes)."""
    return is_staff(user)


TEMPLATE_PREDICATES["can_manage_themes"] = can_manage_themes


# --- reports ---

def can_view_reports(user: User) -> bool:
    """The board's reports, their archive and the dashboard: staff, board members and the scrutineer.
    Agency leads do not see them: a report covers every agency."""
    return _signed_in(user) and user.has_role(*READ_ALL_ROLES)


def can_generate_reports(user: User) -> bool:
    """Only the business unit and administrators generate board reports."""
    return is_staff(user)


def can_download_own_pack(user: User) -> bool:
    """An agency lead downloads their own agency's pack (and nobody else's: the agency is theirs)."""
    return _signed_in(user) and user.has_role(Role.AGENCY_LEAD) and user.agency_id is not None


TEMPLATE_PREDICATES["can_view_reports"] = can_view_reports
TEMPLATE_PREDICATES["can_download_own_pack"] = can_download_own_pack
TEMPLATE_PREDICATES["can_generate_reports"] = can_generate_reports


# --- imports ---

def can_import(user: User) -> bool:
    """Bring review documents and action plans in (and take action plans out): the staff who run
    the tracker."""
    return is_staff(user)


TEMPLATE_PREDICATES["can_import"] = can_import


# --- scrutiny challenges ---

def can_raise_challenge(user: User) -> bool:
    """The independent scrutineer and the business unit (with administrators) raise challenges,
    answer back and close them. Board members only read them."""
    return _signed_in(user) and user.has_role(Role.SCRUTINEER, *STAFF_ROLES)


def can_view_challenges(user: User) -> bool:
    """Everyone signed in has the challenges list; an agency lead sees only those addressed to their agency."""
    return _signed_in(user)


def can_view_challenge(user: User, challenge) -> bool:
    return _signed_in(user) and (user.has_role(*READ_ALL_ROLES) or (
        user.has_role(Role.AGENCY_LEAD) and user.agency_id is not None and user.agency_id == challenge.agency_id))


def visible_challenges_filter(user: User):
    """The same rule as `can_view_challenge`, as a SQL condition on the challenges table."""
    if not _signed_in(user):
        return false()
    if user.has_role(*READ_ALL_ROLES):
        return true()
    if user.has_role(Role.AGENCY_LEAD) and user.agency_id:
        return Challenge.agency_id == user.agency_id
    return false()


def can_answer_challenge(user: User, challenge) -> bool:
    """Only a lead of the agency the challenge is addressed to answers it, while it is not closed."""
    return (not challenge.is_closed and _signed_in(user) and user.has_role(Role.AGENCY_LEAD)
            and user.agency_id is not None and user.agency_id == challenge.agency_id)


def can_reply_to_challenge(user: User, challenge) -> bool:
    """Answer back: the challenger's side adds to the thread while the challenge is not closed."""
    return can_raise_challenge(user) and not challenge.is_closed


def can_post_on_challenge(user: User, challenge) -> bool:
    return can_answer_challenge(user, challenge) or can_reply_to_challenge(user, challenge)


def can_close_challenge(user: User, challenge) -> bool:
    return can_raise_challenge(user) and not challenge.is_closed


for _fn in (can_raise_challenge, can_view_challenges, can_view_challenge, can_answer_challenge,
            can_reply_to_challenge, can_post_on_challenge, can_close_challenge):
    TEMPLATE_PREDICATES[_fn.__name__] = _fn

# --- library ---

def can_view_library(user: User) -> bool:
    """Reviews published by other areas are public: every signed-in role reads the library."""
    return _signed_in(user)


TEMPLATE_PREDICATES["can_view_library"] = can_view_library


# --- update rounds ---

def can_view_rounds(user: User) -> bool:
    """Every signed-in role sees the update rounds; an agency lead sees only its own agency's
    requests and counts within them."""
    return _signed_in(user)


def can_manage_rounds(user: User) -> bool:
    """Only the business unit and administrators open and close update rounds."""
    return is_staff(user)


def round_agency_scope(user: User) -> int | None:
    """The agency an agency lead is limited to on the round pages; None for the roles that read all."""
    return None if user.has_role(*READ_ALL_ROLES) else (user.agency_id or -1)


TEMPLATE_PREDICATES["can_view_rounds"] = can_view_rounds
TEMPLATE_PREDICATES["can_manage_rounds"] = can_manage_rounds


# --- bulk changes ---

def can_bulk_change(user: User) -> bool:
    """Change many actions in one step (lead, due dates, update round): the business unit, which
    runs the tracker; each action is still checked by the single-action rule."""
    return is_staff(user)


def can_hand_over(user: User) -> bool:
    """Hand a leaver's actions, requests and rounds to a successor: from the user admin pages."""
    return is_admin(user)


TEMPLATE_PREDICATES["can_bulk_change"] = can_bulk_change
TEMPLATE_PREDICATES["can_hand_over"] = can_hand_over


# --- deputies ---

def can_name_deputy(user: User) -> bool:
    """An agency lead names a deputy to act on their actions while they are away."""
    return _signed_in(user) and user.has_role(Role.AGENCY_LEAD)


TEMPLATE_PREDICATES["can_name_deputy"] = can_name_deputy


# --- withdrawing a mistake ---

def can_withdraw_entry(user: User, action: Action, entry) -> bool:
    """A progress update or an evidence file withdrawn as a mistake: the business unit at any time, its
    author within the set period (settings: withdraw_days) while they still work on the action; never
    on a closed action (its record is final), never twice."""
    if not can_view_action(user, action) or action.is_closed or entry.withdrawn_at is not None:
        return False
    if is_staff(user):
        return True
    author_id = getattr(entry, "author_id", None) or getattr(entry, "supplied_by_id", None)
    return (author_id == user.id and works_on(user, action)
            and utcnow() - entry.created_at <= timedelta(days=load_settings().withdraw_days))


TEMPLATE_PREDICATES["can_withdraw_entry"] = can_withdraw_entry


def can_withdraw_due_date_request(user: User, action: Action, request) -> bool:
    """A due-date request asked by mistake, while it still waits for the business unit (a decided one
    has already moved the date or been answered): the business unit, or its author within the set
    period while they still work on the action."""
    if not can_view_action(user, action) or request.status != "pending":
        return False
    if is_staff(user):
        return True
    return (request.requested_by_id == user.id and works_on(user, action)
            and utcnow() - request.requested_at <= timedelta(days=load_settings().withdraw_days))


TEMPLATE_PREDICATES["can_withdraw_due_date_request"] = can_withdraw_due_date_request


# --- comments ---

def can_comment(user: User, action: Action) -> bool:
    """Comments are between the lead (their agency's leads, a deputy), the business unit and the
    scrutineer; board members read them."""
    return can_view_action(user, action) and (works_on(user, action) or user.has_role(Role.SCRUTINEER))


TEMPLATE_PREDICATES["can_comment"] = can_comment
