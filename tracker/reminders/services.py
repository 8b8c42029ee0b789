"""Reminder emails: a daily digest to each lead and a weekly overdue summary to the business unit.

A lead's digest is a list of sections; each section comes from a builder that, in a few queries for
every lead at once, returns {lead's user id: section}. More sections are added by adding a builder to
`LEAD_DIGEST_SECTIONS`. Reminders go to an action's *current* lead and stop when the action is
submitted or closed, because every builder selects live actions by their lead now.

Every message is recorded (one row per recipient, kind and day, with the actions it covered), and
the caller commits after each one, so a failure half-way through loses nothing already sent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import aliased

from tracker.actions.models import WORKING_STATUSES, Action, ActionStatus, StatusChange
from tracker.actions.ratings import format_date
from tracker.audit.services import log_event
from tracker.comments.models import Comment, CommentMention
from tracker.core import lengths
from tracker.core.clock import LONDON
from tracker.core.errors import DomainError
from tracker.core.lengths import cut
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.recommendations.services import outstanding_responses
from tracker.reminders.mail import Mailer, MailError, external_url, mail_status
from tracker.reminders.models import (
    MessageKind,
    MessageStatus,
    ReminderItem,
    ReminderMessage,
)
from tracker.reviews.models import Review
from tracker.rounds.models import UpdateRequest, UpdateRound
from tracker.settings import Settings, load_settings
from tracker.users.models import Agency, Role, User


@dataclass(frozen=True)
class DigestItem:
    action_id: int | None  # None for a formal response, which answers a recommendation
    reference: str
    description: str
    owner: str
    due_date: date
    note: str
    url: str
    recommendation_id: int | None = None


@dataclass
class DigestSection:
    key: str  # recorded against each action the message covered
    title: str
    intro: str
    count_label: tuple[str, str]  # singular and plural, for the subject line
    items: list[DigestItem] = field(default_factory=list)

    @property
    def count_text(self) -> str:
        n = len(self.items)
        return f"{n} {self.count_label[0] if n == 1 else self.count_label[1]}"


@dataclass(frozen=True)
class DigestContext:
    today: date
    settings: Settings


SectionBuilder = Callable[[DigestContext], dict[int, DigestSection]]


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _action_rows(*conditions, rounds: bool = False):
    """Live actions with what a reminder prints about them, in one query (with their unanswered
    requests of open rounds, when `rounds`)."""
    stmt = (select(Action.id, Action.lead_id, Action.description, Action.due_date, Review.reference,
                   Recommendation.number, Agency.name.label("owner"))
            .join(Review, Review.id == Action.review_id)
            .join(Recommendation, Recommendation.id == Action.recommendation_id)
            .join(Agency, Agency.id == Action.owner_agency_id)
            .where(Action.status.in_(WORKING_STATUSES), *conditions))
    if rounds:
        stmt = (stmt.add_columns(UpdateRound.name.label("round_name"), UpdateRound.deadline_date)
                .join(UpdateRequest, UpdateRequest.action_id == Action.id)
                .join(UpdateRound, UpdateRound.id == UpdateRequest.round_id)
                .where(UpdateRequest.update_id.is_(None), UpdateRound.closed_date.is_(None)))
    return db.session.execute(stmt.order_by(Action.due_date, Action.id)).all()


def _item(row, note: str) -> DigestItem:
    return DigestItem(action_id=row.id, reference=f"{row.reference} R{row.number} A{row.id}",
                      description=row.description, owner=row.owner, due_date=row.due_date, note=note,
                      url=external_url("actions.show", action_id=row.id))


def _by_lead(rows, make_section: Callable[[], DigestSection], note: Callable) -> dict[int, DigestSection]:
    sections: dict[int, DigestSection] = {}
    for row in rows:
        sections.setdefault(row.lead_id, make_section()).items.append(_item(row, note(row)))
    return sections


def overdue_section(ctx: DigestContext) -> dict[int, DigestSection]:
    rows = _action_rows(Action.lead_id.is_not(None), Action.due_date < ctx.today)
    return _by_lead(rows, lambda: DigestSection(
        "overdue", "Overdue actions", "These actions are past their due date. Post an update, or submit the "
        "action with its evidence if it is done.", ("overdue", "overdue")),
        lambda r: f"Due {format_date(r.due_date)}, {_days((ctx.today - r.due_date).days)} ago")


def at_risk_section(ctx: DigestContext) -> dict[int, DigestSection]:
    last = ctx.today + timedelta(days=ctx.settings.at_risk_days)
    rows = _action_rows(Action.lead_id.is_not(None), Action.due_date >= ctx.today, Action.due_date <= last)
    return _by_lead(rows, lambda: DigestSection(
        "at_risk", "Due soon", f"These actions are due within {_days(ctx.settings.at_risk_days)}.",
        ("due soon", "due soon")),
        lambda r: "Due today" if r.due_date == ctx.today else
        f"Due {format_date(r.due_date)}, in {_days((r.due_date - ctx.today).days)}")


#: How far back a reopening is still told, for a day the reminders did not run.
REOPENED_TOLD_DAYS = 7


def reopened_section(ctx: DigestContext) -> dict[int, DigestSection]:
    """Actions reopened (an impact review found the change had not lasted, or a measurement fell below
    its target) and not yet told: to the action's lead and to everyone in the business unit, once."""
    told = (select(ReminderItem.id).join(ReminderMessage, ReminderMessage.id == ReminderItem.message_id)
            .where(ReminderItem.action_id == Action.id, ReminderItem.section == "reopened",
                   ReminderMessage.status == MessageStatus.SENT, ReminderMessage.sent_date >= Action.reopened_date))
    rows = _action_rows(Action.reopened_date.is_not(None),
                        Action.reopened_date >= ctx.today - timedelta(days=REOPENED_TOLD_DAYS), ~told.exists())
    if not rows:
        return {}
    reasons = dict(db.session.execute(
        select(StatusChange.action_id, StatusChange.reason)
        .where(StatusChange.action_id.in_([r.id for r in rows]), StatusChange.from_status == ActionStatus.ASSURED)
        .order_by(StatusChange.id)).all())  # the latest reopening's reason wins

    def make() -> DigestSection:
        return DigestSection("reopened", "Reopened actions", "These assured actions are back in progress: the "
                             "change in practice has not lasted. Each has a new due date.", ("reopened", "reopened"))

    def note(row) -> str:
        return f"{reasons.get(row.id, 'Reopened')} New due date {format_date(row.due_date)}."

    sections = _by_lead([r for r in rows if r.lead_id is not None], make, note)
    staff = db.session.scalars(select(User.id).where(User.role == Role.BUSINESS_UNIT, User.active.is_(True))).all()
    for person in staff:
        section = sections.setdefault(person, make())
        known = {item.action_id for item in section.items}
        section.items.extend(_item(row, note(row)) for row in rows if row.id not in known)
    return sections


