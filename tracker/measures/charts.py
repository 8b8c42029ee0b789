"""A measure's small trend chart, drawn as SVG on the server (no JavaScript): the baseline, each
measurement, and the target as a dashed line. The same markup serves the action page and the board
report. Only presentation attributes (no style attributes), so the Content-Security-Policy allows it;
the SVG's <title> and <desc> give the figures in words, and the pages put a table beside it."""

from collections.abc import Callable, Sequence
from datetime import date as Date
from html import escape

from markupsafe import Markup

from tracker.measures.models import MeasureUnit
from tracker.web.markup import date

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 46, 70, 14, 28
#: Arial at 11 px is about 6.2 px a character on average: the target's label, right of the plot, is
#: given that much room ("Target 3 days" was cut off at the chart's edge in the board report).
CHARACTER_WIDTH = 6.2
LINE = "#1d70b8"
TARGET = "#00703c"
AXIS = "#505a5f"


def _nice_top(value: float) -> float:
    """A round number at or above `value` for the top of the scale."""
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * step >= value:
            return multiple * step
    return 10 * step


def trend_chart(chart_id: str, *, title: str, baseline: tuple[Date, float], target: tuple[Date, float],
                points: Sequence[tuple[Date, float]], show: Callable[[float], str],
                percentage: bool = False) -> Markup:
    """`points` are (date, value) in date order; `show` formats a value ("85%")."""
    first = baseline[0]
    last = max([target[0], *(d for d, _ in points)])
    span = max((last - first).days, 1)
    top = 100.0 if percentage else _nice_top(max([baseline[1], target[1], *(v for _, v in points)]) * 1.1)
    target_label = f"Target {show(target[1])}"
    right = max(RIGHT, round(len(target_label) * CHARACTER_WIDTH) + 8)
    # the scale's labels, right-aligned left of the axis: the left margin widens for a long one ("10 days")
    scale = (show(top), show(0))
    left = max(LEFT, round(max(map(len, scale)) * CHARACTER_WIDTH) + 8)
    plot_w, plot_h = WIDTH - left - right, HEIGHT - TOP - BOTTOM

    def x(day: Date) -> float:
        return round(left + plot_w * (day - first).days / span, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - min(max(value, 0), top) / top), 1)

    latest = points[-1] if points else None
    desc = (f"Baseline {show(baseline[1])} on {baseline[0]:%d/%m/%Y}; target {show(target[1])} by "
            f"{target[0]:%d/%m/%Y}; " + (f"{len(points)} measurement{'s' if len(points) != 1 else ''}, the latest "
                                          f"{show(latest[1])} on {latest[0]:%d/%m/%Y}." if latest else
                                          "no measurements yet."))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-measure-chart" id="{chart_id}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="11">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        # axes, with the scale's ends and the dates at either end
        f'<path d="M{left} {TOP}V{TOP + plot_h}H{left + plot_w}" fill="none" stroke="{AXIS}" stroke-width="1"/>',
        f'<text x="{left - 4}" y="{TOP + 4}" text-anchor="end" fill="#0b0c0c">{escape(scale[0])}</text>',
        f'<text x="{left - 4}" y="{TOP + plot_h}" text-anchor="end" fill="#0b0c0c">{escape(scale[1])}</text>',
        f'<text x="{left}" y="{HEIGHT - 8}" fill="#0b0c0c">{first:%b %Y}</text>',
        f'<text x="{left + plot_w}" y="{HEIGHT - 8}" text-anchor="end" fill="#0b0c0c">{last:%b %Y}</text>',
        # the target: a dashed line across, labelled at its right end
        f'<path d="M{left} {y(target[1])}H{left + plot_w}" stroke="{TARGET}" stroke-width="2" '
        f'stroke-dasharray="6 4" fill="none"/>',
        f'<text x="{left + plot_w + 4}" y="{y(target[1]) + 4}" fill="{TARGET}">{escape(target_label)}</text>',
    ]
    series = [baseline, *points]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(d)} {y(v)}" for i, (d, v) in enumerate(series))
    parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    # the baseline as an open square, measurements as filled circles: told apart without colour
    bx, by = x(baseline[0]), y(baseline[1])
    parts.append(f'<rect x="{bx - 4}" y="{by - 4}" width="8" height="8" fill="#ffffff" stroke="{LINE}" '
                 f'stroke-width="2"/>')
    parts.extend(f'<circle cx="{x(d)}" cy="{y(v)}" r="3.5" fill="{LINE}"/>' for d, v in points)
    if latest is not None:
        parts.append(f'<text x="{min(x(latest[0]) + 6, left + plot_w + 4)}" y="{max(y(latest[1]) - 6, TOP + 8)}" '
                     f'fill="#0b0c0c" font-weight="bold">{escape(show(latest[1]))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def measure_chart(measure, chart_id: str | None = None) -> Markup:
    """The chart of a Measure model (with its measurements loaded)."""
    return trend_chart(chart_id or f"measure-{measure.id}-chart", title=f"Trend: {measure.description}",
                       baseline=(measure.baseline_date, measure.baseline_value),
                       target=(measure.target_date, measure.target_value),
                       points=[(m.measured_date, m.value) for m in measure.measurements], show=measure.show,
                       percentage=measure.unit == "percentage")


def measurement_rows(measure) -> Markup:
    """The body rows of a measure's table beside its chart: the baseline, then each measurement, oldest
    first. Built here once per measure, as the chart is: a template's calls per cell cost about 0.1 ms
    each, so forty measurements of five measures were a quarter of the action page's time."""
    cell, numeric = '<td class="govuk-table__cell', '<td class="govuk-table__cell govuk-table__cell--numeric">'
    source = f"Baseline: {measure.baseline_source}" if measure.baseline_source else "Baseline"
    rows = [(f'<tr class="govuk-table__row">{cell} app-table__cell--nowrap">{date(measure.baseline_date)}</td>'
             f'{numeric}{escape(measure.show(measure.baseline_value))}</td>{numeric}</td>'
             f'{cell}">{escape(source)}</td></tr>')]
    show = MeasureUnit(measure.unit).format
    for r in measure.measurements:
        evidence = (f' (<a class="govuk-link" href="{escape(r.evidence_link)}" rel="noopener noreferrer">evidence</a>)'
                    if r.evidence_link else "")
        rows.append(f'<tr class="govuk-table__row">{cell} app-table__cell--nowrap">{date(r.measured_date)}</td>'
                    f'{numeric}{escape(show(r.value))}</td>{numeric}{f"{r.sample_size:,}" if r.sample_size else ""}</td>'
                    f'{cell}">{escape(r.source)}{evidence}</td></tr>')
    return Markup("".join(rows))
