"""Partnership settings: defaults from config, overridden by rows in the settings table."""

from dataclasses import dataclass, field, fields

from flask import current_app, g

from tracker.admin.models import Setting
from tracker.extensions import db

DEFAULT_LABELS = {"blue": "Blue", "red": "Red", "amber": "Amber", "green": "Green", "none": "Not rated"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_DEFINITIONS = {
    "blue": "Completed, and evidence of impact on practice accepted by the business unit.",
    "green": "On track, or submitted and awaiting assurance.",
    "amber": "At risk: due soon, no recent update, or the lead reports a risk to delivery.",
    "red": "Overdue, or the lead reports the action is off track.",
    "none": "Draft, withdrawn or superseded actions are not rated.",
}


@dataclass(frozen=True)
class Settings:
    at_risk_days: int = 28
    stale_update_days: int = 90
    evidence_max_mb: int = 20
    # The day the business unit's weekly summary of overdue actions is sent (0 = Monday ... 6 = Sunday).
    summary_weekday: int = 0
    #: Days after publication by which each addressee's formal response is due.
    response_days: int = 28
    #: Months after assurance at which the business unit checks that the change has lasted.
    impact_review_months: int = 6
    #: Days in which the author of an update or evidence may withdraw it as a mistake (the business
    #: unit may at any time).
    withdraw_days: int = 14
    labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    definitions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_DEFINITIONS))
    #: Review clocks changed by the administrator, per review type (see tracker/reviews/clocks.py).
    review_clocks: dict[str, list] = field(default_factory=dict)

    def label(self, rating: str) -> str:
        return self.labels.get(rating, DEFAULT_LABELS[rating])


def load_settings() -> Settings:
    """Settings for this request, read once."""
    if "tracker_settings" in g:
        return g.tracker_settings
    values = {
        "at_risk_days": current_app.config["AT_RISK_DAYS"],
        "stale_update_days": current_app.config["STALE_UPDATE_DAYS"],
        "evidence_max_mb": current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024) or 1,
    }
    names = {f.name for f in fields(Settings)}
    for row in db.session.scalars(db.select(Setting)):
        if row.key in names:
            values[row.key] = row.value
    labels = dict(DEFAULT_LABELS) | values.pop("labels", {})
    definitions = dict(DEFAULT_DEFINITIONS) | values.pop("definitions", {})
    g.tracker_settings = Settings(**values, labels=labels, definitions=definitions)
    return g.tracker_settings


def save_settings(**changes) -> None:
    for key, value in changes.items():
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=value))
        elif row.value != value:
            row.value = value
    g.pop("tracker_settings", None)
