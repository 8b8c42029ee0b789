"""Who an item is addressed to, in the usual positions: a prefix ("Police - ...", "Recommendation to
Children's Services: ..."), the sentence's subject ("The Board should...", "That the ICB..."), the
body asked to act ("The Board should ask the Police to..."), a Lead column or a "Lead:" line. Words
that do not read as an organisation ("Records", "Meeting") never become owners."""

from __future__ import annotations

import re

from tracker.imports.extract.cleaning import key
from tracker.imports.extract.model import LEARNING_POINT, RECOMMENDATION, Item
from tracker.imports.extract.sections import ORG_WORDS

OWNER_STOP = {"note", "action", "actions", "rationale", "finding", "recommendation", "learning", "issue", "context",
              "why", "what", "aim", "purpose", "outcome", "timescale", "priority", "evidence", "e.g", "i.e",
              "for example", "this", "that", "it", "there", "these", "they", "we", "in particular", "in summary",
              "however", "in addition", "importantly", "the review", "the reviewer", "summary", "response",
              "background", "records", "meeting", "meetings", "training", "supervision", "assessment", "practice",
              "policy", "guidance", "information", "communication", "escalation", "audit", "review"}
GENERIC_SUBJECT = {"practitioners", "professionals", "staff", "managers", "this", "there", "it", "they", "we",
                   "learning", "training", "consideration", "the review", "all practitioners", "supervisors",
                   "parents", "families", "children", "a", "an", "any", "each", "every", "records", "meeting",
                   "meetings", "assessments", "plans", "policies", "procedures", "guidance"}
ALL_AGENCIES = re.compile(r"^(?:all|each|every)\s+(?:of\s+the\s+)?(?:relevant\s+|partner\s+|statutory\s+|safeguarding\s+)*"
                          r"(?:agencies|agency|partners|organisations|organizations|partner agencies)$", re.I)
_PREFIX = re.compile(
    r"^(?:[Rr]ecommendations?\s+(?:to|for)\s+(?:the\s+)?)(?P<owner>[^:–—\n]{2,90}?)\s*(?:\s[-–—]\s*|:\s*|–|—)(?P<rest>\S.*)$"
    r"|^(?P<owner2>[A-Z][^:–—\n]{0,80}?)\s*(?:\s[-–—]\s+|:\s+)(?P<rest2>\S.*)$", re.S)
_WORD = r"(?:[A-Z][\w’'&./()-]*|and|&|of|for|the|in|partner|relevant|all)"
_SUBJECT = re.compile(
    rf"^(?:[Tt]hat\s*)?(?:[Tt]he\s+)?(?P<owner>{_WORD}(?:\s+(?:[A-Z][\w’'&./()-]*|and|&|of|for|the|in|partner|partners|agencies|"
    r"relevant|group|board|partnership|services?|team|trust))*?)\s+(?:should|must|to|will|shall|is\s+to|are\s+to|"
    r"needs?\s+to|seeks?|requests?|ensures?|is\s+asked|are\s+asked|is\s+recommended|are\s+recommended|considers?|"
    r"reviews?)\b")
#: "That the ICB commissions ...", "the Board develops ..." after "The review recommends that:"
_THAT = re.compile(r"^(?:[Tt]hat\s+)?(?:[Tt]he\s+)?(?P<owner>(?:[Aa]ll|[Ee]ach)\s+(?:\w+\s+)?(?:agencies|partners|agency)|"
                   r"[A-Z][\w’'&./()-]*(?:\s+(?:[A-Z][\w’'&./()-]*|and|&|of|for|the|[Ss]ervices?|[Tt]eam))*)"
                   r"\s+(?!and\b|or\b|of\b)[a-z]+\b")
_ASKS = re.compile(rf"^(?:[Tt]hat\s+)?(?:[Tt]he\s+)?[\w’' ]{{2,60}}?\s+(?:should|must|will|to)\s+(?:ask|require|direct|"
                   rf"commission|invite)\s+(?:the\s+)?(?P<owner>{_WORD}(?:\s+{_WORD}){{0,7}}?)\s+to\b")


def reads_like_organisation(name: str, known: set[str]) -> bool:
    name = name.strip()
    if not name or key(name) in OWNER_STOP:
        return False
    if key(name) in known or ALL_AGENCIES.match(name):
        return True
    if ORG_WORDS.search(name):
        return True
    # an acronym ("ICB", "DSPP", "WMAS") or several capitalised words ("Bromford Housing", "Age UK")
    words = name.split()
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&]{1,9}s?", name)) or (
        len(words) >= 2 and sum(1 for w in words if w[:1].isupper()) >= 2 and not name.endswith("."))


def split_owner_prefix(text: str, known: set[str]) -> tuple[str, str]:
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
    if low in OWNER_STOP or re.search(r"\b(should|must|will|shall|is|are|be|that|would|could|has|have)\b", low):
        return "", text
    if match.group("owner") is None:
        capitalised = [w for w in words if w[:1].isupper() or w.lower() in ("and", "&", "of", "for", "the", "in",
                                                                              "all", "partner", "agencies")]
        if len(capitalised) < len(words) or len(words) > 8:
            return "", text
        if low != "all" and not reads_like_organisation(owner, known):
            return "", text
    return owner, rest


def subject_owner(text: str, known: set[str]) -> str:
    """The body a recommendation is addressed to when its sentence names it: 'The DSPP should ...'."""
    asks = _ASKS.match(text)
    if asks and reads_like_organisation(asks.group("owner"), known):
        return asks.group("owner").strip()
    match = _SUBJECT.match(text)
    if not match:
        that = _THAT.match(text)
        if that and reads_like_organisation(that.group("owner"), known):
            return that.group("owner").strip()
        return ""
    owner = match.group("owner").strip()
    if owner.lower() in GENERIC_SUBJECT or len(owner.split()) > 9:
        return ""
    if owner.lower().startswith(("all ", "relevant ")) or owner.lower() == "all":
        return owner
    if not owner[:1].isupper() or not reads_like_organisation(owner, known):
        return ""
    return owner


def finish(items: list[Item], known: set[str]) -> list[Item]:
    for item in items:
        if item.kind != LEARNING_POINT:
            owner, rest = split_owner_prefix(item.text, known)
            if owner:
                item.owner, item.text = owner, rest
            elif not item.owner and item.kind == RECOMMENDATION:
                item.owner = subject_owner(item.text, known)
            item.owner = item.owner or item.lead_owner
            if item.owner and not reads_like_organisation(item.owner, known) and item.owner.lower() != "all":
                item.doubts.append(f"“{item.owner}” does not read like an organisation: check who it is for")
            if not item.owner:
                item.doubts.append("No owner named in the document")
            elif ALL_AGENCIES.match(item.owner) or item.owner.lower() == "all":
                item.doubts.append("Addressed to all agencies: one action per agency is proposed")
        item.text = re.sub(r"\s*(?:;\s*(?:and|or)?|,\s*(?:and|or)?)$", "", item.text.strip())
        if item.text[:1].islower():
            item.text = item.text[0].upper() + item.text[1:]
        item.number = item.number.strip().rstrip(".")
    return [i for i in items if i.text]
