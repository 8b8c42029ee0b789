"""Characters every reader normalises the same way: ligatures, odd spaces, soft hyphens, markup."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\u00a0": " ",
              "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ", "\u00ad": "", "\u200b": "",
              "\ufeff": "", "\u2010": "-", "\u2011": "-"}
_SUPERSCRIPT_DIGITS = "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079"
_SUP_TAG = re.compile(r"<sup>\s*([^<]{0,12}?)\s*</sup>", re.I)
_TAG = re.compile(r"</?(?:b|i|u|em|strong|span|font|br)\b[^>]*>", re.I)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    for old, new in _LIGATURES.items():
        text = text.replace(old, new)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_inline(text: str) -> str:
    """Markup out, words kept: emphasis markers, HTML tags, footnote markers."""
    def sup(match: re.Match) -> str:
        inner = match.group(1)
        return "" if re.fullmatch(r"[\d*†‡§,\s-]+", inner) else inner

    text = _SUP_TAG.sub(sup, text)
    text = _TAG.sub("", text)
    text = re.sub(f"[{_SUPERSCRIPT_DIGITS}]+", "", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", "", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text)  # Markdown escapes
    return text


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


#: a line that is only a page number: "12", "- 12 -", "Page 3 of 9", "3/9", "iv"
PAGE_NO = re.compile(r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]?\s*\d{1,4}\s*[-–—]?|\d{1,4}\s*/\s*\d{1,4}"
                     r"|[ivxlc]{1,6})$", re.I)
#: a contents-page entry: a title then dots, a tab or spaces, then a page number
TOC = re.compile(r"(?:\t|\.{3,}|…{2,}|\s{3,}|\s\.\s\.)\s*\d{1,3}\s*$")
