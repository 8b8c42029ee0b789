"""Forms for imports: shape only. The document's type and content are checked by the service."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSelect, GovSubmitInput, \
    GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from tracker.core import lengths
from tracker.reviews.models import ReviewType
from tracker.web.forms import CountedTextArea, within


class DocumentImportForm(FlaskForm):
    file = FileField("Upload the review document", widget=GovFileInput(),
                     description="A PDF, Word (.docx), web page (.html), text (.txt) or Markdown (.md) file")
    pasted = TextAreaField("Or paste the text of the document", widget=CountedTextArea(),
                           validators=[within(lengths.PASTED_DOCUMENT, "The pasted text")])
    target = SelectField("Add the items to", widget=GovSelect(), coerce=str,
                         invalid_choice_message="Select a review, or a new review")
    title = StringField("Title of the new review", widget=GovTextInput(),
                        description="The child's or adult's pseudonym, for example Child Y",
                        validators=[Optional(), within(lengths.TITLE, "Title")])
    reference = StringField("Reference of the new review (optional)", widget=GovTextInput(),
                            validators=[Optional(), within(lengths.REFERENCE, "Reference")])
    review_type = RadioField("Type of the new review", widget=GovRadioInput(), default="cspr",
                             choices=[SelectChoice(t.value, t.label) for t in ReviewType],
                             invalid_choice_message="Select the type of the new review")
    submit = SubmitField("Find the recommendations", widget=GovSubmitInput())
