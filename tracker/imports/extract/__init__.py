"""Find the recommendations and learning points in a review document.

Pure functions, a `Document` (tracker.imports.document) in, plain dataclasses out: no Flask, no
database. Extraction reads only the document's blocks, so the same content gives the same items
whatever the format. The work is split by responsibility:

* `lines`     - the blocks as the lines extraction walks, each knowing its block (page, context);
* `markers`   - what starts an item (labels, numbers, codes, letters, bullets) and metadata lines;
* `sections`  - Recommendations / single-agency / learning sections by their headings;
* `items`     - lists, labels, paragraphs, lead-in sentences and summary sentences in a section;
* `tables`    - action-plan and findings tables, column roles from their header words;
* `owners`    - who each item is addressed to;
* `cleaning`  - line joining and hyphenation repair.
"""

from __future__ import annotations

import re
from collections import Counter

from tracker.imports.document.cleaning import clean_inline, normalise
from tracker.imports.document.model import Document
from tracker.imports.document.plain import read_plain
from tracker.imports.extract.cleaning import VOCABULARY, join_text, key
from tracker.imports.extract.items import parse_section, split_summary
from tracker.imports.extract.lines import context_of, page_of, to_lines
from tracker.imports.extract.model import (KIND_LABELS, KINDS, LEARNING_POINT, RECOMMENDATION, SINGLE_AGENCY,
                                           Extraction, Item, ProposedAction)
from tracker.imports.extract.owners import finish
from tracker.imports.extract.sections import segment

__all__ = ["KINDS", "KIND_LABELS", "LEARNING_POINT", "RECOMMENDATION", "SINGLE_AGENCY", "Extraction", "Item",
           "ProposedAction", "extract", "extract_text", "join_text", "split_summary"]


def extract_text(text: str, known_agencies: list[str] | None = None) -> Extraction:
    """Plain or pasted text (or Markdown): read into blocks, then extracted."""
    return extract(read_plain(text), known_agencies)


def extract(document: Document | str, known_agencies: list[str] | None = None) -> Extraction:
    """Every recommendation and learning point the document holds, in document order."""
    if isinstance(document, str):
        document = read_plain(document)
    known = {key(k) for k in (known_agencies or []) if k}
    words = " ".join(b.text if b.kind != "table" else " ".join(" ".join(r) for r in b.rows) for b in document.blocks)
    token = VOCABULARY.set(set(re.findall(r"[a-z]+(?:-[a-z]+)?", normalise(words).lower())))
    try:
        result = _extract(document, known)
    finally:
        VOCABULARY.reset(token)
    result.ocr, result.pages = document.ocr, document.pages
    return result


def _extract(document: Document, known: set[str]) -> Extraction:
    lines = to_lines(document)
    sections = segment(lines, known)
    has_rec_section = any(s.mode in ("rec", "single") for s in sections)
    items: list[Item] = []
    for section in sections:
        items.extend(parse_section(section, allow_labels=not has_rec_section))
    result = Extraction()
    for section in sections:
        if section.mode == "single" and section.owner and section.owner not in result.agency_headings:
            result.agency_headings.append(section.owner)
    if not any(i.kind in (RECOMMENDATION, SINGLE_AGENCY) for i in items) or \
            not any(i.kind == LEARNING_POINT for i in items):
        # Summary lists ("Recommendations include: a; b; c") when nothing more structured was found.
        have = {i.kind for i in items}
        for index, block in enumerate(document.blocks):
            if block.kind == "table":
                continue
            joined = join_text([clean_inline(x) for x in (block.lines or [block.text])])
            for kind, parts in split_summary(joined):
                if kind in have or (kind == RECOMMENDATION and SINGLE_AGENCY in have):
                    continue
                start = sum(1 for i in items if i.kind == kind)
                for n, part in enumerate(parts, start=start + 1):
                    item = Item(kind, str(n), part, "", "Summary", block=index)
                    item.doubts.append("Taken from a summary sentence, not a list: check the wording")
                    items.append(item)
    result.items = finish(items, known)
    for item in result.items:
        item.page = page_of(document, item.block)
        item.context = item.context or context_of(document, item.block)
        if item.kind != LEARNING_POINT and len(item.text) < 25:
            item.doubts.append("Very short for a recommendation")
    numbers = Counter((i.kind, i.owner if i.kind == SINGLE_AGENCY else "", i.number) for i in result.items)
    for (kind, owner, number), n in numbers.items():
        if n > 1:
            result.warnings.append(f"{KIND_LABELS[kind]} {number}{' (' + owner + ')' if owner else ''} appears "
                                   f"{n} times: check the numbers before confirming.")
            for item in result.items:
                if (item.kind, item.owner if kind == SINGLE_AGENCY else "", item.number) == (kind, owner, number):
                    item.doubts.append(f"Number {number} is used more than once")
    if not result.items:
        result.warnings.append("No recommendations or learning points were found. Check the text, or add them "
                               "by hand.")
    return result
