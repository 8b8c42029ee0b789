"""Forms for imports: shape only. The document's type and content are checked by the service."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, \
    GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from tracker.reviews.models import ReviewType


class DocumentImportForm(FlaskForm):
    file = FileField("Upload the review document", widget=GovFileInput(),
                     description="A PDF, Word (.docx), web page (.html), text (.txt) or Markdown (.md) file")
    pasted = TextAreaField("Or paste the text of the document", widget=GovTextArea(),
                           validators=[Length(max=2_000_000, message="The pasted text is too long")])
    target = SelectField("Add the items to", widget=GovSelect(), coerce=str,
                         invalid_choice_message="Select a review, or a new review")
    title = StringField("Title of the new review", widget=GovTextInput(),
                        description="The child's or adult's pseudonym, for example Child Y",
                        validators=[Optional(), Length(max=200, message="Title must be 200 characters or fewer")])
    reference = StringField("Reference of the new review (optional)", widget=GovTextInput(),
                            validators=[Optional(), Length(max=40, message="Reference must be 40 characters or fewer")])
    review_type = RadioField("Type of the new review", widget=GovRadioInput(), default="cspr",
                             choices=[SelectChoice(t.value, t.label) for t in ReviewType],
                             invalid_choice_message="Select the type of the new review")
    submit = SubmitField("Find the recommendations", widget=GovSubmitInput())
