"""Configurable review clocks: bank holidays of England and Wales from the maintained library, working
days across holiday weekends, the admin page that changes the rules per review type (with clear
errors), and late milestones on the review page, the business unit's home page and the board report."""

import re
from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from sqlalchemy import select

from tests import factories
from tracker.admin.models import Setting
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.reports.data import build_report_data, resolve_scope
from tracker.reviews import clocks
from tracker.reviews.models import Review
from tracker.reviews.milestones import add_working_days, is_working_day, milestones
from tracker.settings import load_settings
from tracker.users.models import Role


def by_name(items):
    return {m.name: m for m in items}


def test_bank_holidays_are_those_of_england_and_wales():
    england = set(holidays.UK(subdiv="ENG", years=range(2020, 2031)))
    wales = set(holidays.UK(subdiv="WLS", years=range(2020, 2031)))
    scotland = set(holidays.UK(subdiv="SCT", years=range(2020, 2031)))
    assert england == wales  # the two share their bank holidays, so one calendar serves both
    assert all(not is_working_day(day) for day in england)
    assert date(2025, 1, 2) in scotland and is_working_day(date(2025, 1, 2))  # Scotland's 2 January is not ours
    assert is_working_day(date(2025, 8, 4)) and not is_working_day(date(2025, 8, 25))  # summer: late August
    # One-off days the library keeps up to date: the Queen's funeral and the coronation.
    assert not is_working_day(date(2022, 9, 19)) and not is_working_day(date(2023, 5, 8))


@pytest.mark.parametrize("start, days, expected", [
    (date(2025, 4, 17), 5, date(2025, 4, 28)),    # Easter 2025: Good Friday 18, Easter Monday 21 April
    (date(2025, 5, 22), 5, date(2025, 5, 30)),    # late May bank holiday, Monday 26 May 2025
    (date(2025, 5, 23), 1, date(2025, 5, 27)),    # Friday before it: next working day is the Tuesday
    (date(2025, 12, 23), 5, date(2026, 1, 2)),    # Christmas, Boxing Day and New Year's Day
    (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Boxing Day on a Saturday: Monday 28th is the substitute
])
def test_working_days_across_bank_holiday_weekends(start, days, expected):
    assert add_working_days(start, days) == expected


def test_rapid_review_clock_across_the_late_may_bank_holiday():
    review = Review(reference="C-1", title="Child C", review_type="rapid_review", status="notified",
                    notification_date=date(2025, 5, 16))
    m = by_name(milestones(review, date(2025, 6, 2)))["Rapid review"]
    assert m.due_date == date(2025, 6, 9)  # 15 working days, skipping Monday 26 May
    assert m.state == "due" and "within 15 working days of the notification" in m.reason


def _save(app, rows, review_type="cspr"):
    settings = load_settings()
    clocks.save_clock(settings, review_type, rows)
    db.session.commit()


def test_changing_the_configuration_changes_the_computed_deadline(app):
    review = factories.make_review(review_type="cspr", status="notified", incident_date=date(2025, 4, 17))
    before = by_name(milestones(review, date(2025, 4, 25), clocks.clocks_from_settings(load_settings())))
    assert before["Notify the national panel"].due_date == date(2025, 4, 28)
    rows = clocks.rows_for(clocks.clocks_from_settings(load_settings())["cspr"])
    rows[0] = clocks.ClockRow(name="Notify the national panel", done="notification_date", start="incident_date",
                              amount="3", unit="working_days", passed_by="rapid_review")
    _save(app, rows)
    after = by_name(milestones(review, date(2025, 4, 25), clocks.clocks_from_settings(load_settings())))
    assert after["Notify the national panel"].due_date == date(2025, 4, 24)  # 3 working days across Easter
    assert after["Notify the national panel"].state == "overdue"
    # Other types keep the statutory defaults, and the change is in the audit trail.
    rapid = Review(reference="R", title="R", review_type="rapid_review", status="notified",
                   incident_date=date(2025, 4, 17))
    assert by_name(milestones(rapid, date(2025, 4, 25), clocks.clocks_from_settings(load_settings())))[
        "Notify the national panel"].due_date == date(2025, 4, 28)
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.object_type == "Setting"))
    clocks.reset_clock(load_settings(), "cspr")
    db.session.commit()
    assert clocks.clocks_from_settings(load_settings())["cspr"] == clocks.MILESTONE_RULES["cspr"]


