"""Items inside a section: numbered, labelled, bulleted or lettered lists, one paragraph per item,
lead-in sentences followed by a list, and summary sentences ("Recommendations include: a; b; c")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.imports.extract.cleaning import SENTENCE_END, join_text
from tracker.imports.extract.lines import Line
from tracker.imports.extract.markers import META, META_DROP, is_sub_item, marker
from tracker.imports.extract.model import LEARNING_POINT, RECOMMENDATION, SINGLE_AGENCY, Item
from tracker.imports.extract.sections import Section
from tracker.imports.extract.tables import parse_table

#: "Recommendations would include:", "The review recommends that:", "The panel recommends the following:"
LEAD_IN = re.compile(r"(?:\brecommendations?\b[^.]{0,80}|\brecommends?\b[^.]{0,60}|\bwe\s+recommend\b[^.]{0,40})"
                     r":\s*$", re.I)
LEAD_IN_LEARNING = re.compile(r"\b(?:learning(?:\s+points?)?|lessons)\b[^.]{0,80}:\s*$", re.I)
#: A committee paper's own decisions ("The Committee is asked to: a) note the report"), not a review's
#: recommendations.
DECISION = re.compile(r"^(?:the\s+)?(?:committee|board|executive|panel|cabinet|members?|group|forum|partnership|"
                      r"council|meeting)\s+(?:is|are)\s+(?:asked|recommended|invited|requested)\s+to\b", re.I)
#: A paragraph that talks about recommendations rather than making one.
NARRATIVE = re.compile(r"\brecommendations?\b", re.I)
ACTING = re.compile(r"\b(?:should|must|to ensure|needs? to|will|shall|ensure|review|develop|seek)\b", re.I)
#: "The review identified learning in three areas: ..." describes the review, it is not an item.
ABOUT_REVIEW = re.compile(r"^(?:the|this)\s+(?:review|panel|reviewer|report|SAR|DHR|CSPR)\s+(?:has\s+)?(?:identified|found|"
                          r"highlighted|considered|examined|makes|made|sets out|describes)\b", re.I)
NONE_TEXT = re.compile(r"(none|n/?a|nil|no recommendations?(?: were| have been)? made\.?|"
                       r"no (?:single[- ]agency )?recommendations\.?)\.?", re.I)


@dataclass
class _Open:
    kind: str
    number: str
    parts: list[list[str]]  # paragraphs, each a list of lines
    owner: str = ""
    block: int = -1
    numbered: bool = True  # the number came from the document

    def add_line(self, text: str, new_paragraph: bool) -> None:
        if new_paragraph or not self.parts:
            self.parts.append([text])
        else:
            self.parts[-1].append(text)

    def text(self) -> str:
        paragraphs = [join_text(p) for p in self.parts if join_text(p)]
        out = ""
        for para in paragraphs:
            if not out:
                out = para
            elif is_sub_item(para) or out.endswith(":"):
                out = out + "\n" + para
            elif not SENTENCE_END.search(out) or para[:1].islower():
                out = join_text([out, para])  # a sentence carried over a page or column break
            else:
                out = out + "\n" + para
        return out.strip()


_SUMMARY = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<what>(?:the\s+)?(?:key\s+|main\s+)?(?:recommendations?|learning(?:\s+points?)?|lessons?))"
    r"\s+(?:includes?|included|focus(?:es)?\s+on|are|were|is|was|made\s+(?:were|are|include))\s*(?::|-|–)?\s*"
    r"(?P<list>.+?)(?=(?:\s+Keywords?\s*:|\s*>\s*Read|$|\.\s+(?:The\s+)?(?:Key\s+|Main\s+)?"
    r"(?:Recommendations?|Learning|Lessons?)\s+(?:includes?|included|focus|are|were|made)))", re.I | re.S)


def split_summary(text: str) -> list[tuple[str, list[str]]]:
    """'Recommendations include: a; b; and c' -> [('recommendation', ['a', 'b', 'c'])]."""
    out = []
    for match in _SUMMARY.finditer(text):
        listed = match.group("list").strip()
        parts = [p.strip() for p in re.split(r";\s*", listed) if p.strip()]
        if len(parts) < 2:
            continue
        cleaned = []
        for i, part in enumerate(parts):
            part = re.sub(r"^(?:and|or)\s+", "", part).strip()
            if i == len(parts) - 1:
                part = re.sub(r"\.\s*$", "", part)
                part = re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", part)[0]
            if part:
                cleaned.append(part[0].upper() + part[1:] if part[0].islower() else part)
        kind = RECOMMENDATION if match.group("what").lower().strip().split()[-1].startswith("recommend") \
            else LEARNING_POINT
        out.append((kind, cleaned))
    return out


def parse_section(block: Section, allow_labels: bool) -> list[Item]:
    mode = block.mode
    if mode == "skip":
        return []
    default_kind = {"rec": RECOMMENDATION, "single": SINGLE_AGENCY, "learning": LEARNING_POINT}.get(mode)
    rows = [line for line in block.lines if line.is_row]
    items: list[Item] = []
    table_items = parse_table(rows, mode, block.title,
                              block.owner)
    content = [line for line in block.lines if not line.is_row]
    first = next((line for line in content if not line.blank), None)
    if mode == "rec" and first is not None and DECISION.match(first.text):
        return table_items  # the paper's decisions under its own "Recommendations" heading
    marks = [marker(line.text) if not line.blank else None for line in content]
    types = [m[0] for m in marks if m]
    if mode is None:
        primary_set = {"lp"} | ({"label"} if allow_labels else set())
    elif "label" in types or "lp" in types:
        primary_set = {"label", "lp"}
    else:
        first = next((t for t in types if t in ("num", "bullet", "letter")), None)
        primary_set = {first} if first else set()
        if first == "letter" and "num" in types:
            primary_set = {"num"}
    if mode in ("rec", "single", "learning") and not primary_set & set(types):
        return table_items + _paragraph_items(content, default_kind, block)
    current: _Open | None = None
    seq = 0
    last_blank = True
    skipping = False
    lead_in: str | None = None  # the kind a lead-in sentence announced, while its list lasts
    lead_types: set[str] = set()

    def close() -> None:
        nonlocal current
        if current is not None:
            text = current.text()
            if text:
                item = Item(current.kind, current.number, text, current.owner, block.title, block=current.block)
                if not current.numbered and mode is None:
                    item.doubts.append("Found in a list after a lead-in sentence, not under a Recommendations "
                                       "heading")
                items.append(item)
        current = None

    for line, mark in zip(content, marks):
        if line.blank:
            last_blank = True
            continue
        new_para = last_blank
        last_blank = False
        if lead_in and mark and mark[0] in ("num", "bullet") and (not lead_types or mark[0] in lead_types):
            lead_types = {mark[0]}
            close()
            seq += 1
            current = _Open(lead_in, mark[1] or str(seq), [], owner=block.owner, block=line.block, numbered=False)
            current.add_line(mark[2], True)
            continue
        if lead_in and new_para and not mark:
            lead_in, lead_types = None, set()
            close()
        if mark and mark[0] in primary_set:
            close()
            skipping = False
            kind = {"lp": LEARNING_POINT, "label": RECOMMENDATION}.get(mark[0], default_kind)
            if kind == RECOMMENDATION and mode == "single":
                kind = SINGLE_AGENCY
            seq += 1
            current = _Open(kind, mark[1] or str(seq), [], owner=block.owner, block=line.block)
            if mark[2].strip():
                current.add_line(mark[2], True)
            continue
        if mark and mark[0] == "finding":
            close()
            skipping = True
            continue
        if mode is None and not mark and (current is None or new_para):
            if LEAD_IN.search(line.text) and not re.search(r"\b(previous|earlier|progress)\b", line.text, re.I):
                close()
                lead_in, lead_types = RECOMMENDATION, set()
                continue
            if LEAD_IN_LEARNING.search(line.text):
                close()
                lead_in, lead_types = LEARNING_POINT, set()
                continue
        if skipping or current is None:
            continue
        if mode is None and new_para and current.parts and SENTENCE_END.search(current.text() or ".") \
                and not line.text[:1].islower() and not (lead_in and mark):
            close()  # a labelled item outside a section ends with its paragraph
            continue
        meta = META.match(line.text)
        if meta and (mode in ("rec", "single") or current.kind != LEARNING_POINT):
            current.owner = meta.group("value").strip().rstrip(".")
            continue
        if META_DROP.match(line.text):
            continue
        current.add_line(line.text, new_para or bool(mark))
    close()
    return table_items + items


def _paragraph_items(content: list[Line], kind: str, block: Section) -> list[Item]:
    """No numbers or bullets: each paragraph is one item."""
    paragraphs: list[tuple[list[str], int]] = []
    fresh = True
    for line in content:
        if line.blank:
            fresh = True
            continue
        if fresh:
            paragraphs.append(([line.text], line.block))
        else:
            paragraphs[-1][0].append(line.text)
        fresh = False
    items: list[Item] = []
    owner_line = ""
    for lines, index in paragraphs:
        text = join_text(lines)
        if not text or NONE_TEXT.fullmatch(text) or DECISION.match(text) or ABOUT_REVIEW.match(text):
            continue
        if NARRATIVE.search(text) and not ACTING.search(text) and not re.match(r"recommendations?\s+(?:to|for)\b",
                                                                                text, re.I):
            continue  # "Each agency has made its own recommendations, which are monitored by the Board."
        meta = META.match(text)
        if meta and items:
            items[-1].owner = meta.group("value").strip().rstrip(".")
            continue
        if meta:
            owner_line = meta.group("value").strip().rstrip(".")
            continue
        if META_DROP.match(text):
            continue
        if text.endswith(":") and len(text.split()) <= 25:
            continue  # "The review makes the following recommendations:"
        summary = split_summary(text)
        if summary:
            for summary_kind, parts in summary:
                for part in parts:
                    items.append(Item(kind if summary_kind == RECOMMENDATION else LEARNING_POINT,
                                      "", part, block.owner or owner_line, block.title, block=index))
            continue
        if items and text[:1].islower():
            items[-1].text = join_text([items[-1].text, text])  # carried over a page break
            continue
        item = Item(kind, "", text, block.owner or owner_line, block.title, block=index)
        item.doubts.append("No number in the document: numbered in the order found")
        if len(text) > 900:
            item.doubts.append("Long: it may hold more than one recommendation")
        items.append(item)
    for n, item in enumerate(items, start=1):
        item.number = str(n)
    return items
