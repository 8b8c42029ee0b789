"""Forms for board reports: shape only; the filters are checked against the records in the service."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from tracker.core import lengths
from tracker.reports import commentary
from tracker.web.forms import CountedTextArea, GovukDateField, within


class NewReportForm(FlaskForm):
    as_at = GovukDateField("As at date", description="Every rating in the report is worked out for this date "
                                                      "from the recorded history. For example, 31 3 2026")
    review = SelectField("Review", widget=GovSelect(), validate_choice=False)
    agency = SelectField("Owning agency", widget=GovSelect(), validate_choice=False)
    theme = SelectField("Theme", widget=GovSelect(), validate_choice=False)
    meeting = SelectField("Board meeting (for a draft)", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Generate the report", widget=GovSubmitInput())
    draft = SubmitField("Start a draft to write commentary", widget=GovSubmitInput())


def _commentary_field(key: str, label: str) -> TextAreaField:
    limit = commentary.limit_for(key)
    return TextAreaField(label, widget=CountedTextArea(), validators=[
        Length(max=limit + 200, message=f"{label} must be {limit:,} characters or fewer")])


class CommentaryForm(FlaskForm):
    """One text box per cover field and per part of the report (commentary.FIELDS); the service cleans
    and bounds the text (the +200 here only stops a huge post early)."""

    purpose = _commentary_field("purpose", commentary.FIELDS["purpose"])
    asks = _commentary_field("asks", commentary.FIELDS["asks"])
    summary = _commentary_field("summary", commentary.FIELDS["summary"])
    charts = _commentary_field("charts", commentary.FIELDS["charts"])
    exceptions = _commentary_field("exceptions", commentary.FIELDS["exceptions"])
    reviews = _commentary_field("reviews", commentary.FIELDS["reviews"])
    assured = _commentary_field("assured", commentary.FIELDS["assured"])
    themes = _commentary_field("themes", commentary.FIELDS["themes"])
    save = SubmitField("Save the commentary", widget=GovSubmitInput())
    publish = SubmitField("Save and publish", widget=GovSubmitInput())


class TemplateForm(FlaskForm):
    template = FileField("Upload the partnership's Word template", widget=GovFileInput(),
                         description="A .docx file smaller than 5 MB whose cover sheet has the fields {{meeting}}, "
                                     "{{date}}, {{author}}, {{purpose}} and {{asks}}.")
    submit = SubmitField("Upload the template", widget=GovSubmitInput())


class MeetingForm(FlaskForm):
    meeting_date = GovukDateField("Date of the meeting", description="For example, 14 7 2026")
    title = StringField("Name of the meeting", widget=GovTextInput(),
                        validators=[DataRequired("Enter the name of the meeting"),
                                    within(lengths.TITLE, "The name")])
    draft_days_before = IntegerField(
        "Days before the meeting to prepare the draft", widget=GovTextInput(), default=7,
        validators=[InputRequired("Enter a number of days, for example 7"),
                    NumberRange(0, 90, "Enter a number of days from 0 to 90")])
    submit = SubmitField("Add the meeting", widget=GovSubmitInput())


class PacksForm(FlaskForm):
    as_at = GovukDateField("As at date", description="Every rating in the packs is worked out for this date. "
                                                      "For example, 31 3 2026")
    submit = SubmitField("Make the packs for every agency", widget=GovSubmitInput())
