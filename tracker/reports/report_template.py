"""The partnership's own Word template for board papers: checked on upload, its cover sheet's fields
filled when a report is written.

A template is a .docx whose cover sheet holds the fields as placeholders in double braces, e.g.
"Meeting: {{meeting}}". The required ones are REQUIRED; `title` and `partnership` may also be used.
A placeholder can sit in a paragraph, a table cell, a header or a footer, and may be split across runs
by Word's editing: the paragraph's text is rejoined before it is filled.

Anything wrong (not a DOCX, damaged, too large, a field missing) is refused with a message saying what,
and reports are then written on the default layout."""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections.abc import Iterator

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.exceptions import PackageNotFoundError

from tracker.core.limited import LimitExceeded, run_limited

REQUIRED = ("meeting", "date", "author", "purpose", "asks")
OPTIONAL = ("title", "partnership")
MAX_BYTES = 5 * 1024 * 1024
#: The unpacked size a template may reach (a zip bomb is refused before python-docx reads it).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
DOCX_MAIN = "word/document.xml"


class TemplateError(ValueError):
    """Why an uploaded template cannot be used (the message is shown to the user)."""


def _paragraphs(document: DocumentObject) -> Iterator:
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if part.is_linked_to_previous:  # no header of its own (reading it would add one)
                continue
            yield from part.paragraphs


def placeholders(document: DocumentObject) -> set[str]:
    return {match.group(1) for p in _paragraphs(document) for match in PLACEHOLDER.finditer(p.text)}


def check_template(content: bytes) -> DocumentObject:
    """The template opened, or TemplateError saying what is wrong with it."""
    if not content:
        raise TemplateError("The selected file is empty")
    if len(content) > MAX_BYTES:
        raise TemplateError(f"The template must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
            unpacked = sum(info.file_size for info in package.infolist())
    except zipfile.BadZipFile:
        raise TemplateError("The template must be a Word document (.docx): this file is not one") from None
    if DOCX_MAIN not in names or "[Content_Types].xml" not in names:
        raise TemplateError("The template must be a Word document (.docx): this file is not one")
    if unpacked > MAX_UNPACKED_BYTES:
        raise TemplateError("The template is too large once unpacked")
    try:
        document = Document(io.BytesIO(content))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, SyntaxError) as error:
        raise TemplateError(f"The template could not be read as a Word document ({type(error).__name__})") from None
    linked = external_links(document)
    if linked:
        raise TemplateError("The template links to files outside it (" + ", ".join(linked[:3]) + "): every board "
                            "member's copy would fetch them. Save it with the pictures and template embedded")
    missing = [name for name in REQUIRED if name not in placeholders(document)]
    if missing:
        raise TemplateError("The template's cover sheet must have the fields "
                            + ", ".join("{{" + name + "}}" for name in missing))
    return document


#: External relationships a document may keep: a hyperlink is only followed when the reader clicks it.
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def external_links(document: DocumentObject) -> list[str]:
    """What the package would load from outside itself when opened (a remote attached template, a linked
    picture or frame), by relationship type: the kind of thing that leaks who opened it, or worse."""
    found = []
    for part in document.part.package.iter_parts():
        for rel in part.rels.values():
            if rel.is_external and rel.reltype != HYPERLINK:
                found.append(rel.reltype.rsplit("/", 1)[-1])
    return sorted(set(found))


def check_in_limited_process(content: bytes) -> None:
    """check_template, run in a separate limited process (tracker.core.limited), as every upload is read: the
    web worker only waits. TemplateError saying what is wrong, if anything."""
    try:
        done = run_limited([sys.executable, "-m", "tracker.reports.template_check"], input=content,
                           timeout=CHECK_SECONDS, memory_mb=CHECK_MEMORY_MB)
    except LimitExceeded as error:
        raise TemplateError(f"The template could not be read: {error.message}") from None
    try:
        answer = json.loads(done.stdout.decode("utf-8", "replace").strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise TemplateError("The template could not be read as a Word document: it may be damaged") from None
    if not answer["ok"]:
        raise TemplateError(answer["message"])


CHECK_SECONDS = 20
CHECK_MEMORY_MB = 1024


def fill_cover(document: DocumentObject, values: dict[str, str]) -> None:
    """Replace every {{field}} with its value, keeping the formatting of the paragraph's first run."""
    for paragraph in _paragraphs(document):
        text = paragraph.text
        if "{{" not in text or not PLACEHOLDER.search(text):
            continue
        filled = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
        runs = paragraph.runs
        if not runs:
            continue
        runs[0].text = filled
        for run in runs[1:]:
            run.text = ""
