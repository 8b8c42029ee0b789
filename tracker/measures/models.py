"""Measures: what is counted to show that practice changed, with a baseline and a target, and the
measurements recorded over time. A measure belongs to one action, or to a recommendation when its
actions share it."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core import lengths
from tracker.core.models_base import UTCDateTime, enum_column, utcnow
from tracker.extensions import db
from tracker.users.models import User


class MeasureUnit(StrEnum):
    PERCENTAGE = "percentage"
    COUNT = "count"
    DAYS = "days"
    RATE = "rate"
    SCORE = "score"

    @property
    def label(self) -> str:
        return {"percentage": "Percentage", "count": "Count", "days": "Days",
                "rate": "Rate (per 1,000)", "score": "Score"}[self.value]

    def format(self, value: float) -> str:
        """A value as a reader sees it: "85%", "12 days", "1,250"."""
        text = f"{value:,.1f}".removesuffix(".0")
        if self is MeasureUnit.PERCENTAGE:
            return f"{text}%"
        if self is MeasureUnit.DAYS:
            return f"{text} day" if value == 1 else f"{text} days"
        if self is MeasureUnit.RATE:
            return f"{text} per 1,000"
        return text


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"

    @property
    def label(self) -> str:
        return {"up": "Higher is better", "down": "Lower is better"}[self.value]


def meets(direction: Direction | str, value: float, target: float) -> bool:
    """A value meets its target when it is at or beyond it in the better direction."""
    return value >= target if Direction(direction) is Direction.UP else value <= target


class Measure(db.Model):
    __tablename__ = "measures"
    __table_args__ = (
        CheckConstraint("(action_id IS NULL) != (recommendation_id IS NULL)", name="one_subject"),
        CheckConstraint("target_date > baseline_date", name="target_after_baseline"),
        CheckConstraint("(direction = 'up' AND target_value > baseline_value) OR "
                        "(direction = 'down' AND target_value < baseline_value)", name="target_is_better"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                          index=True)
    description: Mapped[str] = mapped_column(String(lengths.MEASURE))
    unit: Mapped[MeasureUnit] = mapped_column(enum_column(MeasureUnit, "unit", 20))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "direction", 10))
    baseline_value: Mapped[float] = mapped_column(Float)
    baseline_date: Mapped[date] = mapped_column(Date)
    baseline_source: Mapped[str] = mapped_column(String(lengths.SOURCE), default="")
    target_value: Mapped[float] = mapped_column(Float)
    target_date: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    measurements: Mapped[list["Measurement"]] = relationship(
        back_populates="measure", order_by="Measurement.measured_date, Measurement.id",
        cascade="all, delete-orphan")
    action: Mapped["Action | None"] = relationship()  # noqa: F821
    recommendation: Mapped["Recommendation | None"] = relationship()  # noqa: F821

    @property
    def unit_label(self) -> str:
        return MeasureUnit(self.unit).label

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label

    def show(self, value: float) -> str:
        return MeasureUnit(self.unit).format(value)

    @property
    def latest(self) -> "Measurement | None":
        return self.measurements[-1] if self.measurements else None

    @property
    def target_met(self) -> bool | None:
        """Whether the latest measurement meets the target; None before the first measurement."""
        latest = self.latest
        return None if latest is None else meets(self.direction, latest.value, self.target_value)

    def __repr__(self) -> str:
        return f"<Measure {self.id} {self.description[:30]!r}>"


class Measurement(db.Model):
    """One dated value of a measure, with the sample it was counted from and where it came from.
    Never overwritten: a correction is a new measurement."""

    __tablename__ = "measurements"
    __table_args__ = (
        CheckConstraint("sample_size IS NULL OR sample_size > 0", name="sample_size_positive"),
        Index("ix_measurements_measure_date", "measure_id", "measured_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    measured_date: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    sample_size: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(lengths.SOURCE))
    evidence_link: Mapped[str] = mapped_column(String(lengths.LINK), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="measurements")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def meets_target(self) -> bool:
        return meets(self.measure.direction, self.value, self.measure.target_value)