def test_publication_target_in_calendar_months_can_be_changed(app):
    rows = [clocks.ClockRow(name="Publish the report", done="published_date", start="decision_date",
                            amount="9", unit="months", passed_by="published")]
    _save(app, rows, "local_learning")
    review = Review(reference="L", title="L", review_type="local_learning", status="drafting",
                    decision_date=date(2024, 8, 31))
    m = milestones(review, date(2025, 3, 1), clocks.clocks_from_settings(load_settings()))
    assert [x.name for x in m] == ["Publish the report"]
    assert m[0].due_date == date(2025, 5, 31) and m[0].state == "due"
    assert "within 9 calendar months of the decision to hold a review" in m[0].reason


def test_a_stored_value_that_cannot_be_read_falls_back_to_the_defaults(app):
    db.session.add(Setting(key="review_clocks", value={"cspr": [{"name": "Broken"}], "nonsense": []}))
    db.session.commit()
    assert clocks.clocks_from_settings(load_settings())["cspr"] == clocks.MILESTONE_RULES["cspr"]


FORM = {"rows-0-name": "Notify the national panel", "rows-0-start": "incident_date", "rows-0-amount": "5",
        "rows-0-unit": "working_days", "rows-0-fallback_start": "", "rows-0-fallback_amount": "",
        "rows-0-fallback_unit": "working_days", "rows-0-done": "notification_date",
        "rows-0-passed_by": "rapid_review"}


