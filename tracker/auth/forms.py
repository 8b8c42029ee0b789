from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo

from tracker.core import lengths
from tracker.web.forms import within


class SignInForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[DataRequired("Enter your email address"),
                                    Email("Enter an email address in the correct format, like name@example.org"),
                                    within(lengths.EMAIL, "Email address")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[DataRequired("Enter your password"),
                                         within(lengths.PASSWORD, "The password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField("Security code", widget=GovTextInput(),
                       description="The 6-digit code from your authenticator app, or one of your recovery codes",
                       validators=[DataRequired("Enter the security code"),
                                   within(lengths.SECURITY_CODE, "Security code")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class EnrolForm(FlaskForm):
    code = StringField("Code from your app", widget=GovTextInput(),
                       description="Enter the 6-digit code your app shows for Follow Through",
                       validators=[DataRequired("Enter the 6-digit code from your app"),
                                   within(lengths.NUMBER, "Code")])
    submit = SubmitField("Turn on two-step sign-in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[DataRequired("Enter your current password"),
                                                 within(lengths.PASSWORD, "The password")])
    password = PasswordField("New password", widget=GovPasswordInput(),
                             description="At least 12 characters. Three or more unrelated words work well.",
                             validators=[DataRequired("Enter a new password"),
                                         within(lengths.PASSWORD, "The password")])
    confirm = PasswordField("Confirm the new password", widget=GovPasswordInput(),
                            validators=[DataRequired("Enter the new password again"),
                                        within(lengths.PASSWORD, "The password"),
                                        EqualTo("password", "The passwords do not match")])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[DataRequired(message="Enter your password"),
                                         within(lengths.PASSWORD, "The password")])
    submit = SubmitField("Continue", widget=GovSubmitInput())
