from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, bindparam, false, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db


class Role(StrEnum):
    ADMIN = "admin"
    BUSINESS_UNIT = "business_unit"
    AGENCY_LEAD = "agency_lead"
    BOARD_MEMBER = "board_member"
    SCRUTINEER = "scrutineer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


#: The roles that run the tracker: they create and edit reviews and actions and judge evidence.
STAFF_ROLES = (Role.ADMIN, Role.BUSINESS_UNIT)
#: The roles that read every agency's actions (an agency lead reads only its own agency's).
READ_ALL_ROLES = (*STAFF_ROLES, Role.BOARD_MEMBER, Role.SCRUTINEER)

ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.BUSINESS_UNIT: "Business unit",
    Role.AGENCY_LEAD: "Agency lead",
    Role.BOARD_MEMBER: "Board member",
    Role.SCRUTINEER: "Independent scrutineer",
}


class AgencyKind(StrEnum):
    AGENCY = "agency"
    PARTNERSHIP = "partnership"
    SUBGROUP = "subgroup"
    NATIONAL = "national"

    @property
    def label(self) -> str:
        return {"agency": "Agency", "partnership": "Partnership", "subgroup": "Subgroup",
                "national": "National body"}[self.value]


class Agency(db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[AgencyKind] = mapped_column(enum_column(AgencyKind, "kind", 20), default=AgencyKind.AGENCY)
    #: Other names an import may use for the agency. Deferred: only the import's owner matching and the
    #: agency form read them, and decoding the JSON for every joined agency was the review page's
    #: largest single cost (175 decodes a request on the ten-year data).
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list, deferred=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="agency")

    @property
    def kind_label(self) -> str:
        return AgencyKind(self.kind).label

    def __repr__(self) -> str:
        return f"<Agency {self.short_name}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role != 'agency_lead' OR agency_id IS NOT NULL", name="agency_lead_has_agency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role", 20), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to end every session of this user at once (sign-out everywhere, disable, new password).
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Comment mentions by email at once (False), or gathered into the next day's digest (True).
    notify_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Sign-in protection: failures in a row, and the time a temporary lock ends.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor: a TOTP secret (base32), the last time step used (no replay), and hashed
    # single-use recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    #: Deferred: read only by the second-factor steps, while every page that names people (an action's
    #: lead, a review's leads) would otherwise decode this JSON once a person.
    recovery_codes: Mapped[list[str] | None] = mapped_column(JSON, default=list, deferred=True)

    agency: Mapped[Agency | None] = relationship(back_populates="users")

    AUDIT_EXCLUDE = ("password_hash", "totp_secret", "recovery_codes", "totp_last_step")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret and self.totp_enabled_at)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def has_role(self, *roles: Role) -> bool:
        return self.role in {Role(r) for r in roles}

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


#: The signed-in user, loaded on every request, with their agency (the header names it on every page):
#: built once, so each request only runs it.
SIGNED_IN_USER = select(User).options(joinedload(User.agency)).where(User.id == bindparam("id"))
