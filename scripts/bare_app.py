"""The bare ceiling for the benchmark: the least a page of this kind can cost on this machine.

A minimal Flask + Jinja + SQLite app (no ORM, no sign-in, no extensions) with one page, `/`, that
reads 50 rows of a two-table join and renders them as a GOV.UK table in a small layout. scripts/bench.py
serves it with gunicorn exactly as it serves the app (same workers, same clients, same run), and
states every page's budget as a multiple of this page's CPU time per request, so the budgets hold on a
slower or faster machine alike.

    BARE_DATABASE=/tmp/bare.sqlite gunicorn --chdir scripts bare_app:app

`build(path)` writes the database first (bench.py calls it before starting gunicorn): 200 agencies and
5,000 actions. Not part of the application: nothing in tracker/ imports it.
"""

import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from flask import Flask, g, render_template
from jinja2 import DictLoader

ROWS = 50

#: The page's heading and table, the part scripts/stack_floor_app.py serves too.
TABLE = """      <h1 class="govuk-heading-l">Actions</h1>
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--m">{{ rows | length }} actions</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Action</th>
            <th scope="col" class="govuk-table__header">Agency</th>
            <th scope="col" class="govuk-table__header">Status</th>
            <th scope="col" class="govuk-table__header">Due</th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {%- for row in rows %}
          <tr class="govuk-table__row">
            <td class="govuk-table__cell"><a class="govuk-link" href="/actions/{{ row.id }}">{{ row.title }}</a></td>
            <td class="govuk-table__cell">{{ row.agency }}</td>
            <td class="govuk-table__cell"><strong class="govuk-tag">{{ row.status | replace("_", " ") | capitalize }}</strong></td>
            <td class="govuk-table__cell"><time datetime="{{ row.due }}">{{ row.due }}</time></td>
          </tr>
          {%- endfor %}
        </tbody>
      </table>
"""

PAGE = """<!DOCTYPE html>
<html lang="en-GB" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>Actions – Bare page</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/static/govuk-frontend.min.css">
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link">Skip to main content</a>
  <header class="govuk-template__header"><div class="govuk-width-container">Bare page</div></header>
  <div class="govuk-width-container">
    <main class="govuk-main-wrapper" id="main-content">
""" + TABLE + """    </main>
  </div>
  <footer class="govuk-footer"><div class="govuk-width-container">Bare page</div></footer>
</body>
</html>
"""

QUERY = ("SELECT actions.id, actions.title, actions.status, actions.due, agencies.name AS agency "
         "FROM actions JOIN agencies ON agencies.id = actions.agency_id "
         "WHERE actions.status != 'closed' ORDER BY actions.due, actions.id LIMIT ?")


def build(path: Path) -> None:
    """A fresh database of 200 agencies and 5,000 actions at `path`."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as con:
        con.executescript(
            "CREATE TABLE agencies (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE actions (id INTEGER PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL, "
            "due TEXT NOT NULL, agency_id INTEGER NOT NULL REFERENCES agencies (id));"
            "CREATE INDEX actions_due ON actions (due, id);")
        con.executemany("INSERT INTO agencies (id, name) VALUES (?, ?)",
                        [(n, f"Agency number {n}") for n in range(1, 201)])
        start = date(2020, 1, 1)
        con.executemany(
            "INSERT INTO actions (id, title, status, due, agency_id) VALUES (?, ?, ?, ?, ?)",
            [(n, f"Action {n}: review the multi-agency referral pathway & <training>",
              ("in_progress", "not_started", "closed")[n % 3], (start + timedelta(days=n % 2000)).isoformat(),
              n % 200 + 1) for n in range(1, 5001)])


app = Flask(__name__)
app.jinja_env.loader = DictLoader({"page.html": PAGE})  # compiled once and kept, as the app's templates are


def connection() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(os.environ["BARE_DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close(_exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


@app.get("/")
def index() -> str:
    rows = connection().execute(QUERY, (ROWS,)).fetchall()
    return render_template("page.html", rows=rows)
