"""Text out of review documents: PDF (pdfplumber), Word .docx (python-docx), text and Markdown.

The text keeps what `extract` needs to see the structure: headings become Markdown headings (Word
heading styles, larger or bold PDF lines), paragraphs are separated by blank lines, Word's automatic
list numbers are written out, and tables become pipe tables. Running headers and footers, page
numbers and footnotes (markers and text) are left out."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

from tracker.errors import DomainError

SUPPORTED = {"pdf", "docx", "txt", "md", "markdown", "text"}
_PAGE_NO = re.compile(r"^(?:page\s*)?[-–—]?\s*\d{1,4}\s*(?:(?:of|/)\s*\d{1,4})?\s*[-–—]?$", re.I)
_END = re.compile(r"[.!?;:\"”’)]$")


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def text_from_file(filename: str, data: bytes) -> str:
    ext = Path(filename).suffix.lower().lstrip(".")
    if ext == "pdf":
        return pdf_text(data)
    if ext == "docx":
        return docx_text(data)
    if ext in ("txt", "md", "markdown", "text"):
        return decode_text(data)
    raise DomainError("The selected file must be a PDF, Word (.docx), text or Markdown file.", field="file")


# --- PDF -----------------------------------------------------------------------------------------


def _digits(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def pdf_text(data: bytes) -> str:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many kinds of error on a broken file
        raise DomainError("The PDF could not be read. Save it again as a PDF, or paste its text.",
                          field="file") from error
    with pdf:
        pages = []
        sizes: Counter = Counter()
        for page in pdf.pages:
            words = page.extract_words(extra_attrs=["size", "fontname"], use_text_flow=True, keep_blank_chars=False)
            for w in words:
                sizes[round(w["size"], 1)] += len(w["text"])
            pages.append((float(page.height), words))
    if not sizes:
        raise DomainError("The PDF has no text in it (it may be a scanned image). Paste the text instead.",
                          field="file")
    body = sizes.most_common(1)[0][0]

    page_lines = []
    for height, words in pages:
        lines: list[dict] = []
        for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
            small = w["size"] < body * 0.8
            if small and re.fullmatch(r"[\d*†‡§,]+", w["text"]):
                # A footnote marker, raised and small, whatever line it sits on.
                continue
            line = next((ln for ln in lines if abs(ln["top"] - w["top"]) < max(2.5, body * 0.4)
                         or (small and ln["top"] - 1 <= w["top"] <= ln["bottom"])), None)
            if line is None:
                line = {"top": w["top"], "bottom": w["bottom"], "words": []}
                lines.append(line)
            line["words"].append(w)
            line["bottom"] = max(line["bottom"], w["bottom"])
        for ln in lines:
            ws = sorted(ln["words"], key=lambda w: w["x0"])
            ln["text"] = " ".join(w["text"] for w in ws)
            ln["size"] = max(w["size"] for w in ws)
            ln["bold"] = all("bold" in w["fontname"].lower() for w in ws)
            ln["band"] = ln["top"] < height * 0.09 or ln["bottom"] > height * 0.91
            ln["lower"] = ln["top"] > height * 0.6
        lines.sort(key=lambda ln: ln["top"])
        page_lines.append(lines)

    # Running headers and footers: the same text (numbers aside) in the top or bottom band of many pages.
    band_counts = Counter(_digits(ln["text"]) for lines in page_lines for ln in lines if ln["band"])
    repeated = {k for k, n in band_counts.items() if n >= 2 and n >= len(page_lines) * 0.4}
    out: list[str] = []
    for lines in page_lines:
        kept = []
        footnotes = False
        for ln in lines:
            text = ln["text"].strip()
            if ln["band"] and (_digits(text) in repeated or _PAGE_NO.match(text)):
                continue
            if ln["lower"] and ln["size"] < body * 0.9 and (footnotes or re.match(r"^[\d*†‡]{1,3}[.)]?\s", text)):
                footnotes = True  # footnote text runs to the bottom of the page
                continue
            kept.append(ln)
        gaps = [b["top"] - a["top"] for a, b in zip(kept, kept[1:]) if b["top"] > a["top"]]
        usual = sorted(gaps)[len(gaps) // 2] if gaps else body * 1.2
        if out and kept:
            # A page break is a paragraph break only when the last page ended a sentence.
            out.append("" if _END.search(out[-1]) else None)
        previous = None
        for ln in kept:
            if previous is not None and ln["top"] - previous["top"] > usual * 1.45:
                out.append("")
            text = ln["text"]
            if ln["size"] >= body * 1.25 and len(text) < 150:
                out.extend(["", "## " + text, ""])
            elif ln["bold"] and len(text) < 150:
                out.extend(["", f"**{text}**", ""])
            else:
                out.append(text)
            previous = ln
    return "\n".join(x for x in out if x is not None)


# --- Word ----------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


class _Numbering:
    """Word's automatic list numbers, written out as the reader sees them."""

    def __init__(self, document):
        self.formats: dict[tuple[str, int], str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, AttributeError, NotImplementedError):
            return
        abstract = {}
        for node in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                levels[int(lvl.get(f"{W}ilvl"))] = fmt.get(f"{W}val") if fmt is not None else "decimal"
            abstract[node.get(f"{W}abstractNumId")] = levels
        for node in root.findall(f"{W}num"):
            ref = node.find(f"{W}abstractNumId")
            if ref is not None:
                for level, fmt in abstract.get(ref.get(f"{W}val"), {}).items():
                    self.formats[(node.get(f"{W}numId"), level)] = fmt

    def label(self, paragraph) -> str | None:
        ppr = paragraph._p.pPr
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is None:
            style = paragraph.style
            while style is not None and num_pr is None:
                spr = style.element.pPr
                num_pr = spr.numPr if spr is not None else None
                style = style.base_style
        if num_pr is None or num_pr.numId is None:
            return None
        num_id = str(num_pr.numId.val)
        level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        fmt = self.formats.get((num_id, level), "decimal" if "number" in paragraph.style.name.lower() else "bullet")
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, 0) + 1
        for deeper in [k for k in counters if k > level]:
            counters[deeper] = 0
        n = counters[level]
        if fmt == "decimal":
            return f"{n}."
        if fmt == "lowerLetter":
            return f"{chr(96 + min(n, 26))})"
        if fmt == "upperLetter":
            return f"{chr(64 + min(n, 26))})"
        if fmt == "lowerRoman":
            return f"({_roman(n)})"
        if fmt == "upperRoman":
            return f"({_roman(n).upper()})"
        return "-"


