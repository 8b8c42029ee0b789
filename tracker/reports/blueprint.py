"""The board reports' blueprint, shared by views.py (the archive, generating, downloads, dashboard) and
paper_views.py (drafts, commentary, the Word and web versions, the template, meetings): every page is
for the roles that read board reports."""

from flask import Blueprint, abort

from tracker import permissions
from tracker.extensions import db
from tracker.reports.models import BoardReport
from tracker.reports.tasks import configure as configure_queue
from tracker.web.views import require, signed_in_user

bp = Blueprint("reports", __name__, url_prefix="/reports", cli_group=None)
bp.record_once(lambda state: configure_queue(state.app))


@bp.before_request
def _readers_only():
    """Every page here is for the roles that read board reports."""
    require(permissions.can_view_reports(signed_in_user()))


def load_report(report_id: int) -> BoardReport:
    report = db.session.get(BoardReport, report_id)
    if report is None:
        abort(404)
    return report
