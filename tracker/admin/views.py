"""Admin pages: users, agencies, settings and review clocks (the audit trail's pages, also under
/admin, are in tracker/audit/views.py). Administrators only; every other role gets 403 on every
page, whatever the method."""

from dataclasses import asdict

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user
from sqlalchemy import func, select

from tracker import permissions
from tracker.admin import forms
from tracker.auth import reauth
from tracker.core.clock import today
from tracker.core.errors import DomainError  # the clock form places a refusal on its row
from tracker.extensions import db
from tracker.reminders.mail import mail_status
from tracker.reviews import clocks as review_clocks
from tracker.reviews.models import KEY_DATES, ReviewStatus, ReviewType
from tracker.settings import load_settings, save_settings
from tracker.themes.models import Theme
from tracker.users import services as users
from tracker.users.models import ROLE_LABELS, Agency, AgencyKind, Role, User
from tracker.web.downloads import BATCH, Column, each, export_items
from tracker.web.views import parse_id, require, run_service, signed_in_user

bp = Blueprint("admin", __name__, url_prefix="/admin")

@bp.before_request
def admins_only():
    """Every admin page, GET or POST: administrators only (sign-in is required before, on every page)."""
    require(permissions.can_admin(signed_in_user()))
    return None


def _paginate(stmt, page_arg: str = "page"):
    page = parse_id(request.args.get(page_arg)) or 1
    return db.paginate(stmt, page=max(page, 1), per_page=current_app.config["PAGE_SIZE"], max_per_page=100,
                       error_out=False)


AGENCY_SORTS = {"name": func.lower(Agency.name), "short_name": func.lower(Agency.short_name), "kind": Agency.kind}


def _sort_args(allowed, default: str) -> tuple[str, str]:
    sort = request.args.get("sort", default)
    direction = request.args.get("dir", "asc")
    return (sort if sort in allowed else default), (direction if direction in ("asc", "desc") else "asc")


def _all_agencies() -> list[Agency]:
    """Every agency, for pick lists: a partnership has tens of them, not thousands."""
    return list(db.session.scalars(select(Agency).order_by(Agency.name)))


# --- overview ---

@bp.route("/")
def index():
    counts = users.user_counts_by_role()
    summary = {
        "roles": [(ROLE_LABELS[Role(role)], role, n) for role, n in counts.items()],
        "users": sum(counts.values()),
        "agencies": db.session.scalar(select(func.count()).select_from(Agency)),
        "themes": db.session.scalar(select(func.count()).select_from(Theme)),
    }
    return render_template("admin/index.html", summary=summary, settings=load_settings(),
                           mail=mail_status(current_app.config))


# --- users ---

def _users_filtered():
    """The accounts list's filters and sort from the query string: the statement, filters and sort."""
    sort, direction = _sort_args(users.USER_SORTS, "name")
    role = request.args.get("role", "")
    agency_id = parse_id(request.args.get("agency"))
    search = request.args.get("q", "")[:200]
    stmt = users.users_query(role=role, agency_id=agency_id, search=search, sort=sort, direction=direction)
    return stmt, role, agency_id, search, sort, direction


USER_COLUMNS: list[Column] = [
    ("Name", 30, lambda u: u.name),
    ("Email", 36, lambda u: u.email),
    ("Role", 20, lambda u: u.role_label),
    ("Agency", 30, lambda u: u.agency.name if u.agency else ""),
    ("Status", 10, lambda u: "Active" if u.active else "Disabled"),
    ("Last signed in", 18, lambda u: u.last_sign_in_at),
]


@bp.route("/users", endpoint="users")
def users_list():
    stmt, role, agency_id, search, sort, direction = _users_filtered()
    page = _paginate(stmt)
    return render_template("admin/users.html", page=page, sort=sort, direction=direction,
                           filters={"role": role, "agency": agency_id, "q": search},
                           roles=list(ROLE_LABELS.items()), agencies=_all_agencies())


