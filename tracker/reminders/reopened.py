"""Telling the lead and the business unit at once, by email, that an assured action has reopened
(an impact review found the change had not lasted, or a measurement fell below its target).

The messages are built when the action reopens and sent only when the database session commits
(dropped if it rolls back), through the reminders' Mailer: nobody is told of a reopening that did not
happen, and a mail failure is logged, never undoes it. The next daily digest lists the reopening
again, as a reminder with the other actions that need the reader."""

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tracker.actions.models import Action
from tracker.actions.ratings import format_date
from tracker.extensions import db
from tracker.reminders.mail import Mailer, MailError, external_url, mail_status
from tracker.reminders.notices import Notice, notice_message
from tracker.users.models import Role, User

PENDING = "pending_reopened_notices"


def tell_reopened(action: Action, reason: str) -> None:
    """Queue the email to the action's lead and everyone in the business unit (one query for them)."""
    config = current_app.config
    if not mail_status(config).configured:
        return
    people = list(db.session.scalars(select(User).where(User.role == Role.BUSINESS_UNIT, User.active.is_(True))
                                     .order_by(User.id)))
    if action.lead is not None and action.lead.active and action.lead not in people:
        people.insert(0, action.lead)
    subject = f"Action reopened: {action.short_reference}"
    text = (f"An assured action is back in progress: the change in practice has not lasted.\n\n"
            f"{action.short_reference}: {action.description}\n"
            f"Review: {action.review.reference} {action.review.title}\n"
            f"Owner: {action.owner_agency.name}\n"
            f"Why: {reason}\n"
            f"New due date: {format_date(action.due_date)}\n\n"
            f"{external_url('actions.show', action_id=action.id)}\n\n"
            f"This is an automatic message from Follow Through.\n")
    session = db.session()
    pending = session.info.setdefault(PENDING, [])
    # The innermost transaction: rolling back a savepoint (a refused import row, a dry run) drops
    # only what was queued inside it.
    within = session.get_nested_transaction() or session.get_transaction()
    for person in people:
        if person.email:
            pending.append((current_app._get_current_object(), within,
                            notice_message(Notice(person, subject, text), config["MAIL_SENDER"])))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    if not pending:
        return
    app = pending[0][0]
    try:
        with Mailer(app.config) as mailer:
            for _, _, message in pending:
                try:
                    mailer.send(message)
                except MailError as error:
                    app.logger.warning("Reopened-action email to %s not sent: %s", message["To"], error)
    except MailError as error:
        app.logger.warning("Reopened-action emails not sent: %s", error)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    """Drop what was queued in the transaction rolled back, or in any savepoint inside it."""
    def inside(transaction) -> bool:
        while transaction is not None:
            if transaction is previous_transaction:
                return True
            transaction = transaction.parent
        return False

    if PENDING in session.info:
        session.info[PENDING] = [entry for entry in session.info[PENDING] if not inside(entry[1])]