def impact_reviews_section(ctx: DigestContext) -> dict[int, DigestSection]:
    """Assured actions whose impact review has come due, to everyone in the business unit, until the
    review is recorded."""
    stmt = (select(Action.id, Action.description, Action.impact_review_date.label("due_date"), Review.reference,
                   Recommendation.number, Agency.name.label("owner"))
            .join(Review, Review.id == Action.review_id)
            .join(Recommendation, Recommendation.id == Action.recommendation_id)
            .join(Agency, Agency.id == Action.owner_agency_id)
            .where(Action.status == ActionStatus.ASSURED, Action.impact_review_date <= ctx.today)
            .order_by(Action.impact_review_date, Action.id).limit(IMPACT_REVIEWS_LISTED))
    rows = db.session.execute(stmt).all()
    if not rows:
        return {}
    staff = db.session.scalars(select(User.id).where(User.role == Role.BUSINESS_UNIT, User.active.is_(True))).all()
    items = [_item(row, f"Impact review due {format_date(row.due_date)}: has the change lasted?") for row in rows]
    return {person: DigestSection("impact_review", "Impact reviews due", "Check that the change in practice has "
                                  "lasted, and record what the measures show now.", ("impact review due",
                                                                                      "impact reviews due"),
                                  items=list(items)) for person in staff}


#: The most impact reviews one digest lists (the list page has them all).
IMPACT_REVIEWS_LISTED = 50


