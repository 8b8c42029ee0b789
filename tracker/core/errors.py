class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user on the form."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class FarAhead(DomainError):
    """A planned date beyond the horizon but within the limit (tracker/core/dates.py): the form asks the user
    to confirm it (tracker/web/forms.FarDateConfirmation) and sends it again confirmed."""
