"""The audit trail's search form: it checks shape only (dates, a whole-number record id)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, StopValidation

from tracker.core import lengths
from tracker.web.forms import GovukDateField, within


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


#: Events written by the application; the search also offers any other event found in the trail.
KNOWN_EVENTS = ("create", "update", "delete", "sign_in", "sign_in_failed", "sign_out", "evidence_downloaded",
                "email_sent", "email_failed")


class AuditSearchForm(FlaskForm):
    """The audit search, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    actor = StringField("Who (email contains)", widget=GovTextInput(),
                        validators=[Optional(), within(lengths.EMAIL, "Who")])
    event = SelectField("Event", widget=GovSelect(), validate_choice=False)
    object_type = SelectField("Record type", widget=GovSelect(), validate_choice=False)
    object_id = StringField("Record ID", widget=GovTextInput(),
                            validators=[Optional(), Length(max=12, message="Record ID must be a whole number")])
    date_from = GovukDateField("From", required=False)
    date_to = GovukDateField("To", required=False)

    def set_choices(self, events: list[str], object_types: list[str]) -> None:
        self.event.choices = _choices([("", "Any event")] + [(e, e.replace("_", " ").capitalize()) for e in events])
        self.object_type.choices = _choices([("", "Any record")] + [(t, t) for t in object_types])

    def validate_object_id(self, field):
        if field.data and not field.data.strip().isdigit():
            raise StopValidation("Record ID must be a whole number")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise StopValidation("The ‘To’ date must be the same as or after the ‘From’ date")

    def filters(self) -> dict:
        """The filters that passed their checks; a field with an error is left out."""
        def ok(field):  # a blank (or only spaces) filter is no filter
            data = field.data.strip() if isinstance(field.data, str) else field.data
            return not field.errors and data not in (None, "")
        return {
            "actor": self.actor.data.strip() if ok(self.actor) else "",
            "event": self.event.data if ok(self.event) else "",
            "object_type": self.object_type.data if ok(self.object_type) else "",
            "object_id": int(self.object_id.data) if ok(self.object_id) else None,
            "date_from": self.date_from.data if ok(self.date_from) else None,
            "date_to": self.date_to.data if ok(self.date_to) else None,
        }
