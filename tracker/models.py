"""Every model, imported in one place so Alembic and the app see the whole schema."""

from tracker.actions.models import (  # noqa: F401
    Action,
    ActionStatus,
    AssuranceDecision,
    Decision,
    DueDateChange,
    DueDateRequest,
    ImpactOutcome,
    ImpactReview,
    ProgressUpdate,
    Rating,
    RequestStatus,
    StatusChange,
)
from tracker.admin.models import Setting  # noqa: F401
from tracker.audit.models import AuditRecord  # noqa: F401
from tracker.challenges.models import Challenge, ChallengeMessage, ChallengeStatus  # noqa: F401
from tracker.closure.models import ClosureDecision, ClosureKind  # noqa: F401
from tracker.comments.models import Comment, CommentMention  # noqa: F401
from tracker.deputies.models import Deputy  # noqa: F401
from tracker.evidence.models import Evidence, EvidenceKind  # noqa: F401
from tracker.imports.models import ImportDraft, SourceDocument  # noqa: F401
from tracker.library.models import LibraryReview  # noqa: F401
from tracker.measures.models import Direction, Measure, Measurement, MeasureUnit  # noqa: F401
from tracker.recommendations.models import (  # noqa: F401
    FormalResponse,
    Recommendation,
    RecommendationKind,
    RecommendationResponse,
)
from tracker.reminders.models import MessageKind, ReminderItem, ReminderMessage  # noqa: F401
from tracker.reports.models import (  # noqa: F401
    BoardMeeting,
    BoardReport,
    PackRun,
    ReportStatus,
    ReportTemplate,
)
from tracker.reviews.models import LearningPoint, Review, ReviewStatus, ReviewType  # noqa: F401
from tracker.rounds.models import UpdateRequest, UpdateRound  # noqa: F401
from tracker.search.models import SearchEntry  # noqa: F401
from tracker.themes.models import Theme, ThemeAlias  # noqa: F401
from tracker.users.models import Agency, AgencyKind, Role, User  # noqa: F401
