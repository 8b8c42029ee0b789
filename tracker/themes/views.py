"""Themes: where recurring learning across reviews shows. Every signed-in role reads them; the
staff keep the list."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from tracker import permissions
from tracker.core.clock import today
from tracker.extensions import db
from tracker.web.downloads import list_export
from tracker.web.filters import current_url_with
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from tracker.library import services as library_services
from tracker.themes import export as theme_export
from tracker.themes import services
from tracker.themes.forms import MergeThemeForm, ThemeForm
from tracker.themes.models import Theme
from tracker.web.views import form_status, parse_id, require, run_service, signed_in_user

bp = Blueprint("themes", __name__, url_prefix="/themes")


def _paginate(stmt, page_arg: str = "page"):
    page = parse_id(request.args.get(page_arg)) or 1
    return db.paginate(stmt, page=max(page, 1), per_page=current_app.config["PAGE_SIZE"], max_per_page=100,
                       error_out=False)


def _sorting() -> tuple[str, str]:
    """The list's order from the query string: by name (A to Z) unless a count is asked for (most first)."""
    sort = request.args.get("sort", "name")
    sort = sort if sort in services.THEME_SORTS else "name"
    direction = request.args.get("dir", "asc" if sort == "name" else "desc")
    return sort, direction if direction in ("asc", "desc") else "asc"


@bp.route("/")
def index():
    sort, direction = _sorting()
    user = signed_in_user()
    page = _paginate(services.themes_query(user, sort, direction))
    counts = services.theme_counts(user, [t.id for t in page.items])
    return render_template("themes/index.html", page=page, counts=counts, sort=sort, direction=direction)


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """Every theme (not one page), in the list's order, with the counts the user may see."""
    user, day = signed_in_user(), today()
    return list_export(fmt, theme_export.export_rows(user, *_sorting()), columns=theme_export.COLUMNS,
                       what="Themes", name=f"themes-{day.isoformat()}.{fmt}")


@bp.route("/<id:theme_id>")
def show(theme_id: int):
    theme = db.session.get(Theme, theme_id) or abort(404)
    user = signed_in_user()
    reviews = _paginate(services.theme_reviews_query(theme), "reviews_page")
    recommendations = _paginate(services.theme_recommendations_query(theme))
    action_counts = services.action_counts_by_recommendation(user, [r.id for r in recommendations.items])
    totals = services.theme_counts(user, [theme.id])[theme.id]
    library = _paginate(library_services.theme_library_query(theme), "library_page")
    return render_template("themes/show.html", theme=theme, reviews=reviews, recommendations=recommendations,
                           action_counts=action_counts, totals=totals, library=library,
                           review_page_url=lambda number: current_url_with(reviews_page=number) + "#reviews",
                           library_page_url=lambda number: current_url_with(library_page=number) + "#library")


@bp.route("/<id:theme_id>/merge", methods=["GET", "POST"])
def merge(theme_id: int):
    theme = db.session.get(Theme, theme_id) or abort(404)
    require(permissions.can_manage_themes(signed_in_user()))
    form = MergeThemeForm()
    others = list(db.session.scalars(select(Theme).where(Theme.id != theme.id).order_by(func.lower(Theme.name))))
    form.into.choices = [SelectChoice("", "Choose a theme")] + [SelectChoice(str(t.id), t.name) for t in others]
    if form.validate_on_submit():
        kept = db.session.get(Theme, parse_id(form.into.data) or 0)
        if kept is None:
            form.into.errors = [*form.into.errors, "Choose the theme to keep"]
        else:
            name = theme.name
            if run_service(form, lambda: services.merge_themes(theme, kept)):
                flash(f"Theme “{name}” merged into “{kept.name}”.", "success")
                return redirect(url_for("themes.show", theme_id=kept.id))
    return render_template("themes/merge.html", form=form, theme=theme), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(permissions.can_manage_themes(signed_in_user()))
    return _save(ThemeForm(), None)


@bp.route("/<id:theme_id>/edit", methods=["GET", "POST"])
def edit(theme_id: int):
    theme = db.session.get(Theme, theme_id) or abort(404)
    require(permissions.can_manage_themes(signed_in_user()))
    return _save(ThemeForm(data={"name": theme.name, "description": theme.description}), theme)


def _save(form: ThemeForm, theme: Theme | None):
    if form.validate_on_submit():
        saved = run_service(form, lambda: services.save_theme(theme, name=form.name.data,
                                                               description=form.description.data or ""))
        if saved:
            flash(f"Theme “{saved.name}” saved.", "success")
            return redirect(url_for("themes.show", theme_id=saved.id))
    return render_template("themes/form.html", form=form, theme=theme)
