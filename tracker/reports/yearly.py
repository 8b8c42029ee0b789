"""The yearly report's chapter on learning from reviews, for a reporting year (April to March by
default; config REPORTING_YEAR_START_MONTH): reviews started, completed and published in the year with
their statutory timeliness, the recommendations of the year's reviews and how far each is implemented,
evidence of impact recorded in the year, recurring themes, and the actions on themes that national
reviews (the library) also found. As DOCX and PDF, with charts; `flask yearly-report`.

Gathered from the board report's data as at the year's last day (or today, for the year in progress)
plus two queries: the reviews' key dates and the themes of the national reviews."""

from __future__ import annotations

import io
from dataclasses import dataclass
from collections import defaultdict
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from tracker.actions.models import ALL_RATINGS
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.library.models import library_review_themes
from tracker.measures.models import meets
from tracker.reports.chart_images import chart_images
from tracker.reports.charts import chart_series, report_charts
from tracker.reports.data import ReportData, ThemeLine, build_report_data, resolve_scope
from tracker.reports.docx_render import DocxWriter, long_date, new_document
from tracker.reviews.models import Review
from tracker.settings import load_settings
from tracker.themes.models import Theme


def year_bounds(year: int, start_month: int = 4) -> tuple[date, date]:
    """The reporting year that starts in `year`: 2025 with April gives 1 April 2025 to 31 March 2026."""
    start = date(year, start_month, 1)
    end = date(year + (1 if start_month > 1 else 0), start_month - 1 or 12, 1)
    end = (date(end.year + (end.month == 12), end.month % 12 + 1, 1)) - timedelta(days=1)
    return start, end


@dataclass(frozen=True)
class ReviewYearLine:
    reference: str
    title: str
    type_label: str
    on: date
    timeliness: str


@dataclass(frozen=True)
class Implementation:
    review_reference: str
    number: str
    text: str
    actions: int
    assured: int

    @property
    def state(self) -> str:
        if not self.actions:
            return "No actions yet"
        if self.assured == self.actions:
            return "Implemented: every action assured"
        return f"Partly implemented: {self.assured} of {self.actions} actions assured" if self.assured else \
            f"In progress: none of {self.actions} actions assured yet"


THEMES_CAPTION = "Themes of the year's reviews found in two or more reviews"
IMPACT_CAPTION = "Evidence of impact on practice in the year, by agency"
IMPACT_HEADINGS = ("Agency", "Evidence of impact recorded", "Measures measured", "Meeting their target")


@dataclass(frozen=True)
class AgencyImpact:
    """One agency's evidence of impact in the year: the impact evidence it recorded, and its measures
    measured in the year with how many meet their target at the year's latest measurement."""
    agency: str
    evidence: int
    measured: int
    met: int


def impact_by_agency(data: ReportData, start: date, as_at: date) -> list[AgencyImpact]:
    """The year's evidence of impact, by agency. A row per piece of evidence was 700 rows (35 pages) on
    the ten-year data and said less than these counts; the figures themselves are in the app and in
    the board report's impact section."""
    evidence: dict[str, int] = defaultdict(int)
    for line in data.actions:
        evidence[line.owner] += sum(1 for e in line.impact_evidence if start <= e.effective_date <= as_at)
    measured: dict[str, int] = defaultdict(int)
    met: dict[str, int] = defaultdict(int)
    for measure in data.impact.measures if data.impact else ():
        in_year = [value for on, value in measure.points if start <= on <= as_at]
        if in_year:
            measured[measure.owner] += 1
            met[measure.owner] += meets(measure.direction, in_year[-1], measure.target[1])
    return [AgencyImpact(agency, evidence[agency], measured[agency], met[agency])
            for agency in sorted(set(measured) | {a for a, n in evidence.items() if n})]


@dataclass(frozen=True)
class NationalLine:
    theme: str
    national_reviews: int
    local_reviews: int
    recommendations: int
    open_actions: int


