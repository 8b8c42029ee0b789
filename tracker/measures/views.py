"""Measures: adding one to an action (or, shared by its actions, to a recommendation), editing it,
and recording measurements. Who may: the action's agency leads and the business unit for an
action's measures, the business unit for a recommendation's; everyone who sees the action reads."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy.orm import selectinload

from tracker import permissions
from tracker.actions.blueprint import load_action
from tracker.actions.models import Action
from tracker.core.clock import today
from tracker.extensions import db
from tracker.measures import services
from tracker.measures.charts import measure_chart, measurement_rows
from tracker.measures.forms import MeasureForm, MeasurementForm
from tracker.measures.models import Measure
from tracker.recommendations.models import Recommendation
from tracker.web.views import form_status, require, run_service, signed_in_user

bp = Blueprint("measures", __name__, url_prefix="/measures")
# The action page's measures panel (templates/measures/_panel.html) draws each chart with it.
bp.add_app_template_global(measure_chart, "measure_chart")
bp.add_app_template_global(measurement_rows, "measurement_rows")


def _fields(form: MeasureForm) -> services.MeasureFields:
    return services.MeasureFields(
        description=form.description.data, unit=form.unit.data, direction=form.direction.data,
        baseline_value=form.baseline_value.number, baseline_date=form.baseline_date.data,
        baseline_source=form.baseline_source.data or "", target_value=form.target_value.number,
        target_date=form.target_date.data)


def _load_measure(measure_id: int) -> Measure:
    """The measure, or 404 when it is missing or belongs to an action this user may not see."""
    measure = db.session.get(Measure, measure_id, options=[selectinload(Measure.measurements)])
    if measure is None:
        abort(404)
    user = signed_in_user()
    if measure.action_id is not None and not permissions.can_view_action(user, measure.action):
        abort(404)
    if measure.recommendation_id is not None and not permissions.can_view_reviews(user):
        abort(404)
    return measure


def _subject_href(measure: Measure) -> str:
    if measure.action_id is not None:
        return url_for("actions.show", action_id=measure.action_id, _anchor="measures")
    return url_for("recommendations.show", recommendation_id=measure.recommendation_id, _anchor="measures")


def _caption(measure: Measure) -> str:
    if measure.action_id is not None:
        action = measure.action
        return f"{action.review.reference}, recommendation {action.recommendation.number}: {action.description}"
    rec = measure.recommendation
    return f"{rec.review.reference}, recommendation {rec.number} (shared by its actions)"


@bp.route("/actions/<id:action_id>/new", methods=["GET", "POST"])
def new_for_action(action_id: int):
    action = load_action(action_id)
    require(permissions.can_manage_measures(signed_in_user(), action))
    caption = f"{action.review.reference}, recommendation {action.recommendation.number}: {action.description}"
    return _new(action, caption, url_for("actions.show", action_id=action.id, _anchor="measures"))


@bp.route("/recommendations/<id:recommendation_id>/new", methods=["GET", "POST"])
def new_for_recommendation(recommendation_id: int):
    recommendation = db.session.get(Recommendation, recommendation_id)
    if recommendation is None:
        abort(404)
    require(permissions.can_manage_shared_measures(signed_in_user()))
    caption = f"{recommendation.review.reference}, recommendation {recommendation.number} (shared by its actions)"
    return _new(recommendation, caption,
                url_for("recommendations.show", recommendation_id=recommendation.id, _anchor="measures"))


def _new(subject: Action | Recommendation, caption: str, back_href: str):
    form = MeasureForm()
    if form.validate_on_submit():
        measure = run_service(form, lambda: services.add_measure(subject, _fields(form), by=signed_in_user(),
                                                                 today=today()))
        if measure:
            flash(f"Measure added: {measure.description}", "success")
            return redirect(back_href)
    return render_template("measures/form.html", form=form, caption=caption, heading="Add a measure",
                           back_href=back_href), form_status(form)


@bp.route("/<id:measure_id>/edit", methods=["GET", "POST"])
def edit(measure_id: int):
    measure = _load_measure(measure_id)
    require(permissions.can_manage_measure(signed_in_user(), measure))
    form = MeasureForm()
    if not form.is_submitted():
        form.description.data, form.unit.data = measure.description, measure.unit.value
        form.direction.data, form.baseline_source.data = measure.direction.value, measure.baseline_source
        form.baseline_value.data = f"{measure.baseline_value:g}"
        form.target_value.data = f"{measure.target_value:g}"
        form.baseline_date.data, form.target_date.data = measure.baseline_date, measure.target_date
    if form.validate_on_submit():
        if run_service(form, lambda: services.edit_measure(measure, _fields(form), today=today())):
            flash("Measure saved", "success")
            return redirect(_subject_href(measure))
    return render_template("measures/form.html", form=form, caption=_caption(measure), heading="Change the measure",
                           back_href=_subject_href(measure)), form_status(form)


@bp.route("/<id:measure_id>/measurements/new", methods=["GET", "POST"])
def record(measure_id: int):
    measure = _load_measure(measure_id)
    require(permissions.can_manage_measure(signed_in_user(), measure))
    form = MeasurementForm()
    if form.validate_on_submit():
        fields = services.MeasurementFields(
            measured_date=form.measured_date.data, value=form.value.number, sample_size=form.sample_size.number,
            source=form.source.data, evidence_link=form.evidence_link.data or "")
        measurement = run_service(form, lambda: services.record_measurement(measure, fields, by=signed_in_user(),
                                                                            today=today()))
        if measurement:
            flash(f"Measurement recorded: {measure.show(measurement.value)} on "
                  f"{measurement.measured_date.day} {measurement.measured_date:%B %Y}", "success")
            return redirect(_subject_href(measure))
    return render_template("measures/record.html", form=form, measure=measure, caption=_caption(measure),
                           chart=measure_chart(measure), back_href=_subject_href(measure)), form_status(form)
