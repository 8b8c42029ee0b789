"""What extraction returns: plain, picklable data (it may run in another process)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

RECOMMENDATION = "recommendation"
SINGLE_AGENCY = "single_agency_recommendation"
LEARNING_POINT = "learning_point"
KINDS = (RECOMMENDATION, SINGLE_AGENCY, LEARNING_POINT)
KIND_LABELS = {RECOMMENDATION: "Recommendation", SINGLE_AGENCY: "Single-agency recommendation",
               LEARNING_POINT: "Learning point"}


@dataclass
class ProposedAction:
    """One row of an action plan under its recommendation."""

    description: str = ""
    lead: str = ""
    target_date: str = ""  # as written in the document
    outcome: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Item:
    kind: str
    number: str
    text: str
    owner: str = ""
    section: str = ""
    #: where it came from: the page (None when the format has no pages) and the text around it
    page: int | None = None
    context: str = ""
    #: why the extractor is unsure of it, in words for the person checking the draft
    doubts: list[str] = field(default_factory=list)
    actions: list[ProposedAction] = field(default_factory=list)
    block: int = field(default=-1, repr=False, compare=False)
    #: the leads of its action-plan rows, the owner when the wording names none
    lead_owner: str = field(default="", repr=False, compare=False)

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("block")
        out.pop("lead_owner")
        return out


@dataclass
class Extraction:
    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Every agency heading of a single-agency section, in order, including those with no items.
    agency_headings: list[str] = field(default_factory=list)
    #: the text came from OCR of page images
    ocr: bool = False
    pages: int = 0

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
