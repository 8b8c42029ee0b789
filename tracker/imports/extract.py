"""Find the recommendations and learning points in the text of a review document.

Pure functions, text in, plain dataclasses out: no Flask, no database. `extract(text)` returns an
`Extraction` whose items each keep their number, their exact wording (joined across line and page
breaks, hyphenation repaired, markup removed), the owner named in the document (a prefix such as
"Police - ...", an agency heading in a single-agency appendix, an "Owner:" line, or the subject of
the sentence) and the heading they were found under.

Shapes it knows (real reports mix them):

* a "Recommendations" section (Markdown, bold, capitals, numbered or plain heading) holding a
  numbered list ("1.", "1)", "(1)", "16.1"), "Recommendation 1" labels or headings (inline text or on
  the following lines), bullets, lettered items, or one paragraph per recommendation; lettered or
  roman sub-items ("a)", "(ii)") stay inside their recommendation;
* "Findings and recommendations" layouts where "Finding 1" paragraphs sit between recommendations,
  and tables (pipe or tab separated) with a recommendation column;
* learning points: "Learning point 1: ..." anywhere, or a numbered/bulleted list under an "Overview of
  learning" / "Learning points" / "Key learning" heading;
* single-agency recommendations grouped under agency headings in an appendix (an agency whose only
  content is "None" has none);
* owner prefixes ("Police - ...", "All - ...", "Recommendation to Policy and Procedures Group - ...");
* summary lists: "Recommendations include: a; b; and c".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field

RECOMMENDATION = "recommendation"
SINGLE_AGENCY = "single_agency_recommendation"
LEARNING_POINT = "learning_point"
KINDS = (RECOMMENDATION, SINGLE_AGENCY, LEARNING_POINT)
KIND_LABELS = {RECOMMENDATION: "Recommendation", SINGLE_AGENCY: "Single-agency recommendation",
               LEARNING_POINT: "Learning point"}


@dataclass
class Item:
    kind: str
    number: str
    text: str
    owner: str = ""
    section: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Extraction:
    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Every agency heading of a single-agency section, in order, including those with no items.
    agency_headings: list[str] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Item]:
        return [i for i in self.items if i.kind in kinds]

    @property
    def recommendations(self) -> list[Item]:
        return self.of_kind(RECOMMENDATION)

    @property
    def single_agency(self) -> list[Item]:
        return self.of_kind(SINGLE_AGENCY)

    @property
    def learning_points(self) -> list[Item]:
        return self.of_kind(LEARNING_POINT)

    def by_owner(self, kind: str = SINGLE_AGENCY) -> dict[str, list[Item]]:
        out: dict[str, list[Item]] = {h: [] for h in self.agency_headings} if kind == SINGLE_AGENCY else {}
        for item in self.of_kind(kind):
            out.setdefault(item.owner, []).append(item)
        return out


# --- Cleaning ------------------------------------------------------------------------------------

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\u00a0": " ",
              "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ", "\u00ad": "", "\u200b": "",
              "\ufeff": "", "\u2010": "-", "\u2011": "-", "\t": "\t"}
_SUPERSCRIPT_DIGITS = "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079"
_SUP_TAG = re.compile(r"<sup>\s*([^<]{0,12}?)\s*</sup>", re.I)
_TAG = re.compile(r"</?(?:b|i|u|em|strong|span|font|br)\b[^>]*>", re.I)
#: Prefixes that keep their hyphen at a line end when the document does not say otherwise.
_HYPHEN_KEEP = {"co", "non", "multi", "self", "cross", "well", "step", "anti", "pre", "post", "semi", "sub"}
#: Words of the document being read, to decide whether "proced-\nures" is "procedures".
_VOCABULARY: ContextVar[set[str]] = ContextVar("vocabulary", default=set())
_SENTENCE_END = re.compile(r"[.!?;:\"'”’)\]]\s*$")


def _clean_inline(text: str) -> str:
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


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    for old, new in _LIGATURES.items():
        text = text.replace(old, new)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")


def join_text(parts: list[str]) -> str:
    """Lines of one paragraph into one string: hyphenation at a line end repaired, spaces collapsed."""
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
            vocabulary = _VOCABULARY.get()
            if joined in vocabulary:
                keep = False
            elif f"{prefix}-{joined[len(prefix):]}" in vocabulary:
                keep = True
            else:
                keep = prefix in _HYPHEN_KEEP or len(prefix) <= 1
            out = out + part if keep else out[:-1] + part
        else:
            out = out + " " + part
    return re.sub(r"[ \t]{2,}", " ", out).strip()


# --- Lines ---------------------------------------------------------------------------------------

NUM = r"\d{1,3}(?:\.\d{1,3}){0,2}"
_LABEL = re.compile(
    r"^(?:recommendation|recommendations|rec\.?|r)\s*(?:no\.?\s*|number\s*)?(?P<num>\d{1,3}(?:\.\d{1,2})?[a-z]?)"
    r"(?![\w/])\s*(?:[:.)\-–—]+\s*|\s+|$)(?P<rest>.*)$", re.I)
_LP_LABEL = re.compile(
    r"^(?:learning\s+point|learning|lesson|key\s+learning\s+point|key\s+learning)\s*(?:no\.?\s*)?"
    r"(?P<num>\d{1,3}[a-z]?)(?![\w/])\s*(?:[:.)\-–—]+\s*|\s+|$)(?P<rest>.*)$", re.I)
_FINDING = re.compile(r"^(?:finding|issue|theme|key\s+finding)\s*(?P<num>\d{1,3})(?![\w/])\s*[:.)\-–—]*\s*(?P<rest>.*)$",
                      re.I)
_NUMBERED = re.compile(rf"^(?:\((?P<pnum>\d{{1,3}})\)|(?P<num>{NUM})(?:[.)]|(?=\s)(?<=\d\.\d)|(?<=\.\d\d)(?=\s)"
                       rf"|(?<=\.\d\d\d)(?=\s)))\s+(?P<rest>\S.*)$")
_LETTER = re.compile(r"^(?:\((?P<a>[a-z]|[ivx]{1,5})\)|(?P<b>[a-z]|[ivx]{1,5})[.)])\s+(?P<rest>\S.*)$")
_BULLET = re.compile(r"^(?:[-•*▪◦●‣⁃–—○■□➢➤✓✔]|o(?=\s))\s+(?P<rest>\S.*)$")
_META = re.compile(r"^(?P<key>owner|owners|lead agency|lead agencies|lead|lead officer|responsible(?: agency| lead| "
                   r"officer| body| person)?|addressed to|agency|agencies|for|who)\s*:\s*(?P<value>\S.*)$", re.I)
_META_DROP = re.compile(r"^(?:timescale|timescales|target date|by when|priority|due(?: date)?|rag|brag|status|"
                        r"evidence|success measure|measure of success|outcome|expected outcome|progress)\s*:", re.I)
_TOC = re.compile(r"(?:\t|\.{3,}|…{2,}|\s{3,}|\s\.\s\.)\s*\d{1,3}\s*$")
_PAGE_NO = re.compile(r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]?\s*\d{1,4}\s*[-–—]?|\d{1,4}\s*/\s*\d{1,4}"
                      r"|[ivxlc]{1,6})$", re.I)


@dataclass
class Line:
    text: str  # cleaned: markup removed
    raw: str
    blank: bool = False
    hard_break: bool = False
    heading: tuple[str, int] | None = None  # (style, level)
    table_cells: list[str] | None = None


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(text) <= 90 and \
        len(re.findall(r"[A-Z]{3,}", text)) >= 1


_VERBISH = re.compile(r"\b(should|must|will|shall|would|could|is|are|was|were|be|been|has|have|had|need|needs|"
                      r"can|to ensure|include|includes|identified|ensure|consider|review)\b", re.I)


def _marker_kind(text: str) -> str | None:
    if _LABEL.match(text) or _LP_LABEL.match(text) or _FINDING.match(text):
        return "label"
    return None


def _heading_of(raw: str, text: str, alone: bool) -> tuple[str, int] | None:
    stripped = raw.strip()
    md = re.match(r"^(#{1,6})\s+(.*)$", stripped)
    if md:
        return ("md", len(md.group(1)))
    body = text.strip()
    if not body or len(body) > 120:
        return None
    if _marker_kind(body):
        return None
    bold = re.fullmatch(r"(\*\*|__)(.+?)\1:?", stripped) or re.fullmatch(r"<b>(.+?)</b>:?", stripped, re.I)
    if bold and not body.endswith((".", ";", ",")):
        return ("bold", 0)
    if _is_caps(body) and not body.endswith((",", ";")):
        return ("caps", 0)
    numbered = re.match(r"^(?:section\s+)?(\d{1,2}(?:\.\d{1,2})*)\.?\s+([A-Z][^.;:]{1,80})$", body)
    if numbered and alone and len(numbered.group(2).split()) <= 9 and not _VERBISH.search(numbered.group(2)):
        return ("num", numbered.group(1).count(".") + 1)
    appendix = re.match(r"^(appendix|annex|annexe|part)\s+[A-Z0-9]{1,3}\b", body, re.I)
    if appendix and len(body.split()) <= 10 and not body.endswith((".", ",", ";")):
        return ("plain", 0)
    if (alone and len(body.split()) <= 9 and body[:1].isupper() and not re.search(r"[.;,]$", body)
            and not _VERBISH.search(body) and body.lower() not in ("none", "n/a", "nil", "not applicable")):
        return ("plain", 0)
    return None


def _split_table_row(raw: str) -> list[str] | None:
    stripped = raw.strip()
    if stripped.startswith("|") and stripped.count("|") >= 3:
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?|", c) for c in cells):
            return []  # the separator row
        return cells
    return None


def to_lines(text: str) -> list[Line]:
    """The document as cleaned lines, with blank lines, hard breaks, headings and table rows marked,
    and running headers/footers, page numbers, contents entries and footnotes left out."""
    raw_lines = normalise(text).split("\n")
    # Running headers and footers in pasted text: the same short line many times over.
    def key(s: str) -> str:
        return re.sub(r"\d+", "#", _clean_inline(s).strip().lower())

    counts = Counter(key(s) for s in raw_lines if s.strip())
    repeated = {k for k, n in counts.items() if n >= 3 and len(k) >= 8 and " " in k
                and not k.startswith(("|", "#", "- ", "* ", "• "))}
    lines: list[Line] = []
    for raw in raw_lines:
        hard = raw.endswith("  ") or raw.endswith("\\")
        raw = raw.rstrip().rstrip("\\").rstrip()
        stripped = raw.strip()
        if not stripped or re.fullmatch(r"[-=_*]{3,}|[-|: ]{5,}", stripped):
            lines.append(Line("", raw, blank=True))
            continue
        if key(raw) in repeated and not _marker(_clean_inline(stripped).lstrip("# ")):
            continue
        if re.match(r"^<sup>\s*\d{1,3}\s*</sup>", stripped) or re.match(r"^\[\^\d+\]:", stripped):
            continue  # a footnote's text
        cleaned = _clean_inline(stripped)
        if _PAGE_NO.fullmatch(cleaned.strip()) and not re.fullmatch(r"[ivx]{1,5}", cleaned.strip(), re.I):
            continue
        if _TOC.search(cleaned) and len(cleaned) < 140:
            continue
        cells = _split_table_row(raw)
        if cells is not None:
            lines.append(Line(" | ".join(cells), raw, table_cells=cells))
            continue
        cleaned = re.sub(r"^#{1,6}\s+", "", cleaned).strip()
        if "\t" in cleaned:
            parts = [p.strip() for p in cleaned.split("\t") if p.strip()]
            if len(parts) >= 2 and not _TOC.search(cleaned):
                lines.append(Line(" ".join(parts), raw, table_cells=parts))
                continue
            cleaned = " ".join(parts)
        lines.append(Line(cleaned, raw, hard_break=hard))
    for i, line in enumerate(lines):
        if line.blank or line.table_cells is not None:
            continue
        before = i == 0 or lines[i - 1].blank
        after = i + 1 >= len(lines) or lines[i + 1].blank or (
            len(line.text.split()) <= 8 and not lines[i + 1].table_cells
            and (_marker(lines[i + 1].text) is not None
                 or lines[i + 1].text.strip().lower().rstrip(".") in ("none", "n/a", "nil")))
        line.heading = _heading_of(line.raw, line.text, before and after)
    return lines


# --- Sections ------------------------------------------------------------------------------------

_REC_HEADING = re.compile(
    r"^(?:(?:key|main|summary of(?: the)?|multi[- ]?agency|partnership|board|overview|review|final|national|"
    r"the|our|findings and|conclusions? and|learning and|issues and|areas for improvement and)\s+)*"
    r"(?:recommendations?|recommended actions|key actions|actions)\b(?P<tail>.{0,60})$", re.I)
_SINGLE_HEADING = re.compile(
    r"(?:single|individual|own|internal)[- ]?agency\s+(?:recommendations|actions|action plans?)|"
    r"^(?:appendix\s+\w{1,3}\W*)?agency\s+recommendations|recommendations\s+(?:for|to|from)\s+(?:individual|single|"
    r"each|partner)\s+agenc|recommendations\s+made\s+by\s+(?:individual\s+)?agencies", re.I)
_LEARNING_HEADING = re.compile(
    r"^(?:(?:overview|summary)\s+of\s+(?:the\s+)?(?:key\s+)?|key\s+|main\s+|practice\s+|the\s+)?"
    r"(?:learning|lessons)(?:\s+points?|\s+identified|\s+themes?|\s+learned|\s+learnt|\s+for\s+.{1,40}|\s+from\s+.{1,40}"
    r"|\s+and\s+reflections?)?$", re.I)
_END_HEADING = re.compile(
    r"^(?:appendix|appendices|annex|references?|bibliography|glossary|terms of reference|contents|"
    r"acknowledg|more information|further information|useful (?:links|resources)|next steps|methodology|"
    r"sign(?:ed|ature)|contact|about (?:this|the)|introduction|background|conclusions?$|list of|"
    r"what happens next|resources|where to find)", re.I)
_REC_EXCLUDE = re.compile(r"previous|progress|implementation of|update on|earlier|response to|responses to|"
                          r"from (?:the )?(?:previous|earlier|other)|made in|monitoring", re.I)
_ORG_WORDS = re.compile(
    r"\b(nhs|trust|police|constabulary|council|services?|care|board|partnership|group|centres?|housing|"
    r"probation|company|authority|school|schools|academy|ccg|icb|hospital|health|education|team|agency|"
    r"ambulance|gp|practice|nursery|college|association|department|unit|commissioning|rehabilitation|"
    r"social|children'?s|children’s|safeguarding|mash|foundation|cafcass|prison|hmp|youth|offending|"
    r"midwifery|public|local|county|borough|city|panel|subgroup|sub-group|committee|network|provider|"
    r"all agencies|partners|dfe|ofsted|nice|home office|government|department)\b", re.I)


def _heading_title(line: Line) -> str:
    title = re.sub(r"^(?:section\s+)?\d{1,2}(?:\.\d{1,2})*\.?\s+", "", line.text.strip(), flags=re.I)
    return title.strip(" :.-–—*")


def _section_kind(title: str) -> str | None:
    if _SINGLE_HEADING.search(title):
        return "single"
    if _LABEL.match(title):
        return None
    rec = _REC_HEADING.match(title)
    if rec and not _REC_EXCLUDE.search(title) and "single" not in title.lower():
        return "rec"
    if _LEARNING_HEADING.match(title):
        return "learning"
    return None


def is_agency_heading(title: str, known: set[str] | None = None) -> bool:
    title = title.strip()
    if not title or len(title) > 120 or title.lower() in {"none", "n/a"}:
        return False
    if known and _key(title) in known:
        return True
    if _VERBISH.search(title) and not re.search(r"\b(services?|care)\b", title, re.I):
        return False
    return bool(_ORG_WORDS.search(title)) and len(title.split()) <= 14


def _key(text: str) -> str:
    text = text.lower().replace("’", "'").replace("&", " and ")
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass
class Block:
    mode: str | None  # "rec", "single", "learning" or None
    section: str
    owner: str = ""
    lines: list[Line] = field(default_factory=list)


def _style_rank(heading: tuple[str, int]) -> tuple[int, int]:
    style, level = heading
    order = {"md": 0, "num": 1, "caps": 2, "bold": 3, "plain": 4}
    return (order[style], level)


def segment(lines: list[Line], known_agencies: set[str] | None = None) -> list[Block]:
    blocks: list[Block] = [Block(None, "")]
    mode: str | None = None
    section = ""
    section_heading: tuple[str, int] | None = None
    pending_appendix = False
    for line in lines:
        heading = line.heading
        if heading is None:
            blocks[-1].lines.append(line)
            continue
        title = _heading_title(line)
        if _marker(title) and _marker(title)[0] in ("label", "lp", "finding"):
            blocks[-1].lines.append(Line(title, line.raw))  # "### Recommendation 1" is an item's label
            continue
        kind = _section_kind(title)
        if kind:
            if kind == "rec" and pending_appendix:
                kind = "single"
            mode, section, section_heading = kind, title, heading
            pending_appendix = False
            blocks.append(Block(mode, section))
            continue
        pending_appendix = bool(re.match(r"^(appendix|annex|annexe)\s+\w{1,3}$", title, re.I))
        if mode is None:
            blocks.append(Block(None, title))
            continue
        # A heading inside a section: an owner heading, a sub-heading, or the end of the section.
        ends = bool(_END_HEADING.match(title)) or pending_appendix
        if not ends and section_heading is not None and mode != "single":
            if heading[0] == "md" and section_heading[0] == "md":
                ends = heading[1] <= section_heading[1]
            elif heading[0] == section_heading[0] and heading[0] != "md":
                ends = heading[0] != "num" or heading[1] <= section_heading[1]
            elif heading[0] == "md" and heading[1] == 1:
                ends = True
        if mode == "single" and heading == ("md", 1) and not is_agency_heading(title, known_agencies):
            ends = True
        if ends:
            mode, section, section_heading = None, title, None
            blocks.append(Block(None, title))
            continue
        if is_agency_heading(title, known_agencies) or (mode == "rec" and heading[0] != "plain"):
            owner = re.sub(r"^(?:recommendations?\s+)?(?:for|to)\s+(?:the\s+)?", "", title, flags=re.I).strip()
            blocks.append(Block(mode, section, owner=owner if is_agency_heading(owner, known_agencies) else ""))
            if mode == "single" and not is_agency_heading(title, known_agencies):
                blocks[-1].mode = "skip"
            continue
        if mode == "single":
            blocks.append(Block("skip", section))  # e.g. "Cases involved" inside the appendix
            continue
        blocks[-1].lines.append(Line(line.text, line.raw))  # a plain line, not a heading after all
    return blocks


# --- Items in a block ----------------------------------------------------------------------------


@dataclass
class _Open:
    kind: str
    number: str
    parts: list[list[str]]  # paragraphs, each a list of lines
    owner: str = ""
    sub: bool = False

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
            elif _is_sub_item(para) or out.endswith(":"):
                out = out + "\n" + para
            elif not _SENTENCE_END.search(out) or para[:1].islower():
                out = join_text([out, para])  # a sentence carried over a page or column break
            else:
                out = out + "\n" + para
        return out.strip()


def _is_sub_item(text: str) -> bool:
    return bool(_LETTER.match(text) or _BULLET.match(text) or _NUMBERED.match(text))


def _marker(text: str) -> tuple[str, str, str] | None:
    """(type, number, rest) for a line that starts an item."""
    match = _LP_LABEL.match(text)
    if match and re.match(r"^(learning|lesson|key)", text, re.I):
        return ("lp", match.group("num"), match.group("rest"))
    match = _FINDING.match(text)
    if match:
        return ("finding", match.group("num"), match.group("rest"))
    match = _LABEL.match(text)
    if match and (re.match(r"^rec", text, re.I) or re.match(r"^R\d", text)):
        return ("label", match.group("num"), match.group("rest"))
    match = _NUMBERED.match(text)
    if match:
        return ("num", match.group("pnum") or match.group("num"), match.group("rest"))
    match = _LETTER.match(text)
    if match:
        return ("letter", match.group("a") or match.group("b"), match.group("rest"))
    match = _BULLET.match(text)
    if match:
        inner = _marker(match.group("rest"))
        if inner and inner[0] in ("lp", "label", "num", "finding"):
            return inner
        return ("bullet", "", match.group("rest"))
    return None


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
                # The list ends at its sentence: anything after a full stop is not part of it.
                part = re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", part)[0]
            if part:
                cleaned.append(part[0].upper() + part[1:] if part[0].islower() else part)
        kind = RECOMMENDATION if match.group("what").lower().strip().split()[-1].startswith("recommend") \
            else LEARNING_POINT
        out.append((kind, cleaned))
    return out


def _parse_table(rows: list[Line], mode: str | None, section: str, owner: str) -> list[Item]:
    """A table with a recommendation (or learning) column and, maybe, number and owner columns."""
    rows = [r for r in rows if r.table_cells]
    if len(rows) < 2:
        return []
    header = [c.lower() for c in rows[0].table_cells]

    def col(*words: str) -> int | None:
        for i, h in enumerate(header):
            if any(re.search(rf"\b{w}", h) for w in words):
                return i
        return None

    text_col = col("recommendation", "action", "learning")
    if text_col is None:
        return []
    kind = LEARNING_POINT if "learning" in header[text_col] and "recommend" not in header[text_col] else (
        SINGLE_AGENCY if mode == "single" else RECOMMENDATION)
    num_col = next((i for i, h in enumerate(header) if re.fullmatch(r"(no\.?|number|#|ref\.?|reference|"
                                                                   r"rec(?:ommendation)?\s*(?:no\.?|number|#))", h)),
                   None)
    owner_col = col("owner", "lead", "responsib", "agenc", "addressed", "who")
    if owner_col == text_col:
        owner_col = None
    items = []
    for n, row in enumerate(rows[1:], start=1):
        cells = row.table_cells
        if text_col >= len(cells) or not cells[text_col].strip():
            continue
        text = cells[text_col].strip()
        number = ""
        if num_col is not None and num_col < len(cells):
            number = re.sub(r"^(?:recommendation|rec\.?|r)\s*", "", cells[num_col].strip(), flags=re.I).strip(" .:")
        label = _marker(text)
        if label and label[0] in ("label", "num"):
            number = number or label[1]
            text = label[2]
        row_owner = cells[owner_col].strip() if owner_col is not None and owner_col < len(cells) else ""
        items.append(Item(kind, number or str(n), text, row_owner or owner, section))
    return items


def parse_block(block: Block, allow_labels: bool) -> list[Item]:
    mode = block.mode
    if mode == "skip":
        return []
    default_kind = {"rec": RECOMMENDATION, "single": SINGLE_AGENCY, "learning": LEARNING_POINT}.get(mode)
    if mode is not None and sum(1 for line in block.lines if line.table_cells) >= 2:
        table_items = _parse_table([line for line in block.lines if line.table_cells], mode, block.section,
                                   block.owner)
        if table_items:
            return table_items
    content = [line for line in block.lines if not line.table_cells]
    marks = [_marker(line.text) if not line.blank else None for line in content]
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
    items: list[Item] = []
    if mode in ("rec", "single", "learning") and not primary_set & set(types):
        return _paragraph_items(content, default_kind, block)

    current: _Open | None = None
    seq = 0
    last_blank = True
    skipping = False

    def close() -> None:
        nonlocal current
        if current is not None:
            text = current.text()
            if text:
                items.append(Item(current.kind, current.number, text, current.owner, block.section))
        current = None

    for line, mark in zip(content, marks):
        if line.blank:
            last_blank = True
            continue
        new_para = last_blank
        last_blank = False
        if mark and mark[0] in primary_set:
            close()
            skipping = False
            kind = {"lp": LEARNING_POINT, "label": RECOMMENDATION}.get(mark[0], default_kind)
            if kind == RECOMMENDATION and mode == "single":
                kind = SINGLE_AGENCY
            seq += 1
            number = mark[1] or str(seq)
            current = _Open(kind, number, [], owner=block.owner)
            if mark[2].strip():
                current.add_line(mark[2], True)
            continue
        if mark and mark[0] == "finding":
            close()
            skipping = True
            continue
        if skipping or current is None:
            continue
        if mode is None and new_para and _SENTENCE_END.search(current.text() or ".") \
                and not line.text[:1].islower():
            close()  # a learning point outside a section ends with its paragraph
            continue
        meta = _META.match(line.text)
        if meta and mode in ("rec", "single"):
            current.owner = meta.group("value").strip().rstrip(".")
            continue
        if _META_DROP.match(line.text):
            continue
        current.add_line(line.text, new_para or bool(mark))
    close()
    return items


def _paragraph_items(content: list[Line], kind: str, block: Block) -> list[Item]:
    """No numbers or bullets: each paragraph (or hard-broken line) is one item."""
    paragraphs: list[list[str]] = []
    fresh = True
    for line in content:
        if line.blank:
            fresh = True
            continue
        if fresh:
            paragraphs.append([line.text])
        else:
            paragraphs[-1].append(line.text)
        fresh = line.hard_break
    items: list[Item] = []
    owner_line = ""
    for lines in paragraphs:
        text = join_text(lines)
        if not text:
            continue
        if re.fullmatch(r"(none|n/?a|nil|no recommendations?(?: were| have been)? made\.?|"
                        r"no (?:single[- ]agency )?recommendations\.?)\.?", text, re.I):
            continue
        meta = _META.match(text)
        if meta and items:
            items[-1].owner = meta.group("value").strip().rstrip(".")
            continue
        if meta:
            owner_line = meta.group("value").strip().rstrip(".")
            continue
        if _META_DROP.match(text):
            continue
        if text.endswith(":") and len(text.split()) <= 25:
            continue  # "The review makes the following recommendations:"
        summary = split_summary(text)
        if summary:
            for summary_kind, parts in summary:
                for part in parts:
                    items.append(Item(kind if summary_kind == RECOMMENDATION else LEARNING_POINT,
                                      "", part, block.owner or owner_line, block.section))
            continue
        if items and text[:1].islower():
            items[-1].text = join_text([items[-1].text, text])  # carried over a page break
            continue
        items.append(Item(kind, "", text, block.owner or owner_line, block.section))
    for n, item in enumerate(items, start=1):
        item.number = str(n)
    return items


# --- Owners named in the text --------------------------------------------------------------------

_OWNER_STOP = {"note", "action", "actions", "rationale", "finding", "recommendation", "learning", "issue", "context",
               "why", "what", "aim", "purpose", "outcome", "timescale", "priority", "evidence", "e.g", "i.e", "for example",
               "this", "that", "it", "there", "these", "they", "we", "in particular", "in summary", "however",
               "in addition", "importantly", "the review", "the reviewer", "summary", "response", "background"}
_GENERIC_SUBJECT = {"practitioners", "professionals", "staff", "managers", "this", "there", "it", "they", "we",
                    "learning", "training", "consideration", "the review", "all practitioners", "supervisors",
                    "parents", "families", "children", "a", "an", "any", "each", "every"}
_PREFIX = re.compile(
    r"^(?:[Rr]ecommendations?\s+(?:to|for)\s+(?:the\s+)?)(?P<owner>[^:–—\n]{2,90}?)\s*(?:\s[-–—]\s*|:\s*|–|—)(?P<rest>\S.*)$"
    r"|^(?P<owner2>[A-Z][^:–—\n]{0,80}?)\s*(?:\s[-–—]\s+|:\s+)(?P<rest2>\S.*)$", re.S)
_SUBJECT = re.compile(
    r"^(?:[Tt]hat\s*)?(?:[Tt]he\s+)?(?P<owner>(?:[A-Z][\w’'&./()-]*|and|&|of|for|the|in|partner|relevant|all)"
    r"(?:\s+(?:[A-Z][\w’'&./()-]*|and|&|of|for|the|in|partner|agencies|relevant|group|board|partnership|"
    r"services?|team|trust))*?)\s+(?:should|must|to|will|shall|is\s+to|are\s+to|needs?\s+to|seeks?|requests?|"
    r"ensures?|is\s+asked|are\s+asked|is\s+recommended|are\s+recommended|considers?|reviews?)\b")


def split_owner_prefix(text: str) -> tuple[str, str]:
    """('Police', 'Review the policy') for 'Police - Review the policy'; ('', text) when there is none."""
    match = _PREFIX.match(text)
    if not match:
        return "", text
    owner = (match.group("owner") or match.group("owner2") or "").strip()
    rest = (match.group("rest") or match.group("rest2") or "").strip()
    words = owner.split()
    if not owner or not rest or len(words) > 10:
        return "", text
    low = owner.lower().rstrip(".")
    if low in _OWNER_STOP or re.search(r"\b(should|must|will|shall|is|are|be|that|would|could|has|have)\b", low):
        return "", text
    if match.group("owner") is None:
        capitalised = [w for w in words if w[:1].isupper() or w.lower() in ("and", "&", "of", "for", "the", "in",
                                                                              "all", "partner", "agencies")]
        if len(capitalised) < len(words) or len(words) > 8:
            return "", text
    return owner, rest


def subject_owner(text: str) -> str:
    """The body a recommendation is addressed to when its sentence names it: 'The DSPP should ...'."""
    match = _SUBJECT.match(text)
    if not match:
        return ""
    owner = match.group("owner").strip()
    if owner.lower() in _GENERIC_SUBJECT or len(owner.split()) > 9:
        return ""
    if owner.lower().startswith(("all ", "relevant ")) or owner.lower() in ("all",):
        return owner
    if not owner[:1].isupper():
        return ""
    return owner


def _finish(items: list[Item]) -> list[Item]:
    for item in items:
        if item.kind != LEARNING_POINT:
            owner, rest = split_owner_prefix(item.text)
            if owner:
                item.owner, item.text = owner, rest
            elif not item.owner and item.kind == RECOMMENDATION:
                item.owner = subject_owner(item.text)
        item.text = item.text.strip()
        item.number = item.number.strip().rstrip(".")
    return [i for i in items if i.text]


def extract(text: str, known_agencies: list[str] | None = None) -> Extraction:
    """Every recommendation and learning point the text holds, in document order."""
    known = {_key(k) for k in (known_agencies or []) if k}
    token = _VOCABULARY.set(set(re.findall(r"[a-z]+(?:-[a-z]+)?", normalise(text).lower())))
    try:
        return _extract(text, known)
    finally:
        _VOCABULARY.reset(token)


def _extract(text: str, known: set[str]) -> Extraction:
    lines = to_lines(text)
    blocks = segment(lines, known)
    has_rec_section = any(b.mode in ("rec", "single") for b in blocks)
    items: list[Item] = []
    for block in blocks:
        items.extend(parse_block(block, allow_labels=not has_rec_section))
    result = Extraction()
    for block in blocks:
        if block.mode == "single" and block.owner and block.owner not in result.agency_headings:
            result.agency_headings.append(block.owner)
    if not any(i.kind in (RECOMMENDATION, SINGLE_AGENCY) for i in items) or \
            not any(i.kind == LEARNING_POINT for i in items):
        # Summary lists ("Recommendations include: a; b; c") when nothing more structured was found.
        have = {i.kind for i in items}
        paragraphs = re.split(r"\n\s*\n", normalise(text))
        for para in paragraphs:
            joined = join_text([_clean_inline(x) for x in para.split("\n")])
            for kind, parts in split_summary(joined):
                if kind in have or (kind == RECOMMENDATION and SINGLE_AGENCY in have):
                    continue
                start = sum(1 for i in items if i.kind == kind)
                for n, part in enumerate(parts, start=start + 1):
                    items.append(Item(kind, str(n), part, "", "Summary"))
    result.items = _finish(items)
    numbers = Counter((i.kind, i.owner if i.kind == SINGLE_AGENCY else "", i.number) for i in result.items)
    for (kind, owner, number), n in numbers.items():
        if n > 1:
            result.warnings.append(f"{KIND_LABELS[kind]} {number}{' (' + owner + ')' if owner else ''} appears "
                                   f"{n} times: check the numbers before confirming.")
    if not result.items:
        result.warnings.append("No recommendations or learning points were found. Check the text, or add them "
                               "by hand.")
    return result
