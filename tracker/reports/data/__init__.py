"""Step one of a report: gather plain data (dataclasses, no ORM objects) in a fixed number of queries,
one module per part of the report:

    scope.py     what the report covers (the as-at date and filters) and the records they select
    archive.py   the period since the previous report with the same filters; ratings over time
    history.py   each action as it stood on a past day, rebuilt from its recorded history
    actions.py   the actions rated on the day, their counts and lists
    reviews.py   reviews with their milestones, recommendations with their formal responses
    themes.py    recurring themes
    scrutiny.py  open scrutiny challenges and the latest update round
    report.py    ReportData and build_report_data, which puts the parts together
    reading.py   how their statements are run (Core, on the session's connection), and how the
                 biggest results are read (as the driver gives them, converted by the caller)

The names the rest of the application uses are importable from here."""

from tracker.actions.models import ALL_RATINGS, RATED
from tracker.reports.data.actions import ActionLine, CountRow, DueMoveLine
from tracker.reports.data.archive import PastReport
from tracker.reports.data.history import (
    ActionFacts,
    ActionState,
    DueMove,
    EvidenceRecord,
    StatusMove,
    UpdateRecord,
    action_state_at,
)
from tracker.reports.data.report import ReportData, build_report_data
from tracker.reports.data.reviews import (
    LateMilestoneLine,
    MilestoneLine,
    RecommendationSection,
    ReviewSection,
    UnansweredRecommendation,
)
from tracker.reports.data.scope import ReportScope, resolve_scope
from tracker.reports.data.scrutiny import ChallengeLine, RoundSummary
from tracker.reports.data.themes import ThemeLine

__all__ = [
    "ALL_RATINGS", "RATED", "ActionFacts", "ActionLine", "ActionState", "ChallengeLine", "CountRow", "DueMove",
    "DueMoveLine", "EvidenceRecord", "LateMilestoneLine", "MilestoneLine", "PastReport", "RecommendationSection",
    "ReportData", "ReportScope", "ReviewSection", "RoundSummary", "StatusMove", "ThemeLine",
    "UnansweredRecommendation", "UpdateRecord", "action_state_at", "build_report_data", "resolve_scope",
]
