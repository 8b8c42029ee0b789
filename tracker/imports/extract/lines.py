"""The document's blocks as the lines extraction walks through, each knowing its block (for the
item's page and surrounding text). Extraction sees nothing but these."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.imports.document.model import HEADING, LIST_ITEM, TABLE, Document

CONTEXT_CHARS = 240


@dataclass
class Line:
    text: str
    blank: bool = False
    heading: tuple[str, int] | None = None  # (style, level)
    table_cells: list[str] | None = None
    table_header: list[str] | None = None  # the table's header row, for a table row
    block: int = -1  # index of the block it came from

    @property
    def is_row(self) -> bool:
        return self.table_cells is not None


def to_lines(document: Document) -> list[Line]:
    lines: list[Line] = []
    for index, block in enumerate(document.blocks):
        if block.kind == HEADING:
            lines.append(Line(block.text.strip(), heading=(block.style or "styled", block.level), block=index))
        elif block.kind == TABLE:
            header = block.rows[0] if block.rows else []
            for row in block.rows:
                if any(c.strip() for c in row):
                    lines.append(Line(" | ".join(row), table_cells=list(row), table_header=header, block=index))
        else:
            texts = block.lines or [block.text]
            if block.kind == LIST_ITEM:
                marker = block.marker.strip()
                texts = [f"{marker} {texts[0]}" if marker else texts[0], *texts[1:]]
            for text in texts:
                if text.strip():
                    lines.append(Line(text.strip(), block=index))
        lines.append(Line("", blank=True, block=index))
    return lines


def context_of(document: Document, index: int) -> str:
    """The text around a block: the block itself, and the one before when it is short (a label)."""
    if not 0 <= index < len(document.blocks):
        return ""
    block = document.blocks[index]
    text = block.text if block.kind != TABLE else "; ".join(" | ".join(r) for r in block.rows[:3])
    if block.marker:
        text = f"{block.marker} {text}"  # as the document numbers it
    if index > 0 and len(text) < CONTEXT_CHARS // 2:
        before = document.blocks[index - 1]
        if before.kind != TABLE:
            text = (before.marker + " " if before.marker else "") + before.text + " … " + text
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= CONTEXT_CHARS else text[: CONTEXT_CHARS - 1].rstrip() + "…"


def page_of(document: Document, index: int) -> int | None:
    return document.blocks[index].source.page if 0 <= index < len(document.blocks) else None
