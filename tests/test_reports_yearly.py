"""The yearly report chapter: the reporting year's reviews with their timeliness, the recommendations
of the year and how far each is implemented, impact, themes, national findings; Word and PDF."""

import io
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests import factories
from tests.docx_check import check_package, heading_texts, images, read_back
from tracker.actions.models import StatusChange
from tracker.extensions import db
from tracker.reports.data import ThemeLine
from tracker.reports.data.impact import MeasureLine
from tracker.reports.yearly import AgencyImpact, build_chapter, impact_by_agency, year_bounds, year_themes
from tracker.reviews.models import Review


@pytest.mark.parametrize("year, start_month, bounds", [
    (2025, 4, (date(2025, 4, 1), date(2026, 3, 31))),
    (2025, 1, (date(2025, 1, 1), date(2025, 12, 31))),
    (2024, 9, (date(2024, 9, 1), date(2025, 8, 31))),
])
def test_the_reporting_year(year, start_month, bounds):
    assert year_bounds(year, start_month) == bounds


def _expected(field, start, end):
    column = getattr(Review, field)
    return sorted(db.session.scalars(select(Review.reference).where(column >= start, column <= end)))


@pytest.mark.demo_data
def test_the_chapter_counts_the_years_reviews_and_writes_word_and_pdf(app, today, tmp_path):
    agency = factories.make_agency("Yearly Test Agency", "YTA")
    review = factories.make_review("CSPR-2024-09", title="Child Y", notification_date=date(2024, 5, 1),
                                   rapid_review_date=date(2024, 5, 20), decision_date=date(2024, 5, 22),
                                   board_signoff_date=date(2025, 1, 10), published_date=date(2025, 2, 1))
    rec = factories.make_recommendation(review, "1", addressees=[agency], text="Train every officer.")
    action = factories.make_action(owner=agency, recommendation=rec, today=date(2025, 3, 1))
    # The services stamp the real time; give the history the test's dates, as the demo data does.
    action.created_at = datetime(2025, 2, 20, 10, tzinfo=UTC)
    for change in db.session.scalars(select(StatusChange).where(StatusChange.action_id == action.id)):
        change.changed_at = datetime(2025, 3, 1, 10, tzinfo=UTC)
    db.session.commit()
    year = 2024
    start, end = year_bounds(year)
    chapter = build_chapter(year, today)
    assert chapter.as_at == min(end, today)
    assert sorted(line.reference for line in chapter.published) == _expected("published_date", start, end)
    assert sorted(line.reference for line in chapter.started) == _expected("notification_date", start, end)
    assert [line.reference for line in chapter.published] == ["CSPR-2024-09"]
    assert "CSPR-2024-09" in [line.reference for line in chapter.started]
    assert [(i.number, i.actions, i.assured, i.state) for i in chapter.implementation] == [
        ("1", 1, 0, "In progress: none of 1 actions assured yet")]
    assert all(i.review_reference in {p.reference for p in chapter.published} for i in chapter.implementation)
    assert all(line.timeliness for line in chapter.published)

    runner = app.test_cli_runner()
    out = runner.invoke(args=["yearly-report", "--year", str(year), "-o", str(tmp_path / "chapter.docx")])
    assert out.exit_code == 0, out.output
    content = (tmp_path / "chapter.docx").read_bytes()
    assert check_package(content) == []
    document, text = read_back(content)
    assert heading_texts(document, 1) == ["Reviews in the year", "Recommendations and how far each is implemented",
                                          "Evidence of impact", "Recurring themes",
                                          "Actions on national review findings"]
    assert f"1 April {year} to 31 March {year + 1}" in text
    for line in chapter.published:
        assert line.reference in text and line.timeliness in text
    for item in chapter.implementation:
        assert item.state in text
    assert chapter.impact_summary in text
    assert [i["title"] for i in images(document)] == ["Ratings by agency", "Overdue actions by agency"]

    out = runner.invoke(args=["yearly-report", "--year", str(year), "-o", str(tmp_path / "chapter.pdf")])
    assert out.exit_code == 0, out.output
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO((tmp_path / "chapter.pdf").read_bytes())).pages)
    assert f"Learning from reviews: {year} to {year + 1}" in pdf_text and chapter.published[0].reference in pdf_text

    bad = runner.invoke(args=["yearly-report", "--year", str(year), "-o", str(tmp_path / "chapter.txt")])
    assert bad.exit_code != 0 and "must end in .docx or .pdf" in bad.output


def test_the_recurring_themes_are_those_the_years_reviews_share_with_the_years_reviews_named():
    themes = [ThemeLine("Neglect", ["CSPR-2016-01", "CSPR-2025-03", "CSPR-2025-05"], 9, 2),
              ThemeLine("Housing", ["CSPR-2016-01", "CSPR-2018-02"], 4, 0),  # recurs, but not in the year
              ThemeLine("Exploitation", ["CSPR-2025-03"], 2, 1)]  # in the year, but only once
    assert year_themes(themes, {"CSPR-2025-03", "CSPR-2025-05"}) == [
        ThemeLine("Neglect", ["CSPR-2025-03", "CSPR-2025-05"], 9, 2)]


def _measure(owner: str, points, target=80.0, direction="up") -> MeasureLine:
    return MeasureLine(id=1, review_reference="CSPR-1", recommendation_number="1", owner=owner, description="x",
                       unit="percentage", baseline=(date(2023, 1, 1), 40.0), target=(date(2026, 1, 1), target),
                       points=tuple(points), direction=direction)


def test_the_years_impact_is_counted_by_agency_with_the_years_latest_measurement():
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    evidence = [SimpleNamespace(effective_date=day) for day in (date(2025, 3, 31), date(2025, 4, 1), date(2026, 3, 31))]
    data = SimpleNamespace(
        actions=[SimpleNamespace(owner="Police", impact_evidence=evidence),
                 SimpleNamespace(owner="Health", impact_evidence=evidence[:1])],  # before the year only
        impact=SimpleNamespace(measures=[
            _measure("Police", [(date(2025, 5, 1), 85.0), (date(2026, 5, 1), 20.0)]),  # met in the year, not after
            _measure("Police", [(date(2025, 5, 1), 50.0)]),
            _measure("Council", [(date(2024, 5, 1), 90.0)]),  # measured before the year only
            _measure("Health", [(date(2025, 6, 1), 30.0)], target=35.0, direction="down")]))
    assert impact_by_agency(data, start, end) == [AgencyImpact("Health", 0, 1, 1), AgencyImpact("Police", 2, 2, 1)]
