"""The review clocks the administrator may change: per review type, each milestone's name, the key
date its clock starts from, how long it runs (working days, or calendar months for publication
targets), a second start date to use while the first is not recorded, the key date that records it
done, and the stage after which a missing date is a gap in the record rather than a missed deadline.

Changed types are kept as plain JSON in the settings table (key `review_clocks`), so the audit
trail records every change; a type that was never changed uses the statutory defaults in
services.MILESTONE_RULES."""

from dataclasses import dataclass

from tracker.core.errors import DomainError
from tracker.reviews.models import ReviewStatus, ReviewType
from tracker.reviews.milestones import (
    KEY_DATE_FIELDS, KEY_DATE_LABELS, MILESTONE_RULES, Clocks, Deadline, MilestoneRule,
)
from tracker.settings import Settings, save_settings

WORKING_DAYS = "working_days"
MONTHS = "months"
UNITS = {WORKING_DAYS: "working days", MONTHS: "calendar months"}
MAX_AMOUNT = {WORKING_DAYS: 260, MONTHS: 36}  # a year of working days; three years
MAX_MILESTONES = 8
NAME_MAX = 80


@dataclass(frozen=True)
class ClockRow:
    """One milestone as typed on the admin page (blank strings for what was left out)."""

    name: str = ""
    done: str = ""
    start: str = ""
    amount: str = ""
    unit: str = WORKING_DAYS
    fallback_start: str = ""
    fallback_amount: str = ""
    fallback_unit: str = WORKING_DAYS
    passed_by: str = ReviewStatus.CLOSED

    @property
    def blank(self) -> bool:
        return not (self.name.strip() or self.done or self.start or self.amount.strip() or self.fallback_start
                    or self.fallback_amount.strip())


def _deadline(start: str, amount: int | None, unit: str) -> Deadline:
    amount = amount or 0
    return Deadline(start, working_days=amount if unit == WORKING_DAYS else 0, months=amount if unit == MONTHS else 0)


def _rule_to_json(rule: MilestoneRule) -> dict:
    return {"name": rule.name, "done": rule.done, "passed_by": ReviewStatus(rule.passed_by).value,
            "deadlines": [{"start": d.start, "amount": d.months or d.working_days,
                           "unit": MONTHS if d.months else WORKING_DAYS} for d in rule.deadlines]}


def _rule_from_json(item: dict) -> MilestoneRule:
    deadlines = tuple(_deadline(d["start"], int(d["amount"]), d["unit"]) for d in item["deadlines"])
    if not deadlines or any(d.start not in KEY_DATE_FIELDS for d in deadlines) or item["done"] not in KEY_DATE_FIELDS:
        raise ValueError("unknown key date")
    return MilestoneRule(str(item["name"]), item["done"], deadlines, passed_by=ReviewStatus(item["passed_by"]))


def _stored(settings: Settings) -> dict:
    """The changed types as stored (anything but a mapping is ignored)."""
    return settings.review_clocks if isinstance(settings.review_clocks, dict) else {}


def clocks_from_settings(settings: Settings) -> Clocks:
    """Every type's rules: the administrator's where they changed them, else the statutory ones.
    A stored value that cannot be read (edited by hand, say) falls back to the defaults for that
    type rather than breaking every review page."""
    clocks: dict[str, tuple[MilestoneRule, ...]] = {t.value: rules for t, rules in MILESTONE_RULES.items()}
    stored = _stored(settings)
    for review_type, items in stored.items():
        if review_type not in clocks:
            continue
        try:
            clocks[review_type] = tuple(_rule_from_json(item) for item in items)
        except (KeyError, TypeError, ValueError):
            continue
    return clocks


def is_changed(settings: Settings, review_type: str) -> bool:
    return review_type in _stored(settings)


def rows_for(rules: tuple[MilestoneRule, ...]) -> list[ClockRow]:
    """The rules of one type as rows of the admin form."""
    rows = []
    for rule in rules:
        first, *rest = rule.deadlines
        fallback = rest[0] if rest else None
        rows.append(ClockRow(
            name=rule.name, done=rule.done, start=first.start, amount=str(first.months or first.working_days),
            unit=MONTHS if first.months else WORKING_DAYS,
            fallback_start=fallback.start if fallback else "",
            fallback_amount=str(fallback.months or fallback.working_days) if fallback else "",
            fallback_unit=MONTHS if fallback and fallback.months else WORKING_DAYS,
            passed_by=ReviewStatus(rule.passed_by).value))
    return rows