def updates_requested_section(ctx: DigestContext) -> dict[int, DigestSection]:
    """Requests of open rounds not yet answered, for the action's lead now (not the lead when asked)."""
    rows = _action_rows(Action.lead_id.is_not(None), rounds=True)
    return _by_lead(rows, lambda: DigestSection(
        "update_requested", "Updates requested from you", "The business unit has asked for a progress update "
        "on these actions. Post an update on each action's page.", ("update requested", "updates requested")),
        lambda r: f"{r.round_name}: update due by {format_date(r.deadline_date)}"
        + (" (the deadline has passed)" if r.deadline_date < ctx.today else ""))


def responses_owed_section(ctx: DigestContext) -> dict[int, DigestSection]:
    """Formal responses the lead's agency owes to published recommendations, once the deadline is
    within the at-risk window or past: to every active lead of that agency (a response is the
    agency's, not one person's). Two queries."""
    due_by = ctx.today + timedelta(days=ctx.settings.at_risk_days)
    owed = {agency_id: [r for r in rows if r.deadline <= due_by]
            for agency_id, rows in outstanding_responses(db.session, ctx.today).items()}
    owed = {agency_id: rows for agency_id, rows in owed.items() if rows}
    if not owed:
        return {}
    leads = db.session.execute(select(User.id, User.agency_id).where(
        User.role == Role.AGENCY_LEAD, User.active.is_(True), User.agency_id.in_(owed))).all()
    sections: dict[int, DigestSection] = {}
    for lead_id, agency_id in leads:
        section = sections[lead_id] = DigestSection(
            "response_owed", "Formal responses owed by your agency", "Your agency is named in these published "
            "recommendations and has not yet said whether it accepts them. Record the response on each "
            "recommendation's page.", ("formal response owed", "formal responses owed"))
        section.items.extend(DigestItem(
            action_id=None, recommendation_id=r.recommendation_id,
            reference=f"{r.review_reference} recommendation {r.recommendation_number}",
            description=f"Recommendation {r.recommendation_number} of {r.review_reference}", owner=r.agency_name,
            due_date=r.deadline, url=external_url("recommendations.show", recommendation_id=r.recommendation_id),
            note=(f"Response was due {format_date(r.deadline)}, {_days((ctx.today - r.deadline).days)} ago"
                  if r.overdue else f"Response due by {format_date(r.deadline)}"))
            for r in owed[agency_id])
    return sections


def mentions_section(ctx: DigestContext) -> dict[int, DigestSection]:
    """Comments of the day before that mention someone who chose the daily digest (the others were
    emailed at once). One query; the mention resolved only to people who may see the action."""
    start = datetime.combine(ctx.today - timedelta(days=1), time.min, LONDON)
    end = datetime.combine(ctx.today, time.min, LONDON)
    author = aliased(User)
    rows = db.session.execute(
        select(CommentMention.user_id, Comment.text, author.name.label("author"), Action.id, Action.description,
               Action.due_date, Review.reference, Recommendation.number, Agency.name.label("owner"))
        .join(Comment, Comment.id == CommentMention.comment_id)
        .join(User, User.id == CommentMention.user_id)
        .outerjoin(author, author.id == Comment.author_id)
        .join(Action, Action.id == Comment.action_id)
        .join(Review, Review.id == Action.review_id)
        .join(Recommendation, Recommendation.id == Action.recommendation_id)
        .join(Agency, Agency.id == Action.owner_agency_id)
        .where(User.notify_digest.is_(True), Comment.withdrawn_at.is_(None), Comment.created_at >= start,
               Comment.created_at < end)
        .order_by(Comment.created_at, Comment.id)).all()
    sections: dict[int, DigestSection] = {}
    for row in rows:
        sections.setdefault(row.user_id, DigestSection(
            "mentioned", "Comments that mention you", "You were mentioned in these comments yesterday.",
            ("mention", "mentions"))).items.append(DigestItem(
                action_id=row.id, reference=f"{row.reference} R{row.number} A{row.id}", description=row.description,
                owner=row.owner, due_date=row.due_date, note=f"{row.author or 'Someone'}: {row.text[:300]}",
                url=external_url("timeline.show", action_id=row.id)))
    return sections


