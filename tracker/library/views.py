"""The library: reviews published elsewhere, searchable, and linked to the local themes."""

from flask import Blueprint, abort, render_template, request
from flask_login import login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import load_only, selectinload

from tracker import permissions
from tracker.extensions import db
from tracker.library import search
from tracker.library.models import LibraryReview, library_review_themes
from tracker.themes.models import Theme
from tracker.views_common import page_size, parse_id, signed_in_user

bp = Blueprint("library", __name__, url_prefix="/library")

_themes = Theme.__table__.c
#: The themes some library entry carries, for the keyword filter: built once, on the tables.
LIBRARY_THEMES = (select(_themes.id, _themes.name).where(_themes.id.in_(select(library_review_themes.c.theme_id)))
                  .order_by(_themes.name))
#: The themes of a page of results (as plain rows: mapped themes for 25 entries cost more than the query).
ENTRY_THEMES = (select(library_review_themes.c.library_review_id, _themes.id, _themes.name)
                .join(Theme.__table__, _themes.id == library_review_themes.c.theme_id)
                .where(library_review_themes.c.library_review_id.in_(bindparam("ids", expanding=True)))
                .order_by(library_review_themes.c.library_review_id, _themes.name))


def _require_reader() -> None:
    if not permissions.can_view_library(signed_in_user()):
        abort(403)


@bp.route("/")
@login_required
def index():
    _require_reader()
    filters = search.LibraryFilters.from_args(request.args)
    page_number = parse_id(request.args.get("page")) or 1
    # Only what a result shows: not the learning and recommendations texts, not the themes' descriptions.
    stmt = search.search_query(filters).options(
        load_only(LibraryReview.id, LibraryReview.year, LibraryReview.area, LibraryReview.title, LibraryReview.summary))
    page = db.paginate(stmt, page=max(page_number, 1), per_page=page_size(), max_per_page=100, error_out=False)
    entry_themes: dict[int, list] = {}
    for entry_id, theme_id, name in db.session.execute(ENTRY_THEMES, {"ids": [e.id for e in page.items]}):
        entry_themes.setdefault(entry_id, []).append((theme_id, name))
    years, areas = search.facet_options()
    themes = db.session.execute(LIBRARY_THEMES).all()
    return render_template("library/index.html", page=page, filters=filters, years=years, areas=areas,
                           themes=themes, entry_themes=entry_themes, snippets=search.snippets([e.id for e in page.items], filters))


@bp.route("/<int:entry_id>")
@login_required
def show(entry_id: int):
    _require_reader()
    entry = db.session.scalar(select(LibraryReview).where(LibraryReview.id == entry_id)
                              .options(selectinload(LibraryReview.themes))) or abort(404)
    return render_template("library/show.html", entry=entry)
