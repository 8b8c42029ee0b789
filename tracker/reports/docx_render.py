"""The board report as an editable Word document (python-docx), from the same ReportData and commentary
as the PDF: real heading styles (Heading 1-3, so Word's navigation pane and contents work), tables whose
header row repeats on every page, the charts as PNG images with alt text, and "Page N of M" fields in
the footer. On the partnership's own template (report_template.py) its cover sheet's fields are filled.

Parts of ReportData this module has no layout for (added later by other modules) are not lost: each is
written as a heading and a table of its fields (see `_other_parts`).

Rows are appended as XML directly rather than through python-docx's cell objects, which walk the
table on every access: a 600-action report writes in a second or two instead of a minute."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree

from tracker.actions.models import ALL_RATINGS
from tracker.reports import commentary
from tracker.reports.chart_images import chart_images
from tracker.reports.charts import chart_series
from tracker.reports.data import ActionLine, ReportData
from tracker.reports.report_template import fill_cover

#: ReportData fields this module lays out itself; any other list or record field is written generically.
KNOWN_FIELDS = {
    "scope", "partnership", "generated_by", "generated_at", "period_start", "previous_report_date", "labels",
    "definitions", "actions", "counts", "by_agency", "by_review", "newly_overdue", "newly_assured",
    "due_dates_moved", "overdue", "red_and_amber", "awaiting_assurance", "unanswered", "late_milestones",
    "open_challenges", "reviews", "themes", "open_actions", "history", "latest_round", "impact",
}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _x(value: object) -> str:
    """Text safe for XML (control characters dropped)."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def short_date(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "–"


def long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "–"


class DocxWriter:
    """A document being written: headings, commentary, tables, images, in order."""

    def __init__(self, document: DocumentObject):
        self.doc = document
        # Style ids looked up once: python-docx looks a style name up by walking every style (and the
        # default style) on each use, which was most of the time of a large report.
        self.style_ids = {style.name: style.style_id for style in document.styles}
        self.bullet_style = "List Bullet" if "List Bullet" in self.style_ids else None
        self.table_style = "Table Grid" if "Table Grid" in self.style_ids else None
        self.caption_style = "Caption" if "Caption" in self.style_ids else None

    def add_paragraph(self, text: str = "", style: str | None = None):
        """A paragraph in a style given by name (set by its id, without python-docx's lookup)."""
        p = self.doc.add_paragraph(_x(text) if text else "")
        if style and style in self.style_ids:
            p._p.get_or_add_pPr().style = self.style_ids[style]
        return p

    def heading(self, text: str, level: int) -> None:
        name = "Title" if level == 0 else f"Heading {level}"
        if name in self.style_ids:
            self.add_paragraph(text, name)
        else:
            self.doc.add_heading(_x(text), level)  # python-docx adds the style to the document

    def paragraph(self, text: str = "", bold_prefix: str = "") -> None:
        p = self.doc.add_paragraph()
        if bold_prefix:
            p.add_run(_x(bold_prefix)).bold = True
        if text:
            p.add_run(_x(text))

    def commentary(self, text: str | None, label: str | None = "Commentary") -> None:
        blocks = commentary.parse(text)
        if not blocks:
            return
        if label:
            self.paragraph(bold_prefix=label)
        for block in blocks:
            for item in block.items:
                p = self.add_paragraph(style=self.bullet_style if block.kind == "bullets" else None)
                if block.kind == "bullets" and self.bullet_style is None:
                    p.add_run("• ")
                for run in item:
                    p.add_run(_x(run.text)).bold = run.bold or None

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[object]], caption: str | None = None,
              widths: Sequence[float] | None = None) -> int:
        """A table whose header row repeats on each page; returns the number of body rows."""
        if caption:
            self.add_paragraph(caption, self.caption_style)
        table = self.doc.add_table(rows=1, cols=len(headers))
        if self.table_style:
            table._tbl.tblPr.style = self.style_ids[self.table_style]
        header = table.rows[0]
        for cell, text in zip(header.cells, headers):
            cell.text = ""
            cell.paragraphs[0].add_run(_x(text)).bold = True
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        if widths:
            for cell, width in zip(header.cells, widths):
                cell.width = Cm(width)
        tbl = table._tbl
        count = 0
        for row in rows:
            tr = etree.SubElement(tbl, W + "tr")
            tr_props = etree.SubElement(tr, W + "trPr")
            etree.SubElement(tr_props, W + "cantSplit")
            for value in row:
                tc = etree.SubElement(tr, W + "tc")
                lines = _x(value).split("\n")
                p = etree.SubElement(tc, W + "p")
                r = etree.SubElement(p, W + "r")
                for i, line in enumerate(lines):
                    if i:
                        etree.SubElement(r, W + "br")
                    t = etree.SubElement(r, W + "t")
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    t.text = line
            count += 1
        return count

    def image(self, png: bytes, title: str, alt: str, width_cm: float = 16) -> None:
        shape = self.doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
        shape._inline.docPr.set("title", _x(title))
        shape._inline.docPr.set("descr", _x(alt))

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def footer_page_numbers(self, label: str) -> None:
        """"<label> – Page N of M" in every section's footer, with Word's PAGE and NUMPAGES fields."""
        for section in self.doc.sections:
            p = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
            p.text = ""
            p.add_run(_x(label) + " – Page ")
            _field(p, "PAGE", "1")
            p.add_run(" of ")
            _field(p, "NUMPAGES", "1")


