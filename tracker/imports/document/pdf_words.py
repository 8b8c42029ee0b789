"""The words of a PDF page, with their positions, size and weight, through PDFium (pypdfium2): ten or
more times faster than pdfminer, and little memory. pdfplumber (pdfminer) is kept for one job only,
the table finder on pages with drawn lines (`ruled_tables`), and loaded only when such a page exists.

A word is a dict like pdfplumber's: text, x0, x1, top, bottom (from the top of the page), size (the
font size as drawn, in points) and fontname; "bold" says whether its font is bold or black."""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
from pypdfium2 import raw

#: Characters further apart than this (points) on one line are two words, as pdfplumber's x tolerance.
GAP = 3.0
_SPACE = frozenset(" \t\r\n\u00a0\u2002\u2003\u2009\u200b\uffff\x00")


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(data)


class _Fonts:
    """Size as drawn, font name and boldness of a character's font, asked of PDFium once for each
    (font size, weight, box height): a page has few fonts and many words."""

    def __init__(self, textpage) -> None:
        self.textpage = textpage
        self.cache: dict[tuple, tuple[float, str, bool]] = {}
        self.buffer = ctypes.create_string_buffer(256)
        self.flags = ctypes.c_int()
        self.matrix = raw.FS_MATRIX()

    def of(self, index: int, height: float) -> tuple[float, str, bool]:
        size = raw.FPDFText_GetFontSize(self.textpage, index)
        weight = raw.FPDFText_GetFontWeight(self.textpage, index)
        key = (size, weight, round(height, 1))
        found = self.cache.get(key)
        if found is None:
            if raw.FPDFText_GetMatrix(self.textpage, index, self.matrix):
                m = self.matrix
                scale = abs(m.a * m.d - m.b * m.c) ** 0.5
                size = size * scale if scale > 0 else size
            raw.FPDFText_GetFontInfo(self.textpage, index, self.buffer, 256, self.flags)
            name = self.buffer.value.decode("utf-8", "replace")
            lowered = name.lower()
            bold = weight >= 600 or "bold" in lowered or "black" in lowered or "heavy" in lowered
            found = self.cache[key] = (round(size, 2), name, bold)
        return found


def _page_text(textpage, count: int) -> str:
    """The page's characters, one for each character index (PDFium marks a hyphen at a line end as 2,
    which pypdfium2 passes on as U+FFFE)."""
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters beyond the 16-bit range: ask for each
        text = "".join(chr(min(raw.FPDFText_GetUnicode(textpage.raw, i), 0x10FFFF)) for i in range(count))
    return text.replace("\x02", "-").replace("\ufffe", "-")


def page_words(page: pdfium.PdfPage) -> list[dict]:
    """The page's words in PDFium's reading of the content stream, split at spaces, at gaps wider
    than GAP, at line changes and where the height of the letters changes (a footnote marker after
    a word). One call to PDFium for each character (its box), a few for each word."""
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        count = raw.FPDFText_CountChars(tp)
        text = _page_text(textpage, count)
        fonts = _Fonts(tp)
        rect = raw.FS_RECTF()
        box = raw.FPDFText_GetLooseCharBox
        words: list[dict] = []
        current: dict | None = None
        start = 0
        x1 = tall = 0.0
        for index, char in enumerate(text):
            if char in _SPACE:
                if current is not None:
                    current["text"] = text[start:index]
                    words.append(current)
                    current = None
                continue
            box(tp, index, rect)
            left, right, top, bottom = rect.left, rect.right, height - rect.top, height - rect.bottom
            if current is not None and (left - x1 > GAP or right < current["x0"]
                                        or abs(top - current["top"]) > tall * 0.4
                                        or abs(bottom - top - tall) > tall * 0.08):
                # a gap, a new line, or letters of another size (the letters of a ligature share
                # its box: going back inside the word is no break)
                current["text"] = text[start:index]
                words.append(current)
                current = None
            if current is None:
                tall = bottom - top
                size, name, bold = fonts.of(index, tall)
                current = {"x0": left, "x1": right, "top": top, "bottom": bottom, "size": size,
                           "fontname": name, "bold": bold}
                start, x1 = index, right
            else:
                x1 = max(x1, right)
                current["x1"] = x1
        if current is not None:
            current["text"] = text[start:]
            words.append(current)
        return [w for w in words if w["text"]]
    finally:
        textpage.close()


def has_drawn_lines(page: pdfium.PdfPage) -> bool:
    """Whether the page draws at least four lines (paths at most 2 points thick and 10 long, as table
    rules are): then it may hold a ruled table, worth the (slow) table finder. Boxes, shading and
    pictures do not count; a table with no rules is found from its words (pdf_tables.py)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    lines = 0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2):
        if not raw.FPDFPageObj_GetBounds(obj.raw, left, bottom, right, top):
            continue
        width, height = right.value - left.value, top.value - bottom.value
        if min(width, height) <= 2 and max(width, height) >= 10:
            lines += 1
            if lines >= 4:
                return True
    return False


def ruled_tables(data: bytes, page_numbers: list[int]) -> dict[int, list[tuple[tuple, list[list[str | None]]]]]:
    """pdfplumber's table finder on the given pages (1-based): for each, (bounding box, rows of cells)."""
    import pdfplumber  # pdfminer is heavy: loaded only when a page has drawn lines

    found: dict[int, list] = {}
    with pdfplumber.open(io.BytesIO(data), pages=page_numbers) as pdf:
        for page in pdf.pages:
            found[page.page_number] = [(table.bbox, table.extract()) for table in page.find_tables()]
            page.close()
    return found
