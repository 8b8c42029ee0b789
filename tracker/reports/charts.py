"""Charts drawn as SVG on the server (no JavaScript), the same markup on the dashboard and in the PDF.

Each rating has a colour AND a pattern, every bar segment carries its count and every chart has a
legend, so the charts read in greyscale; each SVG has a <title> and a <desc> giving the figures as text.
Only presentation attributes are used (no style attributes), so the Content-Security-Policy allows them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from tracker.reports.data import RATED, ReportData

FILL = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "blue": "#1d70b8", "none": "#b1b4b6"}
WIDTH = 680
LABEL_W = 170
ROW_H = 26
BAR_H = 18
TOP = 36


def _patterns(prefix: str) -> str:
    """Red: diagonal stripes; Amber: dots; Green: none (solid); Blue: cross-hatch."""
    return (
        "<defs>"
        f'<pattern id="{prefix}-red" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{FILL["red"]}"/>'
        '<rect width="2" height="6" fill="#ffffff" fill-opacity="0.55"/></pattern>'
        f'<pattern id="{prefix}-amber" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{FILL["amber"]}"/>'
        '<circle cx="3" cy="3" r="1.3" fill="#0b0c0c" fill-opacity="0.6"/></pattern>'
        f'<pattern id="{prefix}-green" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{FILL["green"]}"/></pattern>'
        f'<pattern id="{prefix}-blue" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{FILL["blue"]}"/>'
        '<path d="M0 4H8M4 0V8" stroke="#ffffff" stroke-opacity="0.6" stroke-width="1.2"/></pattern>'
        "</defs>"
    )


def _open(chart_id: str, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" id="{chart_id}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="Arial, Helvetica, sans-serif">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend(prefix: str, labels: dict[str, str], y: int) -> str:
    out, x = [], LABEL_W
    for rating in RATED:
        out.append(f'<rect x="{x}" y="{y}" width="16" height="12" fill="url(#{prefix}-{rating})" '
                   'stroke="#0b0c0c" stroke-width="0.5"/>')
        out.append(f'<text x="{x + 21}" y="{y + 10}" font-size="12" fill="#0b0c0c">{escape(labels[rating])}</text>')
        x += 30 + 8 * len(labels[rating]) + 14
    return "".join(out)


def _summary(rows: list[tuple[str, dict[str, int]]], labels: dict[str, str]) -> str:
    parts = []
    for name, counts in rows:
        figures = ", ".join(f"{counts.get(r, 0)} {labels[r]}" for r in RATED)
        parts.append(f"{name}: {figures}")
    return "; ".join(parts) + "." if parts else "No rated actions."


def stacked_bars(chart_id: str, title: str, rows: list[tuple[str, dict[str, int]]],
                 labels: dict[str, str], intro: str) -> Markup:
    """One horizontal bar per row, split by rating, each segment patterned and labelled with its count."""
    height = TOP + max(1, len(rows)) * ROW_H + 10
    out = [_open(chart_id, height, title, f"{intro} {_summary(rows, labels)}"), _patterns(chart_id)]
    out.append(_legend(chart_id, labels, 8))
    biggest = max([sum(c.get(r, 0) for r in RATED) for _, c in rows] + [1])
    scale = (WIDTH - LABEL_W - 50) / biggest
    for i, (name, counts) in enumerate(rows):
        y = TOP + i * ROW_H
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 13}" font-size="12" text-anchor="end" '
                   f'fill="#0b0c0c">{escape(_short(name))}</text>')
        x = float(LABEL_W)
        for rating in RATED:
            n = counts.get(rating, 0)
            if not n:
                continue
            w = n * scale
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" '
                       f'fill="url(#{chart_id}-{rating})" stroke="#ffffff" stroke-width="1"/>')
            if w >= 16:
                cx = x + w / 2
                out.append(f'<rect x="{cx - 8:.1f}" y="{y + 3}" width="16" height="12" rx="2" fill="#ffffff"/>')
                out.append(f'<text x="{cx:.1f}" y="{y + 13}" font-size="11" text-anchor="middle" '
                           f'fill="#0b0c0c">{n}</text>')
            x += w
        total = sum(counts.get(r, 0) for r in RATED)
        out.append(f'<text x="{x + 6:.1f}" y="{y + 13}" font-size="12" font-weight="bold" '
                   f'fill="#0b0c0c">{total}</text>')
    if not rows:
        out.append(f'<text x="{LABEL_W}" y="{TOP + 13}" font-size="12" fill="#0b0c0c">No rated actions</text>')
    out.append("</svg>")
    return Markup("".join(out))


def single_bars(chart_id: str, title: str, rows: list[tuple[str, int]], intro: str, noun: str) -> Markup:
    """One horizontal bar per row with its count written at the end."""
    height = TOP - 20 + max(1, len(rows)) * ROW_H + 10
    summary = single_summary(rows, noun)
    out = [_open(chart_id, height, title, f"{intro} {summary}"), _patterns(chart_id)]
    biggest = max([n for _, n in rows] + [1])
    scale = (WIDTH - LABEL_W - 50) / biggest
    for i, (name, n) in enumerate(rows):
        y = TOP - 20 + i * ROW_H
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 13}" font-size="12" text-anchor="end" '
                   f'fill="#0b0c0c">{escape(_short(name))}</text>')
        w = n * scale
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="url(#{chart_id}-red)"/>')
        out.append(f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 13}" font-size="12" font-weight="bold" '
                   f'fill="#0b0c0c">{n}</text>')
    if not rows:
        out.append(f'<text x="{LABEL_W}" y="{TOP - 7}" font-size="12" fill="#0b0c0c">No {escape(noun)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


@dataclass(frozen=True)
class Charts:
    ratings_by_agency: Markup
    ratings_over_time: Markup
    overdue_by_agency: Markup


@dataclass(frozen=True)
class ChartSeries:
    """The figures behind the three charts: the same rows for the SVG (PDF, dashboard) and the PNG (Word)."""

    by_agency: list[tuple[str, dict[str, int]]]
    over_time: list[tuple[str, dict[str, int]]]
    overdue: list[tuple[str, int]]
    when: str


def chart_series(data: ReportData) -> ChartSeries:
    by_agency: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RATED, 0))
    overdue: dict[str, int] = defaultdict(int)
    for line in data.actions:
        if line.rating in RATED:
            by_agency[line.owner_short][line.rating] += 1
        if line.overdue:
            overdue[line.owner_short] += 1
    return ChartSeries(
        by_agency=sorted(by_agency.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])),
        over_time=[(f"{p.as_at.day} {p.as_at:%b %Y}", p.counts) for p in data.history[-12:]],
        overdue=sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0])),
        when=f"{data.as_at.day} {data.as_at:%B %Y}")


def stacked_summary(rows: list[tuple[str, dict[str, int]]], labels: dict[str, str]) -> str:
    return _summary(rows, labels)


def single_summary(rows: list[tuple[str, int]], noun: str) -> str:
    return "; ".join(f"{name}: {n}" for name, n in rows) + "." if rows else f"No {noun}."


def report_charts(data: ReportData, prefix: str = "chart") -> Charts:
    """The three charts of a report (and of the dashboard) from its plain data."""
    series = chart_series(data)
    when = series.when
    return Charts(
        ratings_by_agency=stacked_bars(
            f"{prefix}-by-agency", "Ratings by agency", series.by_agency, data.labels,
            f"Rated actions by owning agency (short name) as at {when}."),
        ratings_over_time=stacked_bars(
            f"{prefix}-over-time", "Ratings over time", series.over_time, data.labels,
            "Rated actions at the date of each archived report with the same filters, and this report."),
        overdue_by_agency=single_bars(
            f"{prefix}-overdue", "Overdue actions by agency", series.overdue,
            f"Open actions past their due date by owning agency as at {when}.", "overdue actions"),
    )
