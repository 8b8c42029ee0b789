"""Builders for test records. Passwords use a cheap hash so signing in stays fast."""

import hashlib
import io
import itertools
import zipfile
from datetime import date, timedelta

from werkzeug.security import generate_password_hash

from tracker.actions import services as actions
from tracker.actions.models import Action, ActionStatus
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.recommendations.models import Recommendation, number_sort_key
from tracker.reports.models import BoardReport, PackRun
from tracker.reports.services import store_files
from tracker.reviews.models import Review
from tracker.storage import key_for, put_with_row
from tracker.themes.models import Theme
from tracker.users.models import Agency, Role, User

PASSWORD = "correct-horse-battery"
TODAY = date(2025, 6, 2)
_seq = itertools.count(1)


def make_agency(name: str | None = None, short_name: str | None = None, kind: str = "agency") -> Agency:
    n = next(_seq)
    agency = Agency(name=name or f"Agency {n}", short_name=short_name or f"AG{n}", kind=kind, aliases=[])
    db.session.add(agency)
    db.session.flush()
    return agency


def make_user(role: Role | str = Role.BUSINESS_UNIT, agency: Agency | None = None, email: str | None = None,
              name: str | None = None, active: bool = True) -> User:
    role = Role(role)
    n = next(_seq)
    if role is Role.AGENCY_LEAD and agency is None:
        agency = make_agency()
    user = User(email=email or f"{role.value}{n}@example.org", name=name or f"{role.label} {n}", role=role.value,
                agency=agency if role is Role.AGENCY_LEAD else None, active=active,
                password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    db.session.add(user)
    db.session.flush()
    return user


def make_theme(name: str | None = None) -> Theme:
    theme = Theme(name=name or f"Theme {next(_seq)}", description="")
    db.session.add(theme)
    db.session.flush()
    return theme


def make_review(reference: str | None = None, title: str = "Child T", review_type: str = "cspr",
                status: str = "published", **dates) -> Review:
    review = Review(reference=reference or f"CSPR-{next(_seq):04d}", title=title, review_type=review_type,
                    status=status, summary="A review used in tests.", **dates)
    db.session.add(review)
    db.session.flush()
    return review


def make_recommendation(review: Review | None = None, number: str | None = None, text: str = "Do the thing.",
                        addressees: list[Agency] | None = None, kind: str = "partnership") -> Recommendation:
    review = review or make_review()
    number = number or str(next(_seq))
    rec = Recommendation(review=review, number=number, sort_key=number_sort_key(number), text=text, kind=kind,
                         addressees=addressees or [])
    db.session.add(rec)
    db.session.flush()
    return rec


def make_action(owner: Agency | None = None, lead: User | None = None, status: ActionStatus | str = "open",
                due_date: date | None = None, recommendation: Recommendation | None = None,
                by: User | None = None, today: date = TODAY, submitted_by: User | None = None,
                description: str = "Rewrite the neglect procedure.") -> Action:
    """An action brought to `status` through the real services."""
    status = ActionStatus(status)
    owner = owner or (lead.agency if lead else make_agency())
    recommendation = recommendation or make_recommendation(addressees=[owner])
    staff = by or make_user(Role.BUSINESS_UNIT)
    action = actions.create_action(recommendation, description=description, owner=owner, lead=lead,
                                   due_date=due_date or today + timedelta(days=90), success_measure="Audit shows it",
                                   by=staff, today=today - timedelta(days=30), open_now=status is not ActionStatus.DRAFT)
    worker = submitted_by or lead or make_user(Role.AGENCY_LEAD, agency=owner)
    if status in (ActionStatus.IN_PROGRESS, ActionStatus.SUBMITTED, ActionStatus.ASSURED):
        actions.record_progress(action, by=worker, narrative="Under way.", proposed_rating="green",
                                update_date=today - timedelta(days=5), today=today)
    if status in (ActionStatus.SUBMITTED, ActionStatus.ASSURED):
        make_evidence(action, worker, kind="impact")
        actions.submit_for_assurance(action, worker, today)
    if status is ActionStatus.ASSURED:
        actions.accept_action(action, staff if staff.id != worker.id else make_user(Role.BUSINESS_UNIT),
                              "Impact shown.", today)
    if status in (ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED):
        actions.close_action(action, status, staff, "No longer needed.", today)
    db.session.flush()
    return action


def make_evidence(action: Action, by: User, kind: str = "completion", link: str = "https://example.org/e") -> Evidence:
    evidence = Evidence(action=action, kind=kind, title=f"{kind} evidence", link_url=link, supplied_by_id=by.id,
                        effective_date=TODAY - timedelta(days=3))
    db.session.add(evidence)
    db.session.flush()
    return evidence


def make_board_report(pdf: bytes = b"%PDF-1.7 test", docx: bytes | None = None, as_at: date = TODAY,
                      **fields) -> BoardReport:
    """A finished board report whose PDF (and Word version) are in the store, as the worker keeps them."""
    report = BoardReport(**{"requested_by_name": "Test", "page_count": 1, "action_count": 0, **fields},
                         status="running", as_at_date=as_at)
    db.session.add(report)
    db.session.flush()
    store_files(report, pdf, docx)
    report.status = "done"
    db.session.flush()
    return report


def make_pack_run(files: dict[str, list[str]], members: dict[str, bytes], as_at: date = TODAY) -> PackRun:
    """A finished run of the agency packs whose zip (holding `members`) is in the store."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, content in members.items():
            bundle.writestr(name, content)
    content = buffer.getvalue()
    run = PackRun(status="running", as_at_date=as_at, requested_by_name="Test", files=files)
    db.session.add(run)
    db.session.flush()
    name = f"agency-packs-{run.id}-{hashlib.sha256(content).hexdigest()[:16]}.zip"
    written = put_with_row(db.session, key_for("reports", name), io.BytesIO(content))
    run.status, run.stored_name, run.sha256, run.size_bytes = "done", name, written.sha256, written.size
    db.session.flush()
    return run
