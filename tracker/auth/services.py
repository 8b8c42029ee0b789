from sqlalchemy import func

from tracker.audit.services import log_event
from tracker.extensions import db
from tracker.models_base import utcnow
from tracker.users.models import User


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; both outcomes are audited."""
    user = db.session.scalar(db.select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or not user.check_password(password):
        log_event("sign_in_failed", obj=user, summary=f"Failed sign-in for {email.strip()[:254]}")
        return None
    user.last_sign_in_at = utcnow()
    log_event("sign_in", obj=user, actor=user, summary=f"{user.email} signed in")
    return user
