"""Every model, imported in one place so Alembic and the app see the whole schema."""

from tracker.actions.models import (  # noqa: F401
    Action, ActionStatus, AssuranceDecision, Decision, DueDateChange, DueDateRequest, ImpactOutcome, ImpactReview,
    ProgressUpdate, Rating, RequestStatus, StatusChange,
)
from tracker.admin.models import Setting  # noqa: F401
from tracker.audit.models import AuditRecord  # noqa: F401
from tracker.evidence.models import Evidence, EvidenceKind  # noqa: F401
from tracker.recommendations.models import FormalResponse, Recommendation, RecommendationKind, RecommendationResponse  # noqa: F401
from tracker.reviews.models import LearningPoint, Review, ReviewStatus, ReviewType  # noqa: F401
from tracker.themes.models import Theme, ThemeAlias  # noqa: F401
from tracker.users.models import Agency, AgencyKind, Role, User  # noqa: F401
from tracker.reports.models import BoardReport, ReportStatus  # noqa: F401
from tracker.imports.models import ImportDraft, SourceDocument  # noqa: F401
from tracker.challenges.models import Challenge, ChallengeMessage, ChallengeStatus  # noqa: F401
from tracker.library.models import LibraryReview  # noqa: F401
from tracker.rounds.models import UpdateRequest, UpdateRound  # noqa: F401
from tracker.reminders.models import MessageKind, ReminderItem, ReminderMessage  # noqa: F401
from tracker.search.models import SearchEntry  # noqa: F401
