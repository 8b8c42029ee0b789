"""Lists of actions: the actions list with its filters and exports, the assurance queue, the
requests for a new due date and the impact reviews due, each with its CSV and XLSX export. The routes
are on the actions blueprint (tracker/actions/blueprint.py)."""

from collections.abc import Callable

from flask import render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker import permissions
from tracker.actions.blueprint import bp
from tracker.actions.export import QUEUE_WIDTHS, WIDTHS, export_rows, queue_rows
from tracker.actions.forms import ActionFilterForm
from tracker.actions.models import (
    RATED,
    Action,
    ActionStatus,
    DueDateRequest,
    Rating,
    RequestStatus,
)
from tracker.actions.queries import (
    AGENCY_OPTIONS,
    QUEUE_ORDER,
    REVIEW_OPTIONS,
    SORTS,
    ActionFilters,
    actions_query,
    count_actions,
    impact_review_due,
    loaded_actions,
    paginate_actions,
)
from tracker.actions.ratings import rate, rating_days
from tracker.core.clock import today
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.settings import load_settings
from tracker.themes.services import THEME_NAMES
from tracker.users.models import User
from tracker.web.downloads import Column, each, export_items, list_export
from tracker.web.filters import current_url_with, govuk_date
from tracker.web.views import id_choices, page_size, parse_id, require, signed_in_user

STATUS_CHOICES = [("", "All statuses")] + [(s.value, s.label) for s in ActionStatus]


# --- lists -----------------------------------------------------------------------------------------------


def _filter_choices(form: ActionFilterForm, settings, *, by_owner: bool) -> None:
    """The filter lists' choices. An agency lead's list holds their own agency's actions only, and
    has no owner filter: no query for the owners then."""
    form.agency.choices = id_choices("All owners", AGENCY_OPTIONS) if by_owner else [("", "All owners")]
    form.review.choices = id_choices("All reviews", REVIEW_OPTIONS)
    form.rating.choices = [("", "All ratings")] + [(k, settings.label(k)) for k in RATED] + [
        (Rating.NONE, settings.label("none"))]
    form.theme.choices = id_choices("All themes", THEME_NAMES)
    form.status.choices = STATUS_CHOICES


def _active_filters(form: ActionFilterForm, filters: ActionFilters) -> list[dict]:
    """The filters in force, each with a link that removes it."""
    out = []
    for name in ("agency", "review", "rating", "theme", "status"):
        field = form[name]
        chosen = dict(field.choices).get(field.data) if field.data else None
        if chosen:
            out.append({"text": f"{field.label.text}: {chosen}", "href": current_url_with(**{name: None, "page": None})})
    if filters.due_before:
        out.append({"text": f"Due on or before {govuk_date(filters.due_before)}",
                    "href": current_url_with(due_before=None, page=None)})
    return out


def _list_filters(user: User, settings) -> tuple[ActionFilterForm, ActionFilters, bool]:
    """The list's filters and sort from the query string: the page and its exports read the same."""
    is_lead = permissions.is_limited_to_own_agency(user)  # their own agency's actions: no owner filter
    form = ActionFilterForm(request.args)
    _filter_choices(form, settings, by_owner=not is_lead)
    form.validate()
    if is_lead:
        form.agency.data = ""
    sort = request.args.get("sort", "due")
    sort = sort if sort in SORTS else "due"
    direction = "desc" if request.args.get("dir") == "desc" else "asc"
    filters = ActionFilters(
        agency_id=None if is_lead else parse_id(form.agency.data),
        review_id=parse_id(form.review.data),
        theme_id=parse_id(form.theme.data),
        rating=form.rating.data or None,
        status=form.status.data or None,
        due_before=form.due_before.data,
        sort=sort,
        direction=direction,
    )
    return form, filters, is_lead


@bp.route("/")
def index():
    """Every action the user may see, filtered, sorted and paged in SQL."""
    user, day, settings = signed_in_user(), today(), load_settings()
    form, filters, is_lead = _list_filters(user, settings)
    sort, direction = filters.sort, filters.direction
    stmt, days = actions_query(user, filters), rating_days(day, settings)
    page = paginate_actions(stmt, days, page=parse_id(request.args.get("page")) or 1, per_page=page_size(),
                            total=count_actions(stmt, days))
    rows = [(a, rate(a, day, settings)) for a in page.items]
    return render_template("actions/index.html", form=form, filter_form=form, page=page, rows=rows,
                           sort=sort, direction=direction, settings=settings, show_agency_filter=not is_lead,
                           active_filters=_active_filters(form, filters))


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The list as filtered and sorted, every row of it (not one page), with the list's visibility."""
    user, day, settings = signed_in_user(), today(), load_settings()
    _, filters, _ = _list_filters(user, settings)
    return list_export(fmt, export_rows(user, filters, day, settings), columns=WIDTHS, what="Actions",
                       name=f"actions-{day.isoformat()}.{fmt}")


