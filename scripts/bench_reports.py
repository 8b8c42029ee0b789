"""Benchmark the board report: queries and time to gather the data, time to render the HTML, and time
and peak memory to lay out the PDF (in its own limited process, as in production). Medians of runs.

    .venv/bin/python scripts/bench_reports.py                 # the demo data and 600 generated actions
    .venv/bin/python scripts/bench_reports.py --actions 600 1200 --runs 5 --no-demo

Each data set is built in a throwaway SQLite database under a temporary instance folder. The
generator makes reviews, recommendations and actions with a realistic history (status moves, due date
moves, progress updates every few weeks, evidence), spread over two years before the as-at date, with
about the mix of ratings of the demo data (a sixth to a fifth Red, most Green or Blue).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, time as dtime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AS_AT = date(2026, 11, 25)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, dtime(hour, 0), tzinfo=UTC)


def generate(n_actions: int, as_at: date, seed: int = 7) -> str:
    """Reviews with 5 recommendations of 3 actions each, until there are n_actions actions."""
    from tracker.actions.models import Action, DueDateChange, ProgressUpdate, StatusChange
    from tracker.evidence.models import Evidence
    from tracker.extensions import db
    from tracker.recommendations.models import Recommendation, RecommendationResponse, number_sort_key
    from tracker.reviews.models import Review
    from tracker.themes.models import Theme
    from tracker.users.models import Agency, User

    rng = random.Random(seed)
    agencies = [Agency(name=f"Agency number {i} of the partnership", short_name=f"AG{i}", kind="agency", aliases=[])
                for i in range(1, 13)]
    db.session.add_all(agencies)
    themes = [Theme(name=f"Theme {i}", description="") for i in range(1, 21)]
    db.session.add_all(themes)
    staff = User(email="bench@example.org", name="Bench Officer", role="business_unit", password_hash="x")
    db.session.add(staff)
    db.session.flush()
    leads = []
    for agency in agencies:
        lead = User(email=f"lead.{agency.short_name.lower()}@example.org", name=f"Lead of {agency.short_name}",
                    role="agency_lead", agency=agency, password_hash="x")
        leads.append(lead)
    db.session.add_all(leads)
    db.session.flush()
    narrative = ("The revised procedure has been drafted and is with the safeguarding lead for sign-off; "
                 "briefings for practitioners are booked and the case-file audit is scheduled for the spring.")
    made = 0
    review_no = 0
    while made < n_actions:
        review_no += 1
        review = Review(reference=f"BENCH-{review_no:03d}", title=f"Child {review_no}", review_type="cspr",
                        status="published", summary="Generated for the benchmark.",
                        incident_date=as_at - timedelta(days=700), notification_date=as_at - timedelta(days=695),
                        rapid_review_date=as_at - timedelta(days=675), decision_date=as_at - timedelta(days=670),
                        published_date=as_at - timedelta(days=500), board_signoff_date=as_at - timedelta(days=510))
        review.themes = rng.sample(themes, 3)
        db.session.add(review)
        for r in range(1, 6):
            if made >= n_actions:
                break
            rec = Recommendation(review=review, number=str(r), sort_key=number_sort_key(str(r)),
                                 text=f"The partnership should make sure that learning point {r} changes practice "
                                      "across every agency, and report the impact to the board.",
                                 kind="partnership", addressees=rng.sample(agencies, 2), themes=rng.sample(themes, 2))
            if r != 5:
                rec.responses = [RecommendationResponse(agency=agency, response="accepted",
                                                        response_date=as_at - timedelta(days=480))
                                 for agency in rec.addressees]
            db.session.add(rec)
            for _ in range(3):
                if made >= n_actions:
                    break
                made += 1
                idx = rng.randrange(len(agencies))
                opened = as_at - timedelta(days=rng.randint(30, 500))
                original_due = opened + timedelta(days=rng.randint(200, 800))
                action = Action(recommendation=rec, review=review, description="Rewrite the procedure and brief "
                                "practitioners so that the change shows in case files.", owner_agency=agencies[idx],
                                lead=leads[idx], success_measure="A case-file audit shows the change in 80% of cases.",
                                original_due_date=original_due, due_date=original_due, status="open",
                                opened_date=opened, created_by_id=staff.id, created_at=_at(opened, 9))
                db.session.add(action)
                moves = [StatusChange(action=action, from_status=None, to_status="draft", changed_at=_at(opened, 8)),
                         StatusChange(action=action, from_status="draft", to_status="open", changed_at=_at(opened, 9))]
                status = "open"
                day = opened + timedelta(days=rng.randint(10, 40))
                last = None
                while day <= as_at:
                    rating = rng.choice(["green"] * 8 + ["amber", "red"])
                    db.session.add(ProgressUpdate(action=action, author_id=leads[idx].id, update_date=day,
                                                  narrative=narrative, proposed_rating=rating, created_at=_at(day, 14)))
                    if status == "open":
                        moves.append(StatusChange(action=action, from_status="open", to_status="in_progress",
                                                  changed_at=_at(day, 14)))
                        status = "in_progress"
                    last = (day, rating)
                    day += timedelta(days=rng.randint(25, 70))
                if last:
                    action.last_update_date, action.last_proposed_rating = last
                if rng.random() < 0.25:
                    moved_on = opened + timedelta(days=30)
                    if moved_on <= as_at:
                        new_due = original_due + timedelta(days=rng.randint(30, 120))
                        db.session.add(DueDateChange(action=action, old_date=original_due, new_date=new_due,
                                                     reason="Delayed by the move to the new case recording system.",
                                                     changed_at=_at(moved_on)))
                        action.due_date = new_due
                fate = rng.random()
                if status == "in_progress" and fate < 0.35:
                    submitted = min(as_at, action.due_date) - timedelta(days=rng.randint(5, 40))
                    if submitted > opened:
                        db.session.add(Evidence(action=action, kind="impact", title="Re-audit shows the change in "
                                                "85% of sampled cases", link_url="https://example.org/e",
                                                effective_date=submitted - timedelta(days=3),
                                                created_at=_at(submitted - timedelta(days=3))))
                        moves.append(StatusChange(action=action, from_status="in_progress", to_status="submitted",
                                                  changed_at=_at(submitted, 11)))
                        action.status, action.submitted_at = "submitted", _at(submitted, 11)
                        if fate < 0.25 and submitted + timedelta(days=14) <= as_at:
                            assured = submitted + timedelta(days=14)
                            moves.append(StatusChange(action=action, from_status="submitted", to_status="assured",
                                                      changed_at=_at(assured, 16)))
                            action.status, action.assured_at, action.assured_date = "assured", _at(assured, 16), assured
                if action.status == "open" and status == "in_progress":
                    action.status = "in_progress"
                db.session.add_all(moves)
        db.session.flush()
    db.session.commit()
    return f"{review_no} reviews, {made} actions"


def measure(app, runs: int) -> dict:
    from sqlalchemy import event

    from tracker.extensions import db
    from tracker.reports.data import build_report_data, resolve_scope
    from tracker.reports.render import html_to_pdf, render_report_html
    from tracker.settings import load_settings

    queries = [0]

    def count(*args):
        queries[0] += 1

    out = {"queries": [], "gather": [], "html": [], "pdf": [], "cpu": [], "peak": [], "pages": []}
    for _ in range(runs):
        with app.test_request_context():
            settings = load_settings()
            event.listen(db.engine, "before_cursor_execute", count)
            queries[0] = 0
            start = time.perf_counter()
            data = build_report_data(resolve_scope(AS_AT), settings, partnership="Bench Partnership",
                                     generated_by="Bench", generated_at=datetime.now(UTC))
            out["gather"].append(time.perf_counter() - start)
            event.remove(db.engine, "before_cursor_execute", count)
            out["queries"].append(queries[0])
            start = time.perf_counter()
            html = render_report_html(data)
            out["html"].append(time.perf_counter() - start)
            rendered = html_to_pdf(html, timeout=600, memory_mb=4096)
            out["pdf"].append(rendered.seconds)
            out["cpu"].append(rendered.cpu_seconds)
            out["peak"].append(rendered.peak_mb)
            out["pages"].append(rendered.pages)
            out["actions"] = len(data.actions)
            db.session.remove()
    return out


def run_set(label: str, build, runs: int) -> None:
    import flask_migrate

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as folder:
        os.environ["INSTANCE_PATH"] = folder
        from tracker import create_app
        from tracker.extensions import db

        app = create_app()
        app.config["FIXED_TODAY"] = AS_AT
        with app.app_context():
            flask_migrate.upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            summary = build()
            db.session.commit()
            db.session.remove()
        result = measure(app, runs)
        with app.app_context():
            db.engine.dispose()
    med = statistics.median
    print(f"{label}: {summary}; {result['actions']} actions in the report, {med(result['pages']):.0f} pages")
    print(f"  data gathering: {sorted(set(result['queries']))} queries, median {med(result['gather']) * 1000:.0f} ms")
    print(f"  HTML: median {med(result['html']) * 1000:.0f} ms")
    print(f"  PDF layout (separate process): median {med(result['pdf']):.2f} s wall, "
          f"{med(result['cpu']):.2f} s CPU, "
          f"peak memory median {med(result['peak']):.0f} MB (runs: "
          + ", ".join(f"{s:.2f} s/{m:.0f} MB" for s, m in zip(result["pdf"], result["peak"])) + ")")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--actions", type=int, nargs="*", default=[600])
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not args.no_demo:
        from tracker.demo.builder import build_demo

        run_set("Demo data", lambda: build_demo(AS_AT), args.runs)
    for n in args.actions:
        run_set(f"Generated {n}", lambda n=n: generate(n, AS_AT), args.runs)


if __name__ == "__main__":
    main()
