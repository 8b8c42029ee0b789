"""List markers as documents write them: numbers, codes with letters, letters, roman numerals, and
every common bullet glyph. Shared by the readers (to start list items) and extraction (to number them)."""

from __future__ import annotations

import re

#: Every bullet glyph seen in review documents, including the Symbol/Wingdings private-use characters
#: Word's bullets become when a PDF is made from it.
BULLETS = "-•*▪◦●‣⁃–—○■□➢➤✓✔·‐⦁◆◇♦❖★☐→⇒►▸»+\uf0b7\uf0a7\uf0d8\uf0fc\uf076\uf0a8\uf0d7"
#: a number: "3", "16.1", "1.2.3", "2a"
NUM = r"\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?"
#: a code with letters: "E1", "SA1", "R2", "DHR 3", "LSCP 2.1"
CODE = r"[A-Z]{1,5}\s?\d{1,2}(?:\.\d{1,2})?[a-z]?"

NUMBERED = re.compile(
    rf"^(?:\((?P<pnum>\d{{1,3}}[a-z]?)\)"
    rf"|(?P<num>{NUM})(?:[.):]|(?=\s)(?<=\d\.\d)|(?<=\.\d\d)(?=\s)|(?<=\d[a-z])(?=\s))"
    rf"|(?P<code>{CODE})(?:[.):]|\s*[-–—]|(?=\s)))\s+(?P<rest>\S.*)$")
LETTER = re.compile(r"^(?:\((?P<a>[a-z]|[ivx]{1,5})\)|(?P<b>[a-z]|[ivx]{1,5})[.)])\s+(?P<rest>\S.*)$")
BULLET = re.compile(rf"^(?:[{re.escape(BULLETS)}]|o(?=\s))\s*(?P<rest>\S.*)$")
#: A bullet glyph must be followed by a space unless it is one no word starts with.
_TIGHT_OK = set("•▪◦●‣⁃○■□➢➤✓✔·⦁◆◇♦❖★☐→⇒►▸»\uf0b7\uf0a7\uf0d8\uf0fc\uf076\uf0a8\uf0d7")


def split_marker(text: str) -> tuple[str, str, int] | None:
    """(marker, rest, nesting) when the line starts a list item: nesting 0 for numbers and bullets,
    1 for letters and roman numerals (sub-points)."""
    stripped = text.strip()
    match = NUMBERED.match(stripped)
    if match:
        code = match.group("code")
        if code and not _plausible_code(code, match.group("rest")):
            return None
        return stripped[: match.start("rest")].strip(), match.group("rest"), 0
    match = LETTER.match(stripped)
    if match:
        return stripped[: match.start("rest")].strip(), match.group("rest"), 1
    match = BULLET.match(stripped)
    if match:
        glyph = stripped[0]
        if glyph not in _TIGHT_OK and not stripped[1:2].isspace():
            return None
        return glyph, match.group("rest"), 0
    return None


def _plausible_code(code: str, rest: str) -> bool:
    """"SA1 The Board should" is a code; "NHS 111 should" or "Page 3 of" are not."""
    letters = re.match(r"[A-Z]+", code).group(0)
    return (rest[:1].isupper() or rest[:1] in "\"'“(") and letters not in {"PAGE", "P", "NO"}


def marker_number(marker: str) -> str:
    """The number a marker stands for: "E1." -> "E1", "(2)" -> "2", "DHR 3" -> "DHR 3"; "" for bullets."""
    number = marker.strip().strip("().:-–—").strip()
    return "" if not number or number[0] in BULLETS or number == "o" else number

#: "Recommendation 3", "Learning point 2", "Finding 1", "Rec. 4": an item's label, never a heading
LABEL = re.compile(r"^(?:recommendations?|rec\.?|learning\s+point|learning|lesson|key\s+learning(?:\s+point)?|finding|"
                   r"key\s+finding|issue|theme)\s*(?:no\.?\s*|number\s*)?[A-Z]{0,4}\s?\d{1,3}(?:\.\d{1,2})?[a-z]?"
                   r"(?![\w/])", re.I)
