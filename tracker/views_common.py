"""Small pieces every blueprint's views use."""

from flask import current_app
from flask_login import current_user

from tracker.errors import DomainError
from tracker.users.models import User


def signed_in_user() -> User:
    """The real User behind Flask-Login's proxy, to hand to services and permissions."""
    return current_user._get_current_object()


def show_error(form, error: DomainError) -> None:
    """Put a service's refusal on the field it is about, or at the top of the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def page_size() -> int:
    return max(1, min(int(current_app.config.get("PAGE_SIZE", 25)), 100))