#: The sections of a lead's digest, in the order they are printed. Add a builder here to add a section.
LEAD_DIGEST_SECTIONS: list[SectionBuilder] = [reopened_section, overdue_section, at_risk_section,
                                              updates_requested_section, responses_owed_section,
                                              impact_reviews_section, mentions_section]


# --- the business unit's weekly summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyOverdue:
    name: str
    items: list[DigestItem]


def weekly_summary(ctx: DigestContext) -> list[AgencyOverdue]:
    """Every overdue action (with or without a lead), grouped by owning agency."""
    lead = User.__table__.alias("lead")
    rows = db.session.execute(
        select(Action.id, Action.description, Action.due_date, Review.reference, Recommendation.number,
               Agency.name.label("owner"), lead.c.name.label("lead"))
        .join(Review, Review.id == Action.review_id)
        .join(Recommendation, Recommendation.id == Action.recommendation_id)
        .join(Agency, Agency.id == Action.owner_agency_id)
        .outerjoin(lead, lead.c.id == Action.lead_id)
        .where(Action.status.in_(WORKING_STATUSES), Action.due_date < ctx.today)
        .order_by(Agency.name, Action.due_date, Action.id)).all()
    groups: dict[str, list[DigestItem]] = defaultdict(list)
    for row in rows:
        groups[row.owner].append(_item(row, f"Due {format_date(row.due_date)}, {_days((ctx.today - row.due_date).days)} "
                                            f"ago; lead: {row.lead or 'no named lead'}"))
    return [AgencyOverdue(name, items) for name, items in groups.items()]


# --- composing and sending ----------------------------------------------------------------------------------


@dataclass
class Outgoing:
    kind: MessageKind
    recipient: User
    subject: str
    text: str
    html: str
    items: list[tuple[int | None, int | None, str]]  # (action id, recommendation id, section key)


def _render(name: str, **values) -> str:
    """Email bodies are rendered without a request: no context processors, no signed-in user."""
    values.setdefault("partnership_name", current_app.config["PARTNERSHIP_NAME"])
    return current_app.jinja_env.get_template(name).render(**values)


def lead_digests(ctx: DigestContext, builders: list[SectionBuilder]) -> list[Outgoing]:
    per_lead: dict[int, list[DigestSection]] = defaultdict(list)
    for build in builders:
        for lead_id, section in build(ctx).items():
            if section.items:
                per_lead[lead_id].append(section)
    if not per_lead:
        return []
    leads = db.session.scalars(select(User).where(User.id.in_(per_lead), User.active.is_(True))
                               .order_by(User.id)).all()
    out = []
    for lead in leads:
        sections = per_lead[lead.id]
        values = dict(recipient=lead, sections=sections, today=ctx.today,
                      actions_url=external_url("actions.index"))
        out.append(Outgoing(
            kind=MessageKind.LEAD_DIGEST, recipient=lead,
            subject="Follow Through: " + ", ".join(s.count_text for s in sections),
            text=_render("reminders/email/digest.txt", **values), html=_render("reminders/email/digest.html", **values),
            items=[(item.action_id, item.recommendation_id, s.key) for s in sections for item in s.items]))
    return out


def weekly_summaries(ctx: DigestContext) -> list[Outgoing]:
    """On the settings' weekday only, to every active business unit account."""
    if ctx.today.weekday() != ctx.settings.summary_weekday:
        return []
    agencies = weekly_summary(ctx)
    total = sum(len(a.items) for a in agencies)
    staff = db.session.scalars(select(User).where(User.role == Role.BUSINESS_UNIT, User.active.is_(True))
                               .order_by(User.id)).all()
    subject = (f"Weekly summary: {total} overdue {'action' if total == 1 else 'actions'}"
               + (f" across {len(agencies)} {'agency' if len(agencies) == 1 else 'agencies'}" if agencies else ""))
    out = []
    for person in staff:
        values = dict(recipient=person, agencies=agencies, total=total, today=ctx.today,
                      actions_url=external_url("actions.index", rating="red"),
                      rounds_url=external_url("rounds.index"))
        out.append(Outgoing(MessageKind.WEEKLY_SUMMARY, person, subject,
                            _render("reminders/email/summary.txt", **values),
                            _render("reminders/email/summary.html", **values),
                            [(item.action_id, None, "overdue") for a in agencies for item in a.items]))
    return out


