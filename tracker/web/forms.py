"""Form pieces shared by every domain."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovCheckboxInput, GovDateInput, GovTextArea
from wtforms import BooleanField, Field
from wtforms.validators import Length, StopValidation

PARTS = ("day", "month", "year")


class CountedTextArea(GovCharacterCount):
    """A long free-text box with the GOV.UK character count, counting to the limit the server enforces
    (the field's Length validator, from within() and tracker/core/lengths.py). Boxes with a limit of
    COUNT_FROM_THRESHOLD or more show the count only from three quarters full. A box without a limit
    is a plain text area."""

    COUNT_FROM_THRESHOLD = 10_000

    def __call__(self, field, **kwargs):
        limit = text_limit(field)
        if limit is None:
            return GovTextArea()(field, **kwargs)
        params = {"maxlength": limit, **({"threshold": 75} if limit >= self.COUNT_FROM_THRESHOLD else {})}
        kwargs["params"] = {**params, **kwargs.get("params", {})}
        return super().__call__(field, **kwargs)


def text_limit(field) -> int | None:
    """The most characters a field accepts, from its Length validator (None: no limit)."""
    return next((v.max for v in field.validators if isinstance(v, Length) and v.max is not None and v.max > 0),
                None)


class FarDateConfirmation:
    """Mixed into a form whose date may be planned beyond the horizon (tracker/core/dates.py): the service
    refuses such a date with FarAhead until the user ticks this box, which the page shows (with the
    GOV.UK warning, macro far_date_confirmation) once asked, and keeps showing while it is ticked."""

    confirm_far_date = BooleanField("Yes, the date is right", widget=GovCheckboxInput())
    far_date_asked = False

    @property
    def shows_far_date_confirmation(self) -> bool:
        return self.far_date_asked or bool(self.confirm_far_date.data)


class GovukDateField(Field):
    """Day, month and year boxes with the GOV.UK error messages ("Due date must be a real date").

    Always keeps exactly three raw values so the widget can show back what was typed."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, required: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self._message: str | None = None

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        values = [(v or "").strip() for v in valuelist[:3]]
        values += [""] * (3 - len(values))
        self.raw_data = values
        self.data = None
        name = self.label.text
        if not any(values):
            if self.required:
                self._message = f"Enter {name[0].lower()}{name[1:]}"
            return
        missing = [part for part, value in zip(PARTS, values) if not value]
        if missing:
            self._message = f"{name} must include a {' and '.join(missing)}"
            return
        try:
            day, month, year = (int(v) for v in values)
            if year < 1900 or year > 2200:
                raise ValueError
            self.data = date(year, month, day)
        except (ValueError, OverflowError):  # a day of 99999999999999999999 overflows
            self._message = f"{name} must be a real date"

    def pre_validate(self, form):
        if self._message:
            raise StopValidation(self._message)
        if self.required and self.data is None and self.raw_data is None:
            name = self.label.text
            raise StopValidation(f"Enter {name[0].lower()}{name[1:]}")


def within(limit: int, what: str) -> Length:
    """A text field's maximum, from tracker/core/lengths.py, in the GOV.UK words: "Title must be 200
    characters or fewer"."""
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")
