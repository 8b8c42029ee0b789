"""The report's charts as PNG images (for Word, which has no SVG in every version), drawn with Pillow
from the same series as the SVG charts (charts.chart_series): the same colours, a pattern per rating
(stripes, dots, solid, cross-hatch) so they read in greyscale, counts on each segment, a legend, and
alt text that gives every figure."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from tracker.reports.charts import FILL, ChartSeries, single_summary, stacked_summary
from tracker.reports.data import RATED

SCALE = 2  # drawn at twice the size, shown at 16 cm wide: sharp when printed
WIDTH = 680 * SCALE
LABEL_W = 170 * SCALE
ROW_H = 26 * SCALE
BAR_H = 18 * SCALE
TOP = 36 * SCALE
INK = "#0b0c0c"


@dataclass(frozen=True)
class ChartImage:
    title: str
    alt: str
    png: bytes


def _font(size: int):
    return ImageFont.load_default(size=size * SCALE)


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pattern(image: Image.Image, box: tuple[float, float, float, float], rating: str) -> None:
    """Fill the box with the rating's colour and pattern (drawn on a tile of the box's size, so nothing
    spills outside it)."""
    x0, y0, x1, y1 = (round(v) for v in box)
    w, h = max(1, x1 - x0), max(1, y1 - y0)
    tile = Image.new("RGB", (w, h), FILL[rating])
    pen = ImageDraw.Draw(tile)
    step = 6 * SCALE
    if rating == "red":  # diagonal stripes
        for offset in range(-h, w, step):
            pen.line([(offset, h), (offset + h, 0)], fill="#f0a89b", width=SCALE)
    elif rating == "amber":  # dots
        for x in range(step // 2, w, step):
            for y in range(step // 2, h, step):
                pen.ellipse((x - SCALE, y - SCALE, x + SCALE, y + SCALE), fill="#6b3410")
    elif rating == "blue":  # cross-hatch
        for x in range(step // 2, w, step):
            pen.line([(x, 0), (x, h)], fill="#a5c4e3", width=SCALE)
        for y in range(step // 2, h, step):
            pen.line([(0, y), (w, y)], fill="#a5c4e3", width=SCALE)
    image.paste(tile, (x0, y0))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def stacked_png(title: str, rows: list[tuple[str, dict[str, int]]], labels: dict[str, str], intro: str) -> ChartImage:
    height = TOP + max(1, len(rows)) * ROW_H + 10 * SCALE
    image = Image.new("RGB", (WIDTH, height), "#ffffff")
    draw = ImageDraw.Draw(image)
    small, normal = _font(11), _font(12)
    x = LABEL_W
    for rating in RATED:  # the legend
        _pattern(image, (x, 8 * SCALE, x + 16 * SCALE, 20 * SCALE), rating)
        draw.rectangle((x, 8 * SCALE, x + 16 * SCALE, 20 * SCALE), outline=INK)
        draw.text((x + 21 * SCALE, 8 * SCALE), labels[rating], font=normal, fill=INK)
        x += (30 + 8 * len(labels[rating]) + 14) * SCALE
    biggest = max([sum(c.get(r, 0) for r in RATED) for _, c in rows] + [1])
    scale = (WIDTH - LABEL_W - 50 * SCALE) / biggest
    for i, (name, counts) in enumerate(rows):
        y = TOP + i * ROW_H
        draw.text((LABEL_W - 8 * SCALE, y + 2 * SCALE), _short(name), font=normal, fill=INK, anchor="ra")
        x = float(LABEL_W)
        for rating in RATED:
            n = counts.get(rating, 0)
            if not n:
                continue
            w = n * scale
            _pattern(image, (x, y, x + w, y + BAR_H), rating)
            draw.line([(x + w, y), (x + w, y + BAR_H)], fill="#ffffff", width=SCALE)
            if w >= 16 * SCALE:
                cx = x + w / 2
                draw.rounded_rectangle((cx - 9 * SCALE, y + 3 * SCALE, cx + 9 * SCALE, y + 15 * SCALE),
                                       radius=2 * SCALE, fill="#ffffff")
                draw.text((cx, y + 9 * SCALE), str(n), font=small, fill=INK, anchor="mm")
            x += w
        total = sum(counts.get(r, 0) for r in RATED)
        draw.text((x + 6 * SCALE, y + 2 * SCALE), str(total), font=normal, fill=INK)
    if not rows:
        draw.text((LABEL_W, TOP + 2 * SCALE), "No rated actions", font=normal, fill=INK)
    return ChartImage(title, f"{title}. {intro} {stacked_summary(rows, labels)}", _png(image))


def single_png(title: str, rows: list[tuple[str, int]], intro: str, noun: str) -> ChartImage:
    top = TOP - 20 * SCALE
    height = top + max(1, len(rows)) * ROW_H + 10 * SCALE
    image = Image.new("RGB", (WIDTH, height), "#ffffff")
    draw = ImageDraw.Draw(image)
    normal = _font(12)
    biggest = max([n for _, n in rows] + [1])
    scale = (WIDTH - LABEL_W - 50 * SCALE) / biggest
    for i, (name, n) in enumerate(rows):
        y = top + i * ROW_H
        draw.text((LABEL_W - 8 * SCALE, y + 2 * SCALE), _short(name), font=normal, fill=INK, anchor="ra")
        w = n * scale
        if w:
            _pattern(image, (LABEL_W, y, LABEL_W + w, y + BAR_H), "red")
        draw.text((LABEL_W + w + 6 * SCALE, y + 2 * SCALE), str(n), font=normal, fill=INK)
    if not rows:
        draw.text((LABEL_W, top + 2 * SCALE), f"No {noun}", font=normal, fill=INK)
    return ChartImage(title, f"{title}. {intro} {single_summary(rows, noun)}", _png(image))


def chart_images(series: ChartSeries, labels: dict[str, str]) -> list[ChartImage]:
    when = series.when
    return [
        stacked_png("Ratings by agency", series.by_agency, labels,
                    f"Rated actions by owning agency (short name) as at {when}."),
        stacked_png("Ratings over time", series.over_time, labels,
                    "Rated actions at the date of each archived report with the same filters, and this report."),
        single_png("Overdue actions by agency", series.overdue,
                   f"Open actions past their due date by owning agency as at {when}.", "overdue actions"),
    ]