def _field(paragraph, instruction: str, shown: str) -> None:
    def fld(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    fld("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    fld("separate")
    paragraph.add_run(shown)
    fld("end")


def new_document(template: bytes | None) -> DocumentObject:
    if template:
        return Document(io.BytesIO(template))
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    return document


def cover_fields(data: ReportData, notes: dict[str, str], meeting: Any = None) -> dict[str, str]:
    """The cover sheet's fields by placeholder name (report_template.FIELDS)."""
    meeting_text = (f"{meeting.title}, {long_date(meeting.meeting_date)}" if meeting is not None
                    else "Not set")
    return {
        "meeting": meeting_text, "date": long_date(data.as_at), "author": data.generated_by,
        "purpose": commentary.clean(notes.get("purpose")) or "Not given",
        "asks": commentary.clean(notes.get("asks")) or "Not given",
        "title": data.title, "partnership": data.partnership,
    }


def _cover(w: DocxWriter, data: ReportData, notes: dict[str, str], meeting: Any) -> None:
    w.heading(data.title, 0)
    w.paragraph(data.partnership)
    fields = cover_fields(data, notes, meeting)
    w.paragraph(fields["meeting"], "Meeting: ")
    w.paragraph(long_date(data.as_at), "As at: ")
    w.paragraph(data.generated_by, "Author: ")
    if data.previous_report_date:
        w.paragraph(f"Since the previous report, as at {long_date(data.previous_report_date)}", "Period: ")
    else:
        w.paragraph(f"The three months from {long_date(data.period_start)}", "Period: ")
    w.paragraph(data.scope.description.capitalize(), "Covers: ")
    w.paragraph(f"{len(data.actions)} ({data.rated_total} rated)", "Actions: ")
    w.heading("Purpose of the paper", 2)
    w.commentary(notes.get("purpose") or "Not given.", label=None)
    w.heading("What the board is asked to do", 2)
    w.commentary(notes.get("asks") or "Not given.", label=None)
    w.paragraph("These records hold personal information about children and adults at risk. "
                "Do not share this report outside the partnership.")


ACTION_HEADERS = ("Action", "Owner and lead", "Due", "Rating and reason")


def action_rows(lines: Iterable[ActionLine]) -> Iterable[tuple[str, str, str, str]]:
    for line in lines:
        due = short_date(line.due_date)
        if line.due_date != line.original_due_date:
            due += f"\n(was {short_date(line.original_due_date)})"
        rating = line.rating_label + (" (completed late)" if line.completed_late else "")
        reason = line.reason.split(": ", 1)[-1]
        yield (f"{line.reference}\n{line.description}", f"{line.owner_short}\n{line.lead}", due,
               f"{rating}\n{reason}" if reason else rating)


def actions_table(w: DocxWriter, lines: list[ActionLine], caption: str) -> None:
    if not lines:
        w.paragraph(f"{caption}: none.")
        return
    w.table(ACTION_HEADERS, action_rows(lines), caption, widths=(7, 3.5, 2.5, 4))


def count_table(w: DocxWriter, data: ReportData, rows, first: str, caption: str) -> None:
    headers = (first, *(data.labels[r] for r in ALL_RATINGS), "Overdue", "Total")
    w.table(headers, ((row.label, *(row.counts[r] for r in ALL_RATINGS), row.overdue, row.total) for row in rows),
            caption)


def _impact(w: DocxWriter, data: ReportData) -> None:
    """What changed, as measured, and what was reopened or closed: the report leads with these, as the
    PDF's executive summary does (templates/reports/_impact.html)."""
    impact = data.impact
    if impact is None:
        return
    w.heading("What changed, as measured", 2)
    if impact.measures:
        w.table(("Review", "Owner", "What is counted", "Baseline", "Latest", "Target", "Target met"),
                ((m.review_reference + " R" + m.recommendation_number, m.owner, m.description,
                  f"{m.show(m.baseline[1])} ({short_date(m.baseline[0])})",
                  f"{m.show(m.latest[1])} ({short_date(m.latest[0])})" if m.latest else "Not measured yet",
                  f"{m.show(m.target[1])} by {short_date(m.target[0])}",
                  "Not yet measured" if m.met is None else "Yes" if m.met else "No") for m in impact.measures),
                "Measures: baseline, latest and target")
    else:
        w.paragraph("No measures are recorded for the actions in this report.")
    w.heading("Actions reopened after an impact review or a measurement", 2)
    if impact.reopened:
        w.table(("Action", "Owner", "Reopened on", "Why"),
                ((r.reference, r.owner, short_date(r.reopened_on), r.reason) for r in impact.reopened),
                "Actions reopened in the period")
    else:
        w.paragraph("None in the period.")
    w.heading("Recommendations and reviews closed", 2)
    if impact.closed:
        w.table(("Closed", "Board decision", "Meeting", "Minute", "Risk accepted"),
                ((c.what, short_date(c.decision_date), c.meeting, c.minute_reference, c.risk_accepted or "None")
                 for c in impact.closed), "Closed in the period, with the board's decision")
    else:
        w.paragraph("None in the period.")


def _summary(w: DocxWriter, data: ReportData, notes: dict[str, str]) -> None:
    w.heading("Executive summary", 1)
    w.commentary(notes.get("summary"))
    _impact(w, data)
    w.table((*(data.labels[r] for r in ALL_RATINGS), "Total"),
            [(*(data.counts[r] for r in ALL_RATINGS), len(data.actions))],
            f"Actions by rating as at {long_date(data.as_at)}")
    if data.latest_round:
        r = data.latest_round
        w.heading(f"Update round: {r.name}", 2)
        w.paragraph(f"Updates were asked for by {long_date(r.deadline_date)}: {r.responded} of {r.requested} "
                    f"actions have an update for it ({r.rate}%).")
    w.heading(f"What changed since {long_date(data.period_start)}", 2)
    for count, text in ((len(data.newly_overdue), "became overdue"),
                        (len(data.newly_assured), "assured with evidence of impact"),
                        (len(data.due_dates_moved), "due dates moved")):
        p = w.add_paragraph(style=w.bullet_style)
        p.add_run(str(count)).bold = True
        p.add_run(f" {text}")
    count_table(w, data, data.by_agency, "Agency", "Actions by owning agency")
    count_table(w, data, data.by_review, "Review", "Actions by review")


def _charts(w: DocxWriter, data: ReportData, notes: dict[str, str]) -> None:
    w.heading("Charts", 1)
    w.commentary(notes.get("charts"))
    for chart in chart_images(chart_series(data), data.labels):
        w.heading(chart.title, 2)
        w.image(chart.png, chart.title, chart.alt)


def _exceptions(w: DocxWriter, data: ReportData, notes: dict[str, str]) -> None:
    w.heading("Exceptions", 1)
    w.commentary(notes.get("exceptions"))
    for title, lines in (("Overdue actions", data.overdue), ("Red and Amber actions", data.red_and_amber)):
        w.heading(title, 2)
        actions_table(w, lines, title)
    w.heading("Due dates moved", 2)
    if data.due_dates_moved:
        w.table(("Action", "From", "To", "Reason"),
                ((m.action.reference, short_date(m.move.old_date), short_date(m.move.new_date), m.move.reason)
                 for m in data.due_dates_moved), "Due dates moved")
    else:
        w.paragraph("Due dates moved: none.")
    w.heading("Submitted and awaiting assurance", 2)
    actions_table(w, data.awaiting_assurance, "Submitted and awaiting assurance")
    w.heading("Recommendations without a formal response", 2)
    if data.unanswered:
        w.table(("Recommendation", "Still to respond", "Deadline"),
                ((f"{u.review_reference} R{u.number}\n{u.text}", ", ".join(u.missing),
                  short_date(u.deadline) + (" (passed)" if u.overdue else "")) for u in data.unanswered),
                "Recommendations without a formal response")
    else:
        w.paragraph("Recommendations without a formal response: none.")
    w.heading("Late review milestones", 2)
    if data.late_milestones:
        w.table(("Review", "Milestone", "Due", "State"),
                ((f"{m.review_reference}: {m.review_title}", m.milestone.name, short_date(m.milestone.due_date),
                  m.milestone.reason or m.milestone.state) for m in data.late_milestones), "Late review milestones")
    else:
        w.paragraph("Late review milestones: none.")
    w.heading("Open scrutiny challenges", 2)
    if data.open_challenges:
        w.table(("Review", "Subject", "Agency", "Raised", "Challenge"),
                ((c.review_reference, c.subject, c.agency, f"{short_date(c.raised_on)} ({c.age_days} days)", c.text)
                 for c in data.open_challenges), "Open scrutiny challenges")
    else:
        w.paragraph("Open scrutiny challenges: none.")


def _reviews(w: DocxWriter, data: ReportData, notes: dict[str, str]) -> None:
    w.heading("Reviews", 1)
    w.commentary(notes.get("reviews"))
    for review in data.reviews:
        w.heading(f"{review.reference}: {review.title}", 2)
        w.paragraph(f"{review.type_label}, {review.status_label.lower()}. "
                    + ", ".join(f"{review.counts.get(r, 0)} {data.labels[r]}" for r in ALL_RATINGS) + ".")
        for rec in review.recommendations:
            w.heading(f"Recommendation {rec.number}", 3)
            w.paragraph(rec.text)
            if rec.addressed_to:
                w.paragraph(", ".join(rec.addressed_to), "Addressed to: ")
            actions_table(w, rec.actions, f"Actions on recommendation {rec.number}")


def _themes(w: DocxWriter, data: ReportData, notes: dict[str, str]) -> None:
    w.heading("Recurring themes across reviews", 1)
    w.commentary(notes.get("themes"))
    if data.themes:
        w.table(("Theme", "Reviews", "Recommendations", "Open actions"),
                ((t.name, ", ".join(t.reviews), t.recommendations, t.open_actions) for t in data.themes),
                "Themes found in two or more reviews")
    else:
        w.paragraph("No theme recurs across reviews.")


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return f"{short_date(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return short_date(value)
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if dataclasses.is_dataclass(value):
        return "; ".join(f"{_label(f.name)}: {_cell(getattr(value, f.name))}" for f in dataclasses.fields(value))
    return "" if value is None else str(value)


def _other_parts(w: DocxWriter, data: ReportData, notes: dict[str, str]) -> None:
    """Every part of the report data this module has no layout for: a heading and a table of its fields."""
    for f in dataclasses.fields(data):
        if f.name in KNOWN_FIELDS:
            continue
        value = getattr(data, f.name)
        items = value if isinstance(value, list) else [value] if dataclasses.is_dataclass(value) else None
        if items is None:
            continue
        w.heading(_label(f.name), 1)
        w.commentary(notes.get(f.name))
        records = [item for item in items if dataclasses.is_dataclass(item)]
        if not records:
            w.paragraph("None." if not items else "; ".join(_cell(i) for i in items))
            continue
        names = [field.name for field in dataclasses.fields(records[0])]
        w.table([_label(n) for n in names], ([_cell(getattr(r, n, "")) for n in names] for r in records),
                _label(f.name))


PARTS: tuple[Callable[[DocxWriter, ReportData, dict[str, str]], None], ...] = (
    _summary, _charts, _exceptions, _reviews,
)


def render_docx(data: ReportData, notes: dict[str, str] | None = None, *, meeting: Any = None,
                template: bytes | None = None) -> bytes:
    """The report as DOCX bytes. `template`: the partnership's own template (already checked by
    report_template.check_template); its cover fields are filled and the report follows it."""
    notes = notes or {}
    document = new_document(template)
    w = DocxWriter(document)
    if template:
        fill_cover(document, cover_fields(data, notes, meeting))
        w.page_break()
    else:
        _cover(w, data, notes, meeting)
        w.page_break()
    for part in PARTS:
        part(w, data, notes)
    w.heading("Actions assured in the period", 1)
    w.commentary(notes.get("assured"))
    actions_table(w, data.newly_assured, "Actions assured in the period")
    _themes(w, data, notes)
    _other_parts(w, data, notes)
    w.heading("Appendix: every open action", 1)
    actions_table(w, data.open_actions, "Every open action")
    w.footer_page_numbers(f"{data.title} as at {long_date(data.as_at)}")
    core = document.core_properties
    core.title = _x(f"{data.title} as at {long_date(data.as_at)}")
    core.author = _x(data.generated_by)
    core.subject = _x(data.partnership)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
