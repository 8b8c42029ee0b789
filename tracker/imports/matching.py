"""Owners as written in a document -> agencies: by name, short name or alias, ignoring case, "the",
apostrophes and punctuation. Several owners in one ("Police and Health") are split; anything not
known is proposed as a new agency."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.users.models import Agency, AgencyKind

#: "All agencies", "all partner agencies", "each relevant agency": one action per agency is proposed.
ALL_AGENCIES = re.compile(r"^(?:all|each|every)\s+(?:of\s+the\s+)?(?:relevant\s+|partner\s+|statutory\s+|"
                          r"safeguarding\s+)*(?:agencies|agency|partners|organisations|organizations)$|^all$", re.I)


GENERIC_PARTNERSHIP = {"partnership", "safeguarding partnership", "safeguarding children partnership",
                       "local safeguarding children partnership", "lscp", "scp", "board", "safeguarding board",
                       "safeguarding adults board", "sab", "executive", "partnership executive"}


def owner_key(text: str) -> str:
    text = (text or "").lower().replace("’", "'").replace("&", " and ")
    text = re.sub(r"'s\b", "s", text)
    text = re.sub(r"^(?:the|all of the)\s+", "", text.strip())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass
class OwnerMatch:
    written: str
    agencies: list[Agency] = field(default_factory=list)
    how: list[str] = field(default_factory=list)  # "name", "short name", "alias" for each agency
    proposed: list[str] = field(default_factory=list)  # names of agencies to create
    #: "all agencies": every agency of the partnership, one action each
    every_agency: bool = False

    @property
    def matched(self) -> bool:
        return bool(self.agencies) and not self.proposed


class AgencyIndex:
    def __init__(self, agencies: list[Agency]):
        self.every = [a for a in agencies if getattr(a, "kind", None) == AgencyKind.AGENCY.value
                      and (a.short_name or "").lower() != "all"]
        self.partnerships = [a for a in agencies if getattr(a, "kind", None) == AgencyKind.PARTNERSHIP.value
                             and (a.short_name or "").lower() != "all"]
        self.by_key: dict[str, tuple[Agency, str]] = {}
        for agency in agencies:
            for alias in agency.aliases or []:
                self.by_key.setdefault(owner_key(alias), (agency, "alias"))
        for agency in agencies:
            self.by_key[owner_key(agency.short_name)] = (agency, "short name")
        for agency in agencies:
            self.by_key[owner_key(agency.name)] = (agency, "name")

    def find(self, text: str) -> tuple[Agency, str] | None:
        key = owner_key(text)
        if not key:
            return None
        if key in self.by_key:
            return self.by_key[key]
        stripped = owner_key(re.sub(r"\([^)]*\)", "", text))  # "Dudley CCG (General Practice)"
        if stripped in self.by_key:
            return self.by_key[stripped]
        if key in GENERIC_PARTNERSHIP and len(self.partnerships) == 1:
            return self.partnerships[0], "the partnership"  # "The Partnership should..." in its own review
        for suffix in (" force", " service", " services", " team"):
            if key.endswith(suffix) and key[: -len(suffix)] in self.by_key:
                return self.by_key[key[: -len(suffix)]]
        return None

    def match(self, written: str) -> OwnerMatch:
        result = OwnerMatch(written=(written or "").strip())
        if not result.written:
            return result
        found = self.find(result.written)
        if not found and ALL_AGENCIES.match(owner_key(result.written)) and self.every:
            result.agencies, result.how = list(self.every), ["all agencies"] * len(self.every)
            result.every_agency = True
            return result
        if found:
            result.agencies, result.how = [found[0]], [found[1]]
            return result
        parts = [p.strip() for p in re.split(r"\s*(?:,|;|/|\band\b|&)\s*", result.written) if p.strip()]
        if len(parts) > 1:
            matches = [self.find(p) for p in parts]
            if any(matches):
                for part, m in zip(parts, matches):
                    if m and m[0] not in result.agencies:
                        result.agencies.append(m[0])
                        result.how.append(m[1])
                    elif not m:
                        result.proposed.append(part)
                return result
        result.proposed = [result.written]
        return result


def propose_short_name(name: str, taken: set[str]) -> str:
    words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in ("the", "of", "and", "for")]
    base = "".join(w[0] for w in words).upper()[:10] if len(words) > 1 else (words[0][:10] if words else "NEW")
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate
