"""The one place the application reads the clock. Tests fix it with config FIXED_TODAY."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    fixed = current_app.config.get("FIXED_TODAY")
    if fixed:
        return fixed if isinstance(fixed, date) else date.fromisoformat(fixed)
    return datetime.now(LONDON).date()
