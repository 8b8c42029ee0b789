"""Builds PDF (WeasyPrint) and Word (python-docx) versions of a text or Markdown document in several
layouts, the way real reports are made, so tests can check that the format does not change what is
extracted. The structure comes from reading the text (headings, paragraphs, list items, tables);
the layouts then change how it is drawn:

* "list"    - numbered lists with CSS-drawn markers (PDF) or Word automatic numbering (DOCX),
              justified text, a running header and "Page n of m" footer;
* "label"   - in a recommendations section, "Recommendation N" on its own line, the text below;
* "columns" - two columns (CSS columns; a two-column Word section);
* "table"   - a recommendations section's numbered items as a table (No. / Recommendation);
* "wrap"    - a narrow page with large headings, so headings wrap onto two or more lines;
* "unruled" - as "list", but tables drawn without lines (an action plan laid out in columns of text).
"""

from __future__ import annotations

import html
import io
import re

from tracker.imports.document import HEADING, LIST_ITEM, TABLE, Block, read_plain

LAYOUTS = ("list", "label", "columns", "table", "wrap", "unruled")
_REC = re.compile(r"recommend", re.I)
_NUMBERED = re.compile(r"^(?P<pre>\D*?)(?P<n>\d+)(?P<post>\D*)$")


def blocks_of(text: str) -> list[Block]:
    return read_plain(text).blocks


def _runs(blocks: list[Block], layout: str):
    """(kind, payload) parts to draw: headings, paragraphs, lists (runs of list items), tables, and the
    layout's changes to recommendation sections."""
    parts: list[tuple[str, object]] = []
    in_rec = False
    for block in blocks:
        if block.kind == HEADING:
            in_rec = bool(_REC.search(block.text))
            parts.append(("heading", block))
        elif block.kind == LIST_ITEM:
            numbered = _NUMBERED.match(block.marker.strip(" .):(")) is not None and block.nesting == 0 \
                and block.marker[:1] not in "•·▪-–*o"
            if in_rec and layout == "label" and numbered:
                parts.append(("label", block))
            elif in_rec and layout == "table" and numbered:
                if parts and parts[-1][0] == "rectable":
                    parts[-1][1].append(block)
                else:
                    parts.append(("rectable", [block]))
            elif in_rec and layout == "table" and block.nesting > 0 and parts and parts[-1][0] == "rectable":
                parts[-1][1].append(block)
            elif parts and parts[-1][0] == "list":
                parts[-1][1].append(block)
            else:
                parts.append(("list", [block]))
        elif block.kind == TABLE:
            parts.append(("table", block))
        else:
            parts.append(("paragraph", block))
    return parts


def _label_text(marker: str) -> str:
    return "Recommendation " + marker.strip().strip(".):(").strip()


# --- PDF -----------------------------------------------------------------------------------------


def to_html(text: str, layout: str = "list", header: str = "OFFICIAL - Review report") -> str:
    e = html.escape
    body: list[str] = []
    for kind, part in _runs(blocks_of(text), layout):
        if kind == "heading":
            level = min(max(part.level or 2, 1), 4)
            body.append(f"<h{level}>{e(part.text)}</h{level}>")
        elif kind == "paragraph":
            body.append(f"<p>{e(part.text)}</p>")
        elif kind == "label":
            body.append(f"<p><strong>{e(_label_text(part.marker))}</strong></p><p>{e(part.text)}</p>")
        elif kind == "list":
            items = "".join(f'<li class="n{b.nesting}" data-m="{e(b.marker)}">{e(b.text)}</li>' for b in part)
            body.append(f"<ul>{items}</ul>")
        elif kind == "rectable":
            rows, current = [], None
            for b in part:
                if b.nesting == 0:
                    current = [e(b.marker.strip().rstrip(".")), e(b.text)]
                    rows.append(current)
                else:
                    current[1] += f"<br>{e(b.marker)} {e(b.text)}"
            cells = "".join(f"<tr><td>{n}</td><td>{t}</td></tr>" for n, t in rows)
            body.append(f"<table><thead><tr><th>No.</th><th>Recommendation</th></tr></thead><tbody>{cells}</tbody>"
                        "</table>")
        elif kind == "table":
            head, *rest = part.rows
            cells = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rest)
            body.append("<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in head) + "</tr></thead>"
                        f"<tbody>{cells}</tbody></table>")
    if layout == "columns":
        # Text in two columns; a table across the page between them, as reports lay them out
        # (WeasyPrint ignores column-span on a table, which then overflows one narrow column).
        pieces, run = [], []
        for piece in body + ["<table>"]:
            if piece.startswith("<table"):
                if run:
                    pieces.append(f'<div class="columns">{"".join(run)}</div>')
                run = []
                pieces.append(piece)
            else:
                run.append(piece)
        body = pieces[:-1]
    size = "A6" if layout == "wrap" else "A4"
    heading_size = "20pt" if layout == "wrap" else "15pt"
    return f"""<html lang="en"><head><style>
      @page {{ size: {size}; margin: 20mm 16mm;
        @top-center {{ content: "{e(header)}"; font-size: 8pt; }}
        @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }} }}
      body {{ font-family: sans-serif; font-size: 10pt; text-align: justify; }}
      .columns {{ columns: 2; column-gap: 12mm; }}
      h1, h2, h3, h4 {{ font-size: {heading_size}; text-align: left; }}
      h3, h4 {{ font-size: 12pt; }}
      ul {{ list-style: none; padding-left: 0; }}
      li {{ margin-bottom: 6pt; }}
      li.n1 {{ margin-left: 10mm; }}
      li::before {{ content: attr(data-m) " "; }}
      table {{ border-collapse: collapse; width: 100%; font-size: 8pt; text-align: left; column-span: all; }}
      td, th {{ border: {"none" if layout == "unruled" else "0.5pt solid black"}; padding: 2pt; vertical-align: top; }}
    </style></head><body>{''.join(body)}</body></html>"""


