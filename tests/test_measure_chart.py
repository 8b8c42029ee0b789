"""The measure's trend chart (tracker/measures/charts.py) keeps its labels inside the SVG: the plot
narrows for a long target label ("Target 3 days" was cut off at the right edge in the board report) and
for a long scale label ("10 days" touched the left edge)."""

import re
from datetime import date

from tracker.measures.charts import CHARACTER_WIDTH, WIDTH, trend_chart
from tracker.measures.models import MeasureUnit


def _chart(show) -> str:
    return str(trend_chart("c", title="A measure", baseline=(date(2026, 5, 9), 9.0),
                           target=(date(2027, 4, 4), 3.0), points=[(date(2026, 11, 5), 2.7)], show=show))


def _target_label(svg: str) -> tuple[float, str]:
    x, text = re.search(r'<text x="([\d.]+)" y="[\d.]+" fill="#00703c">([^<]+)</text>', svg).groups()
    return float(x), text


def test_a_long_target_label_fits_inside_the_chart():
    for show in (lambda v: f"{v:g}%", lambda v: f"{v:g} days", lambda v: f"{v:g} strategy discussions"):
        x, text = _target_label(_chart(show))
        assert x + len(text) * CHARACTER_WIDTH <= WIDTH, text


def test_a_short_label_keeps_the_plot_its_full_width():
    short, long = _chart(lambda v: f"{v:g}%"), _chart(lambda v: f"{v:g} days")
    assert _target_label(short)[0] > _target_label(long)[0]
    assert _target_label(short)[0] == WIDTH - 70 + 4  # the usual right margin when the label fits it


def _scale_labels(svg: str) -> list[tuple[float, str]]:
    """The scale's labels: right-aligned (text-anchor="end") at x, left of the axis."""
    return [(float(x), text) for x, text in
            re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end" fill="#0b0c0c">([^<]+)</text>', svg)
            if not text[:3].isalpha()]  # not the end date ("Apr 2027"), also right-aligned


def test_a_long_scale_label_fits_inside_the_chart():
    for show in (MeasureUnit.PERCENTAGE.format, MeasureUnit.DAYS.format, MeasureUnit.RATE.format):
        labels = _scale_labels(_chart(show))
        assert [text for _, text in labels] == [show(10), show(0)]  # the top of the scale (9 x 1.1 -> 10) and 0
        for x, text in labels:
            assert x - len(text) * CHARACTER_WIDTH >= 0, text


def test_a_short_scale_label_keeps_the_usual_left_margin():
    short, long = _chart(lambda v: f"{v:g}%"), _chart(lambda v: f"{v:g} days")
    assert _scale_labels(short)[0][0] == 46 - 4  # the usual left margin when the label fits it
    assert _scale_labels(long)[0][0] > _scale_labels(short)[0][0]
