"""Path values bounded by their converter, so an id no table can hold is a 404 before any query runs."""

from flask import Flask
from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

# The largest value of a signed 32-bit INTEGER column (PostgreSQL's integer, the ids' type).
MAX_ID = 2**31 - 1


class IdConverter(BaseConverter):
    """A record id in a URL: ASCII digits only (no "²", no sign, no leading zero), 1 to MAX_ID."""

    regex = r"[1-9][0-9]{0,9}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` kept for routes not yet moved to `<id:...>` (tracker/imports/ is being rewritten
    elsewhere): the same upper bound, so no path value overflows a column there either."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["int"] = BoundedIntegerConverter
