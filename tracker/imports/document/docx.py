"""Word (.docx) into blocks through python-docx: heading styles (and outline levels), automatic
numbering written out from numbering.xml (its level text, format and start), tables with merged
cells read once per row, footnote references left out. Headers and footers are not body text."""

from __future__ import annotations

import io
import re

from tracker.core.errors import DomainError
from tracker.imports.document.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Document, Source

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BULLET_FORMATS = {"bullet", "none"}


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return chr(96 + (n - 1) % 26 + 1)
    if fmt == "upperLetter":
        return chr(64 + (n - 1) % 26 + 1)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)


class Styles:
    """The document's styles read once from styles.xml (python-docx looks each one up by scanning them
    all, which made a long document slow): name, base style, numbering, bold, outline level."""

    def __init__(self, document):
        self.by_id: dict[str, dict] = {}
        self.default_paragraph = ""
        for node in document.styles.element.findall(f"{W}style"):
            style_id = node.get(f"{W}styleId") or ""
            name = node.find(f"{W}name")
            based = node.find(f"{W}basedOn")
            ppr = node.find(f"{W}pPr")
            rpr = node.find(f"{W}rPr")
            num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
            outline = ppr.find(f"{W}outlineLvl") if ppr is not None else None
            bold = rpr.find(f"{W}b") if rpr is not None else None
            self.by_id[style_id] = {
                "name": (name.get(f"{W}val") if name is not None else style_id) or "",
                "based": based.get(f"{W}val") if based is not None else None,
                "num": (num_pr.find(f"{W}numId"), num_pr.find(f"{W}ilvl")) if num_pr is not None else None,
                "outline": outline.get(f"{W}val") if outline is not None else None,
                "bold": bold is not None and bold.get(f"{W}val", "true") not in ("0", "false"),
            }
            if node.get(f"{W}type") == "paragraph" and node.get(f"{W}default") in ("1", "true"):
                self.default_paragraph = style_id

    def chain(self, style_id: str | None):
        seen = set()
        style_id = style_id or self.default_paragraph
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            yield self.by_id[style_id]
            style_id = self.by_id[style_id]["based"]


def _style_id(paragraph_element) -> str | None:
    ppr = paragraph_element.find(f"{W}pPr")
    style = ppr.find(f"{W}pStyle") if ppr is not None else None
    return style.get(f"{W}val") if style is not None else None


