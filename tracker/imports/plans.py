"""Importing an action plan into a review that may already hold it: what each row changes.

A row whose action reference names an action of this review updates that action; any other row
adds what is new. Every change goes through the same services as the web forms (edit_action,
move_due_date, the status moves), each row in its own savepoint: a row the rules refuse leaves no
trace, and the dry run is the same work rolled back, so what it lists is what the import does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.actions import services as action_services
from tracker.actions.models import Action, ActionStatus
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.imports import measure_sheets
from tracker.imports.spreadsheet import LABELS, REFERENCE_PREFIX, PlanRow
from tracker.recommendations.models import Recommendation
from tracker.recommendations.services import create_recommendation
from tracker.reviews.models import Review
from tracker.users.models import User

UNCHANGED, CHANGED, NEW, REFUSED = "unchanged", "changed", "new", "refused"
OUTCOME_LABELS = {UNCHANGED: "Unchanged", CHANGED: "Changed", NEW: "New", REFUSED: "Refused"}


@dataclass
class Outcome:
    row: PlanRow
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after
    reasons: list[str] = field(default_factory=list)
    note: str = ""


def _reference_id(text: str) -> int | None:
    text = text.strip().upper()
    if text.startswith(REFERENCE_PREFIX):
        text = text[len(REFERENCE_PREFIX):]
    return int(text) if text.isdigit() else None


def _status_label(value: str) -> str:
    return ActionStatus(value).label if value in {s.value for s in ActionStatus} else value


def _differences(action: Action, row: PlanRow) -> list[tuple[str, str, str]]:
    v = row.values
    pairs = [
        ("action", action.description, v.get("action", "").strip()),
        ("owner", action.owner_agency.name, row.owner.name if row.owner else ""),
        ("lead", action.lead.email if action.lead else "", row.lead.email if row.lead else ""),
        ("success_measure", action.success_measure, v.get("success_measure", "").strip()),
        ("due_date", action.due_date.isoformat(), row.due.isoformat() if row.due else ""),
        ("status", _status_label(action.status), _status_label(v.get("status") or action.status)),
    ]
    if row.original_due is not None:
        pairs.append(("original_due_date", action.original_due_date.isoformat(), row.original_due.isoformat()))
    if "recommendation_text" in v and v["recommendation_text"] != action.recommendation.text:
        pairs.append(("recommendation_text", action.recommendation.text, v["recommendation_text"]))
    if " ".join(v["recommendation_number"].split()).lower() != action.recommendation.number.lower():
        pairs.append(("recommendation_number", action.recommendation.number, v["recommendation_number"]))
    return [(LABELS[key], before, after) for key, before, after in pairs if before != after]


def _move_status(action: Action, to: ActionStatus, *, reason: str, by: User, today: date) -> None:
    """The status a row asks for, through the web forms' own verbs."""
    if to is ActionStatus.ASSURED:
        raise DomainError("assured needs accepted evidence of impact and a second person: assure the action on "
                          "its page")
    if to is ActionStatus.SUBMITTED:
        action_services.submit_for_assurance(action, by, today, note=reason)
    elif to is ActionStatus.IN_PROGRESS and action.status == ActionStatus.SUBMITTED:
        action_services.return_action(action, by, reason, today)
    else:
        action_services.move_status(action, to, by, reason=reason, today=today)


