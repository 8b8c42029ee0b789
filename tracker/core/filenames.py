"""File names as people write them, in any script: cleaned for storage and display, and an ASCII
spelling for the places (old clients, the `filename` fallback of a download) that take nothing else.
Pure functions: the evidence service and the download helper share them."""

import os
import re
import unicodedata

# Letters NFKD does not take apart into an ASCII letter and an accent.
_ASCII_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss",
                                "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ð": "d"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._()-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_FOLDERS = re.compile(r".*[/\\]")


def clean_filename(filename: str | None) -> str:
    """The name as the user will see it, in any script: no control characters, no folders (the last part of a path), no
    leading dots, spaces as underscores (as uploads have always been stored)."""
    name = _CONTROL.sub("-", _FOLDERS.sub("", unicodedata.normalize("NFC", filename or "")))
    name = re.sub(r"\s+", "_", name.strip()).strip("._")
    return name[:200]


def ascii_fallback(filename: str) -> str:
    """Letters without their accents (Ł as L), anything else as "-"; "download" when no ASCII is left
    of the name (an Arabic or emoji name), keeping the extension."""
    stem, ext = os.path.splitext(clean_filename(filename))
    stem, ext = _ascii(stem), _ascii(ext.lstrip("."))
    return f"{stem or 'download'}.{ext}" if ext else stem or "download"


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS)).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", text).strip("-.")
