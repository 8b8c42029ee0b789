"""Target dates as action plans write them: "31/03/2026", "31.3.26", "2026-03-31", "31 March 2026",
"March 2026" and "03/2026" (the month's end). Anything else ("ongoing", "6 months") is left for the
person confirming."""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _day(year: int, month: int, day: int | None) -> date | None:
    if not (1 <= month <= 12 and 1990 <= year <= 2100):
        return None
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return date(year, month, last)
    return date(year, month, day) if 1 <= day <= last else None


def parse_target_date(text: str) -> date | None:
    text = (text or "").strip().lower()
    match = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if match:
        return _day(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = re.search(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b", text)
    if match:  # UK order: day, month, year
        return _day(_year(match.group(3)), int(match.group(2)), int(match.group(1)))
    match = re.search(r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]{3,9})\.?,?\s+(\d{4})\b", text)
    if match and match.group(2) in MONTHS:
        return _day(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)) if match.group(1) else None)
    match = re.search(r"\b(\d{1,2})[/.](\d{4})\b", text)
    if match:
        return _day(int(match.group(2)), int(match.group(1)), None)
    return None
