"""Background work through Huey, a maintained task queue: board reports, reading uploaded documents,
and the hourly reminders.

By default the queue is a SQLite file in the instance folder (`instance/huey.sqlite`), run by
`huey_consumer tracker.reports.consumer.huey` (which `make run` starts beside the web server). A
partnership that outgrows one machine sets TRACKER_REDIS_URL and runs consumers on any machine that
shares the database. Tests (config TESTING or REPORTS_QUEUE_IMMEDIATE) run tasks at once, in memory.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab

from tracker.core.clock import LONDON, today
from tracker.extensions import db
from tracker.imports.models import ImportDraft
from tracker.imports.services import read_into_draft
from tracker.reminders.mail import mail_status
from tracker.reminders.services import run_daily_reminders
from tracker.reports.models import BoardReport, PackRun, ReportStatus
from tracker.reports.packs import generate_packs
from tracker.reports.schedule import run_schedule
from tracker.reports.services import generate_report


def _instance_path() -> Path:
    """The same folder Flask uses: INSTANCE_PATH, or instance/ beside the package."""
    if path := os.environ.get("INSTANCE_PATH"):
        return Path(path).resolve()
    return Path(__file__).resolve().parents[2] / "instance"


def make_huey():
    if url := os.environ.get("TRACKER_REDIS_URL"):
        return RedisHuey("follow-through", url=url)
    folder = _instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("follow-through", filename=str(folder / "huey.sqlite"))


huey = make_huey()

_app: Flask | None = None
_app_lock = threading.Lock()
#: How a consumer process builds its application: set by tracker/reports/consumer.py, the module the
#: consumer is started with (this module cannot import the application factory: the application
#: imports this module through the reports' views).
_app_factory: Callable[[], Flask] | None = None


def set_app_factory(factory: Callable[[], Flask]) -> None:
    global _app_factory
    _app_factory = factory


def _consumer_app() -> Flask:
    """One application per consumer process, built on first use."""
    global _app
    with _app_lock:
        if _app is None:
            if _app_factory is None:
                raise RuntimeError("start the consumer with tracker.reports.consumer.huey")
            _app = _app_factory()
        return _app


def configure(app: Flask) -> None:
    if app.config.get("TESTING") or app.config.get("REPORTS_QUEUE_IMMEDIATE"):
        huey.immediate = True


def _in_app(work: Callable[..., object], *args: object) -> None:
    """Run a task's work in an application context: the caller's (an immediate queue, in a request or
    a command), or else the consumer's own application, with the session removed afterwards."""
    if has_app_context():
        work(*args)
        return
    app = _consumer_app()
    with app.app_context():
        try:
            work(*args)
        finally:
            db.session.remove()


def _run_queued(model: type[BoardReport | PackRun], row_id: int, generate: Callable[..., object]) -> None:
    """Make one queued job (a row still waiting: a job already taken or gone is left alone), committing
    each step so its page shows the progress."""
    job = db.session.get(model, row_id)
    if job is None or job.status != ReportStatus.QUEUED:
        return
    generate(job, on_progress=lambda text: db.session.commit())
    db.session.commit()


def run_generation(report_id: int) -> None:
    """Generate one queued report, committing each step so the progress page can show it."""
    _run_queued(BoardReport, report_id, generate_report)


@huey.task()
def generate_report_task(report_id: int) -> None:
    _in_app(run_generation, report_id)


def enqueue_report(report_id: int) -> None:
    """Queue the report; call after the request's commit so the consumer can see the row."""
    generate_report_task(report_id)
    if huey.immediate and has_app_context():
        current_app.logger.debug("board report %s generated in-process (immediate queue)", report_id)


# --- agency packs ------------------------------------------------------------------------------------------


def run_packs(run_id: int) -> None:
    """Make one queued run of the agency packs, committing each step so its page shows the progress
    ("Writing the pack for Police (3 of 12)")."""
    _run_queued(PackRun, run_id, generate_packs)


@huey.task()
def generate_packs_task(run_id: int) -> None:
    _in_app(run_packs, run_id)


def enqueue_packs(run_id: int) -> None:
    """Queue the run; call after the request's commit so the consumer can see the row."""
    generate_packs_task(run_id)


@huey.periodic_task(crontab(minute="25"))
def prepare_board_papers_task() -> None:
    """Every hour at twenty-five past: the drafts and agency packs of meetings whose day has come
    (schedule.py; a meeting is prepared once, so the hourly run only catches up after downtime)."""
    def run() -> None:
        current_app.logger.info("board papers: %s", run_schedule(today()).summary())

    _in_app(run)


# --- reading uploaded documents ----------------------------------------------------------------------------


def run_reading(draft_id: int) -> None:
    """Read one uploaded document into its draft, committing each progress step so the waiting page
    shows it ("Reading page 3 of 10")."""
    draft = db.session.get(ImportDraft, draft_id)
    if draft is None:
        return
    read_into_draft(draft, on_progress=db.session.commit)
    db.session.commit()


@huey.task()
def read_document_task(draft_id: int) -> None:
    _in_app(run_reading, draft_id)


def enqueue_reading(draft_id: int) -> None:
    """Queue the document's reading; call after the request's commit so the consumer sees the draft.
    (Here beside the report task: the consumer runs `tracker.reports.tasks.huey`, so every task is
    registered by importing this module.)"""
    read_document_task(draft_id)


# --- reminder emails ---------------------------------------------------------------------------------------


def run_due_reminders(now_hour: int, day: date) -> str:
    """The day's reminders, once the configured hour (UK time) has come. The run is hourly and sending
    is idempotent per recipient and day, so a consumer that was down at the hour catches up, and a
    message that failed is tried again the next hour."""
    config = current_app.config
    if not mail_status(config).configured:
        return "email reminders are not configured"
    if now_hour < int(config.get("REMINDER_HOUR", 7)):
        return "not yet time"
    result = run_daily_reminders(day)
    return f"{len(result.sent)} sent, {result.already_sent} already sent, {len(result.failed)} failed"


@huey.periodic_task(crontab(minute="5"))
def send_reminders_task() -> None:
    """Every hour at five past (`make run` starts the consumer, which runs periodic tasks)."""
    def run() -> None:
        summary = run_due_reminders(datetime.now(LONDON).hour, today())
        current_app.logger.info("reminders: %s", summary)

    _in_app(run)