def _check_row(index: int, row: ClockRow, names: set[str]) -> MilestoneRule:
    def refuse(message: str, field: str):
        raise DomainError(f"Milestone {index + 1}: {message}", field=f"rows-{index}-{field}")

    name = " ".join(row.name.split())
    if not name:
        refuse("enter a name, or clear the whole row to remove it", "name")
    if len(name) > NAME_MAX:
        refuse(f"the name must be {NAME_MAX} characters or fewer", "name")
    if name.lower() in names:
        refuse(f"there is already a milestone called “{name}” for this type of review", "name")
    names.add(name.lower())
    if row.done not in KEY_DATE_FIELDS:
        refuse("select the key date that records it done", "done")
    if row.start not in KEY_DATE_FIELDS:
        refuse("select the key date the clock starts from", "start")
    if row.start == row.done:
        refuse("the clock cannot start from the date that records it done", "start")
    amounts = {}
    for field, text, unit in (("amount", row.amount, row.unit), ("fallback_amount", row.fallback_amount,
                                                                 row.fallback_unit)):
        if unit not in UNITS:
            refuse("select working days or calendar months", field.replace("amount", "unit"))
        text = text.strip()
        if not text:
            amounts[field] = None
            continue
        if not (text.isascii() and text.isdigit()) or len(text) > 4:
            refuse("the time allowed must be a whole number, like 5", field)
        if not 0 <= int(text) <= MAX_AMOUNT[unit]:
            refuse(f"the time allowed must be between 0 and {MAX_AMOUNT[unit]} {UNITS[unit]}", field)
        amounts[field] = int(text)
    if amounts["amount"] is None:
        refuse("enter the time allowed (0 means on or before the start date)", "amount")
    deadlines = [_deadline(row.start, amounts["amount"], row.unit)]
    if row.fallback_start:
        if row.fallback_start not in KEY_DATE_FIELDS:
            refuse("select the second start date from the list", "fallback_start")
        if row.fallback_start in (row.start, row.done):
            refuse("the second start date must differ from the first and from the date that records it done",
                   "fallback_start")
        if amounts["fallback_amount"] is None:
            refuse("enter the time allowed from the second start date", "fallback_amount")
        deadlines.append(_deadline(row.fallback_start, amounts["fallback_amount"], row.fallback_unit))
    elif amounts["fallback_amount"] is not None:
        refuse("select the second start date, or clear its time allowed", "fallback_start")
    if row.passed_by not in {s.value for s in ReviewStatus}:
        refuse("select the stage after which a missing date is not a missed deadline", "passed_by")
    return MilestoneRule(name, row.done, tuple(deadlines), passed_by=ReviewStatus(row.passed_by))


def save_clock(settings: Settings, review_type: str, rows: list[ClockRow]) -> tuple[MilestoneRule, ...]:
    """Check every row (blank rows are dropped) and keep the rules of one type of review."""
    if review_type not in {t.value for t in ReviewType}:
        raise DomainError("There is no such type of review")
    kept = [(i, row) for i, row in enumerate(rows) if not row.blank]
    if not kept:
        raise DomainError("Keep at least one milestone, or go back to the statutory defaults")
    if len(kept) > MAX_MILESTONES:
        raise DomainError(f"A type of review can have at most {MAX_MILESTONES} milestones")
    names: set[str] = set()
    rules = tuple(_check_row(i, row, names) for i, row in kept)
    stored = dict(_stored(settings))
    stored[review_type] = [_rule_to_json(rule) for rule in rules]
    save_settings(review_clocks=stored)
    return rules


def reset_clock(settings: Settings, review_type: str) -> None:
    """Go back to the statutory defaults for one type of review."""
    stored = dict(_stored(settings))
    if stored.pop(review_type, None) is not None:
        save_settings(review_clocks=stored)


def describe_rule(rule: MilestoneRule) -> str:
    """One line for the overview table: "Due within 5 working days of the serious incident"."""
    text = "Due " + rule.deadlines[0].describe
    for fallback in rule.deadlines[1:]:
        text += f"; while the {KEY_DATE_LABELS[rule.deadlines[0].start].lower()} date is not recorded, " \
                f"{fallback.describe}"
    return f"{text}. Done on the {KEY_DATE_LABELS[rule.done].lower()} date."
