"""What every template sees: the permission predicates, the navigation and the partnership."""

from flask import Flask, current_app, request

from tracker import permissions
from tracker.actions.models import ALL_RATINGS, RATED
from tracker.core.clock import today
from tracker.settings import load_settings
from tracker.users.current import signed_in_user


def nav_items() -> list[dict]:
    user = signed_in_user()
    if user is None:
        return []
    items = [("Home", "main.home"), ("Reviews", "reviews.index"), ("Actions", "actions.index"),
             ("Themes", "themes.index")]
    items.append(("Challenges", "challenges.index"))
    if permissions.can_view_library(user):
        items.append(("Library", "library.index"))
    if permissions.can_view_reports(user):
        items.append(("Reports", "reports.index"))
    if permissions.can_view_rounds(user):
        items.append(("Rounds", "rounds.index"))  # short labels: the business unit's eleven fit one line
    if permissions.can_view_assurance_queue(user):
        items.append(("Assurance", "actions.queue"))
    if permissions.can_import(user):
        items.append(("Import", "imports.new"))
    if permissions.can_admin(user):
        items.append(("Admin", "admin.index"))  # the audit trail is one of its sections
    elif permissions.can_view_audit(user):
        items.append(("Audit trail", "audit.search"))
    endpoint = request.endpoint or ""
    blueprint = endpoint.split(".")[0]
    link = current_app.jinja_env.globals["url_for"]  # the templates' url_for, which remembers its URLs
    out = []
    for text, target in items:
        active = endpoint == target if target in ("main.home", "actions.queue") else (
            blueprint == target.split(".")[0] and endpoint != "actions.queue")
        out.append({"text": text, "href": link(target), "active": active})
    return out


def register(app: Flask) -> None:
    @app.context_processor
    def inject():
        values = dict(permissions.TEMPLATE_PREDICATES)
        values["partnership_name"] = current_app.config["PARTNERSHIP_NAME"]
        values["nav_items"] = nav_items()
        return values

    app.jinja_env.globals["today"] = today
    # The rating order, worst first, for every count and list of ratings a template shows.
    app.jinja_env.globals["RATED"] = RATED
    app.jinja_env.globals["ALL_RATINGS"] = ALL_RATINGS
    app.jinja_env.globals["load_settings"] = load_settings