@dataclass
class YearlyChapter:
    start: date
    end: date
    as_at: date
    data: ReportData
    started: list[ReviewYearLine]
    completed: list[ReviewYearLine]
    published: list[ReviewYearLine]
    implementation: list[Implementation]
    impact: list[AgencyImpact]
    themes: list[ThemeLine]
    national: list[NationalLine]

    @property
    def label(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def impact_summary(self) -> str:
        evidence = sum(line.evidence for line in self.impact)
        measured = sum(line.measured for line in self.impact)
        met = sum(line.met for line in self.impact)
        said = f"{evidence} {'piece' if evidence == 1 else 'pieces'} of evidence of impact on practice recorded"
        if measured:
            said += (f"; {measured} {'measure' if measured == 1 else 'measures'} of practice measured, of which "
                     f"{met} {'meets its' if met == 1 else 'meet their'} target at the year's latest measurement")
        return said + "."

    @property
    def title(self) -> str:
        return f"Learning from reviews: {self.start.year} to {self.end.year}"


def _timeliness(section) -> str:
    if section is None or not section.milestones:
        return "No statutory clock"
    late = [m.name for m in section.milestones if m.state in ("overdue", "done_late")]
    on_time = sum(1 for m in section.milestones if m.state == "done")
    if late:
        return f"{on_time} of {len(section.milestones)} milestones on time; late: {', '.join(late)}"
    return f"{on_time} of {len(section.milestones)} milestones met on time"


def build_chapter(year: int, today: date) -> YearlyChapter:
    month = int(current_app.config.get("REPORTING_YEAR_START_MONTH") or 4)
    start, end = year_bounds(year, month if 1 <= month <= 12 else 4)
    as_at = min(end, today)
    data = build_report_data(resolve_scope(as_at), load_settings(), partnership=current_app.config["PARTNERSHIP_NAME"],
                             generated_by="", generated_at=utcnow())
    sections = {section.reference: section for section in data.reviews}
    dates = db.session.execute(select(Review.reference, Review.title, Review.review_type, Review.notification_date,
                                      Review.board_signoff_date, Review.published_date)).all()
    started, completed, published = [], [], []
    for ref, title, review_type, notified, signed_off, published_on in dates:
        section = sections.get(ref)
        type_label = section.type_label if section else review_type
        for target, on in ((started, notified), (completed, signed_off), (published, published_on)):
            if on is not None and start <= on <= as_at:
                target.append(ReviewYearLine(ref, title, type_label, on, _timeliness(section)))
    for target in (started, completed, published):
        target.sort(key=lambda line: (line.on, line.reference))
    of_year = {line.reference for line in published}
    implementation = [
        Implementation(section.reference, rec.number, rec.text, len(rec.actions),
                       sum(1 for line in rec.actions if line.status == "assured"))
        for section in data.reviews if section.reference in of_year for rec in section.recommendations]
    impact = impact_by_agency(data, start, as_at)
    national_counts = dict(db.session.execute(
        select(Theme.name, func.count(library_review_themes.c.library_review_id))
        .join(library_review_themes, library_review_themes.c.theme_id == Theme.id).group_by(Theme.name)).all())
    national = [NationalLine(t.name, national_counts[t.name], len(t.reviews), t.recommendations, t.open_actions)
                for t in data.themes if national_counts.get(t.name)]
    return YearlyChapter(start, end, as_at, data, started, completed, published, implementation, impact,
                         year_themes(data.themes, {line.reference for line in (*started, *completed, *published)}),
                         national)


def year_themes(themes: list[ThemeLine], of_year: set[str]) -> list[ThemeLine]:
    """The recurring themes (two or more reviews) that the year's reviews share, each with the year's
    reviews only. Listing every review of every theme since records began made cells of hundreds of
    references on the ten-year data, most of the chapter's layout time, and said little of the year."""
    return [ThemeLine(t.name, [ref for ref in t.reviews if ref in of_year], t.recommendations, t.open_actions)
            for t in themes if t.recurring and of_year.intersection(t.reviews)]


def _reviews_table(w: DocxWriter, lines: list[ReviewYearLine], what: str) -> None:
    if not lines:
        w.paragraph(f"No review was {what} in the year.")
        return
    w.table(("Review", "Type", "Date", "Statutory timeliness"),
            ((f"{line.reference}: {line.title}", line.type_label, long_date(line.on), line.timeliness)
             for line in lines), f"Reviews {what} in the year")


def chapter_docx(chapter: YearlyChapter) -> bytes:
    data = chapter.data
    w = DocxWriter(new_document(None))
    w.heading(chapter.title, 0)
    w.paragraph(data.partnership)
    w.paragraph(chapter.label, "Reporting year: ")
    w.paragraph(long_date(chapter.as_at), "Figures as at: ")
    w.heading("Reviews in the year", 1)
    w.paragraph(f"{len(chapter.started)} started, {len(chapter.completed)} completed (signed off by the board) "
                f"and {len(chapter.published)} published.")
    for what, lines in (("started", chapter.started), ("completed", chapter.completed),
                        ("published", chapter.published)):
        w.heading(f"Reviews {what}", 2)
        _reviews_table(w, lines, what)
    w.heading("Recommendations and how far each is implemented", 1)
    if chapter.implementation:
        w.table(("Recommendation", "Actions", "Assured", "How far implemented"),
                ((f"{i.review_reference} R{i.number}: {i.text}", i.actions, i.assured, i.state)
                 for i in chapter.implementation), "Recommendations of the reviews published in the year")
    else:
        w.paragraph("No review was published in the year, so no new recommendations.")
    w.heading("Actions across all reviews", 2)
    w.table([data.labels[r] for r in ALL_RATINGS] + ["Total"],
            [[data.counts[r] for r in ALL_RATINGS] + [len(data.actions)]], f"Actions by rating as at "
            f"{long_date(chapter.as_at)}")
    by_agency, _, overdue = chart_images(chart_series(data), data.labels)
    for chart in (by_agency, overdue):
        w.heading(chart.title, 3)
        w.image(chart.png, chart.title, chart.alt)
    w.heading("Evidence of impact", 1)
    if chapter.impact:
        w.paragraph(chapter.impact_summary)
        w.table(IMPACT_HEADINGS, ((i.agency, i.evidence, i.measured, i.met) for i in chapter.impact), IMPACT_CAPTION)
    else:
        w.paragraph("No evidence of impact was recorded in the year.")
    w.heading("Recurring themes", 1)
    if chapter.themes:
        w.table(("Theme", "The year's reviews", "Recommendations", "Open actions"),
                ((t.name, ", ".join(t.reviews), t.recommendations, t.open_actions) for t in chapter.themes),
                THEMES_CAPTION)
    else:
        w.paragraph("No theme of the year's reviews recurs across reviews.")
    w.heading("Actions on national review findings", 1)
    if chapter.national:
        w.table(("Theme", "National reviews", "Local reviews", "Recommendations", "Open actions"),
                ((n.theme, n.national_reviews, n.local_reviews, n.recommendations, n.open_actions)
                 for n in chapter.national), "Local themes also found by national reviews (the library)")
    else:
        w.paragraph("No recurring local theme is among the national reviews' themes in the library.")
    w.footer_page_numbers(f"{chapter.title} – {data.partnership}")
    w.doc.core_properties.title = chapter.title
    out = io.BytesIO()
    w.doc.save(out)
    return out.getvalue()


def chapter_html(chapter: YearlyChapter) -> str:
    template = current_app.jinja_env.get_template("reports/yearly_report.html")
    return template.render(chapter=chapter, data=chapter.data, charts=report_charts(chapter.data, prefix="year"),
                           long_date=long_date, ALL_RATINGS=ALL_RATINGS, IMPACT_CAPTION=IMPACT_CAPTION,
                           IMPACT_HEADINGS=IMPACT_HEADINGS)
