"""The measure's trend chart (tracker/measures/charts.py) keeps its target's label inside the SVG: the
plot narrows for a long label ("Target 3 days" was cut off at the edge in the board report)."""

import re
from datetime import date

from tracker.measures.charts import CHARACTER_WIDTH, WIDTH, trend_chart


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
