"""A web page saved as HTML into blocks through lxml: h1-h6 headings, paragraphs, ordered lists
(numbers written out, from `start` and `value`), bullets, tables; navigation, page header and
footer, asides, scripts, styles and forms left out."""

from __future__ import annotations

import re

from tracker.core.errors import DomainError
from tracker.imports.document.cleaning import normalise
from tracker.imports.document.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Document, Source

SKIP = {"nav", "header", "footer", "aside", "script", "style", "noscript", "form", "template", "svg", "button",
        "select", "iframe", "head"}
SKIP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
_SKIP_CLASS = re.compile(r"\b(?:breadcrumbs?|nav|navbar|menu|cookie|site-header|site-footer|skip-link|sidebar)\b",
                         re.I)
BLOCK_TAGS = {"p", "div", "section", "article", "main", "body", "blockquote", "li", "ul", "ol", "table", "h1", "h2",
              "h3", "h4", "h5", "h6", "dl", "dt", "dd", "figure", "figcaption", "details", "summary", "pre"}


def _text(element) -> str:
    return normalise(re.sub(r"\s+", " ", element.text_content() or "")).strip()


def _skipped(element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in SKIP or (element.get("role") or "").lower() in SKIP_ROLES:
        return True
    return bool(_SKIP_CLASS.search(" ".join([element.get("class") or "", element.get("id") or ""])))


def read_html(data: bytes) -> Document:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except Exception as error:  # lxml refuses empty or binary input
        raise DomainError("The web page could not be read. Save it again, or paste its text.", field="file") from error
    for element in list(root.iter()):
        if isinstance(element.tag, str) and _skipped(element) and element.getparent() is not None:
            element.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for sup in root.iter("sup"):
        if re.fullmatch(r"\s*[\[\(]?\d{1,3}[\]\)]?\s*|\s*[*†‡]\s*", sup.text_content() or ""):
            sup.drop_tree() if sup.getparent() is not None else None
    document = Document()
    main = root.find(".//main") if root.find(".//main") is not None else root
    _walk(main, document, 0)
    return document


def _walk(element, document: Document, depth: int) -> None:
    pending: list[str] = []  # inline text of a container between its block children

    def flush() -> None:
        text = re.sub(r"\s+", " ", " ".join(pending)).strip()
        pending.clear()
        if text:
            document.add(Block(PARAGRAPH, text, Source(), lines=[text]))

    if element.text and element.text.strip():
        pending.append(element.text)
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if not tag:
            if child.tail and child.tail.strip():
                pending.append(child.tail)
            continue
        if tag in BLOCK_TAGS:
            flush()
            _block(child, tag, document, depth)
        else:
            pending.append(child.text_content())
        if child.tail and child.tail.strip():
            pending.append(child.tail)
    flush()


def _block(element, tag: str, document: Document, depth: int) -> None:
    if re.fullmatch(r"h[1-6]", tag):
        text = _text(element)
        if text:
            document.add(Block(HEADING, text, Source(), level=int(tag[1]), style="styled", lines=[text]))
    elif tag in ("ol", "ul"):
        number = int(element.get("start")) if (element.get("start") or "").isdigit() else 1
        kind = element.get("type") or ""
        for li in element.findall("li"):
            if (li.get("value") or "").isdigit():
                number = int(li.get("value"))
            marker = "•" if tag == "ul" else (chr(96 + number) + ")" if kind == "a" else f"{number}.")
            nested = [c for c in li if isinstance(c.tag, str) and c.tag.lower() in ("ol", "ul", "table")]
            for c in nested:
                li.remove(c)
            text = _text(li)
            if text:
                document.add(Block(LIST_ITEM, text, Source(), marker=marker, nesting=depth, lines=[text]))
            for c in nested:
                _block(c, c.tag.lower(), document, depth + 1)
            number += 1
    elif tag == "table":
        rows = []
        for tr in element.iter("tr"):
            cells = [_text(c) for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
            if any(cells):
                rows.append(cells)
        if rows:
            document.add(Block(TABLE, "\n".join(" | ".join(r) for r in rows), Source(), rows=rows))
    elif tag in ("p", "dt", "dd", "figcaption", "summary", "pre", "li"):
        if element.find(".//table") is not None or element.find(".//ol") is not None or element.find(".//ul") is not None:
            _walk(element, document, depth)
            return
        text = _text(element)
        if not text:
            return
        strong = element.find("strong") if element.find("strong") is not None else element.find("b")
        if strong is not None and _text(strong) == text and len(text) < 150 and not text.endswith((".", ";", ",")):
            document.add(Block(HEADING, text, Source(), style="bold", lines=[text]))
        else:
            document.add(Block(PARAGRAPH, text, Source(), lines=[text]))
    else:
        _walk(element, document, depth)
