"""The business manager's commentary on a board report: plain text with a small, safe markup.

    A blank line starts a new paragraph.
    - a line starting with "- " or "* " is a bullet (consecutive ones make one list)
    **two asterisks** either side make bold

Nothing else is markup: any HTML typed in is shown as the characters typed (escaped), never obeyed.
The text is parsed once into blocks of runs, and each output (HTML for the PDF and the browser, Word
paragraphs) writes the same blocks, so the words beside the figures read the same in every format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

#: The cover sheet's fields, then one commentary per part of the report, in the report's order.
COVER_FIELDS = {
    "purpose": "Purpose of the paper",
    "asks": "What the board is asked to do",
}
SECTIONS = {
    "summary": "Executive summary",
    "charts": "Charts",
    "exceptions": "Exceptions",
    "reviews": "Reviews",
    "assured": "Actions assured in the period",
    "themes": "Recurring themes across reviews",
}
FIELDS = {**COVER_FIELDS, **SECTIONS}
MAX_CHARS = 6000
MAX_COVER_CHARS = 1500

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_BULLET = re.compile(r"^\s*[-*•]\s+")


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" or "bullets"
    items: tuple[tuple[Run, ...], ...]  # a paragraph has one item; a list has one per bullet


def clean(text: str | None) -> str:
    """Newlines made plain, control and format characters (other than newline and tab) removed,
    trailing spaces dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return "\n".join(line.rstrip() for line in kept.split("\n")).strip()


def limit_for(key: str) -> int:
    return MAX_COVER_CHARS if key in COVER_FIELDS else MAX_CHARS


def check(values: dict[str, str | None]) -> tuple[dict[str, str], dict[str, str]]:
    """The cleaned commentary (empty fields left out) and the errors by field (too long)."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, label in FIELDS.items():
        text = clean(values.get(key))
        if len(text) > limit_for(key):
            errors[key] = (f"{label} must be {limit_for(key):,} characters or fewer "
                           f"(it is {len(text):,})")
        elif text:
            cleaned[key] = text
    return cleaned, errors


def _runs(text: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            runs.append(Run(text[position:match.start()]))
        runs.append(Run(match.group(1), bold=True))
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:]))
    return tuple(runs)


def parse(text: str | None) -> list[Block]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", clean(text)):
        paragraph: list[str] = []
        bullets: list[str] = []
        for line in (line for line in chunk.split("\n") if line.strip()):
            if _BULLET.match(line):
                _flush(blocks, paragraph, bullets, keep="bullets")
                bullets.append(_BULLET.sub("", line, count=1).strip())
            elif bullets and line.startswith((" ", "\t")):
                bullets[-1] += " " + line.strip()  # an indented line continues the bullet
            else:
                _flush(blocks, paragraph, bullets, keep="paragraph")
                paragraph.append(line)
        _flush(blocks, paragraph, bullets)
    return blocks


def _flush(blocks: list[Block], paragraph: list[str], bullets: list[str], keep: str = "") -> None:
    """End the paragraph or list being read (not the one named by `keep`, which goes on)."""
    if paragraph and keep != "paragraph":
        blocks.append(Block("paragraph", (_runs(" ".join(s.strip() for s in paragraph)),)))
        paragraph.clear()
    if bullets and keep != "bullets":
        blocks.append(Block("bullets", tuple(_runs(b) for b in bullets)))
        bullets.clear()


def _runs_html(runs: tuple[Run, ...]) -> str:
    return "".join(f"<strong>{escape(r.text)}</strong>" if r.bold else str(escape(r.text)) for r in runs)


def to_html(text: str | None, css_class: str = "") -> Markup:
    """Safe HTML: every character the user typed is escaped; only <p>, <ul>, <li> and <strong> are ours."""
    p_class = f' class="{css_class}"' if css_class else ""
    ul_class = f' class="{css_class}-list"' if css_class else ""
    parts = []
    for block in parse(text):
        if block.kind == "paragraph":
            parts.append(f"<p{p_class}>{_runs_html(block.items[0])}</p>")
        else:
            parts.append(f"<ul{ul_class}>" + "".join(f"<li>{_runs_html(item)}</li>" for item in block.items)
                         + "</ul>")
    return Markup("".join(parts))
