"""The decided stack's floor for a signed-in list page: the bare page (scripts/bare_app.py) plus only what
the brief's stack adds to every signed-in page, written the plain way, with nothing of the tracker.

    BARE_DATABASE=/tmp/bare.sqlite gunicorn --chdir scripts stack_floor_app:app

It is the bare page's 50 joined rows and table, served through:

- Flask-Login: the session cookie (Flask's signed cookie) names the user, whom `user_loader` reads
  through the ORM on every request;
- Flask-WTF's CSRFProtect, with the sign-out form's token in the layout, as every signed-in page has;
- Flask-SQLAlchemy 2.0 typed models: the 50 rows are ORM objects with their agency joined;
- govuk-frontend-jinja's page template (`govuk_frontend_jinja/template.html`), with a header naming the
  user and a footer, around the bare page's own heading and table (`bare_app.TABLE`).

scripts/bench.py measures it in every run beside the bare page, as a reference with no budget of its
own: its "x bare" is how much of any page's ratio the decided stack costs before the tracker does
anything (no navigation, no filters, no counts, no pagination, no audit, no permissions, no security
headers, no session timeouts). `build(path)` adds its one user to the bare page's database.
"""

import os
import sqlite3
import sys
from datetime import date
from pathlib import Path

from flask import Flask, redirect, render_template, request
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, DictLoader, PackageLoader, PrefixLoader
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, joinedload, mapped_column, relationship

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bare_app beside it, however this file is loaded
from bare_app import ROWS, TABLE  # noqa: E402  (the bare page's rows and table, not a copy)

EMAIL = "floor@example.org"  # the one user; any password signs in (sign-in is not what is measured)

LAYOUT = """{% extends "govuk_frontend_jinja/template.html" %}
{% set htmlLang = "en-GB" %}
{% block pageTitle %}Actions – Stack floor{% endblock %}
{% block head %}<link rel="stylesheet" href="/static/govuk-frontend.min.css">{% endblock %}
{% block header %}
<header class="govuk-header"><div class="govuk-header__container govuk-width-container">
  <a href="/" class="govuk-header__link govuk-header__service-name">Stack floor</a>
  <form method="post" action="/sign-out"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
    {{ current_user.name }} <button class="govuk-button govuk-button--secondary">Sign out</button></form>
</div></header>
{% endblock %}
{% block content %}{% block page %}{% endblock %}{% endblock %}
{% block footer %}<footer class="govuk-footer"><div class="govuk-width-container">Stack floor</div></footer>{% endblock %}
"""

PAGE = '{% extends "layout.html" %}\n{% block page %}\n' + TABLE + "{% endblock %}\n"

SIGN_IN = """<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input name="email"><input name="password"><button>Sign in</button></form>"""


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Agency(db.Model):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Action(db.Model):
    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    status: Mapped[str]
    due: Mapped[date]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    owner: Mapped[Agency] = relationship()

    @property
    def agency(self) -> str:
        """The agency's name, as the bare page's rows have it (its table is shared)."""
        return self.owner.name


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str]
    name: Mapped[str]


def build(path: Path) -> None:
    """The one user, in the bare page's database at `path` (scripts/bare_app.py builds it first)."""
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL)")
        con.execute("INSERT OR REPLACE INTO users (id, email, name) VALUES (1, ?, 'Floor User')", (EMAIL,))


app = Flask(__name__)
app.config.update(SECRET_KEY="stack-floor-only", SQLALCHEMY_DATABASE_URI=f"sqlite:///{os.environ.get('BARE_DATABASE', '')}")
app.jinja_loader = ChoiceLoader([DictLoader({"layout.html": LAYOUT, "page.html": PAGE, "sign-in.html": SIGN_IN}),
                                 PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})])
db.init_app(app)
CSRFProtect(app)
login_manager = LoginManager(app)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@app.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "POST":
        user = db.session.scalar(select(User).where(User.email == request.form["email"]))
        if user is not None:
            login_user(user)
            return redirect("/")
    return render_template("sign-in.html")


@app.get("/")
@login_required
def index() -> str:
    rows = db.session.scalars(
        select(Action).options(joinedload(Action.owner)).where(Action.status != "closed")
        .order_by(Action.due, Action.id).limit(ROWS)).all()
    return render_template("page.html", rows=rows)
