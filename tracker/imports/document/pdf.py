"""PDF into blocks: words (through PDFium, pdf_words.py) grouped into lines, lines into paragraphs by their
spacing; headings by font size (level by size rank) or weight; two-column pages read column by
column; ruled tables through pdfplumber's table finder, tables without lines from the words'
positions (pdf_tables.py), the words inside them left out of the text;
running headers, footers and page numbers removed by their repetition across pages; footnote
markers and footnote text left out."""

from __future__ import annotations

import re
from collections import Counter

from tracker.core.errors import DomainError
from tracker.imports.document.cleaning import PAGE_NO, TOC, normalise
from tracker.imports.document.markers import split_marker
from tracker.imports.document.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Document, Source
from tracker.imports.document.pdf_tables import unruled_tables
from tracker.imports.document.pdf_words import has_drawn_lines, open_pdf, page_words, ruled_tables

_END = re.compile(r"[.!?;:\"”’)]$")
MAX_PAGES = 2000


def _cell(text: str | None) -> str:
    """A table cell's lines joined: a hyphen at a line end joins the words ("front-\nline")."""
    text = re.sub(r"(?<=\w)-\s*\n\s*(?=\w)", "-", text or "")
    return normalise(re.sub(r"\s+", " ", text)).strip()


def _digits(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _inside(word: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1


def _columns(words: list[dict], width: float, height: float) -> list[list[dict]]:
    """Two columns when lines with words on both sides of a gutter down the middle are (almost) never
    crossed by a word there: then the left column is read before the right."""
    body = [w for w in words if height * 0.08 < w["top"] < height * 0.92]
    if len(body) < 40:
        return [words]
    rows: dict[int, list[dict]] = {}
    for w in body:
        rows.setdefault(round(w["top"] / 3), []).append(w)
    for mid in (width / 2, width * 0.47, width * 0.53):
        left = right = crossing = 0
        for row in rows.values():
            if any(w["x0"] < mid - 2 and w["x1"] > mid + 2 for w in row):
                crossing += 1
                continue
            left += any(w["x1"] <= mid + 2 for w in row)
            right += any(w["x0"] >= mid - 2 for w in row)
        if left >= 4 and right >= 4 and crossing <= (left + right) * 0.05:
            return _split(words, mid, height)
    return [words]


def _split(words: list[dict], mid: float, height: float) -> list[list[dict]]:
    """Left and right columns; a line in the top or bottom band that runs across the gutter without a
    gap there (a running header or footer) stays whole, in the first."""
    left: list[dict] = []
    right: list[dict] = []
    band_rows: dict[int, list[dict]] = {}
    for w in words:
        if height * 0.08 < w["top"] < height * 0.92:
            (left if w["x0"] < mid - 2 else right).append(w)
        else:
            band_rows.setdefault(round(w["top"] / 3), []).append(w)
    for row in band_rows.values():
        row.sort(key=lambda w: w["x0"])
        gutter = any(a["x1"] <= mid <= b["x0"] and b["x0"] - a["x1"] > 12 for a, b in zip(row, row[1:]))
        if gutter or all(w["x0"] >= mid - 2 for w in row) or all(w["x1"] <= mid + 2 for w in row):
            for w in row:
                (left if w["x0"] < mid - 2 else right).append(w)
        else:
            left.extend(row)
    return [left, right]


def _lines(words: list[dict], body: float) -> list[dict]:
    lines: list[dict] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        small = w["size"] < body * 0.8
        w["note_mark"] = small and bool(re.fullmatch(r"[\d*†‡§,]+", w["text"]))
        line = next((ln for ln in reversed(lines[-4:]) if abs(ln["top"] - w["top"]) < max(2.5, body * 0.4)
                     or (small and ln["top"] - 1 <= w["top"] <= ln["bottom"])), None)
        if line is None:
            line = {"top": w["top"], "bottom": w["bottom"], "words": []}
            lines.append(line)
        line["words"].append(w)
        line["bottom"] = max(line["bottom"], w["bottom"])
    for ln in lines:
        ws = sorted(ln["words"], key=lambda w: w["x0"])
        ln["full"] = normalise(" ".join(w["text"] for w in ws))
        # footnote markers (small digits) are left out of the words, whatever line they sit on
        ln["text"] = normalise(" ".join(w["text"] for w in ws if not w["note_mark"]))
        ln["size"] = max(w["size"] for w in ws)
        ln["bold"] = all(w["bold"] for w in ws)
        ln["x0"] = ws[0]["x0"]
    return sorted(lines, key=lambda ln: ln["top"])


def _read_pages(data: bytes) -> list[tuple[float, float, list[dict], list]]:
    """(width, height, words outside tables, tables) of each page: words through PDFium, ruled tables
    through pdfplumber on the pages that draw lines."""
    try:
        pdf = open_pdf(data)
    except Exception as error:  # PDFium raises PdfiumError (or others) on a broken file
        raise DomainError("The PDF could not be read. Save it again as a PDF, or paste its text.",
                          field="file") from error
    pages = []
    lined: list[int] = []
    try:
        if len(pdf) > MAX_PAGES:
            raise DomainError(f"The PDF has more than {MAX_PAGES} pages.", field="file")
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width, height = page.get_size()
                words = page_words(page)
                if words and has_drawn_lines(page):
                    lined.append(index + 1)
            finally:
                page.close()
            pages.append((float(width), float(height), words, []))
    except DomainError:
        raise
    except Exception as error:
        raise DomainError("The PDF could not be read. Save it again as a PDF, or paste its text.",
                          field="file") from error
    finally:
        pdf.close()
    if lined:
        try:
            found = ruled_tables(data, lined)
        except Exception:  # pdfminer fails on some files PDFium reads: the words are kept, tables not
            found = {}
        for number, tables in found.items():
            width, height, words, kept = pages[number - 1]
            for box, raw_rows in tables:
                rows = [[_cell(c) for c in row] for row in raw_rows]
                rows = [r for r in rows if any(r)]
                if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                    kept.append((box, rows))
            words[:] = [w for w in words if not any(_inside(w, box) for box, _ in kept)]
    return pages


def read_pdf(data: bytes) -> Document:
    pages = _read_pages(data)
    sizes: Counter = Counter()
    for _, _, words, _ in pages:
        for w in words:
            sizes[round(w["size"], 1)] += len(w["text"])
    if not sizes and not any(t for *_, t in pages):
        raise DomainError("The PDF has no text in it (it may be a scanned image). Paste the text instead.",
                          field="file")
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    heading_sizes = sorted({s for s, n in sizes.items() if s >= body * 1.15}, reverse=True)
    for _, _, words, tables in pages:
        found, outside = unruled_tables(words, body)
        if found:
            tables.extend(found)
            words[:] = outside

    page_lines = []
    for width, height, words, tables in pages:
        columns = [_lines(col, body) for col in _columns(words, width, height)]
        for col in columns:
            for ln in col:
                ln["band"] = ln["top"] < height * 0.09 or ln["bottom"] > height * 0.91
                ln["lower"] = ln["top"] > height * 0.6
        page_lines.append((columns, tables))
    band_counts = Counter(_digits(ln["full"]) for columns, _ in page_lines for col in columns for ln in col
                          if ln["band"])
    repeated = {k for k, n in band_counts.items() if n >= 2 and n >= len(page_lines) * 0.4}

    # The usual distance between lines of a paragraph, over the whole document (a page of one-line
    # paragraphs has no line of its own to measure).
    pitches = sorted(b["top"] - a["top"] for columns, _ in page_lines for col in columns for a, b in zip(col, col[1:])
                     if b["top"] > a["top"] and abs(a["size"] - body) < 0.5 and abs(b["size"] - body) < 0.5)
    usual = pitches[len(pitches) // 4] if pitches else body * 1.2
    document = Document(pages=len(pages))
    for number, (columns, tables) in enumerate(page_lines, start=1):
        events: list[tuple[int, float, object]] = []  # (column, top, line or table)
        for c, col in enumerate(columns):
            footnotes = False
            for ln in col:
                text = ln["text"].strip()
                if ln["band"] and (_digits(ln["full"]) in repeated or PAGE_NO.match(ln["full"].strip())):
                    continue
                if not text:
                    continue
                if ln["lower"] and ln["size"] < body * 0.9 and (footnotes or re.match(r"^[\d*†‡]{1,3}[.)]?\s", text)):
                    footnotes = True  # footnote text runs to the bottom of the page
                    continue
                if TOC.search(text) and len(text) < 140:
                    continue
                events.append((c, ln["top"], ln))
        for box, rows in tables:
            events.append((0, box[1], rows))
        events.sort(key=lambda e: (e[0], e[1]))
        _blocks(document, events, number, body, heading_sizes, usual)
    return document


def _blocks(document: Document, events: list, page: int, body: float, heading_sizes: list[float],
            usual: float) -> None:
    current: Block | None = None
    previous = None
    heading: Block | None = None
    heading_line = None

    def close() -> None:
        nonlocal current
        if current is not None:
            current.text = " ".join(current.lines)
            document.add(current)
        current = None

    for column, _, thing in events:
        if isinstance(thing, list):
            close()
            heading = None
            document.add(Block(TABLE, "\n".join(" | ".join(r) for r in thing), Source(page=page), rows=thing))
            previous = None
            continue
        ln = thing
        text = ln["text"].strip()
        gap = previous is not None and (ln["top"] - previous["top"] > usual * 1.45 or ln["top"] < previous["top"])
        size_rank = next((i for i, s in enumerate(heading_sizes) if abs(round(ln["size"], 1) - s) < 0.05), None)
        is_heading = len(text) < 150 and (size_rank is not None or (ln["bold"] and ln["size"] >= body * 0.95))
        if is_heading:
            close()
            style, level = ("styled", size_rank + 1) if size_rank is not None else ("bold", 0)
            wraps = previous is not None and 0 < ln["top"] - previous["top"] < ln["size"] * 1.7
            if heading is not None and wraps and heading.style == style and heading.level == level \
                    and previous is heading_line:
                heading.lines.append(text)  # a heading that wraps onto a second line
                heading.text = " ".join(heading.lines)
            else:
                heading = Block(HEADING, text, Source(page=page), level=level, style=style, lines=[text])
                document.add(heading)
            heading_line = ln
            previous = ln
            continue
        heading = None
        marker = split_marker(text)
        if marker:
            close()
            current = Block(LIST_ITEM, source=Source(page=page), marker=marker[0], nesting=marker[2],
                            lines=[marker[1]])
        elif current is None or gap:
            close()
            current = Block(PARAGRAPH, source=Source(page=page), lines=[text])
        else:
            current.lines.append(text)
        previous = ln
    close()

