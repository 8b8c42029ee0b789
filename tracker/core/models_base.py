"""Column helpers shared by the models."""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum, TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given for a UTC timestamp column")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        return as_utc(value) if value is not None else None


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp made aware: one without its zone (SQLite forgets it) is in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def enum_column(enum: type[StrEnum], name: str, length: int) -> Enum:
    """A column type for a StrEnum: stored as the members' lowercase values in a VARCHAR(`length`)
    (non-native, the same on every database), guarded by a generated CHECK named `name`
    (ck_<table>_<name> by the naming convention), loaded as the enum's members. Plain strings
    are still accepted when they are one of the values; anything else is refused before it
    reaches the database."""
    return Enum(enum, name=name, length=length, native_enum=False, create_constraint=True,
                validate_strings=True, values_callable=_values)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
