"""The one structure every review document is read into: blocks with where each came from.

A reader per format (pdf, docx, html, plain text and Markdown) builds a `Document`; extraction reads
only the blocks, so the same content gives the same items whatever the file was."""

from __future__ import annotations

from dataclasses import dataclass, field

HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE = "table"


@dataclass
class Source:
    """Where a block came from: its page (PDF, or a page break in text), its paragraph number in the
    document, and for a table row its row number."""

    page: int | None = None
    paragraph: int | None = None
    row: int | None = None


@dataclass
class Block:
    kind: str  # HEADING, PARAGRAPH, LIST_ITEM or TABLE
    text: str = ""  # the words, without the list marker; for a table, its rows joined
    source: Source = field(default_factory=Source)
    #: headings: 1 (largest) to 6. `style` says how the heading was recognised: "styled" (a real heading:
    #: Markdown #, Word heading style, HTML h1-h6, a larger PDF font), "numbered" ("5. Recommendations"),
    #: "caps", "bold", or "plain" (a short line standing alone, the weakest guess).
    level: int = 0
    style: str = ""
    #: list items: the marker as written or numbered by Word/CSS ("1.", "a)", "•", "E1.") and nesting from 0.
    marker: str = ""
    nesting: int = 0
    #: tables: rows of cell texts (the first row is usually the header).
    rows: list[list[str]] = field(default_factory=list)
    #: a paragraph broken by hard line breaks (a pasted list without markers) keeps its lines.
    lines: list[str] = field(default_factory=list)


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    pages: int = 0
    #: the text came from OCR of page images
    ocr: bool = False

    def add(self, block: Block) -> None:
        if block.source.paragraph is None:
            block.source.paragraph = len(self.blocks) + 1
        self.blocks.append(block)
