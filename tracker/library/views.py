"""The library: reviews published elsewhere, searchable, and linked to the local themes."""

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import permissions
from tracker.core.clock import today
from tracker.extensions import db
from tracker.library import search
from tracker.library.models import LibraryReview
from tracker.web.downloads import Column, export_items
from tracker.web.views import page_size, parse_id, require, signed_in_user

bp = Blueprint("library", __name__, url_prefix="/library")

def _filters(args) -> search.LibraryFilters:
    """The search form's query string as filters: words trimmed to the longest query, a plausible year."""
    year = parse_id(args.get("year"))
    return search.LibraryFilters(q=" ".join((args.get("q") or "").split())[:search.MAX_QUERY],
                                 year=year if year and 1900 < year < 2100 else None,
                                 area=" ".join((args.get("area") or "").split())[:200],
                                 theme_id=parse_id(args.get("theme")))


def _require_reader() -> None:
    require(permissions.can_view_library(signed_in_user()))


@bp.route("/")
def index():
    _require_reader()
    filters = _filters(request.args)
    page_number = parse_id(request.args.get("page")) or 1
    page = search.search_page(filters, page=page_number, per_page=page_size())
    years, areas, themes = search.facet_options()
    ids = [e.id for e in page.items]
    return render_template("library/index.html", page=page, filters=filters, years=years, areas=areas,
                           themes=themes, entry_themes=search.entry_themes(ids),
                           snippets=search.snippets(page.items, filters))


COLUMNS: list[Column] = [
    ("Year", 8, lambda e: e[0].year),
    ("Area", 30, lambda e: e[0].area),
    ("Title", 60, lambda e: e[0].title),
    ("Summary", 80, lambda e: e[0].summary),
    ("Themes", 40, lambda e: "; ".join(e[1])),
    ("Link", 40, lambda e: url_for("library.show", entry_id=e[0].id, _external=True)),
]


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """Every published review the search and filters find (not one page), in the results' order."""
    _require_reader()
    return export_items(fmt, search.all_entries(_filters(request.args)), COLUMNS, what="Library",
                        name=f"library-{today().isoformat()}.{fmt}")


@bp.route("/<id:entry_id>")
def show(entry_id: int):
    _require_reader()
    entry = db.session.scalar(select(LibraryReview).where(LibraryReview.id == entry_id)
                              .options(selectinload(LibraryReview.themes))) or abort(404)
    return render_template("library/show.html", entry=entry)
