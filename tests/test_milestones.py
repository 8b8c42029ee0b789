"""Statutory milestones in working days (English bank holidays from the holidays library) and
calendar months, with fixed dates across Easter 2025 (Good Friday 18 April, Easter Monday 21 April)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import factories
from tracker.reviews.models import Review
from tracker.reviews.milestones import (
    MILESTONE_RULES, MILESTONE_STATES, add_months, add_working_days, is_working_day, milestones,
    working_days_between,
)
from tracker.users.models import Role


def review(review_type="cspr", status="notified", **dates) -> Review:
    """An unsaved review: milestones are a pure function of its dates and today."""
    return Review(reference="M-1", title="Child M", review_type=review_type, status=status, **dates)


def by_name(items):
    return {m.name: m for m in items}


def test_easter_2025_is_not_working_time():
    assert not is_working_day(date(2025, 4, 18))  # Good Friday
    assert not is_working_day(date(2025, 4, 21))  # Easter Monday
    assert not is_working_day(date(2025, 4, 19))  # Saturday
    assert is_working_day(date(2025, 4, 22))


@pytest.mark.parametrize("start, days, expected", [
    (date(2025, 4, 17), 5, date(2025, 4, 28)),   # Thursday before Easter: skips 18-21 April
    (date(2025, 4, 17), 1, date(2025, 4, 22)),
    (date(2025, 4, 10), 5, date(2025, 4, 17)),   # the week before: no holiday in the way
    (date(2025, 4, 16), 15, date(2025, 5, 12)),   # across Easter and the early May bank holiday (5 May)
    (date(2025, 12, 24), 2, date(2025, 12, 30)),  # Christmas Day and Boxing Day
    (date(2025, 4, 19), 0, date(2025, 4, 19)),
])
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_working_days_between():
    assert working_days_between(date(2025, 4, 17), date(2025, 4, 28)) == 5
    assert working_days_between(date(2025, 4, 28), date(2025, 4, 17)) == 0
    assert working_days_between(date(2025, 12, 19), date(2026, 1, 5)) == 8  # Christmas, Boxing Day, New Year
    assert working_days_between(date(2027, 12, 24), date(2027, 12, 29)) == 1  # both substitute days (27, 28)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31)), st.integers(min_value=-10, max_value=3000))
def test_working_days_between_counts_what_a_day_by_day_walk_counts(start, span):
    end = start + timedelta(days=span)
    walked, day = 0, start
    while day < end:
        day += timedelta(days=1)
        walked += is_working_day(day)
    assert working_days_between(start, end) == walked


@pytest.mark.parametrize("start, months, expected", [
    (date(2025, 1, 15), 6, date(2025, 7, 15)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2023, 8, 31), 6, date(2024, 2, 29)),
    (date(2025, 9, 30), 6, date(2026, 3, 30)),
])
def test_add_calendar_months(start, months, expected):
    assert add_months(start, months) == expected


def test_notification_due_five_working_days_after_incident_across_easter():
    today = date(2025, 4, 25)
    m = by_name(milestones(review(incident_date=date(2025, 4, 17)), today))["Notify the national panel"]
    assert m.due_date == date(2025, 4, 28)
    assert m.state == "due" and not m.is_late
    # The day after the deadline it is overdue, counted in working days.
    m = by_name(milestones(review(incident_date=date(2025, 4, 17)), date(2025, 4, 30)))["Notify the national panel"]
    assert m.state == "overdue" and m.is_late
    assert "2 working days ago" in m.reason


def test_notification_on_the_last_day_is_on_time_and_a_day_later_is_late():
    on_time = by_name(milestones(review(incident_date=date(2025, 4, 17), notification_date=date(2025, 4, 28)),
                                 date(2025, 6, 2)))["Notify the national panel"]
    assert on_time.state == "done" and on_time.done_date == date(2025, 4, 28)
    late = by_name(milestones(review(incident_date=date(2025, 4, 17), notification_date=date(2025, 4, 29)),
                              date(2025, 6, 2)))["Notify the national panel"]
    assert late.state == "done_late" and late.is_late
    assert "1 working day after it was due on 28 April 2025" in late.reason


def test_rapid_review_fifteen_working_days_after_notification():
    # Notified Wednesday 16 April: 15 working days skip Easter and Monday 5 May.
    m = by_name(milestones(review(notification_date=date(2025, 4, 16)), date(2025, 5, 1)))["Rapid review"]
    assert m.due_date == date(2025, 5, 12) and m.state == "due"
    m = by_name(milestones(review(notification_date=date(2025, 4, 16), rapid_review_date=date(2025, 5, 13)),
                           date(2025, 6, 2)))["Rapid review"]
    assert m.state == "done_late"


def test_publication_within_six_calendar_months_of_decision():
    m = by_name(milestones(review(decision_date=date(2024, 8, 31)), date(2025, 2, 28)))["Publish the report"]
    assert m.due_date == date(2025, 2, 28) and m.state == "due"
    m = by_name(milestones(review(decision_date=date(2024, 8, 31)), date(2025, 3, 1)))["Publish the report"]
    assert m.state == "overdue" and "1 day ago" in m.reason


def test_board_sign_off_must_come_before_publication():
    ok = by_name(milestones(review(decision_date=date(2025, 1, 6), board_signoff_date=date(2025, 5, 1),
                                   published_date=date(2025, 5, 20)), date(2025, 6, 2)))
    assert ok["Board sign-off"].state == "done" and ok["Board sign-off"].due_date == date(2025, 5, 20)
    published_unsigned = by_name(milestones(review(published_date=date(2025, 5, 20)), date(2025, 6, 2)))
    assert published_unsigned["Board sign-off"].state == "overdue"
    # Before publication, sign-off is due by the date publication is due.
    pending = by_name(milestones(review(decision_date=date(2025, 1, 6)), date(2025, 6, 2)))
    assert pending["Board sign-off"].due_date == date(2025, 7, 6) and pending["Board sign-off"].state == "due"


def test_missing_start_date_means_not_started():
    m = by_name(milestones(review(), date(2025, 6, 2)))["Notify the national panel"]
    assert m.state == "not_applicable" and m.due_date is None
    assert "serious incident date is not recorded" in m.reason


def test_a_stage_the_review_has_passed_is_not_reported_overdue_when_its_date_is_missing():
    m = by_name(milestones(review(status="closed", incident_date=date(2025, 1, 6)), date(2025, 6, 2)))
    assert m["Notify the national panel"].state == "not_applicable"
    m = by_name(milestones(review(status="published", decision_date=date(2024, 1, 8)), date(2025, 6, 2)))
    assert m["Publish the report"].state == "not_applicable"
    assert m["Publish the report"].reason == "The review is published but the published date is not recorded"
    # Still commissioned: the same missing date is a missed deadline.
    m = by_name(milestones(review(status="commissioned", decision_date=date(2024, 1, 8)), date(2025, 6, 2)))
    assert m["Publish the report"].state == "overdue"
    assert m["Notify the national panel"].state == "not_applicable"  # no incident date: not started


def test_rules_by_review_type():
    assert [m.name for m in milestones(review("rapid_review"), date(2025, 6, 2))] == [
        "Notify the national panel", "Rapid review"]
    assert "Publish the report" in [m.name for m in milestones(review("local_learning"), date(2025, 6, 2))]
    assert "Notify the national panel" not in [m.name for m in milestones(review("sar"), date(2025, 6, 2))]
    assert all(m.state in MILESTONE_STATES
               for t in MILESTONE_RULES for m in milestones(review(t.value), date(2025, 6, 2)))


def test_review_page_flags_late_milestones(app, client, login_as):
    late = factories.make_review(reference="LATE-1", incident_date=date(2025, 4, 17),
                                 notification_date=date(2025, 4, 29), status="commissioned")
    login_as(Role.BOARD_MEMBER)
    html = client.get(f"/reviews/{late.id}").get_data(as_text=True)
    assert "govuk-tag--red\">Late<" in html
    assert "1 working day after it was due on 28 April 2025" in html
