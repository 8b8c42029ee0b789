"""Lines of one paragraph into one string: hyphenation at line ends repaired against the words of
the document being read, spaces collapsed."""

from __future__ import annotations

import re
from contextvars import ContextVar

#: Prefixes that keep their hyphen at a line end when the document does not say otherwise.
_HYPHEN_KEEP = {"co", "non", "multi", "self", "cross", "well", "step", "anti", "pre", "post", "semi", "sub"}
#: Words of the document being read, to decide whether "proced-\nures" is "procedures".
VOCABULARY: ContextVar[set[str]] = ContextVar("vocabulary", default=set())
SENTENCE_END = re.compile(r"[.!?;:\"'”’)\]]\s*$")


def join_text(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
            continue
        match = re.search(r"(\w+)-$", out)
        if match and part[:1].islower() and not re.search(r"\s-$", out):
            prefix = match.group(1).lower()
            following = re.match(r"\w+", part)
            joined = prefix + (following.group(0).lower() if following else "")
            vocabulary = VOCABULARY.get()
            if joined in vocabulary:
                keep = False
            elif f"{prefix}-{joined[len(prefix):]}" in vocabulary:
                keep = True
            else:
                # unknown: a real compound ("trauma-informed") when both halves are words of some length
                suffix = joined[len(prefix):]
                keep = prefix in _HYPHEN_KEEP or len(prefix) <= 1 or (
                    len(prefix) >= 4 and len(suffix) >= 6 and suffix in vocabulary)
            out = out + part if keep else out[:-1] + part
        else:
            out = out + " " + part
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def key(text: str) -> str:
    text = text.lower().replace("’", "'").replace("&", " and ")
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()