@bp.route("/users/export.<any(csv, xlsx):fmt>")
def users_export(fmt: str):
    """Every account the filters match (not one page), sorted as on the list."""
    return export_items(fmt, each(_users_filtered()[0]), USER_COLUMNS, what="Accounts",
                        name=f"accounts-{today().isoformat()}.{fmt}")


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = forms.NewUserForm()
    form.set_agencies(_all_agencies())
    if form.validate_on_submit():
        agency = db.session.get(Agency, int(form.agency_id.data)) if form.agency_id.data else None
        user = run_service(form, lambda: users.create_user(email=form.email.data, name=form.name.data,
                                                           role=form.role.data, agency=agency,
                                                           password=form.password.data))
        if user:
            flash(f"Account created for {user.name}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = forms.EditUserForm(data={
        "name": user.name, "email": user.email, "role": user.role,
        "agency_id": str(user.agency_id) if user.agency_id else "", "active": user.active,
    })
    form.set_agencies(_all_agencies())
    if form.validate_on_submit():
        if form.email.data.strip().lower() != user.email.lower() and not reauth.recently_confirmed():
            # An email address is where a password reset and every account notice go.
            return reauth.confirm_first(url_for("admin.edit_user", user_id=user.id))
        agency = db.session.get(Agency, int(form.agency_id.data)) if form.agency_id.data else None
        if run_service(form, lambda: users.update_user(user, email=form.email.data, name=form.name.data,
                                                       role=form.role.data, agency=agency, active=form.active.data,
                                                       by=signed_in_user())):
            flash(f"Changes to {user.name}'s account saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, is_self=user.id == signed_in_user().id)


@bp.route("/users/<id:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        if run_service(form, lambda: users.reset_password(user, form.password.data)):
            if user.id == signed_in_user().id:
                login_user(user)  # the new session version: keep the admin signed in here only
            flash(f"New password set for {user.name}. Every session they had open has ended.", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/reset_password.html", form=form, user=user)


# --- agencies ---

def _agencies_filtered():
    """The owners list's search and sort from the query string: the statement, search and sort."""
    search = request.args.get("q", "")[:200]
    sort, direction = _sort_args(AGENCY_SORTS, "name")
    key = AGENCY_SORTS[sort]
    stmt = select(Agency).order_by(key.desc() if direction == "desc" else key.asc(), Agency.id)
    if search.strip():
        pattern = users.like_pattern(search.strip())
        stmt = stmt.where(func.lower(Agency.name).like(pattern, escape="\\")
                          | func.lower(Agency.short_name).like(pattern, escape="\\"))
    return stmt, search, sort, direction


AGENCY_COLUMNS: list[Column] = [
    ("Name", 40, lambda a: a[0].name),
    ("Short name", 16, lambda a: a[0].short_name),
    ("Kind", 24, lambda a: a[0].kind_label),
    ("Accounts", 10, lambda a: a[1]),
    ("Open actions", 12, lambda a: a[2]),
    ("Status", 10, lambda a: "Active" if a[0].active else "Inactive"),
]


@bp.route("/agencies/export.<any(csv, xlsx):fmt>")
def agencies_export(fmt: str):
    """Every owner the search matches, sorted as on the list, with the list's counts."""
    owners = db.session.scalars(_agencies_filtered()[0]).all()

    def rows():
        for start in range(0, len(owners), BATCH):
            batch = owners[start:start + BATCH]
            ids = [a.id for a in batch]
            accounts, actions = users.user_counts_by_agency(ids), users.open_action_counts_by_agency(ids)
            yield from ((a, accounts.get(a.id, 0), actions.get(a.id, 0)) for a in batch)

    return export_items(fmt, rows(), AGENCY_COLUMNS, what="Owners", name=f"owners-{today().isoformat()}.{fmt}")


@bp.route("/agencies")
def agencies():
    stmt, search, sort, direction = _agencies_filtered()
    page = _paginate(stmt)
    ids = [a.id for a in page.items]
    return render_template("admin/agencies.html", page=page, search=search, sort=sort, direction=direction,
                           user_counts=users.user_counts_by_agency(ids),
                           action_counts=users.open_action_counts_by_agency(ids))


@bp.route("/agencies/new", methods=["GET", "POST"])
def new_agency():
    form = forms.AgencyForm(data={"kind": AgencyKind.AGENCY, "active": True})
    return _save_agency(form, None)


@bp.route("/agencies/<id:agency_id>", methods=["GET", "POST"])
def edit_agency(agency_id: int):
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = forms.AgencyForm(data={"name": agency.name, "short_name": agency.short_name, "kind": agency.kind,
                                  "aliases": "\n".join(agency.aliases or []), "active": agency.active})
    return _save_agency(form, agency)


def _save_agency(form: forms.AgencyForm, agency: Agency | None):
    if form.validate_on_submit():
        saved = run_service(form, lambda: users.save_agency(
            agency, name=form.name.data, short_name=form.short_name.data, kind=form.kind.data,
            aliases=form.alias_list(), active=form.active.data))
        if saved:
            flash(f"{saved.name} saved.", "success")
            return redirect(url_for("admin.agencies"))
    return render_template("admin/agency_form.html", form=form, agency=agency)


# --- settings ---

@bp.route("/settings", methods=["GET", "POST"])
def settings():
    current = load_settings()
    defaults = {"at_risk_days": current.at_risk_days, "stale_update_days": current.stale_update_days,
                "evidence_max_mb": current.evidence_max_mb, "summary_weekday": current.summary_weekday,
                "response_days": current.response_days, "impact_review_months": current.impact_review_months}
    for key in forms.RATING_KEYS:
        defaults[f"label_{key}"] = current.labels[key]
        defaults[f"definition_{key}"] = current.definitions[key]
    form = forms.SettingsForm(data=defaults)
    if form.validate_on_submit():
        save_settings(
            at_risk_days=form.at_risk_days.data,
            stale_update_days=form.stale_update_days.data,
            evidence_max_mb=form.evidence_max_mb.data,
            summary_weekday=form.summary_weekday.data,
            response_days=form.response_days.data,
            impact_review_months=form.impact_review_months.data,
            labels={key: form[f"label_{key}"].data.strip() for key in forms.RATING_KEYS},
            definitions={key: " ".join(form[f"definition_{key}"].data.split()) for key in forms.RATING_KEYS},
        )
        db.session.commit()
        flash("Settings saved. Ratings use them from now on.", "success")
        return redirect(url_for("admin.settings"))
    server_limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    return render_template("admin/settings.html", form=form, rating_keys=forms.RATING_KEYS,
                           server_limit_mb=server_limit_mb, mail=mail_status(current_app.config))


# --- review clocks ---

KEY_DATE_CHOICES = [("", "Select a key date"), *((name, label) for name, label in KEY_DATES)]
FALLBACK_CHOICES = [("", "No second start date"), *((name, label) for name, label in KEY_DATES)]
UNIT_CHOICES = list(review_clocks.UNITS.items())
STAGE_CHOICES = [(s.value, s.label) for s in ReviewStatus]
BLANK_ROWS = 2


@bp.route("/clocks")
def clocks():
    current = load_settings()
    rules = review_clocks.clocks_from_settings(current)
    types = [(t, [(rule, review_clocks.describe_rule(rule)) for rule in rules[t.value]],
              review_clocks.is_changed(current, t.value)) for t in ReviewType]
    return render_template("admin/clocks.html", types=types)


def _review_type_or_404(review_type: str) -> ReviewType:
    if review_type not in {t.value for t in ReviewType}:
        abort(404)
    return ReviewType(review_type)


def _clock_row(entry) -> review_clocks.ClockRow:
    return review_clocks.ClockRow(**{name: entry[name].data or "" for name in (
        "name", "done", "start", "amount", "unit", "fallback_start", "fallback_amount", "fallback_unit",
        "passed_by")})


def _show_clock_error(form: forms.ClockForm, error: DomainError) -> None:
    """A refusal names its row and field as rows-N-field: put it on that field."""
    parts = (error.field or "").split("-")
    if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(form.rows) and parts[2] in form.rows[0].form:
        entry = form.rows[int(parts[1])]
        entry.form[parts[2]].errors = [*entry.form[parts[2]].errors, error.message]
        # WTForms keeps the errors it found when validating: let the form and the list see this one.
        entry.form._errors = None
        form.rows.errors = [row.errors for row in form.rows]
        form._errors = None
    else:
        form.form_errors.append(error.message)


@bp.route("/clocks/<review_type>", methods=["GET", "POST"])
def edit_clock(review_type: str):
    kind = _review_type_or_404(review_type)
    current = load_settings()
    form = forms.ClockForm()
    if request.method == "GET":
        rows = review_clocks.rows_for(review_clocks.clocks_from_settings(current)[kind.value])
        rows += [review_clocks.ClockRow()] * BLANK_ROWS
        while len(form.rows):
            form.rows.pop_entry()
        for row in rows:
            form.rows.append_entry(asdict(row))
    if len(form.rows) > review_clocks.MAX_MILESTONES + BLANK_ROWS:
        abort(400)
    for entry in form.rows:
        entry.start.choices = entry.done.choices = KEY_DATE_CHOICES
        entry.fallback_start.choices = FALLBACK_CHOICES
        entry.unit.choices = entry.fallback_unit.choices = UNIT_CHOICES
        entry.passed_by.choices = STAGE_CHOICES
    if form.validate_on_submit():
        if run_service(form, lambda: review_clocks.save_clock(current, kind.value,
                                                              [_clock_row(entry) for entry in form.rows]),
                       show=_show_clock_error):
            flash(f"Clocks for {kind.label} saved. Review pages and reports use them from now on.", "success")
            return redirect(url_for("admin.clocks"))
    return render_template("admin/clock_form.html", form=form, kind=kind, reset_form=forms.ResetClockForm(prefix="reset"),
                           changed=review_clocks.is_changed(current, kind.value)), 422 if form.errors else 200


@bp.route("/clocks/<review_type>/reset", methods=["POST"])
def reset_clock(review_type: str):
    kind = _review_type_or_404(review_type)
    if forms.ResetClockForm(prefix="reset").validate_on_submit():
        review_clocks.reset_clock(load_settings(), kind.value)
        db.session.commit()
        flash(f"Clocks for {kind.label} are back to the statutory defaults.", "success")
    return redirect(url_for("admin.clocks"))
