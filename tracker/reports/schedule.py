"""Board meetings and the scheduled runs before them.

Each meeting says how many days before it its papers are prepared. On that day (or the first run
after it, if the queue was down) the periodic job (tasks.py) or `flask prepare-board-papers`:

1. starts a draft board report for the meeting, as at that day, and emails the business unit a link to
   write its commentary;
2. makes every agency's pack and emails each agency's leads a link to their own.

A meeting is prepared once: its draft report (BoardReport.meeting_id) marks it. What was sent, to whom,
and whether the mail server took it, is recorded on the meeting (BoardMeeting.sent) and shown on the
meetings page. Links, never attachments: the packs hold personal information and stay behind sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from flask import current_app
from sqlalchemy import exists, select

from tracker.core.errors import DomainError
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.reminders.mail import Mailer, MailError, external_url, mail_status
from tracker.reports.models import BoardMeeting, BoardReport, ReportStatus
from tracker.reports.packs import generate_packs, request_packs
from tracker.reports.services import request_report
from tracker.users.models import Agency, Role, User

SCHEDULED = "scheduled run"
#: How far ahead meetings may be kept, and the most listed at once.
MAX_AHEAD_DAYS = 3 * 366


def add_meeting(meeting_date: date, title: str, draft_days_before: int, today: date) -> BoardMeeting:
    if meeting_date < today:
        raise DomainError("The meeting date must be today or in the future.", field="meeting_date")
    if meeting_date > today + timedelta(days=MAX_AHEAD_DAYS):
        raise DomainError("The meeting date must be within three years.", field="meeting_date")
    if not 0 <= draft_days_before <= 90:
        raise DomainError("Enter a number of days from 0 to 90", field="draft_days_before")
    if db.session.scalar(select(BoardMeeting.id).where(BoardMeeting.meeting_date == meeting_date)):
        raise DomainError("There is already a board meeting on that date.", field="meeting_date")
    meeting = BoardMeeting(meeting_date=meeting_date, title=title.strip(), draft_days_before=draft_days_before,
                           created_at=utcnow(), sent=[])
    db.session.add(meeting)
    db.session.flush()
    return meeting


def due_meetings(today: date) -> list[BoardMeeting]:
    """Meetings still ahead (or today) whose preparation day has come, and not yet prepared. One query;
    the preparation day is worked out here (it is a date minus a per-row number of days)."""
    prepared = exists().where(BoardReport.meeting_id == BoardMeeting.id)
    upcoming = db.session.scalars(
        select(BoardMeeting).where(BoardMeeting.meeting_date >= today,
                                   BoardMeeting.meeting_date <= today + timedelta(days=90), ~prepared)
        .order_by(BoardMeeting.meeting_date)).all()
    return [meeting for meeting in upcoming if meeting.draft_date <= today]


@dataclass
class RunResult:
    drafts: list[int] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    not_sent: int = 0

    def summary(self) -> str:
        return (f"{len(self.drafts)} draft(s) prepared; {self.sent} email(s) sent, {self.failed} failed, "
                f"{self.not_sent} not sent (email not configured)")


def _message(to: User, subject: str, text: str, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((to.name, to.email))
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    return message


def _send_all(meeting: BoardMeeting, outgoing: list[tuple[User, str, str, str]], result: RunResult) -> None:
    """Send each (recipient, what, subject, text) and record it on the meeting, whatever happens."""
    config = current_app.config
    records = list(meeting.sent or [])
    status = mail_status(config)

    def record(user: User, what: str, state: str, error: str = "") -> None:
        records.append({"at": utcnow().isoformat(timespec="seconds"), "to": user.email, "what": what,
                        "status": state, "error": error[:300]})

    if not status.configured:
        for user, what, _, _ in outgoing:
            record(user, what, "not sent", "email is not configured")
            result.not_sent += 1
    elif outgoing:
        done = 0
        try:
            with Mailer(config) as mailer:
                for user, what, subject, text in outgoing:
                    try:
                        mailer.send(_message(user, subject, text, status.sender))
                    except MailError as error:
                        record(user, what, "failed", str(error))
                        result.failed += 1
                    else:
                        record(user, what, "sent")
                        result.sent += 1
                    done += 1
        except MailError as error:  # could not connect: every message not yet tried failed
            for user, what, _, _ in outgoing[done:]:
                record(user, what, "failed", str(error))
                result.failed += 1
    meeting.sent = records


def _active(*roles: Role):
    return select(User).where(User.role.in_(roles), User.active.is_(True)).order_by(User.id)


def prepare_meeting(meeting: BoardMeeting, today: date, result: RunResult) -> BoardReport:
    """The draft report and the agency packs for one meeting, and the emails about them."""
    when = f"{meeting.meeting_date.day} {meeting.meeting_date:%B %Y}"
    report = request_report(as_at=today, today=today, draft=True, meeting=meeting)
    report.requested_by_name = SCHEDULED
    db.session.flush()
    result.drafts.append(report.id)
    link = external_url("reports.commentary_page", report_id=report.id)
    outgoing = [(user, "draft board report", f"Board papers for {meeting.title}, {when}: the draft is ready",
                 f"The draft board report for {meeting.title} on {when} is ready, as at "
                 f"{today.day} {today:%B %Y}.\n\nWrite the commentary, preview it and publish it here:\n{link}\n")
                for user in db.session.scalars(_active(Role.BUSINESS_UNIT))]

    run = request_packs(today, SCHEDULED)
    generate_packs(run)
    if run.status == ReportStatus.DONE:
        agencies = set((run.files or {}))
        mine = external_url("packs.mine_page")
        leads = db.session.execute(select(User, Agency.id, Agency.name).join(Agency, User.agency_id == Agency.id)
                                   .where(User.role == Role.AGENCY_LEAD, User.active.is_(True)).order_by(User.id))
        for user, agency_id, agency in leads:
            if str(agency_id) in agencies:  # the packs are keyed by agency id (packs.pack_keys)
                outgoing.append((user, f"agency pack for {agency}",
                                 f"Your agency's pack for {meeting.title}, {when}",
                                 f"The pack for {agency} for the board meeting on {when} is ready: its "
                                 f"recommendations, actions, ratings and what is asked of it.\n\nDownload it here "
                                 f"(sign in first):\n{mine}\n"))
        meeting.packs_sent_at = utcnow()
    _send_all(meeting, outgoing, result)
    db.session.flush()
    return report


def run_schedule(today: date) -> RunResult:
    """Prepare every meeting whose day has come; commits after each, so one failure loses no other."""
    result = RunResult()
    for meeting in due_meetings(today):
        prepare_meeting(meeting, today, result)
        db.session.commit()
    return result
