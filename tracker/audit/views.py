"""The audit trail's pages, among the admin pages (/admin/audit and its CSV export). Administrators
and the business unit (permissions.can_view_audit); every other role gets 403, whatever the method. Records are read here, never changed."""

import json
from datetime import UTC

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from tracker import permissions
from tracker.audit.forms import KNOWN_EVENTS, AuditSearchForm
from tracker.audit.queries import audit_query, change_lines, known_values
from tracker.audit.services import log_event
from tracker.core.clock import today
from tracker.extensions import db
from tracker.web.downloads import Column, each, item_rows, spreadsheet, widths
from tracker.web.views import parse_id

bp = Blueprint("audit", __name__, url_prefix="/admin")

#: An export larger than this must be narrowed by the search first.
AUDIT_EXPORT_MAX_ROWS = 100_000
COLUMNS: list[Column] = [
    ("When (UTC)", 20, lambda r: r.at.astimezone(UTC).replace(tzinfo=None, microsecond=0)),
    ("Who", 30, lambda r: r.actor_label),
    ("From where", 16, lambda r: r.remote_addr),
    ("Event", 24, lambda r: r.event),
    ("Record type", 16, lambda r: r.object_type),
    ("Record ID", 10, lambda r: r.object_id),
    ("Summary", 60, lambda r: r.summary),
    ("Changes", 60, lambda r: json.dumps(r.changes or {}, ensure_ascii=False, sort_keys=True)),
]


@bp.before_request
def auditors_only():
    """Every audit page, GET or POST: sign in first, then administrators and the business unit only."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not permissions.can_view_audit(current_user):
        abort(403)
    return None


def _search_form() -> AuditSearchForm:
    form = AuditSearchForm(formdata=request.args)
    form.set_choices(*known_values(KNOWN_EVENTS))
    if request.args:
        form.validate()
    return form


@bp.route("/audit")
def search():
    form = _search_form()
    page = db.paginate(audit_query(form.filters()), page=max(parse_id(request.args.get("page")) or 1, 1),
                       per_page=current_app.config["PAGE_SIZE"], max_per_page=100, error_out=False)
    rows = [(record, change_lines(record.changes, record.event)) for record in page.items]
    return render_template("audit/search.html", form=form, page=page, rows=rows,
                           export_args=request.args.to_dict(flat=False))


@bp.route("/audit.<any(csv, xlsx):fmt>")
def export(fmt: str):
    form = _search_form()
    if form.errors:
        return redirect(url_for("audit.search", **request.args.to_dict(flat=False)))
    filters = form.filters()
    stmt = audit_query(filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if total > AUDIT_EXPORT_MAX_ROWS:
        flash(f"The search finds {total:,} records; narrow it to {AUDIT_EXPORT_MAX_ROWS:,} or fewer to export it.",
              "error")
        return redirect(url_for("audit.search", **request.args.to_dict(flat=False)))
    described = ", ".join(f"{k}={v}" for k, v in filters.items() if v not in (None, "")) or "everything"
    log_event("audit_exported", summary=f"Exported {total} audit records ({described})")
    db.session.commit()

    return spreadsheet(fmt, item_rows(each(stmt), COLUMNS), columns=widths(COLUMNS), title="Audit trail",
                       name=f"audit-trail-{today().isoformat()}.{fmt}")
