"""The document cut into sections by its headings: a Recommendations section (of any heading level
or style), single-agency sections grouped by agency, learning sections, and everything else (where
only labelled items count)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.imports.extract.cleaning import key
from tracker.imports.extract.lines import Line
from tracker.imports.extract.markers import LABEL, marker

REC_HEADING = re.compile(
    r"^(?:(?:key|main|summary of(?: the)?|multi[- ]?agency|partnership|board|overview|review|final|national|"
    r"the|our|findings and|conclusions? and|learning and|issues and|areas for improvement and|(?-i:[A-Z]{2,6})|"
    r"recommended actions and|local|strategic|system|practice|further|additional|other|specific|general|"
    r"[\w’']+(?:'s|’s)|rapid review|safeguarding adults review|domestic homicide review)\s+)*"
    r"(?:recommendations?|recommended actions|key actions|actions|action plan)\b(?P<tail>.{0,60})$", re.I)
SINGLE_HEADING = re.compile(
    r"(?:single|individual|own|internal)[- ]?agency\s+(?:recommendations|actions|action plans?)|"
    r"^(?:appendix\s+\w{1,3}\W*)?agency\s+recommendations|recommendations\s+(?:for|to|from)\s+(?:individual|single|"
    r"each|partner)\s+agenc|recommendations\s+made\s+by\s+(?:individual\s+)?agencies", re.I)
LEARNING_HEADING = re.compile(
    r"^(?:(?:overview|summary)\s+of\s+(?:the\s+)?(?:key\s+)?|key\s+|main\s+|practice\s+|the\s+)?"
    r"(?:learning|lessons)(?:\s+points?|\s+identified|\s+themes?|\s+learned|\s+learnt|\s+for\s+.{1,40}|\s+from\s+.{1,40}"
    r"|\s+and\s+reflections?)?$", re.I)
END_HEADING = re.compile(
    r"^(?:appendix|appendices|annex|references?|bibliography|glossary|terms of reference|contents|"
    r"acknowledg|more information|further information|useful (?:links|resources)|next steps|methodology|"
    r"sign(?:ed|ature)|contact|about (?:this|the)|introduction|background|conclusions?$|list of|"
    r"what happens next|resources|where to find|questions to consider|reflective questions)", re.I)
REC_EXCLUDE = re.compile(r"previous|progress|implementation of|update on|earlier|response to|responses to|"
                         r"from (?:the )?(?:previous|earlier|other)|made in|monitoring|contents", re.I)
ORG_WORDS = re.compile(
    r"\b(nhs|trust|police|constabulary|council|services?|care|board|partnership|group|centres?|housing|"
    r"probation|company|authority|school|schools|academy|ccg|icb|hospital|health|education|team|agency|"
    r"ambulance|gp|practice|nursery|college|association|department|unit|commissioning|rehabilitation|"
    r"social|children'?s|children’s|safeguarding|mash|foundation|cafcass|prison|hmp|youth|offending|"
    r"midwifery|public|local|county|borough|city|panel|subgroup|sub-group|committee|network|provider|"
    r"all agencies|partners|dfe|ofsted|nice|home office|government|department)\b", re.I)
VERBISH = re.compile(r"\b(should|must|will|shall|would|could|is|are|was|were|be|been|has|have|had|need|needs|"
                     r"can|to ensure|include|includes|identified|ensure|consider|review)\b", re.I)


def heading_title(line: Line) -> str:
    title = re.sub(r"^(?:(?:section|part)\s+)?\d{1,2}(?:\.\d{1,2})*\.?\s*[:.\-–—]?\s+", "", line.text.strip(), flags=re.I)
    return title.strip(" :.-–—*")


def section_kind(title: str) -> str | None:
    if SINGLE_HEADING.search(title):
        return "single"
    if LABEL.match(title):
        return None
    rec = REC_HEADING.match(title)
    if rec and not REC_EXCLUDE.search(title) and "single" not in title.lower() and len(title.split()) <= 10:
        return "rec"
    if LEARNING_HEADING.match(title):
        return "learning"
    return None


def is_agency_heading(title: str, known: set[str] | None = None) -> bool:
    title = title.strip()
    if not title or len(title) > 120 or title.lower() in {"none", "n/a"}:
        return False
    if known and key(title) in known:
        return True
    if VERBISH.search(title) and not re.search(r"\b(services?|care)\b", title, re.I):
        return False
    return bool(ORG_WORDS.search(title)) and len(title.split()) <= 14


@dataclass
class Section:
    mode: str | None  # "rec", "single", "learning", "skip" or None
    title: str
    owner: str = ""
    lines: list[Line] = field(default_factory=list)


def segment(lines: list[Line], known_agencies: set[str] | None = None) -> list[Section]:
    blocks: list[Section] = [Section(None, "")]
    mode: str | None = None
    section = ""
    section_heading: tuple[str, int] | None = None
    pending_appendix = False
    for line in lines:
        heading = line.heading
        if heading is None:
            blocks[-1].lines.append(line)
            continue
        title = heading_title(line)
        found = marker(title)
        if found and found[0] in ("label", "lp", "finding"):
            blocks[-1].lines.append(Line(title, block=line.block))  # "### Recommendation 1" is an item's label
            continue
        kind = section_kind(title)
        if kind:
            if kind == "rec" and pending_appendix:
                kind = "single"
            mode, section, section_heading = kind, title, heading
            pending_appendix = False
            blocks.append(Section(mode, section))
            continue
        pending_appendix = bool(re.match(r"^(appendix|annex|annexe)\s+\w{1,3}$", title, re.I))
        if mode is None:
            blocks.append(Section(None, title))
            continue
        # A heading inside a section: an owner heading, a sub-heading, or the end of the section.
        ends = bool(END_HEADING.match(title)) or pending_appendix
        if not ends and section_heading is not None and mode != "single":
            if heading[0] == "styled" and section_heading[0] == "styled":
                ends = heading[1] <= section_heading[1]
            elif heading[0] == section_heading[0] and heading[0] != "styled":
                ends = heading[0] != "numbered" or heading[1] <= section_heading[1]
            elif heading[0] == "styled" and heading[1] == 1:
                ends = True
            elif heading[0] in ("styled", "numbered") and section_heading[0] in ("bold", "caps", "plain"):
                ends = not is_agency_heading(title, known_agencies)
        if mode == "single" and heading == ("styled", 1) and not is_agency_heading(title, known_agencies):
            ends = True
        if ends:
            mode, section, section_heading = None, title, None
            blocks.append(Section(None, title))
            continue
        if is_agency_heading(title, known_agencies) or (mode == "rec" and heading[0] != "plain"):
            owner = re.sub(r"^(?:recommendations?\s+)?(?:for|to)\s+(?:the\s+)?", "", title, flags=re.I).strip()
            blocks.append(Section(mode, section, owner=owner if is_agency_heading(owner, known_agencies) else ""))
            if mode == "single" and not is_agency_heading(title, known_agencies):
                blocks[-1].mode = "skip"
            continue
        if mode == "single":
            blocks.append(Section("skip", section))  # e.g. "Cases involved" inside the appendix
            continue
        blocks[-1].lines.append(Line(line.text, block=line.block))  # a plain line, not a heading after all
    return blocks
