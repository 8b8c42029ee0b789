"""Recommendations: the recommendation page and the forms to add, edit and record a response."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from tracker import permissions
from tracker.actions.queries import rating_summary, visible_actions
from tracker.challenges.services import live_challenges_on
from tracker.core.clock import today
from tracker.extensions import db
from tracker.recommendations import services
from tracker.recommendations.forms import FormalResponseForm, RecommendationForm
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.settings import load_settings
from tracker.themes.models import Theme
from tracker.users.models import Agency, Role
from tracker.web import conflicts
from tracker.web.views import form_status, parse_id, require, run_service, signed_in_user

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")


def _require_manager() -> None:
    require(permissions.can_manage_reviews(signed_in_user()))


def _load(recommendation_id: int, *, full: bool = False) -> Recommendation:
    stmt = select(Recommendation).where(Recommendation.id == recommendation_id).options(
        joinedload(Recommendation.review))
    if full:
        stmt = stmt.options(selectinload(Recommendation.addressees), selectinload(Recommendation.themes),
                            selectinload(Recommendation.responses))
    recommendation = db.session.scalar(stmt)
    if recommendation is None:
        abort(404)
    return recommendation


@bp.route("/<id:recommendation_id>")
def show(recommendation_id: int):
    user = signed_in_user()
    require(permissions.can_view_reviews(user))
    recommendation = _load(recommendation_id, full=True)
    day, settings = today(), load_settings()
    actions = visible_actions(user, day, settings, recommendation_id=recommendation.id)
    return render_template(
        "recommendations/show.html", recommendation=recommendation, review=recommendation.review,
        actions=actions.get(recommendation.id, []), summary=rating_summary(actions), settings=settings,
        agency_view=user.has_role(Role.AGENCY_LEAD),
        challenges=live_challenges_on(user, recommendation_id=recommendation.id),
        back_href=url_for("reviews.show", review_id=recommendation.review_id),
        back_text=f"Review {recommendation.review.reference}",
    )


def _form(recommendation: Recommendation | None):
    """The form with its choices: active agencies (plus any inactive one already addressed, so
    that saving does not drop it) and every theme."""
    current_ids = [a.id for a in recommendation.addressees] if recommendation else []
    agencies = list(db.session.scalars(
        select(Agency).where(or_(Agency.active.is_(True), Agency.id.in_(current_ids))).order_by(Agency.name)))
    themes = list(db.session.scalars(select(Theme).order_by(Theme.name)))
    form = RecommendationForm(obj=recommendation if request.method == "GET" else None)
    form.addressees.choices = [SelectChoice(a.id, a.name) for a in agencies]
    form.themes.choices = [SelectChoice(t.id, t.name) for t in themes]
    if request.method == "GET" and recommendation is not None:
        form.addressees.data = current_ids
        form.themes.data = [t.id for t in recommendation.themes]
    return form, agencies, themes


def _values(form: RecommendationForm, agencies: list[Agency], themes: list[Theme]) -> dict:
    chosen_agencies, chosen_themes = set(form.addressees.data or []), set(form.themes.data or [])
    return {"number": form.number.data, "text": form.text.data, "kind": form.kind.data,
            "addressees": [a for a in agencies if a.id in chosen_agencies],
            "themes": [t for t in themes if t.id in chosen_themes]}


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add a recommendation to the review named by ?review_id=."""
    _require_manager()
    review_id = request.args.get("review_id", "")
    review = db.session.get(Review, parse_id(review_id)) if parse_id(review_id) is not None else None
    if review is None:
        abort(404)
    form, agencies, themes = _form(None)
    if form.validate_on_submit():
        recommendation = run_service(form, lambda: services.create_recommendation(
            review, **_values(form, agencies, themes)))
        if recommendation:
            flash(f"Recommendation {recommendation.number} added", "success")
            return redirect(url_for("reviews.show", review_id=review.id, _anchor=f"rec-{recommendation.id}"))
    return render_template("recommendations/form.html", form=form, review=review, recommendation=None,
                           back_href=url_for("reviews.show", review_id=review.id))


@bp.route("/<id:recommendation_id>/edit", methods=["GET", "POST"])
def edit(recommendation_id: int):
    _require_manager()
    recommendation = _load(recommendation_id, full=True)
    review = recommendation.review
    form, agencies, themes = _form(recommendation)
    if request.method == "GET":
        conflicts.stamp(form, recommendation)
    back_href = url_for("reviews.show", review_id=review.id)
    title = f"Edit recommendation {recommendation.number}"
    if form.validate_on_submit():
        if conflicts.save_edit(form, recommendation, lambda: services.update_recommendation(
                recommendation, **_values(form, agencies, themes)),
                reload=lambda: _load(recommendation_id, full=True), kind="recommendation", title=title,
                back_href=back_href):
            flash(f"Recommendation {recommendation.number} updated", "success")
            return redirect(url_for("reviews.show", review_id=review.id, _anchor=f"rec-{recommendation.id}"))
    return render_template("recommendations/form.html", form=form, review=review, recommendation=recommendation,
                           back_href=url_for("reviews.show", review_id=review.id))


@bp.route("/<id:recommendation_id>/responses/<id:agency_id>", methods=["GET", "POST"])
def respond(recommendation_id: int, agency_id: int):
    """Record (or correct) one addressee's formal response. An agency lead answers for their own
    agency only; another agency's response is not found."""
    user = signed_in_user()
    recommendation = _load(recommendation_id, full=True)
    agency = next((a for a in recommendation.addressees if a.id == agency_id), None)
    if agency is None:
        abort(404)
    if user.has_role(Role.AGENCY_LEAD) and user.agency_id != agency.id:
        abort(404)
    require(permissions.can_record_response(user, agency.id))
    review = recommendation.review
    form = FormalResponseForm()
    existing = recommendation.response_from(agency.id)
    if request.method == "GET" and existing is not None:
        form.response.data = existing.response
        form.reasons.data = existing.reasons
        form.response_date.data = existing.response_date
    back_href = url_for("recommendations.show", recommendation_id=recommendation.id)
    if form.validate_on_submit():
        if run_service(form, lambda: services.record_formal_response(
                recommendation, agency, response=form.response.data, reasons=form.reasons.data,
                response_date=form.response_date.data, by=user, today=today())):
            flash(f"Formal response of {agency.name} to recommendation {recommendation.number} recorded", "success")
            return redirect(back_href)
    return render_template("recommendations/response_form.html", form=form, review=review,
                           recommendation=recommendation, agency=agency, existing=existing,
                           back_href=back_href), form_status(form)