@bp.route("/assurance")
def queue():
    """Submitted actions waiting for a decision, oldest submission first."""
    user, day, settings = signed_in_user(), today(), load_settings()
    require(permissions.can_view_assurance_queue(user))
    stmt = (loaded_actions(user, ActionFilters(status=ActionStatus.SUBMITTED))
            .options(selectinload(Action.submitted_by))
            .order_by(*QUEUE_ORDER))
    page = db.paginate(stmt, page=parse_id(request.args.get("page")) or 1, per_page=page_size(), max_per_page=100,
                       error_out=False)
    ids = [a.id for a in page.items]
    counts = dict(db.session.execute(
        select(Evidence.action_id, func.count()).where(Evidence.action_id.in_(ids)).group_by(Evidence.action_id)
    ).all()) if ids else {}
    rows = [(a, rate(a, day, settings), counts.get(a.id, 0)) for a in page.items]
    return render_template("actions/queue.html", page=page, rows=rows, settings=settings)


@bp.route("/assurance/export.<any(csv, xlsx):fmt>")
def queue_export(fmt: str):
    """Every action waiting for a decision (not one page), oldest submission first."""
    user, day, settings = signed_in_user(), today(), load_settings()
    require(permissions.can_view_assurance_queue(user))
    return list_export(fmt, queue_rows(user, day, settings), columns=QUEUE_WIDTHS, what="Assurance queue",
                       name=f"assurance-queue-{day.isoformat()}.{fmt}")


# --- due-date requests and impact reviews waiting ---------------------------------------------------------


@bp.route("/due-date-requests")
def due_date_requests():
    """Requests for a new due date waiting for the business unit, oldest first."""
    user, day, settings = signed_in_user(), today(), load_settings()
    require(permissions.can_decide_due_date_requests(user))
    page = db.paginate(pending_requests_query(), page=parse_id(request.args.get("page")) or 1,
                       per_page=page_size(), max_per_page=100, error_out=False)
    return render_template("actions/due_date_requests.html", page=page, settings=settings, today=day)


def _action_columns(action_of: Callable) -> list[Column]:
    """The action's own columns, in the exports of lists of things about actions."""
    return [("Reference", 24, lambda x: action_of(x).short_reference),
            ("Review", 16, lambda x: action_of(x).review.reference),
            ("Action", 60, lambda x: action_of(x).description),
            ("Owner", 30, lambda x: action_of(x).owner_agency.name)]


REQUEST_COLUMNS: list[Column] = [
    ("Asked", 18, lambda r: r.requested_at),
    ("Asked by", 24, lambda r: r.requested_by.name if r.requested_by else ""),
    *_action_columns(lambda r: r.action),
    ("Due", 12, lambda r: r.action.due_date),
    ("Asked for", 12, lambda r: r.requested_date),
    ("Reason", 60, lambda r: r.reason),
]


@bp.route("/due-date-requests/export.<any(csv, xlsx):fmt>")
def due_date_requests_export(fmt: str):
    """Every request waiting (not one page), oldest first, as the page lists them."""
    require(permissions.can_decide_due_date_requests(signed_in_user()))
    return export_items(fmt, each(pending_requests_query()), REQUEST_COLUMNS, what="Requests for a new due date",
                        name=f"due-date-requests-{today().isoformat()}.{fmt}")


def pending_requests_query():
    return (select(DueDateRequest).where(DueDateRequest.status == RequestStatus.PENDING)
            .options(selectinload(DueDateRequest.requested_by),
                     selectinload(DueDateRequest.action).selectinload(Action.owner_agency),
                     selectinload(DueDateRequest.action).selectinload(Action.review))
            .order_by(DueDateRequest.requested_at, DueDateRequest.id))


# --- impact reviews ------------------------------------------------------------------------------------


def impact_reviews_due_query(day):
    """Assured actions whose impact review date has come, longest waiting first."""
    return (select(Action).where(impact_review_due(day))
            .options(selectinload(Action.owner_agency), selectinload(Action.review), selectinload(Action.lead))
            .order_by(Action.impact_review_date, Action.id))


@bp.route("/impact-reviews")
def impact_reviews_due():
    user, day = signed_in_user(), today()
    require(permissions.can_view_assurance_queue(user))
    page = db.paginate(impact_reviews_due_query(day), page=parse_id(request.args.get("page")) or 1,
                       per_page=page_size(), max_per_page=100, error_out=False)
    return render_template("actions/impact_reviews.html", page=page, today=day)


IMPACT_REVIEW_COLUMNS: list[Column] = [
    ("Review due", 12, lambda a: a.impact_review_date),
    *_action_columns(lambda a: a),
    ("Lead", 24, lambda a: a.lead.name if a.lead else ""),
    ("Assured", 12, lambda a: a.assured_date),
    ("Completed late", 10, lambda a: "Yes" if a.completed_late else "No"),
]


@bp.route("/impact-reviews/export.<any(csv, xlsx):fmt>")
def impact_reviews_export(fmt: str):
    """Every impact review due (not one page), longest waiting first."""
    day = today()
    require(permissions.can_view_assurance_queue(signed_in_user()))
    return export_items(fmt, each(impact_reviews_due_query(day)), IMPACT_REVIEW_COLUMNS, what="Impact reviews due",
                        name=f"impact-reviews-{day.isoformat()}.{fmt}")
