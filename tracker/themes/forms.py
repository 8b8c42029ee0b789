from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class ThemeForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[DataRequired("Enter the theme's name"),
                                   Length(max=120, message="Name must be 120 characters or fewer")])
    description = TextAreaField("Description", widget=GovTextArea(),
                                description="Optional. What this theme covers, so that it is used the same way "
                                            "across reviews.",
                                validators=[Length(max=2000, message="Description must be 2,000 characters or fewer")])
    submit = SubmitField("Save theme", widget=GovSubmitInput())
