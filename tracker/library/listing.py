"""The national case review repository listing, read as plain data. The listing is a scraped web
page: navigation before it, unrelated pages after it, and in between one heading line per published
review ("2023 – Anywhere – Child A", with an en dash, an em dash or a hyphen) followed by one or more
paragraphs: what happened, "Learning includes: ...", "Recommendations include: ...", "Keywords : a, b"
and a "> Read the overview report" link. Everything here is a pure function of the text."""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from tracker.core import lengths
from tracker.core.lengths import cut

HEADING = re.compile(r"^((?:19|20)\d{2})\s*[–—-]\s*(.+?)\s+[–—-]\s+(.+?)\s*$")
SECTION = re.compile(r"^Case reviews published in ((?:19|20)\d{2})\b")
#: The listing ends where the repository's own search box is offered; what follows is other pages.
END_OF_LISTING = re.compile(r"^Search the National case review repository\b")
READ_LINK = re.compile(r">\s*Read the (?:overview report|executive summary)\b.*$", re.S)
KEYWORDS = re.compile(r"\bKeywords?\s*:\s*(.*)$", re.S)
LEARNING = re.compile(r"\bLearning\b[^:.]{0,120}:\s*")
RECOMMENDATIONS = re.compile(r"\bRecommendations?\b[^:.]{0,80}:\s*")


@dataclass(frozen=True)
class ListingEntry:
    year: int
    area: str
    title: str
    summary: str
    learning: str
    recommendations: str
    keywords: tuple[str, ...] = field(default_factory=tuple)
    #: Which year's page of the listing the entry was on (the heading's year, as checked by tests).
    section_year: int | None = None

    @property
    def natural_key(self) -> str:
        """The same published review whatever is corrected later in its learning, recommendations
        or keywords: year, area, title and a hash of what happened (two reviews of the same year and
        area may share a title such as "Child A")."""
        digest = hashlib.sha256(_squash(self.summary).lower().encode()).hexdigest()[:16]
        return f"{self.year}|{_squash(self.area).lower()}|{_squash(self.title).lower()}|{digest}"[:255]


def _squash(text: str) -> str:
    return " ".join(text.split())


def parse_listing(text: str) -> list[ListingEntry]:
    """Every review of the listing, in the order of the page; noise before the first heading and
    after the listing's end gives nothing."""
    entries: list[ListingEntry] = []
    heading: re.Match | None = None
    body: list[str] = []
    section_year: int | None = None
    heading_section: int | None = None

    def flush() -> None:
        if heading is not None:
            entries.append(_entry(heading, body, heading_section))

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if END_OF_LISTING.match(line):
            break
        if match := SECTION.match(line):
            flush()
            heading, body, section_year = None, [], int(match.group(1))
            continue
        if match := HEADING.match(line):
            flush()
            heading, body, heading_section = match, [], section_year
            continue
        if heading is not None:
            body.append(line)
    flush()
    return entries


def _entry(heading: re.Match, body: list[str], section_year: int | None) -> ListingEntry:
    text = _squash(READ_LINK.sub("", " ".join(body)))
    keywords: tuple[str, ...] = ()
    if match := KEYWORDS.search(text):
        keywords = split_keywords(match.group(1))
        text = text[:match.start()].strip()
    recommendations = ""
    if match := RECOMMENDATIONS.search(text):
        recommendations, text = text[match.end():].strip(), text[:match.start()].strip()
    learning = ""
    if match := LEARNING.search(text):
        learning, text = text[match.end():].strip(), text[:match.start()].strip()
    return ListingEntry(year=int(heading.group(1)), area=cut(_squash(heading.group(2)), 200),
                        title=cut(_squash(heading.group(3)), 300), summary=cut(text, lengths.LIBRARY_TEXT),
                        learning=cut(learning, lengths.LIBRARY_TEXT),
                        recommendations=cut(recommendations, lengths.LIBRARY_TEXT), keywords=keywords,
                        section_year=section_year)


def split_keywords(text: str) -> tuple[str, ...]:
    """Keywords as written, each once: separated by commas or semicolons (a few entries use them,
    or a full stop), lower case, single spaces, curly apostrophes made straight."""
    out: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[,;<]|\.\s+", text):
        word = _squash(part.replace("’", "'").strip(" .>")).lower()
        if word and keyword_key(word) not in seen:
            seen.add(keyword_key(word))
            out.append(word)
    return tuple(out)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def keyword_key(name: str) -> str:
    """What makes two keywords (or a keyword and a theme) the same: case, spacing, hyphens and
    plurals aside ("self harm" = "Self-harm", "child death" = "Child deaths", "c hild deaths" too)."""
    words = re.findall(r"[^\W_]+", name.replace("’", "'").replace("'", "").lower())
    return "".join(_singular(w) for w in words)


def keyword_names(entries: list[ListingEntry]) -> dict[str, tuple[str, int]]:
    """For each keyword key: the spelling most entries use and the number of entries using it."""
    spellings: dict[str, Counter] = {}
    for entry in entries:
        for word in entry.keywords:
            spellings.setdefault(keyword_key(word), Counter())[word] += 1
    return {key: (counter.most_common(1)[0][0], sum(counter.values())) for key, counter in spellings.items()}
