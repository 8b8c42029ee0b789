"""Measure forms: shape only (a number is a number, a date a real date); the rules (a percentage
over 100, a target in the wrong direction, a measurement before the baseline) live in the services."""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, StopValidation

from tracker.core import lengths
from tracker.measures.models import Direction, MeasureUnit
from tracker.web.forms import CountedTextArea, GovukDateField, within

NUMBER = re.compile(r"^-?\d{1,12}(\.\d{1,6})?$")


class NumberField(StringField):
    """A number typed as text ("85", "12.5", "1,250", "85%"), with a message a person understands.
    The text typed stays in the box when the form comes back with an error."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, required: bool = True, whole: bool = False, **kwargs):
        self.too_long = within(lengths.NUMBER, label or "The number")
        super().__init__(label, [*(validators or []), self.too_long], **kwargs)
        self.required, self.whole = required, whole
        self.number = None

    def pre_validate(self, form):
        text = (self.data or "").strip().replace(",", "").removesuffix("%").strip()
        name = self.label.text
        self.number = None
        if len(self.data or "") > lengths.NUMBER:
            raise StopValidation(self.too_long.message)
        if not text:
            if self.required:
                raise StopValidation(f"Enter {name[0].lower()}{name[1:]}")
            return
        if not NUMBER.match(text) or (self.whole and "." in text):
            kind = "a whole number, like 40" if self.whole else "a number, like 85 or 12.5"
            raise StopValidation(f"{name} must be {kind}")
        self.number = int(text) if self.whole else float(text)


class MeasureForm(FlaskForm):
    description = TextAreaField("What is counted", widget=CountedTextArea(), validators=[
        DataRequired("Enter what is counted"),
        within(lengths.MEASURE, "What is counted")])
    unit = RadioField("Unit", widget=GovRadioInput(), choices=[SelectChoice(u.value, u.label) for u in MeasureUnit],
                      validators=[DataRequired("Select the unit")])
    direction = RadioField("Which direction is better", widget=GovRadioInput(),
                           choices=[SelectChoice(d.value, d.label) for d in Direction],
                           validators=[DataRequired("Select which direction is better")])
    baseline_value = NumberField("Baseline value")
    baseline_date = GovukDateField("Date of the baseline")
    baseline_source = StringField("Source of the baseline (optional)", widget=GovTextInput(), validators=[
        Optional(), within(lengths.SOURCE, "The source")])
    target_value = NumberField("Target value")
    target_date = GovukDateField("Target date")
    submit = SubmitField("Save the measure", widget=GovSubmitInput())


class MeasurementForm(FlaskForm):
    measured_date = GovukDateField("Date of the measurement")
    value = NumberField("Value")
    sample_size = NumberField("Sample size (optional)", required=False, whole=True)
    source = StringField("Source", widget=GovTextInput(), validators=[
        DataRequired("Enter where the figure comes from (the audit or data set)"),
        within(lengths.SOURCE, "The source")])
    evidence_link = StringField("Link to the evidence (optional)", widget=GovTextInput(), validators=[
        Optional(), within(lengths.LINK, "The link")])
    submit = SubmitField("Record the measurement", widget=GovSubmitInput())
