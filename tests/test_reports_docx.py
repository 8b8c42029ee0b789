"""The board report as Word: a sound package, real headings, repeating table headers, charts with alt
text, page number fields, the commentary beside the figures, and the partnership's template."""

import io

import pytest
from docx import Document

from tests import factories
from tests.docx_check import check_package, heading_texts, images, read_back
from tracker.actions.models import ALL_RATINGS
from tracker.extensions import db
from tracker.reports.docx_render import render_docx
from tracker.reports.report_template import TemplateError, check_template
from tracker.reports.services import report_data, request_report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NOTES = {"summary": "Progress is **steady**.\n\n- Police <b>late</b>\n- Health on track",
         "purpose": "To assure the board.", "asks": "Note the overdue actions."}


@pytest.fixture
def demo_data(app, today):
    """The report data of the demo partnership (the tests that take this are marked demo_data)."""
    staff = factories.make_user("business_unit", name="Priya Shah")
    report = request_report(as_at=today, today=today, by=staff)
    db.session.commit()
    return report_data(report)


@pytest.mark.demo_data
def test_the_docx_is_sound_and_reads_back_as_the_data(demo_data):
    content = render_docx(demo_data, NOTES)
    assert check_package(content) == []
    document, text = read_back(content)

    assert heading_texts(document, 1) == ["Executive summary", "Charts", "Exceptions", "Reviews",
                                          "Actions assured in the period", "Recurring themes across reviews",
                                          "Appendix: every open action"]
    # It leads with impact, as the PDF does: the measures first in the executive summary.
    subheadings = heading_texts(document, 2)
    assert subheadings.index("What changed, as measured") < next(
        i for i, t in enumerate(subheadings) if t.startswith("What changed since"))
    assert [r.reference for r in demo_data.reviews][0] in " ".join(heading_texts(document, 2))
    # The figures: the rating counts row, every overdue and every open action's code.
    counts = next(t for t in document.tables if t.rows[0].cells[0].text == demo_data.labels[ALL_RATINGS[0]])
    assert [c.text for c in counts.rows[0].cells] == [demo_data.labels[r] for r in ALL_RATINGS] + ["Total"]
    assert [c.text for c in counts.rows[1].cells] == [str(demo_data.counts[r]) for r in ALL_RATINGS] + [
        str(len(demo_data.actions))]
    for line in demo_data.overdue + demo_data.open_actions:
        assert line.reference in text
    # Every table's header row repeats on each page.
    for table in document.tables:
        first = table._tbl.findall(W + "tr")[0]
        assert first.find(f"{W}trPr/{W}tblHeader") is not None
    # Charts as images with alt text giving the figures.
    charts = images(document)
    assert [c["title"] for c in charts] == ["Ratings by agency", "Ratings over time", "Overdue actions by agency"]
    assert all(len(c["descr"]) > 40 for c in charts)
    overdue = {}
    for line in demo_data.overdue:
        overdue[line.owner_short] = overdue.get(line.owner_short, 0) + 1
    assert overdue and all(f"{name}: {n}" in charts[2]["descr"] for name, n in overdue.items())
    # Page numbers: PAGE and NUMPAGES fields in the footer.
    footer = document.sections[0].footer._element
    instructions = [t.text.strip() for t in footer.iter(W + "instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    # The commentary: bold kept as bold, bullets as list paragraphs, typed HTML shown as typed.
    assert any(r.bold and r.text == "steady" for p in document.paragraphs for r in p.runs)
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Police <b>late</b>" in bullets and "Health on track" in bullets
    assert "To assure the board." in text and "Note the overdue actions." in text
    assert document.core_properties.author == "Priya Shah"


def _template(*, fields=("meeting", "date", "author", "purpose", "asks")) -> bytes:
    document = Document()
    document.add_heading("Safeguarding Partnership Board", 0)
    table = document.add_table(rows=len(fields), cols=2)
    for row, name in zip(table.rows, fields):
        row.cells[0].text = name.capitalize()
        row.cells[1].text = "{{" + name + "}}"
    paragraph = document.add_paragraph("Author: ")
    paragraph.add_run("{{au")  # Word splits text into runs as it is edited
    paragraph.add_run("thor}}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.demo_data
def test_the_partnerships_template_gets_its_cover_fields_filled(demo_data):
    content = render_docx(demo_data, NOTES, template=_template())
    assert check_package(content) == []
    document, text = read_back(content)
    assert "{{" not in text
    cover = document.tables[0]
    assert cover.rows[1].cells[1].text == "2 June 2025"
    assert cover.rows[2].cells[1].text == "Priya Shah"
    assert cover.rows[3].cells[1].text == "To assure the board."
    assert cover.rows[4].cells[1].text == "Note the overdue actions."
    assert "Author: Priya Shah" in text
    assert "Safeguarding Partnership Board" in text and "Executive summary" in heading_texts(document, 1)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"%PDF-1.7 not a word document", "not one"),
    (None, "must have the fields {{purpose}}, {{asks}}"),
    (b"PK" + b"\0" * (6 * 1024 * 1024), "smaller than 5 MB"),
])
def test_a_bad_template_is_refused_with_a_reason(app, content, message):
    if content is None:
        content = _template(fields=("meeting", "date", "author"))
    with pytest.raises(TemplateError, match=message.replace("{", r"\{").replace("}", r"\}")):
        check_template(content)
    assert check_template(_template()) is not None


def _with_external(reltype: str, target: str) -> bytes:
    from docx import Document

    document = Document(io.BytesIO(_template()))
    document.part.relate_to(target, reltype, is_external=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_template_that_would_fetch_files_from_outside_is_refused_in_a_limited_process(app):
    """A remote attached template (or a linked picture) would be fetched by every board member's Word:
    refused, by the check that runs in its own limited process as every upload is read. A hyperlink,
    only followed when clicked, is allowed."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    from tracker.reports.report_template import check_in_limited_process

    attached_template = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
    remote = _with_external(attached_template, "https://attacker.example/t.dotm")
    with pytest.raises(TemplateError, match=r"links to files outside it \(attachedTemplate\)"):
        check_in_limited_process(remote)
    check_in_limited_process(_with_external(RT.HYPERLINK, "https://example.org/board"))
    with pytest.raises(TemplateError, match="must have the fields"):
        check_in_limited_process(_template(fields=("meeting",)))
