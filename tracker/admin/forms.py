"""Admin forms: they check shape only; uniqueness and role rules live in tracker/users/services.py."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput, GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput,
)
from wtforms import (
    BooleanField, Field, FieldList, Form, FormField, PasswordField, RadioField, SelectField, StringField, SubmitField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, StopValidation

from tracker.actions.models import Rating
from tracker.core import lengths
from tracker.settings import DEFAULT_LABELS, WEEKDAYS
from tracker.users.models import ROLE_LABELS, AgencyKind
from tracker.users.services import MIN_PASSWORD_LENGTH
from tracker.web.forms import CountedTextArea, within

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"
PASSWORD_LENGTH = f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
#: The order ratings are listed in on the settings page and the key: B, R, A, G, then not rated.
RATING_KEYS = tuple(Rating)  # the settings page keeps the enum's order


class WholeNumberField(Field):
    """A whole number between `minimum` and `maximum`, with GOV.UK messages that name the field
    ("Enter the at-risk window", "The at-risk window must be a whole number of days")."""

    widget = GovTextInput()

    def __init__(self, label=None, *, minimum: int, maximum: int, noun: str, unit: str = "days", **kwargs):
        super().__init__(label, **kwargs)
        self.minimum, self.maximum, self.noun, self.unit = minimum, maximum, noun, unit
        self._message: str | None = None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self._message = f"Enter {self.noun}"
            return
        if not text.isdigit() or len(text) > 6:
            self._message = f"{self.noun[0].upper()}{self.noun[1:]} must be a whole number of {self.unit}"
            return
        self.data = int(text)

    def pre_validate(self, form):
        if self._message:
            raise StopValidation(self._message)
        if self.data is None:
            raise StopValidation(f"Enter {self.noun}")
        if not self.minimum <= self.data <= self.maximum:
            raise StopValidation(f"{self.noun[0].upper()}{self.noun[1:]} must be between {self.minimum} "
                                 f"and {self.maximum} {self.unit}")


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in AgencyKind]


def _agency_choices(agencies) -> list[tuple[str, str]]:
    return [("", "Not in an agency")] + [
        (str(a.id), a.name if a.active else f"{a.name} (inactive)") for a in agencies]


class _UserFields(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(),
                       validators=[DataRequired("Enter the person's full name"),
                                   within(lengths.PERSON_NAME, "Full name")])
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[DataRequired("Enter the person's email address"),
                                    within(lengths.EMAIL, "Email address"),
                                    Email(EMAIL_FORMAT)])
    role = RadioField("Role", widget=GovRadioInput(), choices=_choices(role_choices()),
                      validate_choice=False, validators=[DataRequired("Choose a role")])
    agency_id = SelectField("Agency", widget=GovSelect(), validate_choice=False,
                            description="Agency leads must belong to an agency; other roles do not need one.")

    def set_agencies(self, agencies) -> None:
        self.agency_id.choices = _choices(_agency_choices(agencies))

    def validate_role(self, field):
        if field.data not in dict(role_choices()):
            raise StopValidation("Choose a role")

    def validate_agency_id(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise StopValidation("Choose an agency from the list")


class NewUserForm(_UserFields):
    password = PasswordField("Initial password", widget=GovPasswordInput(),
                             description=f"At least {MIN_PASSWORD_LENGTH} characters. Give it to the person "
                                         "securely; they can use it to sign in straight away.",
                             validators=[DataRequired("Enter an initial password"),
                                         Length(min=MIN_PASSWORD_LENGTH, message=PASSWORD_LENGTH),
                                         within(lengths.PASSWORD, "The password")])
    submit = SubmitField("Create account", widget=GovSubmitInput())


class EditUserForm(_UserFields):
    active = BooleanField("This account can sign in", widget=GovCheckboxInput(),
                          description="Untick to disable the account: it ends every session straight away.")
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput(),
                             description=f"At least {MIN_PASSWORD_LENGTH} characters.",
                             validators=[DataRequired("Enter a new password"),
                                         Length(min=MIN_PASSWORD_LENGTH, message=PASSWORD_LENGTH),
                                         within(lengths.PASSWORD, "The password")])
    confirm = PasswordField("Confirm the new password", widget=GovPasswordInput(),
                            validators=[DataRequired("Enter the new password again"),
                                        within(lengths.PASSWORD, "The password"),
                                        EqualTo("password", "The passwords do not match")])
    submit = SubmitField("Set new password", widget=GovSubmitInput())


class AgencyForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[DataRequired("Enter the agency's name"),
                                   within(lengths.AGENCY_NAME, "Name")])
    short_name = StringField("Short name", widget=GovTextInput(),
                             description="Shown in tables and on reports, for example “WMP” or “DGFT”.",
                             validators=[DataRequired("Enter a short name"),
                                         within(lengths.SHORT_NAME, "Short name")])
    kind = RadioField("Kind of owner", widget=GovRadioInput(), choices=_choices(kind_choices()), validate_choice=False,
                      validators=[DataRequired("Choose the kind of owner")])
    aliases = TextAreaField("Other names", widget=CountedTextArea(),
                            description="One a line. The importer recognises these in review documents, "
                                        "for example “Police” or “West Midlands Police”.",
                            validators=[within(lengths.ALIASES, "Other names")])
    active = BooleanField("This owner can be given new actions", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save agency", widget=GovSubmitInput())

    def validate_kind(self, field):
        if field.data not in dict(kind_choices()):
            raise StopValidation("Choose the kind of owner")

    def alias_list(self) -> list[str]:
        return [line.strip() for line in (self.aliases.data or "").splitlines() if line.strip()]


class SettingsForm(FlaskForm):
    at_risk_days = WholeNumberField("At-risk window", minimum=1, maximum=365, noun="the at-risk window",
                                    description="An open action due within this many days is rated Amber.")
    stale_update_days = WholeNumberField(
        "Longest time without an update", minimum=1, maximum=730, noun="the longest time without an update",
        description="An open action with no progress update for longer than this is rated Amber.")
    response_days = WholeNumberField(
        "Time to respond to a published review", minimum=1, maximum=365, noun="the time to respond",
        description="Each addressee's formal response is due this many days after the review is published, "
                    "unless a deadline is set on the review.")
    impact_review_months = WholeNumberField(
        "Impact review after assurance", minimum=1, maximum=60, unit="months", noun="the impact review interval",
        description="An assured action comes back to the business unit after this many months to check the change "
                    "has lasted.")
    evidence_max_mb = WholeNumberField("Evidence upload limit", minimum=1, maximum=100, unit="MB",
                                       noun="the evidence upload limit",
                                       description="The largest file that can be uploaded as evidence.")
    summary_weekday = SelectField(
        "Day of the weekly overdue summary", widget=GovSelect(), coerce=int,
        choices=[SelectChoice(i, day) for i, day in enumerate(WEEKDAYS)],
        description="The business unit is emailed a summary of every overdue action, by agency, on this day.")
    submit = SubmitField("Save settings", widget=GovSubmitInput())


def _add_rating_fields() -> None:
    for key in RATING_KEYS:
        name = DEFAULT_LABELS[key]
        setattr(SettingsForm, f"label_{key}", StringField(
            f"Label for {name}", widget=GovTextInput(),
            validators=[DataRequired(f"Enter a label for {name}"),
                        within(lengths.LABEL, f"The label for {name}")]))
        setattr(SettingsForm, f"definition_{key}", TextAreaField(
            f"What {name} means", widget=CountedTextArea(),
            validators=[DataRequired(f"Enter what {name} means"),
                        within(lengths.LABEL_DEFINITION, f"What {name} means")]))


_add_rating_fields()


# --- review clocks ---

class ClockRowForm(Form):
    """One milestone of a review type. Shape only: tracker/reviews/clocks.py checks the rules and
    says which milestone a message is about."""

    name = StringField("Milestone", widget=GovTextInput(), validators=[within(lengths.MILESTONE, "Milestone")])
    start = SelectField("Clock starts from", widget=GovSelect(), validate_choice=False)
    amount = StringField("Time allowed", widget=GovTextInput(), validators=[within(lengths.NUMBER, "Time allowed")])
    unit = SelectField("Counted in", widget=GovSelect(), validate_choice=False)
    fallback_start = SelectField("While that date is not recorded, start from", widget=GovSelect(),
                                 validate_choice=False)
    fallback_amount = StringField("Time allowed from that date", widget=GovTextInput(),
                                  validators=[within(lengths.NUMBER, "Time allowed from that date")])
    fallback_unit = SelectField("Counted in", widget=GovSelect(), validate_choice=False)
    done = SelectField("Done on", widget=GovSelect(), validate_choice=False)
    passed_by = SelectField("A missing date is not a missed deadline once the review is",
                            widget=GovSelect(), validate_choice=False)


class ClockForm(FlaskForm):
    rows = FieldList(FormField(ClockRowForm), min_entries=1)
    submit = SubmitField("Save clocks", widget=GovSubmitInput())


class ResetClockForm(FlaskForm):
    submit = SubmitField("Go back to the statutory defaults", widget=GovSubmitInput())