def _update(action: Action, row: PlanRow, changes: list[tuple[str, str, str]], *, by: User, today: date) -> None:
    labels = {label for label, _, _ in changes}
    v = row.values
    reason = v.get("change_reason", "").strip()
    for key in ("recommendation_number", "recommendation_text", "original_due_date"):
        if LABELS[key] in labels:
            raise DomainError(f"the {LABELS[key].lower()} cannot be changed by importing a plan"
                              + (": change it on the recommendation's page" if key != "original_due_date" else ""))
    if labels & {LABELS["action"], LABELS["owner"], LABELS["lead"], LABELS["success_measure"]}:
        action_services.edit_action(action, description=v.get("action", ""), owner=row.owner, lead=row.lead,
                                    success_measure=v.get("success_measure", ""))
    if LABELS["due_date"] in labels:
        if not reason:
            raise DomainError(f"the due date moves from {action.due_date:%d/%m/%Y} to {row.due:%d/%m/%Y}: enter "
                              f"why in the “{LABELS['change_reason']}” column")
        action_services.move_due_date(action, row.due, reason, by, today)
    if LABELS["status"] in labels:
        _move_status(action, ActionStatus(v["status"]), reason=reason, by=by, today=today)


def _create(review: Review, row: PlanRow, recs: dict[str, Recommendation], *, by: User,
            today: date) -> tuple[str, Action | None]:
    v = row.values
    number = " ".join(v["recommendation_number"].split())
    rec = recs.get(number.lower())
    note = ""
    if rec is None:
        rec = create_recommendation(review, number=number, text=v["recommendation_text"],
                                    kind=v["recommendation_kind"], addressees=row.addressees, themes=[])
        recs[number.lower()] = rec
        note = "a new recommendation"
    elif v["recommendation_text"] != rec.text:
        raise DomainError(f"recommendation {rec.number} has different text in this review: change it on the "
                          f"recommendation's page")
    if not v.get("action"):
        return note, None
    status = ActionStatus(v.get("status") or ActionStatus.OPEN.value)
    action = action_services.create_action(rec, description=v["action"], owner=row.owner, lead=row.lead,
                                           due_date=row.due, success_measure=v.get("success_measure", ""),
                                           by=by, today=today, open_now=status is not ActionStatus.DRAFT)
    if row.original_due and row.original_due != row.due:
        # A plan brought in from elsewhere keeps its history of due dates.
        action.original_due_date = row.original_due
    if status not in (ActionStatus.DRAFT, ActionStatus.OPEN):
        _bring_in_status(action, status, by=by, today=today)
    return (note + " and " if note else "") + "a new action", action


def _bring_in_status(action: Action, status: ActionStatus, *, by: User, today: date) -> None:
    """A new action from another system's plan keeps its progress, through the same moves as the web
    forms; a plan cannot make anything submitted or assured (that needs evidence, and a second person)."""
    reason = "Imported from an action plan spreadsheet"
    if status is ActionStatus.IN_PROGRESS:
        action_services.move_status(action, status, by, today=today)
    elif status in (ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED):
        action_services.close_action(action, status, by, reason, today)
    else:
        raise DomainError(f"a new action cannot start as {status.label.lower()}: that needs evidence and a "
                          f"second person. Import it as in progress and submit it on its page")


def _one_row(review: Review, row: PlanRow, recs: dict, by_ref: dict[int, Action], seen: set[int],
             named: dict[str, Action], *, by: User, today: date) -> Outcome:
    """The row's outcome; `named` learns which action the row's reference now stands for (the one it
    updates, or the one it adds), for the measures sheets."""
    if not row.ok:
        return Outcome(row, REFUSED, reasons=list(row.errors))
    ref_text = row.values.get("action_reference", "")
    ref = _reference_id(ref_text) if ref_text else None
    action = by_ref.get(ref) if ref is not None else None
    if action is None:
        note = f"{ref_text} is not an action of this review, so the row is added as new" if ref_text else ""
        try:
            with db.session.begin_nested():
                made, added = _create(review, row, recs, by=by, today=today)
        except DomainError as error:
            return Outcome(row, REFUSED, reasons=[error.message])
        if added is not None and ref_text:
            named[ref_text.strip().upper()] = added
        return Outcome(row, NEW if made else UNCHANGED, note="; ".join(filter(None, [made, note])))
    if action.id in seen:
        return Outcome(row, REFUSED, reasons=[f"{ref_text} is on an earlier row too"])
    seen.add(action.id)
    named[ref_text.strip().upper()] = action
    changes = _differences(action, row)
    if not changes:
        return Outcome(row, UNCHANGED)
    try:
        with db.session.begin_nested():
            _update(action, row, changes, by=by, today=today)
    except DomainError as error:
        db.session.refresh(action)
        return Outcome(row, REFUSED, changes, reasons=[error.message])
    return Outcome(row, CHANGED, changes)


