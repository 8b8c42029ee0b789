"""Tables that hold recommendations: action plans (Recommendation / Action / Lead / Target date /
Outcome, in any order and wording) and findings-and-recommendations tables. Column roles come from
the header words; a recommendation spanning several action rows (its cell merged, left empty or
repeated) is one recommendation with several proposed actions."""

from __future__ import annotations

import re

from tracker.imports.extract.lines import Line
from tracker.imports.extract.markers import marker
from tracker.imports.extract.model import LEARNING_POINT, RECOMMENDATION, SINGLE_AGENCY, Item, ProposedAction

ROLES = (  # first match wins, in this order, for each header cell
    ("number", r"^(?:no\.?|number|#|ref\.?|reference|rec(?:ommendation)?\.?\s*(?:no\.?|number|#|ref\.?)|item)$"),
    ("date", r"\b(?:target|date|timescales?|by when|deadline|completion|due|when)\b"),
    ("outcome", r"\b(?:outcomes?|measures?|success|evidence|impact|how will we know)\b"),
    ("lead", r"\b(?:lead|owner|responsib\w*|agency|agencies|who|addressed|accountable)\b"),
    ("action", r"\b(?:actions?|what will (?:be|we) do(?:ne)?|proposed|activity|tasks?)\b"),
    ("text", r"\b(?:recommendations?|learning)\b"),
    ("finding", r"\b(?:findings?|issues?|rationale|why)\b"),
    ("status", r"\b(?:status|rag|brag|progress|update)\b"),
)


def column_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for i, cell in enumerate(header):
        words = cell.strip().lower()
        if not words:
            continue
        if re.search(r"\brecommendations?\b", words) and not re.search(r"\b(?:no\.?|number|#|ref\.?)$", words):
            roles.setdefault("text", i)
            continue
        for role, pattern in ROLES:
            if re.search(pattern, words):
                roles.setdefault(role, i)
                break
    if "text" not in roles and "action" in roles:
        roles["text"] = roles.pop("action")
    return roles


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def parse_table(rows: list[Line], mode: str | None, section: str, owner: str) -> list[Item]:
    if len(rows) < 2:
        return []
    # Each table (block) is read with its own header.
    tables: dict[int, list[Line]] = {}
    for row in rows:
        tables.setdefault(row.block, []).append(row)
    items: list[Item] = []
    for table_rows in tables.values():
        items.extend(_one_table(table_rows, mode, section, owner))
    return items


def _one_table(rows: list[Line], mode: str | None, section: str, owner: str) -> list[Item]:
    header = rows[0].table_cells or []
    roles = column_roles(header)
    text_col = roles.get("text")
    if text_col is None or len(rows) < 2:
        return []
    header_text = header[text_col].lower()
    is_plan = any(r in roles for r in ("action", "date", "outcome"))
    if mode is None and not (is_plan or "lead" in roles):
        return []  # a table that only mentions recommendations, outside a section
    kind = LEARNING_POINT if "learning" in header_text and "recommend" not in header_text else (
        SINGLE_AGENCY if mode == "single" else RECOMMENDATION)
    items: list[Item] = []
    previous_key = ""
    normalised_header = [c.strip().lower() for c in header]
    for row in rows[1:]:
        cells = row.table_cells or []
        if [c.strip().lower() for c in cells] == normalised_header:
            continue  # the header repeated on the next page
        text = _cell(cells, text_col)
        number = re.sub(r"^(?:recommendation|rec\.?)\s*", "", _cell(cells, roles.get("number")), flags=re.I).strip(" .:")
        lead = _cell(cells, roles.get("lead"))
        action = ProposedAction(_cell(cells, roles.get("action")), lead, _cell(cells, roles.get("date")),
                                _cell(cells, roles.get("outcome")))
        label = marker(text) if text else None
        if label and label[0] in ("label", "num"):
            number = number or label[1]
            text = label[2]
        row_key = (number + "|" + text).lower()
        continues = items and (not text and not number or row_key == previous_key or (not text and number ==
                                                                                          items[-1].number))
        if continues:
            if "action" in roles and action.description:
                items[-1].actions.append(action)
            continue
        if not text:
            continue
        previous_key = row_key
        item = Item(kind, number or str(len(items) + 1), text, owner, section, block=row.block,
                    context="; ".join(f"{h}: {c}" for h, c in zip(header, cells) if c.strip())[:240])
        if not number:
            item.doubts.append("No number in the table: numbered in the order found")
        if "action" in roles and action.description:
            item.actions.append(action)
        elif lead:
            item.owner = lead
        items.append(item)
    for item in items:
        leads = []
        for action in item.actions:
            if action.lead and action.lead not in leads:
                leads.append(action.lead)
        if leads and not item.owner:
            item.lead_owner = ", ".join(leads)  # the owner when the recommendation's wording names none
    return items
