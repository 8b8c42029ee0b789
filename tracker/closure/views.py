"""Recording the board's decision to close a recommendation (the business unit, for the board)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from tracker import permissions
from tracker.closure import services
from tracker.closure.forms import ClosureForm
from tracker.core.clock import today
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.web.views import form_status, require, run_service, signed_in_user

bp = Blueprint("closure", __name__, url_prefix="/closure")
# The recommendation page's closure panel (templates/closure/_panel.html) reads these.
bp.add_app_template_global(services.tally, "closure_tally")
bp.add_app_template_global(services.history, "closure_history")


@bp.route("/recommendations/<id:recommendation_id>", methods=["GET", "POST"])
def close_recommendation(recommendation_id: int):
    user = signed_in_user()
    recommendation = db.session.get(Recommendation, recommendation_id)
    if recommendation is None:
        abort(404)
    require(permissions.can_record_closure(user))
    back = url_for("recommendations.show", recommendation_id=recommendation.id, _anchor="closure")
    form = ClosureForm()
    if form.validate_on_submit():
        if run_service(form, lambda: services.close_recommendation(
                recommendation, decision_date=form.decision_date.data, meeting=form.meeting.data,
                minute_reference=form.minute_reference.data, risk_accepted=form.risk_accepted.data or "",
                by=user, today=today())):
            closed_review = recommendation.review.closed_date is not None
            flash(f"Recommendation {recommendation.number} closed"
                  + (f"; review {recommendation.review.reference} closed with it" if closed_review else ""), "success")
            return redirect(back)
    return render_template("closure/close.html", form=form, recommendation=recommendation,
                           tally=services.tally(recommendation.id), back_href=back), form_status(form)