class Numbering:
    """Word's automatic list numbers, written out as the reader sees them."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) -> (fmt, lvlText, start)
        self.counters: dict[str, dict[int, int]] = {}
        self.abstract_of: dict[str, str] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, AttributeError, NotImplementedError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                levels[int(lvl.get(f"{W}ilvl"))] = (
                    fmt.get(f"{W}val") if fmt is not None else "decimal",
                    text.get(f"{W}val") if text is not None else "%1.",
                    int(start.get(f"{W}val")) if start is not None else 1)
            abstract[node.get(f"{W}abstractNumId")] = levels
        for node in root.findall(f"{W}num"):
            ref = node.find(f"{W}abstractNumId")
            if ref is not None:
                num_id = node.get(f"{W}numId")
                self.abstract_of[num_id] = ref.get(f"{W}val")
                for level, spec in abstract.get(ref.get(f"{W}val"), {}).items():
                    self.levels[(num_id, level)] = spec

    def label(self, paragraph, styles: Styles) -> tuple[str, int] | None:
        """(marker, level) of a numbered or bulleted paragraph."""
        ppr = paragraph.find(f"{W}pPr")
        num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
        num_node = ilvl_node = None
        if num_pr is not None:
            num_node, ilvl_node = num_pr.find(f"{W}numId"), num_pr.find(f"{W}ilvl")
        else:
            for style in styles.chain(_style_id(paragraph)):
                if style["num"] is not None:
                    num_node, ilvl_node = style["num"]
                    break
        if num_node is None or num_node.get(f"{W}val") in (None, "0"):
            return None
        style_name = next((st["name"] for st in styles.chain(_style_id(paragraph))), "")
        num_id = num_node.get(f"{W}val")
        level = int(ilvl_node.get(f"{W}val", "0")) if ilvl_node is not None else 0
        fallback = ("decimal", f"%{level + 1}.", 1) if "number" in style_name.lower() \
            else ("bullet", "•", 1)
        fmt, text, _ = self.levels.get((num_id, level), fallback)
        # Lists that share an abstract definition share their counters (Word's usual behaviour).
        counters = self.counters.setdefault(self.abstract_of.get(num_id, num_id), {})
        start = self.levels.get((num_id, level), fallback)[2]
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if fmt in BULLET_FORMATS:
            return ("•", level)

        def value(match: re.Match) -> str:
            lvl = int(match.group(1)) - 1
            spec = self.levels.get((num_id, lvl), fallback)
            return _format(counters.get(lvl, spec[2]), spec[0])

        return (re.sub(r"%(\d)", value, text).strip() or "•", level)


def _paragraph_text(paragraph, styles: Styles) -> tuple[str, bool]:
    """The paragraph's words without footnote references or typed footnote markers; whether every
    word is bold (directly or through its character style)."""
    parts, bold_flags = [], []
    for run in paragraph.iter(f"{W}r"):
        if run.find(f"{W}footnoteReference") is not None or run.find(f"{W}endnoteReference") is not None:
            continue
        text = "".join((t.text or "") if t.tag == f"{W}t" else ("\t" if t.tag == f"{W}tab" else " ")
                       for t in run if t.tag in (f"{W}t", f"{W}tab", f"{W}br"))
        rpr = run.find(f"{W}rPr")
        vertical = rpr.find(f"{W}vertAlign") if rpr is not None else None
        if vertical is not None and vertical.get(f"{W}val") == "superscript" and re.fullmatch(r"[\d*†‡,\s]*", text):
            continue  # a typed footnote marker
        if text:
            parts.append(text)
            if text.strip():
                bold = rpr.find(f"{W}b") if rpr is not None else None
                run_style = rpr.find(f"{W}rStyle") if rpr is not None else None
                if bold is not None:
                    bold_flags.append(bold.get(f"{W}val", "true") not in ("0", "false"))
                else:
                    bold_flags.append(any(st["bold"] for st in styles.chain(
                        run_style.get(f"{W}val") if run_style is not None else "\0")))
    return "".join(parts), bool(bold_flags) and all(bold_flags)


def _heading_level(paragraph, styles: Styles) -> int:
    for style in styles.chain(_style_id(paragraph)):
        match = re.match(r"heading\s*(\d)", style["name"].lower())
        if match:
            return int(match.group(1))
        if style["name"].lower() == "title":
            return 1
        if style["outline"] is not None and style["outline"].isdigit() and int(style["outline"]) < 9:
            return int(style["outline"]) + 1
    ppr = paragraph.find(f"{W}pPr")
    outline = ppr.find(f"{W}outlineLvl") if ppr is not None else None
    if outline is not None and outline.get(f"{W}val", "9").isdigit() and int(outline.get(f"{W}val")) < 9:
        return int(outline.get(f"{W}val")) + 1
    return 0


def read_docx(data: bytes) -> Document:
    import docx  # python-docx imports lxml and more: loaded only when a Word file is read
    from docx.table import Table

    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as error:  # a damaged or mislabelled file
        raise DomainError("The Word file could not be read. Save it again as .docx, or paste its text.",
                          field="file") from error
    numbering = Numbering(word)
    styles = Styles(word)
    document = Document(pages=0)
    for child in word.element.body.iterchildren():
        if child.tag == f"{W}p":
            text, bold = _paragraph_text(child, styles)
            text = re.sub(r"\s+", " ", text.replace("\t", " ")).strip()
            if not text:
                continue
            level = _heading_level(child, styles)
            label = numbering.label(child, styles)
            if level:
                if label and label[0] != "•":
                    text = f"{label[0]} {text}"
                document.add(Block(HEADING, text, Source(), level=min(level, 6), style="styled", lines=[text]))
            elif label:
                document.add(Block(LIST_ITEM, text, Source(), marker=label[0], nesting=label[1], lines=[text]))
            elif bold and len(text) < 150 and not text.endswith((".", ";", ",")):
                document.add(Block(HEADING, text, Source(), style="bold", lines=[text]))
            else:
                document.add(Block(PARAGRAPH, text, Source(), lines=[text]))
        elif child.tag == f"{W}tbl":
            table = Table(child, word)
            rows = []
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue  # a cell merged across columns appears once
                    seen.add(id(cell._tc))
                    cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
                rows.append(cells)
            if rows:
                document.add(Block(TABLE, "\n".join(" | ".join(r) for r in rows), Source(), rows=rows))
    return document