def test_admin_clocks_page_lists_every_type_with_the_statutory_defaults(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/admin/clocks").get_data(as_text=True)
    assert "Local child safeguarding practice review (LCSPR)" in html
    assert "Due within 5 working days of the serious incident" in html
    assert "Due within 15 working days of the notification" in html
    assert "Due within 6 calendar months of the decision to hold a review" in html
    form = client.get("/admin/clocks/cspr").get_data(as_text=True)
    assert 'value="Notify the national panel"' in form and 'name="rows-5-name"' in form  # 4 + 2 empty rows


@pytest.mark.parametrize("change, message", [
    ({"rows-0-amount": "five"}, "Milestone 1: the time allowed must be a whole number, like 5"),
    ({"rows-0-amount": ""}, "Milestone 1: enter the time allowed"),
    ({"rows-0-amount": "400"}, "Milestone 1: the time allowed must be between 0 and 260 working days"),
    ({"rows-0-unit": "months", "rows-0-amount": "40"}, "between 0 and 36 calendar months"),
    ({"rows-0-name": ""}, "Milestone 1: enter a name"),
    ({"rows-0-start": "notification_date"}, "cannot start from the date that records it done"),
    ({"rows-0-start": "bogus"}, "select the key date the clock starts from"),
    ({"rows-0-fallback_amount": "3"}, "select the second start date"),
    ({"rows-0-fallback_start": "decision_date"}, "enter the time allowed from the second start date"),
    ({"rows-0-passed_by": "x"}, "select the stage"),
    ({"rows-0-unit": "fortnights"}, "select working days or calendar months"),
    ({"rows-1-name": "notify THE national panel", "rows-1-start": "incident_date", "rows-1-amount": "1",
      "rows-1-unit": "working_days", "rows-1-done": "rapid_review_date", "rows-1-passed_by": "closed"},
     "Milestone 2: there is already a milestone called"),
])
def test_admin_clock_errors_are_clear_and_keep_what_was_typed(client, login_as, change, message):
    login_as(Role.ADMIN)
    response = client.post("/admin/clocks/cspr", data=FORM | change)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and message in html.replace("&#34;", '"').replace("&#39;", "'")
    assert 'class="govuk-error-message"' in html  # shown on the field as well as in the summary
    assert re.search(r'href="#rows-\d-\w+"', html)
    assert db.session.get(Setting, "review_clocks") is None


def test_admin_saves_clocks_and_the_review_page_uses_them(client, login_as):
    review = factories.make_review(review_type="cspr", status="notified", incident_date=date(2025, 4, 17))
    login_as(Role.ADMIN)
    response = client.post("/admin/clocks/cspr", data=FORM | {"rows-0-amount": "2", "rows-1-name": ""})
    assert response.status_code == 302
    assert [r["name"] for r in db.session.get(Setting, "review_clocks").value["cspr"]] == [
        "Notify the national panel"]
    html = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "within 2 working days of the serious incident" in html and "Rapid review" not in html.split(
        'id="milestones"')[1].split('id="learning-points"')[0]
    assert "Changed" in client.get("/admin/clocks").get_data(as_text=True)
    assert client.post("/admin/clocks/cspr/reset").status_code == 302
    assert "cspr" not in db.session.get(Setting, "review_clocks").value


def test_unknown_review_type_is_not_found_and_too_many_rows_are_refused(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/admin/clocks/nonsense").status_code == 404
    many = {f"rows-{i}-name": f"M{i}" for i in range(30)}
    assert client.post("/admin/clocks/cspr", data=many).status_code == 400


def test_business_unit_home_lists_late_milestones_in_a_bounded_list(app, client, login_as, today):
    for n in range(12):
        factories.make_review(reference=f"LATE-{n:02d}", status="notified", incident_date=date(2025, 1, 6 + n))
    factories.make_review(reference="DONE-1", status="closed", incident_date=date(2025, 1, 6))
    factories.make_review(reference="FINE-1", status="notified", incident_date=date(2025, 5, 30))
    login_as(Role.BUSINESS_UNIT)
    html = client.get("/").get_data(as_text=True)
    table = html.split('id="late-milestones"')[1].split("</table>")[0]
    assert "Late review milestones (12)" in table
    assert table.count("LATE-") == 10 and "LATE-00" in table and "LATE-11" not in table  # longest overdue first
    assert "DONE-1" not in table and "FINE-1" not in table
    assert "Showing the 10 longest overdue of 12" in html


def test_agency_leads_do_not_get_the_milestone_list(client, login_as):
    factories.make_review(reference="LATE-X", status="notified", incident_date=date(2025, 1, 6))
    login_as(Role.AGENCY_LEAD)
    assert "Late review milestones" not in client.get("/").get_data(as_text=True)


def test_board_report_lists_late_milestones_in_the_exceptions(app):
    late = factories.make_review(reference="LATE-R", status="notified", incident_date=date(2025, 4, 17))
    factories.make_recommendation(late)
    on_time = factories.make_review(reference="OK-R", status="rapid_review", incident_date=date(2025, 4, 17),
                                    notification_date=date(2025, 4, 28))
    factories.make_recommendation(on_time)
    db.session.commit()
    data = build_report_data(resolve_scope(date(2025, 6, 2)), load_settings(), partnership="P",
                             generated_by="T", generated_at=datetime(2025, 6, 2, tzinfo=UTC))
    lines = [(line.review_reference, line.milestone.name, line.milestone.state) for line in data.late_milestones]
    assert ("LATE-R", "Notify the national panel", "overdue") in lines
    assert ("OK-R", "Notify the national panel", "overdue") not in lines  # notified on the last day
    assert ("OK-R", "Rapid review", "overdue") in lines  # 15 working days from 28 April ran out
    from tracker.reports.render import render_report_html

    html = render_report_html(data)
    part = html.split("<h3>Late review milestones</h3>")[1].split("</table>")[0]
    assert "LATE-R" in part and "due 28 April 2025" in part


def test_the_home_pages_late_milestones_are_exactly_those_the_review_page_calls_overdue(app):
    """overdue_milestones skips the milestones that are done or past their stage without working them
    out: over reviews of every status, type and mix of dates, it must list exactly the milestones
    that milestones() (the review page's rule) calls overdue."""
    import itertools
    import random

    from tracker.reviews.milestones import KEY_DATE_FIELDS, overdue_milestones
    from tracker.reviews.models import ReviewStatus, ReviewType

    chooser = random.Random(20261204)
    start = date(2024, 1, 1)
    for n, (status, review_type) in enumerate(itertools.product(list(ReviewStatus), list(ReviewType))):
        for m in range(4):
            dates = {field: start + timedelta(days=chooser.randrange(0, 900))
                     for field in KEY_DATE_FIELDS if chooser.random() < 0.6}
            factories.make_review(reference=f"MIX-{n:02d}-{m}", status=status, review_type=review_type, **dates)
    db.session.commit()
    day = date(2026, 6, 1)
    rules = clocks.clocks_from_settings(load_settings())
    expected = sorted((m.due_date, review.reference, m.name)
                      for review in db.session.scalars(select(Review).where(Review.status != "closed"))
                      for m in milestones(review, day, rules) if m.state == "overdue")
    total, shown = overdue_milestones(day, rules, limit=1000)
    assert expected, "the mix has overdue milestones"
    assert total == len(expected)
    assert [(line.milestone.due_date, line.reference, line.milestone.name) for line in shown] == expected
