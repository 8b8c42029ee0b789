"""No lost updates. Actions, recommendations and reviews carry a `version` that SQLAlchemy checks and
bumps on every UPDATE (version_id_col). Their edit forms carry the version they were opened at in a
hidden field; a form saved against an older version gets the conflict page instead of overwriting:
what is saved now next to what the user typed, and the form again with everything they typed, now
against the current version, so they can choose what to keep and save again.

Two checks, for the two ways it can happen: the form's version is older than the row's (someone saved
while this user was typing), or the row changed between this request's read and its write (two saves
at the same moment: SQLAlchemy raises StaleDataError, on PostgreSQL; SQLite's BEGIN IMMEDIATE makes
the first check enough there)."""

from datetime import date

from flask import abort, make_response, render_template
from sqlalchemy import select

from tracker.audit.models import AuditRecord
from tracker.core.wording import govuk_date
from tracker.extensions import db
from tracker.web.views import run_service


def submitted_version(form) -> int | None:
    raw = (form.version.data or "").strip() if isinstance(form.version.data, str) else form.version.data
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def is_stale(form, obj) -> bool:
    """True when the form was opened at an older version than the one saved now. A form without a
    version (not one of ours) is refused as stale too, unless it is empty (the first GET)."""
    version = submitted_version(form)
    return version is None or version != obj.version


def stamp(form, obj) -> None:
    """Put the object's current version in the form's hidden field."""
    form.version.data = str(obj.version)


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, date):
        return govuk_date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(sorted(_text(v) for v in value))
    if hasattr(value, "__table__"):
        return str(getattr(value, "name", None) or getattr(value, "title", None) or getattr(value, "id", ""))
    return str(value)


def _choice_label(field, value) -> str:
    for choice in getattr(field, "choices", None) or []:
        key, label = (choice.value, choice.label) if hasattr(choice, "value") else (choice[0], choice[1])
        if str(key) == str(value):
            return str(label)
    return _text(value)


def _typed(field) -> str:
    if getattr(field, "choices", None) is not None:
        data = field.data
        if isinstance(data, (list, tuple, set)):
            return ", ".join(sorted(_choice_label(field, v) for v in data))
        return _choice_label(field, data) if data not in (None, "") else ""
    return _text(field.data)


def _saved(field, obj) -> str | None:
    if not hasattr(obj, field.name):
        return None
    value = getattr(obj, field.name)
    if getattr(field, "choices", None) is not None:
        if isinstance(value, (list, tuple, set)):
            return ", ".join(sorted(_choice_label(field, getattr(v, "id", v)) for v in value))
        return _choice_label(field, value) if value not in (None, "") else ""
    return _text(value)


def comparison(form, obj) -> list[dict]:
    """Each field whose saved value differs from what the user typed."""
    rows = []
    for field in form:
        if field.type in ("CSRFTokenField", "HiddenField", "SubmitField"):
            continue
        saved = _saved(field, obj)
        if saved is None:
            continue
        typed = _typed(field)
        if saved.strip() != typed.strip():
            rows.append({"label": field.label.text, "saved": saved, "typed": typed})
    return rows


def last_change(obj):
    """Who saved the version the user is now looking at, from the audit trail."""
    return db.session.scalar(
        select(AuditRecord).where(AuditRecord.object_type == type(obj).__name__, AuditRecord.object_id == obj.id,
                                  AuditRecord.event == "update")
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()).limit(1))


def conflict_page(form, obj, *, kind: str, title: str, back_href: str):
    """The conflict page (409): both versions side by side, and the form again with what was typed."""
    rows = comparison(form, obj)
    stamp(form, obj)
    return render_template("conflict.html", form=form, obj=obj, kind=kind, title=title, rows=rows,
                           change=last_change(obj), back_href=back_href), 409


def save_edit(form, obj, call, *, reload, kind: str, title: str, back_href: str):
    """Save an edit form against the version it was opened at, through `run_service`: the conflict
    page instead of the save when the form's version is older than the row's, or when the row
    changed between this request's read and its write (then `reload()` gives the row as saved now).
    Returns what run_service returns."""
    if is_stale(form, obj):
        abort(make_response(conflict_page(form, obj, kind=kind, title=title, back_href=back_href)))
    return run_service(form, call, conflict=lambda: conflict_page(form, reload(), kind=kind, title=title,
                                                                  back_href=back_href))
