"""Builds the PDF and Word fixtures for the import tests from the seed text, so they are made the
way real reports are (a running header, page numbers in the footer, footnotes, hyphenated lines,
Word heading styles and automatic list numbers) without binary files in the repository."""

import html
import io
import re
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def seed_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def briefing_pdf(footnote_in: str = "Working Together compliant strategy meetings") -> bytes:
    """Seed 000 as a narrow-column PDF: running header, "Page n of m" footers, a footnote inside
    recommendation 3 and automatic hyphenation, so lines and pages break mid-word and mid-sentence."""
    from weasyprint import HTML

    body = []
    for para in _paragraphs(seed_text("cspr_briefing_000.txt")):
        escaped = html.escape(para)
        if para.isupper():
            body.append(f"<h2>{escaped}</h2>")
            continue
        if footnote_in in para:
            escaped = escaped.replace(
                html.escape(footnote_in),
                html.escape(footnote_in) + '<span class="fn">Working Together to Safeguard Children 2018, '
                                           'chapter 1.</span>', 1)
        body.append(f"<p>{escaped}</p>")
    document = f"""<html lang="en"><head><style>
      @page {{ size: A5; margin: 22mm 18mm 22mm 18mm;
        @top-center {{ content: "Child Y CSPR briefing - OFFICIAL"; font-size: 8pt; }}
        @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }} }}
      body {{ font-family: sans-serif; font-size: 10pt; hyphens: auto; text-align: justify; }}
      h2 {{ font-size: 14pt; }}
      .fn {{ float: footnote; font-size: 7pt; }}
      ::footnote-call {{ font-size: 6pt; vertical-align: super; }}
    </style></head><body>{''.join(body)}</body></html>"""
    return HTML(string=document).write_pdf()


def overview_docx() -> bytes:
    """The recommendations and agency appendix of seed 002 as a Word file: heading styles, an
    automatically numbered list, a footnote-style superscript marker, a header and a footer."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Child P and Child H - SILP overview report"
    section.footer.paragraphs[0].text = "Page 1"
    document.add_heading("16 Recommendations", level=1)
    text = seed_text("silp_overview_002.md")
    recs = re.findall(r"Recommendation (\d)\*\*\s*\n\s*\n(.+?)\n", text.split("## **16 Recommendations**")[1])
    for _, rec in recs:
        paragraph = document.add_paragraph(style="List Number")
        paragraph.add_run(rec.strip())
        if "genogram" in rec:
            marker = paragraph.add_run("1")
            marker.font.superscript = True
    document.add_heading("Appendix B Single Agency Recommendations", level=1)
    appendix = text.split("## Agency Recommendations")[1]
    for block in re.split(r"\n(?=(?:## )?\*\*[A-Z])", appendix)[1:]:
        heading, _, rest = block.partition("\n")
        document.add_heading(heading.strip("#* "), level=2)
        for line in rest.split("\n"):
            if line.strip():
                document.add_paragraph(line.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
