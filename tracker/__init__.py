"""Follow Through: from safeguarding review recommendations to evidence of impact.

The register_* steps import the application's modules inside their bodies, on purpose: Python runs
this file before any `tracker.*` module, including the PDF worker (`python -m tracker.reports.pdf_worker`,
which must load WeasyPrint alone, in a limited process) and the models Alembic and the tests import.
Module-level imports here would load every blueprint, form and template helper into each of them."""

import os
import sys

from flask import Flask

from tracker import config as config_module


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = os.environ.get("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder="../templates",
    )
    from tracker.web.templating import Environment

    app.jinja_environment = Environment  # set before anything reads app.jinja_env (see its module)
    configure(app, test_config)
    register_extensions(app)
    register_request_ids(app)
    register_templates(app)
    register_routing(app)
    register_blueprints(app)
    register_security(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        app.config.from_object(config_module.Config)
        app.config.from_pyfile("config.py", silent=True)
        config_module.load_environment(app)
        if "check-config" not in sys.argv[1:]:  # the command that lists the problems must start to list them
            from tracker.ops import checks

            checks.refuse_unsafe(app.config)
    else:
        app.config.from_object(config_module.TestConfig)
        app.config.from_mapping(test_config)
        app.config.setdefault("UPLOAD_FOLDER", os.path.join(app.instance_path, "evidence"))
        app.config["MAX_CONTENT_LENGTH"] = app.config["EVIDENCE_MAX_BYTES"] + 64 * 1024


def register_extensions(app: Flask) -> None:
    from tracker import (
        models,  # noqa: F401  (the whole schema, for Alembic)
        storage,
    )
    from tracker.audit import services as audit
    from tracker.core.postgres import keep_prepared_statements
    from tracker.extensions import csrf, db, limiter, login_manager, migrate
    from tracker.search import index as search_index
    from tracker.users.models import SIGNED_IN_USER

    config_module.check(app)
    if hops := config_module.proxy_hops(app.config):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    audit.register(app)
    search_index.register_listener()
    storage.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _tune_sqlite(engine, busy_timeout_ms=int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 30000)))
            elif engine.dialect.name == "postgresql":
                keep_prepared_statements(engine)

    @login_manager.user_loader
    def load_user(user_id: str):
        ident, _, version = user_id.partition(":")
        if not ident.isdigit() or not version.isdigit():
            return None
        user = db.session.execute(SIGNED_IN_USER, {"id": int(ident)}).scalar_one_or_none()
        if user is None or user.session_version != int(version) or not user.active:
            return None
        return user


def _tune_sqlite(engine, *, busy_timeout_ms: int) -> None:
    """SQLite for several server processes: WAL (readers never wait for the writer), synchronous=FULL
    (a commit survives a power cut), a busy timeout, and BEGIN IMMEDIATE for every transaction of a
    state-changing request, so a request takes the write lock before it reads what it will change.
    (A deferred BEGIN that reads and then writes fails at once with "database is locked" when another
    process wrote in between: the busy timeout cannot help it.) Other transactions (GET pages, the
    command line, test bodies) keep pysqlite's own behaviour: reads outside a transaction, BEGIN
    before the first write. lower() folds every letter, not ASCII only."""
    from flask import has_request_context, request
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        # SQLite's own lower() folds ASCII only ("ŁÓDŹ" stays as it is); every case-insensitive match
        # in the code is func.lower(column) == value.lower(), so lower() must be Python's, as
        # PostgreSQL's is for every letter. No index is built on lower(), so none goes stale.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def register_request_ids(app: Flask) -> None:
    """First of the request hooks: every log line of a request carries its id."""
    from tracker.ops import logs

    logs.register(app)


def register_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

    from tracker.web import filters as template_filters, markup
    from tracker.web.context import register as register_context

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(os.path.join(os.path.dirname(app.root_path), "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    template_filters.register(app)
    markup.register(app)
    register_context(app)


def register_routing(app: Flask) -> None:
    from tracker.web import routing

    routing.register(app)


def register_blueprints(app: Flask) -> None:
    from tracker.actions.views import bp as actions_bp
    from tracker.admin.views import bp as admin_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.bulk.views import bp as bulk_bp
    from tracker.challenges.views import bp as challenges_bp
    from tracker.closure.views import bp as closure_bp
    from tracker.comments.views import bp as comments_bp
    from tracker.deputies.views import bp as deputies_bp
    from tracker.evidence.views import bp as evidence_bp
    from tracker.imports.views import bp as imports_bp
    from tracker.library.views import bp as library_bp
    from tracker.main.views import bp as main_bp
    from tracker.measures.views import bp as measures_bp
    from tracker.ops.health import bp as ops_bp
    from tracker.recommendations.views import bp as recommendations_bp
    from tracker.reports.pack_views import bp as packs_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.reviews.views import bp as reviews_bp
    from tracker.rounds.views import bp as rounds_bp
    from tracker.search.views import bp as search_bp
    from tracker.themes.views import bp as themes_bp
    from tracker.timeline.views import bp as timeline_bp
    from tracker.withdrawals.views import bp as withdrawals_bp

    app.register_blueprint(imports_bp)
    for bp in (auth_bp, main_bp, reviews_bp, recommendations_bp, actions_bp, evidence_bp, admin_bp, audit_bp,
               themes_bp, library_bp):
        app.register_blueprint(bp)
    for bp in (reports_bp, packs_bp, challenges_bp, rounds_bp, ops_bp, bulk_bp, deputies_bp, withdrawals_bp, timeline_bp,
               comments_bp, measures_bp, closure_bp, search_bp):
        app.register_blueprint(bp)


def register_security(app: Flask) -> None:
    from tracker.web.security import register

    register(app)


def register_error_handlers(app: Flask) -> None:
    from tracker.main.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from tracker.cli import register

    register(app)
