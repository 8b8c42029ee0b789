"""Search: one box in the header of every page, and the results page with its filters."""

from types import SimpleNamespace

from flask import Blueprint, render_template, request, url_for

from tracker import permissions
from tracker.actions.models import ActionStatus
from tracker.actions.queries import AGENCY_OPTIONS, REVIEW_OPTIONS
from tracker.core.clock import today
from tracker.extensions import db
from tracker.search.index import KINDS
from tracker.search.queries import MAX_QUERY, RANKED_AT_MOST, SearchFilters, all_results, highlights, search
from tracker.web.downloads import Column, export_items
from tracker.web.views import page_size, parse_id, require, signed_in_user

bp = Blueprint("search", __name__, url_prefix="/search")

KIND_OPTIONS = tuple(SimpleNamespace(value=k.name, label=k.label) for k in KINDS.values())
STATUS_OPTIONS = tuple(SimpleNamespace(value=s.value, label=s.label) for s in ActionStatus)


def _filters(args, limited: bool) -> SearchFilters:
    """The query string as filters: words trimmed to the longest query, known kinds and statuses."""
    kind, status = args.get("kind") or "", args.get("status") or ""
    return SearchFilters(q=" ".join((args.get("q") or "").split())[:MAX_QUERY],
                         kind=kind if kind in KINDS else "",
                         agency_id=None if limited else parse_id(args.get("agency")),
                         review_id=parse_id(args.get("review")),
                         status=status if status in ActionStatus._value2member_map_ else "")


def result_href(row, external: bool = False) -> str:
    endpoint, argument, column = KINDS[row.kind].link
    return url_for(endpoint, **{argument: getattr(row, column)}, _external=external)


COLUMNS: list[Column] = [
    ("Kind", 16, lambda row: KINDS[row.kind].label),
    ("Reference", 24, lambda row: row.reference),
    ("Date", 12, lambda row: row.entry_date),
    ("Title", 60, lambda row: row.title),
    ("Link", 50, lambda row: result_href(row, external=True)),
]


@bp.route("/")
def index():
    user = signed_in_user()
    require(permissions.can_view_reviews(user))
    limited = permissions.is_limited_to_own_agency(user)
    filters = _filters(request.args, limited)
    results = search(user, filters, page=parse_id(request.args.get("page")) or 1, per_page=page_size())
    page = results.page
    return render_template(
        "search/index.html", page=page, ranked=results.ranked, most=RANKED_AT_MOST, filters=filters, marks=highlights([r.id for r in page.items], filters),
        kinds=KIND_OPTIONS, statuses=STATUS_OPTIONS, labels={k.name: k.label for k in KINDS.values()},
        agencies=None if limited else db.session.execute(AGENCY_OPTIONS).all(),
        reviews=db.session.execute(REVIEW_OPTIONS).all(), href=result_href)


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """A search's results in the pages' order (the best 2,000 at most), with the same permissions:
    what the user could open from the results pages, nothing more."""
    user = signed_in_user()
    require(permissions.can_view_reviews(user))
    filters = _filters(request.args, permissions.is_limited_to_own_agency(user))
    return export_items(fmt, all_results(user, filters), COLUMNS, what="Search results",
                        name=f"search-results-{today().isoformat()}.{fmt}")