def compare_plan(review: Review, checked: list[PlanRow], *, by: User, today: date, save: bool,
                 sheets: dict[str, list[list[str]]] | None = None) -> list[Outcome]:
    """What importing the rows does to the review, row by row, then the rows of the measures
    sheets (`sheets`, by name). With `save` False (the dry run) it is all rolled back; with `save`
    True the refused rows are left out and the rest is flushed."""
    outer = None if save else db.session.begin_nested()
    recs = {r.number.lower(): r for r in db.session.scalars(
        select(Recommendation).where(Recommendation.review_id == review.id))}
    by_ref = {a.id: a for a in db.session.scalars(select(Action).where(Action.review_id == review.id)
                                                  .options(selectinload(Action.owner_agency),
                                                           selectinload(Action.lead),
                                                           selectinload(Action.recommendation)))}
    seen: set[int] = set()
    named = {f"{REFERENCE_PREFIX}{action_id}": action for action_id, action in by_ref.items()}
    try:
        outcomes = [_one_row(review, row, recs, by_ref, seen, named, by=by, today=today) for row in checked]
        outcomes += _measure_rows(review, sheets or {}, named, recs, by=by, today=today)
    finally:
        if outer is not None:
            outer.rollback()
            db.session.expire_all()
    return outcomes


def _measure_rows(review: Review, sheets: dict[str, list[list[str]]], named: dict[str, Action],
                  recs: dict[str, Recommendation], *, by: User, today: date) -> list[Outcome]:
    """The Measures sheet's rows, then the Measurements sheet's, each in its own savepoint."""
    if not any(len(rows) > 1 for rows in sheets.values()):
        return []
    subjects = measure_sheets.Subjects(review, named, recs)
    kinds = {"new": NEW, "changed": CHANGED, "unchanged": UNCHANGED}
    out = []
    for sheet, apply in ((measure_sheets.MEASURES, measure_sheets.apply_measure),
                         (measure_sheets.MEASUREMENTS, measure_sheets.apply_measurement)):
        for row in measure_sheets.rows_of(sheet, sheets.get(sheet, [])):
            try:
                with db.session.begin_nested():
                    kind = apply(row, subjects, by=by, today=today)
            except DomainError as error:
                out.append(Outcome(row, REFUSED, reasons=[error.message]))
                continue
            out.append(Outcome(row, kinds[kind], note=f"a new {sheet[:-1].lower()}" if kind == "new" else ""))
    return out


def import_plan(review: Review, checked: list[PlanRow], *, by: User, today: date, skip_bad: bool,
                sheets: dict[str, list[list[str]]] | None = None) -> dict[str, int]:
    outcomes = compare_plan(review, checked, by=by, today=today, save=True, sheets=sheets)
    refused = [o for o in outcomes if o.kind == REFUSED]
    if refused and not skip_bad:
        raise DomainError(f"{len(refused)} row{'s' if len(refused) != 1 else ''} cannot be imported. Correct the "
                          f"spreadsheet, or choose to skip the refused rows.")
    db.session.flush()
    counts = {kind: sum(o.kind == kind for o in outcomes) for kind in (UNCHANGED, CHANGED, NEW, REFUSED)}
    counts["recommendations"] = sum("new recommendation" in o.note for o in outcomes)
    counts["actions"] = sum("new action" in o.note for o in outcomes)
    counts["measures"] = sum(o.note == "a new measure" for o in outcomes)
    counts["measurements"] = sum(o.note == "a new measurement" for o in outcomes)
    counts["skipped"] = counts[REFUSED]
    return counts
