"""Security headers on every response, with a per-request nonce for the one inline script; the
session settings the timeout warning needs."""

import secrets

from flask import Flask, current_app, g, request

from tracker.auth import sessions


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


ID_ARGS = {"agency", "review", "theme", "user", "actor", "lead", "owner", "recommendation", "action", "evidence"}


def _is_id_arg(name: str) -> bool:
    return name in ID_ARGS or name.endswith("id")


def session_timeout() -> dict:
    """What templates/macros/session_timeout.html tells the page's script."""
    idle = int(current_app.config["IDLE_TIMEOUT_MINUTES"]) * 60
    return {"idle": idle, "warning": min(int(current_app.config["IDLE_WARNING_SECONDS"]), idle // 2)}


def register(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["session_timeout"] = session_timeout
    sessions.register(app)

    @app.before_request
    def refuse_nul_characters():
        """No one types a NUL character, and PostgreSQL cannot store one in text: refuse the request
        plainly (400) rather than fail later (500)."""
        from flask import abort

        for values in (request.args, request.form):
            if any("\x00" in value for value in values.values()):
                abort(400)
        # A page number past any list, or an id no row can have (over PostgreSQL's 32-bit integers):
        # nothing is there, so "not found" rather than a database error.
        for name, value in request.args.items():
            value = value.strip()
            if not value.lstrip("+-").isdigit():
                continue
            if (name == "page" and len(value) > 7) or (_is_id_arg(name) and len(value) > 9):
                abort(404)

    @app.after_request
    def set_headers(response):
        nonce = csp_nonce()
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint and request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
