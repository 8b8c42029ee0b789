"""What starts an item: "Recommendation 3" labels, learning point labels, findings (which end an
item), numbers and codes, letters (sub-points), bullets; owner and other metadata lines."""

from __future__ import annotations

import re

from tracker.imports.document.markers import BULLET, LETTER, NUMBERED

CODE_NUM = r"(?:(?-i:[A-Z]{1,5})\s?)?\d{1,3}(?:\.\d{1,2})?[a-z]?"
LABEL = re.compile(
    rf"^(?:recommendation|recommendations|rec\.?)\s*(?:no\.?\s*|number\s*)?(?P<num>{CODE_NUM})"
    r"(?![\w/])\s*(?:[:.)\-–—]+\s*|\s+|$)(?P<rest>.*)$", re.I)
LP_LABEL = re.compile(
    r"^(?:learning\s+point|learning|lesson|key\s+learning\s+point|key\s+learning)\s*(?:no\.?\s*)?"
    r"(?P<num>\d{1,3}[a-z]?)(?![\w/])\s*(?:[:.)\-–—]+\s*|\s+|$)(?P<rest>.*)$", re.I)
FINDING = re.compile(r"^(?:finding|issue|theme|key\s+finding)\s*(?P<num>\d{1,3})(?![\w/])\s*[:.)\-–—]*\s*(?P<rest>.*)$",
                     re.I)
META = re.compile(r"^(?P<key>owner|owners|lead agency|lead agencies|lead|lead officer|responsible(?: agency| lead| "
                  r"officer| body| person)?|addressed to|agency|agencies|for|who)\s*:\s*(?P<value>\S.*)$", re.I)
META_DROP = re.compile(r"^(?:timescale|timescales|target date|by when|priority|due(?: date)?|rag|brag|status|"
                       r"evidence|success measure|measure of success|outcome|expected outcome|progress)\s*:", re.I)


def marker(text: str) -> tuple[str, str, str] | None:
    """(type, number, rest) for a line that starts an item: type "lp", "label", "finding", "num",
    "letter" or "bullet"."""
    match = LP_LABEL.match(text)
    if match and re.match(r"^(learning|lesson|key)", text, re.I):
        return ("lp", match.group("num"), match.group("rest"))
    match = LABEL.match(text)
    if match:
        return ("label", match.group("num"), match.group("rest"))
    match = FINDING.match(text)
    if match:
        return ("finding", match.group("num"), match.group("rest"))
    match = NUMBERED.match(text)
    if match:
        number = match.group("pnum") or match.group("num") or match.group("code")
        if match.group("code") and not (match.group("rest")[:1].isupper() or match.group("rest")[:1] in "\"'“("):
            return None
        return ("num", number, match.group("rest"))
    match = LETTER.match(text)
    if match:
        return ("letter", match.group("a") or match.group("b"), match.group("rest"))
    match = BULLET.match(text)
    if match:
        if text[:1] not in "•▪◦●‣⁃○■□➢➤✓✔·⦁◆◇♦❖★☐→⇒►▸»\uf0b7\uf0a7\uf0d8" and not text[1:2].isspace():
            return None
        inner = marker(match.group("rest"))
        if inner and inner[0] in ("lp", "label", "num", "finding"):
            return inner
        return ("bullet", "", match.group("rest"))
    return None


def is_sub_item(text: str) -> bool:
    return bool(LETTER.match(text) or BULLET.match(text) or NUMBERED.match(text))
