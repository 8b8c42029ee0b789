"""The longest text each kind of field may hold, in characters: the one table that the models (as
String(n), which PostgreSQL enforces), the forms (a message on the field) and the imports (a message
naming the row and column) all read. Change a limit here and in a migration, never at a field."""

# Names, titles and short labels
EMAIL = 254
PERSON_NAME = 200
AGENCY_NAME = 200
SHORT_NAME = 40
REFERENCE = 40  # a review's reference
TITLE = 200  # a review's, an evidence item's, a round's title or name
THEME_NAME = 120
ITEM_NUMBER = 20  # a recommendation's or learning point's number
LINK = 2000
FILE_NAME = 255
PASSWORD = 200
ALIASES = 4000  # an agency's other names, one a line
LABEL = 30  # a rating's label on the settings page
LABEL_DEFINITION = 300
MILESTONE = 200  # a review clock's milestone name
NUMBER = 20  # a number typed in a box (a time allowed, a code)
SECURITY_CODE = 40  # a second-factor or recovery code
PASTED_DOCUMENT = 2_000_000  # a review document pasted as text

# Written text
MEASURE = 500  # what a measure counts
MINUTE_REFERENCE = 100  # a board minute's reference
SOURCE = 500  # where a measured figure comes from (an audit, a data set)
REASON = 5000  # a reason for a change, a decision or a closure; a note to another person
DESCRIPTION = 5000  # an action's description and success measure, an evidence item's description
NARRATIVE = 10000  # a progress update, an impact review's finding, a learning point
LONG_TEXT = 20000  # a review's summary, a recommendation and the reasons for its response
MESSAGE = 5000  # a challenge and the replies to it
THEME_DESCRIPTION = 2000

# Written by the app itself (cut to fit, never refused): audit summaries, error reports, the library
# of reviews published elsewhere (from the national listing).
SYSTEM_TEXT = 20000
LIBRARY_TEXT = 50000
#: A search index entry's title and text: copies of a record's own bounded fields, joined (the sum of any
#: record's fields stays well below this).
SEARCH_TEXT = 100_000


def cut(text: str | None, limit: int) -> str:
    """Text the app writes itself, shortened to fit its column with a visible mark."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"
