"""Plain text, pasted text and Markdown into blocks.

Lines are cleaned (markup, footnote markers), page numbers, contents entries and running headers
(the same short line many times over) left out; headings are Markdown headings, bold or capitals
lines, numbered section titles, or short lines standing alone; list items start with a marker;
pipe or tab separated rows are tables; a form feed is a page break."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tracker.imports.document.cleaning import PAGE_NO, TOC, clean_inline, normalise
from tracker.imports.document.markers import LABEL, split_marker
from tracker.imports.document.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Document, Source


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


#: Titles of the usual sections of a report, so "4. Conclusion" followed by its text is a heading.
SECTION_WORDS = re.compile(
    r"^(?:introduction|background|conclusions?|summary|executive summary|findings|key findings|analysis|learning|"
    r"recommendations?|next steps|purpose(?: of the report)?|decisions? required|financial implications|"
    r"legal implications|contact(?: officer)?|appendix|appendices|references|glossary|terms of reference|"
    r"methodology|practice episodes|what happened|why it matters|the review|acknowledgements?|contents)$", re.I)
REC_TITLE = re.compile(r"^(?:[\w’']+\s+){0,4}recommendations?\b(?:\s+[\w’']+){0,6}$", re.I)
VERBISH = re.compile(r"\b(should|must|will|shall|would|could|is|are|was|were|be|been|has|have|had|need|needs|"
                     r"can|to ensure|include|includes|identified|ensure|consider|review)\b", re.I)


@dataclass
class _Line:
    text: str
    raw: str
    page: int | None
    indent: int = 0
    blank: bool = False
    hard_break: bool = False
    heading: tuple[str, int] | None = None
    cells: list[str] | None = None


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(text) <= 90 and \
        len(re.findall(r"[A-Z]{3,}", text)) >= 1


def heading_guess(raw: str, text: str, alone: bool, before: bool = False) -> tuple[str, int] | None:
    """(style, level) when a line of text reads as a heading."""
    stripped = raw.strip()
    md = re.match(r"^(#{1,6})\s+(.*)$", stripped)
    if md:
        return ("styled", len(md.group(1)))
    body = text.strip()
    if not body or len(body) > 120 or LABEL.match(body):
        return None
    bold = re.fullmatch(r"(\*\*|__)(.+?)\1:?", stripped) or re.fullmatch(r"<b>(.+?)</b>:?", stripped, re.I)
    if bold and not body.endswith((".", ";", ",")):
        return ("bold", 0)
    if _is_caps(body) and not body.endswith((",", ";")) and not split_marker(body):
        return ("caps", 0)
    numbered = re.match(r"^(?:section\s+|part\s+)?(\d{1,2}(?:\.\d{1,2})*)(\.?)[:.]?\s+([A-Z][^.;:]{1,80})$", body,
                        re.I)
    if numbered:
        title = numbered.group(3)
        level = numbered.group(1).count(".") + 1
        usual = SECTION_WORDS.match(title) or (REC_TITLE.match(title) and len(title.split()) <= 8) or (
            len(title.split()) <= 4 and not re.search(r"[.;,:?!]$", title))
        if (alone or (before and (usual or not numbered.group(2)))) and len(title.split()) <= 9 and (
                usual or not VERBISH.search(title)) and (usual or alone or not numbered.group(2)):
            return ("numbered", level)
    if split_marker(body):
        return None
    if before and SECTION_WORDS.match(body.rstrip(":").strip()):
        return ("plain", 0)  # "Financial implications" followed at once by its text
    appendix = re.match(r"^(appendix|annex|annexe|part)\s+[A-Z0-9]{1,3}\b", body, re.I)
    if appendix and len(body.split()) <= 10 and not body.endswith((".", ",", ";")):
        return ("plain", 0)
    if (alone and len(body.split()) <= 9 and body[:1].isupper() and not re.search(r"[.;,]$", body)
            and (not VERBISH.search(body) or REC_TITLE.match(re.sub(r"^(?:section|part)\s+\d+\s*[:.-]\s*", "", body,
                                                                     flags=re.I))) and body.lower() not in ("none", "n/a", "nil", "not applicable")):
        return ("plain", 0)
    return None


def _table_row(raw: str) -> list[str] | None:
    stripped = raw.strip()
    if stripped.startswith("|") and stripped.count("|") >= 3:
        cells = [clean_inline(c).strip() for c in stripped.strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?|", c) for c in cells):
            return []  # the separator row
        return cells
    return None


def _lines(text: str) -> list[_Line]:
    text = normalise(text)
    pages = text.split("\f")
    numbered = len(pages) > 1
    # A page starts as after a blank line.
    raw_lines = [(n if numbered else None, line) for n, page in enumerate(pages, start=1)
                 for line in [""] * (n > 1) + page.split("\n")]

    def key(s: str) -> str:
        return re.sub(r"\d+", "#", clean_inline(s).strip().lower())

    counts = Counter(key(s) for _, s in raw_lines if s.strip())
    repeated = {k for k, n in counts.items() if n >= 3 and len(k) >= 8 and " " in k
                and not k.startswith(("|", "#", "- ", "* ", "• "))}
    lines: list[_Line] = []
    for page, raw in raw_lines:
        hard = raw.endswith("  ") or raw.endswith("\\")
        raw = raw.rstrip().rstrip("\\").rstrip()
        stripped = raw.strip()
        if stripped.startswith("|") and re.fullmatch(r"[-|: ]{5,}", stripped):
            continue  # a Markdown table's separator row
        if not stripped or re.fullmatch(r"[-=_*]{3,}|[-|: ]{5,}", stripped):
            lines.append(_Line("", raw, page, blank=True))
            continue
        cleaned = clean_inline(stripped)
        if key(raw) in repeated and not split_marker(cleaned.lstrip("# ")) and not LABEL.match(cleaned.lstrip("# ")):
            continue
        if re.match(r"^<sup>\s*\d{1,3}\s*</sup>", stripped) or re.match(r"^\[\^\d+\]:", stripped):
            continue  # a footnote's text
        if PAGE_NO.fullmatch(cleaned.strip()) and not re.fullmatch(r"[ivx]{1,5}", cleaned.strip(), re.I):
            continue
        if TOC.search(cleaned) and len(cleaned) < 140:
            continue
        indent = len(raw) - len(raw.lstrip())
        cells = _table_row(raw)
        if cells is not None:
            if cells:
                lines.append(_Line(" | ".join(cells), raw, page, cells=cells))
            continue
        cleaned = re.sub(r"^#{1,6}\s+", "", cleaned).strip()
        if "\t" in cleaned:
            parts = [p.strip() for p in cleaned.split("\t") if p.strip()]
            if len(parts) >= 3 or (len(parts) == 2 and not split_marker(cleaned.replace("\t", " "))):
                lines.append(_Line(" ".join(parts), raw, page, cells=parts))
                continue
            cleaned = " ".join(parts)
        lines.append(_Line(cleaned, raw, page, indent=indent, hard_break=hard))
    for i, line in enumerate(lines):
        if line.blank or line.cells is not None:
            continue
        before = i == 0 or lines[i - 1].blank
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        after = nxt is None or nxt.blank or (
            len(line.text.split()) <= 8 and nxt.cells is None
            and (split_marker(nxt.text) is not None or LABEL.match(nxt.text) is not None
                 or nxt.text.strip().lower().rstrip(".") in ("none", "n/a", "nil")))
        line.heading = heading_guess(line.raw, line.text, before and after, before)
    return lines


def read_plain(text: str) -> Document:
    document = Document()
    current: Block | None = None
    pages = 0

    def close() -> None:
        nonlocal current
        if current is not None:
            if current.kind == TABLE:
                current.text = "\n".join(" | ".join(r) for r in current.rows)
            else:
                current.text = " ".join(current.lines)
            document.add(current)
        current = None

    for line in _lines(text):
        pages = max(pages, line.page or 0)
        if line.blank:
            close()
            continue
        source = Source(page=line.page)
        if line.cells is not None:
            if current is None or current.kind != TABLE:
                close()
                current = Block(TABLE, source=source)
            current.rows.append(line.cells)
            continue
        if line.heading:
            close()
            style, level = line.heading
            document.add(Block(HEADING, line.text, source, level=level or 0, style=style, lines=[line.text]))
            continue
        marker = split_marker(line.text)
        if marker:
            close()
            nesting = marker[2] + (1 if line.indent >= 2 and marker[2] == 0 and marker[0][:1] in "-•*o▪◦–·" else 0)
            current = Block(LIST_ITEM, source=source, marker=marker[0], nesting=nesting, lines=[marker[1]])
        elif current is None or current.kind == TABLE or LABEL.match(line.text):
            close()  # a "Recommendation 2:" line starts its own paragraph
            current = Block(PARAGRAPH, source=source, lines=[line.text])
        else:
            current.lines.append(line.text)
        if line.hard_break:
            close()
    close()
    document.pages = pages
    return document


def from_page_texts(pages: list[str], *, ocr: bool = False) -> Document:
    """A document from the text of each page (pages numbered from 1): OCR output and text with page
    breaks go through here, read as plain text."""
    document = read_plain("\f".join(pages))
    document.ocr = ocr
    document.pages = max(len(pages), document.pages)
    return document