def _paragraph_text(paragraph) -> tuple[str, bool]:
    """The paragraph's words without footnote references; whether every word is bold."""
    parts, bold_flags = [], []
    for run in paragraph.runs:
        element = run._r
        if element.find(f"{W}footnoteReference") is not None or element.find(f"{W}endnoteReference") is not None:
            continue
        text = run.text
        if run.font.superscript and re.fullmatch(r"[\d*†‡,\s]*", text or ""):
            continue  # a typed footnote marker
        if text:
            parts.append(text)
            if text.strip():
                bold_flags.append(bool(run.bold or (run.style is not None and run.style.font.bold)))
    text = "".join(parts)
    return text, bool(bold_flags) and all(bold_flags)


def docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # a damaged or mislabelled file
        raise DomainError("The Word file could not be read. Save it again as .docx, or paste its text.",
                          field="file") from error
    numbering = _Numbering(document)
    out: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            paragraph = Paragraph(child, document)
            text, bold = _paragraph_text(paragraph)
            text = text.replace("\t", " ").strip()
            if not text:
                continue
            style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
            heading = re.match(r"heading\s*(\d)", style)
            label = numbering.label(paragraph)
            if heading:
                out.append("#" * min(int(heading.group(1)), 6) + " " + (f"{label} " if label and label != "-"
                                                                        else "") + text)
            elif style == "title":
                out.append("# " + text)
            elif label:
                out.append(f"{label} {text}")
            elif bold and len(text) < 150:
                out.append(f"**{text}**")
            else:
                out.append(text)
            out.append("")
        elif child.tag == f"{W}tbl":
            table = Table(child, document)
            for row in table.rows:
                cells = []
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue  # a merged cell appears once
                    seen.add(id(cell._tc))
                    cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()).replace("|", "/"))
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    return "\n".join(out)
