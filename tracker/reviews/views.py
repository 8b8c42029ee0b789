"""Reviews: the list, the review page, and the forms for reviews and learning points."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from tracker import permissions
from tracker.actions.queries import rating_summary, visible_actions
from tracker.challenges.services import live_challenges_on
from tracker.core.clock import today
from tracker.extensions import db
from tracker.library import services as library
from tracker.recommendations.models import Recommendation
from tracker.recommendations.services import missing_by_agency
from tracker.reviews import export as review_export
from tracker.reviews import queries, services
from tracker.reviews.clocks import clocks_from_settings
from tracker.reviews.forms import LearningPointForm, ReviewForm
from tracker.reviews.milestones import milestones
from tracker.reviews.models import KEY_DATES, LearningPoint, Review, ReviewStatus, ReviewType
from tracker.settings import load_settings
from tracker.themes.models import Theme
from tracker.themes.services import THEME_NAMES
from tracker.users.models import Role
from tracker.web import conflicts
from tracker.web.downloads import list_export
from tracker.web.views import page_size, parse_id, require, run_service, signed_in_user

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


def _require_manager() -> None:
    require(permissions.can_manage_reviews(signed_in_user()))


def _all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.name)))


# --- The list ------------------------------------------------------------------------------------


@bp.route("/")
def index():
    user = signed_in_user()
    require(permissions.can_view_reviews(user))
    filters = queries.ReviewFilters.from_args(request.args)
    page_number = request.args.get("page", "1")
    page_number = parse_id(page_number) or 1
    page = queries.reviews_page(filters, page=page_number, per_page=page_size())
    day, settings = today(), load_settings()
    counts = queries.rating_counts_by_review(user, [r.id for r in page.items], day, settings)
    return render_template(
        "reviews/index.html", page=page, reviews=page.items, counts=counts, filters=filters,
        themes=db.session.execute(THEME_NAMES).all(), review_types=list(ReviewType), statuses=list(ReviewStatus), settings=settings,
    )


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The list as filtered and sorted, every review of it (not one page), with the action counts the
    user may see."""
    user = signed_in_user()
    require(permissions.can_view_reviews(user))
    day, settings = today(), load_settings()
    rows = review_export.export_rows(user, queries.ReviewFilters.from_args(request.args), day, settings)
    return list_export(fmt, rows, columns=review_export.columns(settings), what="Reviews",
                       name=f"reviews-{day.isoformat()}.{fmt}")


# --- The review page -----------------------------------------------------------------------------


def _load_review(review_id: int, *, full: bool = False) -> Review:
    stmt = select(Review).where(Review.id == review_id)
    if full:
        stmt = stmt.options(
            selectinload(Review.themes),
            selectinload(Review.learning_points),
            selectinload(Review.recommendations).selectinload(Recommendation.addressees),
            selectinload(Review.recommendations).selectinload(Recommendation.themes),
            selectinload(Review.recommendations).selectinload(Recommendation.responses),
        )
    review = db.session.scalar(stmt)
    if review is None:
        abort(404)
    return review


@bp.route("/<id:review_id>")
def show(review_id: int):
    user = signed_in_user()
    require(permissions.can_view_reviews(user))
    review = _load_review(review_id, full=True)
    day, settings = today(), load_settings()
    actions = visible_actions(user, day, settings, review_id=review.id)
    recommendations = sorted(review.recommendations, key=lambda r: (r.sort_key, r.id))
    return render_template(
        "reviews/show.html", review=review, recommendations=recommendations, actions=actions,
        summary=rating_summary(actions),
        milestones=milestones(review, day, clocks_from_settings(settings)),
        key_dates=KEY_DATES, settings=settings,
        missing_responses=missing_by_agency(recommendations) if review.response_deadline else {},
        challenges=live_challenges_on(user, review_id=review.id), agency_view=user.has_role(Role.AGENCY_LEAD),
        similar=library.similar_library_entries(library.review_theme_ids(review)),
        earlier=library.earlier_learning(review, user, day),
        back_href=url_for("reviews.index"),
        back_text="All reviews",
    )


# --- Review forms --------------------------------------------------------------------------------


