"""The themes list as a spreadsheet, sorted as on the page, with the page's counts (open actions: those
the user may see): CSV and XLSX through tracker.web.downloads.list_export."""

from collections.abc import Iterator

from tracker.extensions import db
from tracker.themes.services import theme_counts, themes_query
from tracker.users.models import User

COLUMNS = [("Theme", 36), ("Description", 60), ("Reviews", 10), ("Recommendations", 16), ("Open actions", 12)]
#: Themes whose counts are read in one set of grouped queries.
BATCH = 500


def export_rows(user: User, sort: str, direction: str) -> Iterator[list]:
    themes = list(db.session.scalars(themes_query(user, sort, direction)))
    for start in range(0, len(themes), BATCH):
        batch = themes[start:start + BATCH]
        counts = theme_counts(user, [theme.id for theme in batch])
        for theme in batch:
            count = counts[theme.id]
            yield [theme.name, theme.description or "", count["reviews"], count["recommendations"], count["actions"]]
