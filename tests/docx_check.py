"""A strict reader for the DOCX files the reports write (LibreOffice is not available to the tests):
the package's parts and relationships are checked the way Word checks them before it offers a repair,
and the document is read back with python-docx."""

from __future__ import annotations

import io
import posixpath
import zipfile

from docx import Document
from lxml import etree

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def check_package(content: bytes) -> list[str]:
    """Problems with the package (an empty list when it is sound)."""
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        if package.testzip() is not None:
            problems.append("a part fails its CRC check")
        names = set(package.namelist())
        xml = {}
        for name in names:
            if name.endswith((".xml", ".rels")):
                try:
                    xml[name] = etree.fromstring(package.read(name))
                except etree.XMLSyntaxError as error:
                    problems.append(f"{name} is not well-formed: {error}")
    types = xml.get("[Content_Types].xml")
    if types is None:
        return problems + ["no [Content_Types].xml"]
    defaults = {d.get("Extension").lower() for d in types.iter(CT + "Default")}
    overrides = {o.get("PartName").lstrip("/") for o in types.iter(CT + "Override")}
    for part in overrides - names:
        problems.append(f"content type for a missing part {part}")
    for name in names:
        if name.endswith("/") or name == "[Content_Types].xml":
            continue
        if name not in overrides and name.rsplit(".", 1)[-1].lower() not in defaults:
            problems.append(f"{name} has no content type")
    for rels_name, rels in xml.items():
        if not rels_name.endswith(".rels"):
            continue
        source_dir = posixpath.dirname(posixpath.dirname(rels_name))
        ids = set()
        for rel in rels.iter(REL + "Relationship"):
            if rel.get("Id") in ids:
                problems.append(f"{rels_name}: duplicate relationship id {rel.get('Id')}")
            ids.add(rel.get("Id"))
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(source_dir, target))
            if path not in names:
                problems.append(f"{rels_name}: relationship {rel.get('Id')} points at a missing part {path}")
    body = xml.get("word/document.xml")
    if body is None:
        return problems + ["no word/document.xml"]
    for table in body.iter(W + "tbl"):
        columns = len(table.findall(f"{W}tblGrid/{W}gridCol"))
        for row in table.findall(W + "tr"):
            cells = row.findall(W + "tc")
            if len(cells) != columns:
                problems.append(f"a table row has {len(cells)} cells for {columns} columns")
            for cell in cells:
                if cell.find(W + "p") is None:
                    problems.append("a table cell without a paragraph")
    ids = [d.get("id") for d in body.iter(WP + "docPr")]
    if len(ids) != len(set(ids)):
        problems.append("drawing ids are not unique")
    return problems


def read_back(content: bytes):
    """The document as python-docx reads it, and its whole text (paragraphs and table cells)."""
    document = Document(io.BytesIO(content))
    body = document.element.body
    text = "\n".join("".join(t.text or "" for t in p.iter(W + "t")) for p in body.iter(W + "p"))
    return document, text


def heading_texts(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def images(document) -> list[dict[str, str]]:
    return [{"title": d.get("title"), "descr": d.get("descr")} for d in document.element.body.iter(WP + "docPr")]