def _details(form: ReviewForm, themes: list[Theme]) -> services.ReviewDetails:
    chosen = set(form.themes.data or [])
    return services.ReviewDetails(
        reference=form.reference.data, title=form.title.data, review_type=form.review_type.data,
        status=form.status.data, lead_reviewer=form.lead_reviewer.data or "", summary=form.summary.data or "",
        themes=[t for t in themes if t.id in chosen], dates=form.dates(),
        response_deadline=form.response_deadline.data,
    )


def _review_form(review: Review | None) -> tuple[ReviewForm, list[Theme]]:
    themes = _all_themes()
    form = ReviewForm(obj=review if request.method == "GET" else None)
    form.themes.choices = [SelectChoice(t.id, t.name) for t in themes]
    if request.method == "GET" and review is not None:
        form.themes.data = [t.id for t in review.themes]
    return form, themes


@bp.route("/new", methods=["GET", "POST"])
def new():
    _require_manager()
    form, themes = _review_form(None)
    if form.validate_on_submit():
        review = run_service(form, lambda: services.create_review(_details(form, themes),
                                                                  load_settings().response_days, today()))
        if review:
            flash(f"Review {review.reference} created", "success")
            return redirect(url_for("reviews.show", review_id=review.id))
    return render_template("reviews/form.html", form=form, review=None, response_days=load_settings().response_days,
                           back_href=url_for("reviews.index")), 200


@bp.route("/<id:review_id>/edit", methods=["GET", "POST"])
def edit(review_id: int):
    _require_manager()
    review = _load_review(review_id)
    form, themes = _review_form(review)
    if request.method == "GET":
        conflicts.stamp(form, review)
    back_href, title = url_for("reviews.show", review_id=review_id), f"Edit review {review.reference}"
    if form.validate_on_submit():
        if conflicts.save_edit(form, review, lambda: services.update_review(review, _details(form, themes),
                                                                             load_settings().response_days,
                                                                             today()),
                               reload=lambda: _load_review(review_id), kind="review", title=title,
                               back_href=back_href):
            flash(f"Review {review.reference} updated", "success")
            return redirect(url_for("reviews.show", review_id=review.id))
    return render_template("reviews/form.html", form=form, review=review, response_days=load_settings().response_days,
                           back_href=url_for("reviews.show", review_id=review_id))


# --- Learning points -----------------------------------------------------------------------------


def _save_point(form: LearningPointForm) -> dict:
    return {"number": int(form.number.data.strip()), "text": form.text.data,
            "shared_how": form.shared_how.data or None, "shared_date": form.shared_date.data, "today": today()}


@bp.route("/<id:review_id>/learning-points/new", methods=["GET", "POST"])
def new_learning_point(review_id: int):
    _require_manager()
    review = _load_review(review_id)
    form = LearningPointForm()
    if request.method == "GET":
        form.number.data = str(services.next_learning_point_number(review))
    if form.validate_on_submit():
        point = run_service(form, lambda: services.add_learning_point(review, **_save_point(form)))
        if point:
            flash(f"Learning point {point.number} added", "success")
            return redirect(url_for("reviews.show", review_id=review.id, _anchor="learning-points"))
    return render_template("reviews/learning_point_form.html", form=form, review=review, point=None,
                           back_href=url_for("reviews.show", review_id=review.id))


@bp.route("/<id:review_id>/learning-points/<id:point_id>/edit", methods=["GET", "POST"])
def edit_learning_point(review_id: int, point_id: int):
    _require_manager()
    point = db.session.get(LearningPoint, point_id)
    if point is None or point.review_id != review_id:
        abort(404)
    review = point.review
    form = LearningPointForm(obj=point if request.method == "GET" else None)
    if request.method == "GET":
        form.shared_how.data = point.shared_how or ""
    if form.validate_on_submit():
        if run_service(form, lambda: services.update_learning_point(point, **_save_point(form))):
            flash(f"Learning point {point.number} updated", "success")
            return redirect(url_for("reviews.show", review_id=review.id, _anchor="learning-points"))
    return render_template("reviews/learning_point_form.html", form=form, review=review, point=point,
                           back_href=url_for("reviews.show", review_id=review.id))
