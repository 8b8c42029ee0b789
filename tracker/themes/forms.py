from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from tracker.core import lengths
from tracker.web.forms import CountedTextArea, within


class ThemeForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[DataRequired("Enter the theme's name"),
                                   within(lengths.THEME_NAME, "Name")])
    description = TextAreaField("Description", widget=CountedTextArea(),
                                description="Optional. What this theme covers, so that it is used the same way "
                                            "across reviews.",
                                validators=[within(lengths.THEME_DESCRIPTION, "Description")])
    submit = SubmitField("Save theme", widget=GovSubmitInput())


class MergeThemeForm(FlaskForm):
    into = SelectField("Merge into", widget=GovSelect(), validate_choice=False,
                       description="Every review, recommendation and library entry with this theme will carry the "
                                   "theme you choose instead; this theme's name will still find it when the "
                                   "library is imported again.",
                       validators=[DataRequired("Choose the theme to keep")])
    submit = SubmitField("Merge themes", widget=GovSubmitInput())