def to_pdf(text: str, layout: str = "list") -> bytes:
    from weasyprint import HTML  # heavy: loaded only by the tests that build PDFs

    return HTML(string=to_html(text, layout)).write_pdf()


# --- Word ----------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbering_for(document, markers: list[str], nesting: int) -> int | None:
    """A new Word list (abstract definition and instance) whose level text draws these markers, or
    None when they are not a regular sequence (then the marker is typed)."""
    from docx.oxml import parse_xml

    first = markers[0].strip()
    if first[:1] in "•·▪-–*o" and len(first) == 1:
        fmt, text, start = "bullet", first, 1
    else:
        letter = re.fullmatch(r"(\(?)([a-z])([.)])", first)
        match = _NUMBERED.match(first)
        if letter:
            fmt, text, start = "lowerLetter", f"{letter.group(1)}%{nesting + 1}{letter.group(3)}", ord(letter.group(2)) - 96
        elif match:
            fmt, start = "decimal", int(match.group("n"))
            text = f"{match.group('pre')}%{nesting + 1}{match.group('post')}"
            expected = [f"{match.group('pre')}{start + i}{match.group('post')}" for i in range(len(markers))]
            if [m.strip() for m in markers] != expected:
                return None
        else:
            return None
    numbering = document.part.numbering_part.element
    ids = [int(n.get(f"{{{W_NS}}}abstractNumId")) for n in numbering.findall(f"{{{W_NS}}}abstractNum")]
    abstract_id = max(ids, default=0) + 1
    num_ids = [int(n.get(f"{{{W_NS}}}numId")) for n in numbering.findall(f"{{{W_NS}}}num")]
    num_id = max(num_ids, default=0) + 1
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start if i == nesting else 1}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{html.escape(text, quote=True) if i == nesting else "%1."}"/>'
        f'<w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>' for i in range(nesting + 1))
    abstract = parse_xml(f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">{levels}</w:abstractNum>')
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId '
                               f'w:val="{abstract_id}"/></w:num>'))
    return num_id


def _numbered_paragraph(document, text: str, num_id: int, level: int):
    from docx.oxml import parse_xml

    paragraph = document.add_paragraph(text, style="List Paragraph")
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def _add_list(document, blocks: list[Block]) -> None:
    # Runs of the same nesting share one Word list; a sub-list between items keeps its own.
    groups: dict[int, list[Block]] = {}
    for b in blocks:
        groups.setdefault(b.nesting, []).append(b)
    num_ids = {n: _numbering_for(document, [b.marker for b in bs], n) for n, bs in groups.items()}
    for b in blocks:
        num_id = num_ids[b.nesting]
        if num_id is None:
            document.add_paragraph(f"{b.marker} {b.text}")
        else:
            _numbered_paragraph(document, b.text, num_id, b.nesting)


def to_docx(text: str, layout: str = "list") -> bytes:
    import docx  # python-docx: loaded only by the tests that build Word files
    from docx.oxml import parse_xml

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "OFFICIAL - Review report"
    document.sections[0].footer.paragraphs[0].text = "Page 1"
    if layout == "columns":
        document.sections[0]._sectPr.append(parse_xml(f'<w:cols xmlns:w="{W_NS}" w:num="2" w:space="708"/>'))
    for kind, part in _runs(blocks_of(text), layout):
        if kind == "heading":
            document.add_heading(part.text, level=min(max(part.level or 2, 1), 4))
        elif kind == "paragraph":
            document.add_paragraph(part.text)
        elif kind == "label":
            document.add_paragraph().add_run(_label_text(part.marker)).bold = True
            document.add_paragraph(part.text)
        elif kind == "list":
            _add_list(document, part)
        elif kind in ("rectable", "table"):
            if kind == "rectable":
                rows = [["No.", "Recommendation"]]
                for b in part:
                    if b.nesting == 0:
                        rows.append([b.marker.strip().rstrip("."), b.text])
                    else:
                        rows[-1][1] += f"\n{b.marker} {b.text}"
            else:
                rows = part.rows
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
