"""The evidence form: shape only. File type, size and link checks live in the evidence services."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from tracker.actions.forms import choices
from tracker.core import lengths
from tracker.evidence.models import EvidenceKind
from tracker.evidence.services import ALLOWED_LIST_TEXT
from tracker.web.forms import CountedTextArea, GovukDateField, within


class EvidenceForm(FlaskForm):
    kind = RadioField("What does this evidence show?", widget=GovRadioInput(),
                      choices=choices([(EvidenceKind.COMPLETION, "Completion: the action was done "
                                                               "(for example a new policy, staff trained)"),
                               (EvidenceKind.IMPACT, "Impact: practice has changed "
                                                           "(for example a case-file audit)")]),
                      invalid_choice_message="Choose completion or impact")
    title = StringField("Title", widget=GovTextInput(),
                        validators=[DataRequired("Enter a title for the evidence"),
                                    within(lengths.TITLE, "Title")])
    description = TextAreaField("Description (optional)", widget=CountedTextArea(),
                                validators=[within(lengths.DESCRIPTION, "Description")])
    effective_date = GovukDateField("Date the evidence applies from",
                                    description="For example the date of the audit or of the training.")
    file = FileField("Upload a file", widget=GovFileInput(),
                     description=f"A {ALLOWED_LIST_TEXT} file.")
    link_url = StringField("Or give a link", widget=GovTextInput(),
                           description="A web address starting with https://, for example a published report.",
                           validators=[within(lengths.LINK, "The link")])
    submit = SubmitField("Add evidence", widget=GovSubmitInput())