def email_message(outgoing: Outgoing, sender: str) -> EmailMessage:
    """Plain text first, HTML as the alternative (multipart/alternative); no images."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((outgoing.recipient.name, outgoing.recipient.email))
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(outgoing.text)
    message.add_alternative(outgoing.html, subtype="html")
    return message


@dataclass
class RunResult:
    sent: list[str] = field(default_factory=list)  # "email (kind)"
    already_sent: int = 0
    failed: list[str] = field(default_factory=list)  # "email (kind): error"

    @property
    def ok(self) -> bool:
        return not self.failed


class MailNotConfigured(DomainError):
    #: The command line's exit status, so a cron job tells "not configured" from a failed message (1).
    exit_status = 2


def send_reminders(today: date, settings: Settings, *, on_recorded: Callable[[], None],
                   builders: list[SectionBuilder] | None = None) -> RunResult:
    """Send today's digests (and, on its weekday, the weekly summary) that have not been sent yet.

    `on_recorded` is called after each message is recorded (the command commits there), so records
    survive a failure later in the run. A message that fails stays recorded as failed, and the next run
    on the same day tries it again."""
    config = current_app.config
    status = mail_status(config)
    if not status.configured:
        raise MailNotConfigured(f"{status.summary} Nothing was sent.")
    ctx = DigestContext(today=today, settings=settings)
    outgoing = lead_digests(ctx, LEAD_DIGEST_SECTIONS if builders is None else builders) + weekly_summaries(ctx)
    existing = {(m.recipient_email.lower(), m.kind): m for m in db.session.scalars(
        select(ReminderMessage).where(ReminderMessage.sent_date == today))}
    result = RunResult()
    todo = []
    for out in outgoing:
        previous = existing.get((out.recipient.email.lower(), out.kind.value))
        if previous is not None and previous.status == MessageStatus.SENT:
            result.already_sent += 1
        else:
            todo.append((out, previous))
    if not todo:
        return result
    try:
        with Mailer(config) as mailer:
            for out, previous in todo:
                try:
                    mailer.send(email_message(out, config["MAIL_SENDER"]))
                except MailError as error:
                    _record(out, previous, today, error=str(error), result=result)
                else:
                    _record(out, previous, today, error=None, result=result)
                on_recorded()
    except MailError as error:  # could not connect: every message not yet recorded fails with the reason
        for out, previous in todo:
            _record(out, previous, today, error=str(error), result=result)
            on_recorded()
    return result


def run_daily_reminders(day: date) -> RunResult:
    """The day's run, for the command line and the task queue (outside any request): each message is
    committed as soon as it is recorded, so a failure later in the run keeps what was sent."""
    return send_reminders(day, load_settings(), on_recorded=db.session.commit)


def _record(out: Outgoing, previous: ReminderMessage | None, today: date, *, error: str | None,
            result: RunResult) -> None:
    message = previous or ReminderMessage(kind=out.kind, recipient_email=out.recipient.email, sent_date=today)
    message.recipient_id = out.recipient.id
    message.recipient_name = out.recipient.name
    message.subject = out.subject[:300]
    message.sent_at = utcnow()
    message.status = MessageStatus.FAILED if error else MessageStatus.SENT
    message.error = cut(error, lengths.SYSTEM_TEXT)
    if previous is None:
        db.session.add(message)
    else:
        message.items.clear()
    message.items.extend(ReminderItem(action_id=action_id, recommendation_id=recommendation_id, section=section)
                         for action_id, recommendation_id, section in out.items)
    db.session.flush()
    log_event("email_failed" if error else "email_sent", obj=message,
              summary=f"{out.kind.label} to {out.recipient.email}: {out.subject}" + (f" ({error})" if error else ""))
    db.session.flush()
    label = f"{out.recipient.email} ({out.kind.label.lower()})"
    if error:
        result.failed.append(f"{label}: {error}")
    else:
        result.sent.append(label)
