"""Tables drawn without lines (action plans laid out in columns of text), found from the words'
positions: a header line with at least two of a table's header words ("Recommendation", "Action",
"Lead", "Target date", ...), then the lines below it for as long as at least two vertical gutters
(bands no word crosses) run down through all of them. The gutters give the columns; a wider space
between lines than between the lines of one cell starts a row (or, when every line is as close as
the next, a new entry in the first column does)."""

from __future__ import annotations

import re

from tracker.imports.document.cleaning import normalise

HEADER_WORDS = re.compile(r"\b(?:recommendations?|rec|ref|actions?|lead|owner|responsible|target|date|deadline|"
                          r"timescales?|outcomes?|measures?|evidence|progress|status|rag)\b", re.IGNORECASE)
#: The narrowest band between two columns (points): two cell paddings of 2 points.
GUTTER = 3.5
MIN_LINES = 3


def _lines(words: list[dict], body: float) -> list[dict]:
    lines: list[dict] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        line = lines[-1] if lines and abs(lines[-1]["top"] - w["top"]) < max(2.5, body * 0.4) else None
        if line is None:
            line = {"top": w["top"], "bottom": w["bottom"], "words": []}
            lines.append(line)
        line["words"].append(w)
        line["bottom"] = max(line["bottom"], w["bottom"])
    for line in lines:
        line["words"].sort(key=lambda w: w["x0"])
    return lines


def _gutters(lines: list[dict]) -> list[tuple[float, float]]:
    spans = sorted((w["x0"], w["x1"]) for ln in lines for w in ln["words"])
    gutters = []
    end = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - end >= GUTTER:
            gutters.append((end, x0))
        end = max(end, x1)
    return gutters


def _rows(region: list[dict], bounds: list[float]) -> list[list[str]]:
    pitches = [b["top"] - a["top"] for a, b in zip(region, region[1:])]
    close = min(pitches) if pitches else 0
    breaks = {i + 1 for i, p in enumerate(pitches) if p > close * 1.3}
    cells_of = []
    for line in region:
        cells: list[list[str]] = [[] for _ in range(len(bounds) - 1)]
        for w in line["words"]:
            middle = (w["x0"] + w["x1"]) / 2
            column = next(c for c in range(len(bounds) - 1) if middle < bounds[c + 1] or c == len(bounds) - 2)
            cells[column].append(w["text"])
        cells_of.append([" ".join(c) for c in cells])
    if not breaks:
        breaks = {i for i, cells in enumerate(cells_of) if i and cells[0]}
    rows: list[list[list[str]]] = []
    for i, cells in enumerate(cells_of):
        if i == 0 or i in breaks:
            rows.append([[] for _ in cells])
        for column, text in enumerate(cells):
            if text:
                rows[-1][column].append(text)
    return [[_join(parts) for parts in row] for row in rows]


def _join(parts: list[str]) -> str:
    text = " ".join(parts)
    return normalise(re.sub(r"(?<=[a-z])- (?=[a-z])", "-", text)).strip()


def unruled_tables(words: list[dict], body: float) -> tuple[list[tuple[tuple, list[list[str]]]], list[dict]]:
    """The page's tables drawn without lines, as (bounding box, rows of cells), and the words left
    outside them."""
    lines = _lines(words, body)
    tables = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        header = lines[i]
        text = " ".join(w["text"] for w in header["words"])
        if len(header["words"]) < 3 or len(set(m.lower() for m in HEADER_WORDS.findall(text))) < 2 \
                or len(_gutters([header])) < 2:
            i += 1
            continue
        region = [header]
        gutters = _gutters(region)
        j = i + 1
        while j < len(lines) and lines[j]["top"] - region[-1]["bottom"] < body * 2.5:
            wider = _gutters(region + [lines[j]])
            # once the columns are settled, a line that crosses one is past the table's end
            if len(wider) < 2 or (len(region) >= MIN_LINES and len(wider) < len(gutters)):
                break
            region.append(lines[j])
            gutters = wider
            j += 1
        if len(region) < MIN_LINES:
            i += 1
            continue
        left = min(w["x0"] for ln in region for w in ln["words"])
        right = max(w["x1"] for ln in region for w in ln["words"])
        bounds = [left] + [(a + b) / 2 for a, b in gutters] + [right + 1]
        rows = [r for r in _rows(region, bounds) if any(r)]
        if len(rows) >= 2:
            tables.append(((left, region[0]["top"], right, region[-1]["bottom"]), rows))
            used.update(id(w) for ln in region for w in ln["words"])
            i = j
        else:
            i += 1
    return tables, [w for w in words if id(w) not in used]
