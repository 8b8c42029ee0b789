"""Each vocabulary (status groups, role groups, rating order) is written once, beside its enum; the
templates ask permission predicates and properties of the object instead of comparing role names or
status strings."""

import ast
import re
from pathlib import Path

import pytest

from tests import factories
from tracker import permissions
from tracker.actions.models import (
    CLOSED_STATUSES, LIVE_STATUSES, RATED, UNRATED_STATUSES, UNSUBMITTED_STATUSES, WORKING_STATUSES,
    ActionStatus, Rating,
)
from tracker.users.models import READ_ALL_ROLES, STAFF_ROLES, Role

ROOT = Path(__file__).resolve().parents[1]

#: A role or status attribute compared with a literal: `user.role == "admin"`,
#: `action.status in ("open", ...)`, `has_role("agency_lead")`.
TEMPLATE_COMPARISON = re.compile(
    r"""\.(role|status)\s*(==|!=|\bnot\s+in\b|\bin\b)\s*[("'\[]|has_role\(\s*["']""")

#: The named groups, by enum: a tuple, list or set of the same members written anywhere else is a copy.
GROUPS = {
    "ActionStatus": [set(g) for g in (LIVE_STATUSES, WORKING_STATUSES, CLOSED_STATUSES, UNRATED_STATUSES,
                                      UNSUBMITTED_STATUSES)],
    "Role": [set(STAFF_ROLES), set(READ_ALL_ROLES)],
    "Rating": [set(RATED)],
}
ENUMS = {"ActionStatus": ActionStatus, "Role": Role, "Rating": Rating}
GROUP_HOMES = {"tracker/actions/models.py", "tracker/users/models.py"}


def _templates():
    return sorted((ROOT / "templates").rglob("*.html"))


def test_the_pattern_catches_role_and_status_comparisons():
    for line in ('{% if current_user.role == "agency_lead" %}', "{% if user.role in ('admin', 'business_unit') %}",
                 "{% if action.status != 'open' %}", '{% if current_user.has_role("admin") %}',
                 '{% if report.status not in ["done"] %}'):
        assert TEMPLATE_COMPARISON.search(line), line
    for line in ("{% if is_staff(current_user) %}", "{% if action.is_submitted %}",
                 '{%- if filters.role == role.value %} selected{% endif %}', "{{ action.status_label }}"):
        assert not TEMPLATE_COMPARISON.search(line), line


def test_templates_ask_predicates_instead_of_comparing_roles_or_statuses():
    templates = _templates()
    assert len(templates) > 50
    offending = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
                 for path in templates
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if TEMPLATE_COMPARISON.search(line)]
    assert offending == []


def _copied_groups(source: str) -> list[int]:
    """The lines of `source` that spell out one of the named groups member by member."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Tuple | ast.List | ast.Set) or len(node.elts) < 2:
            continue
        members: dict[str, set] = {}
        for elt in node.elts:
            if isinstance(elt, ast.Attribute) and elt.attr == "value":
                elt = elt.value
            if not (isinstance(elt, ast.Attribute) and isinstance(elt.value, ast.Name) and elt.value.id in ENUMS):
                break
            members.setdefault(elt.value.id, set()).add(ENUMS[elt.value.id][elt.attr])
        else:
            if len(members) == 1 and any(found in GROUPS[enum] for enum, found in members.items()):
                lines.append(node.lineno)
    return lines


def test_status_and_role_groups_are_written_only_beside_their_enums():
    assert _copied_groups("LIVE = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value, "
                          "ActionStatus.SUBMITTED.value)") == [1]
    assert _copied_groups("x = 1\nSTAFF = [Role.BUSINESS_UNIT, Role.ADMIN]") == [2]
    assert _copied_groups("status in (ActionStatus.DRAFT, ActionStatus.OPEN)") == []
    offending = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name not in GROUP_HOMES:
            offending += [f"{name}:{n}" for n in _copied_groups(path.read_text(encoding="utf-8"))]
    assert offending == []


def test_the_groups_partition_the_statuses_as_the_rules_say():
    assert set(LIVE_STATUSES) == set(WORKING_STATUSES) | {ActionStatus.SUBMITTED}
    assert set(LIVE_STATUSES) | set(CLOSED_STATUSES) | {ActionStatus.DRAFT} == set(ActionStatus)
    assert not set(LIVE_STATUSES) & set(CLOSED_STATUSES)
    assert set(UNRATED_STATUSES) == {ActionStatus.DRAFT, ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED}
    assert set(UNSUBMITTED_STATUSES) == {ActionStatus.DRAFT, *WORKING_STATUSES}
    assert RATED == (Rating.RED, Rating.AMBER, Rating.GREEN, Rating.BLUE)
    assert set(STAFF_ROLES) == {Role.ADMIN, Role.BUSINESS_UNIT}
    assert set(READ_ALL_ROLES) == set(Role) - {Role.AGENCY_LEAD}


@pytest.mark.parametrize("role", list(Role))
def test_only_agency_leads_are_limited_to_their_own_agency(app, role):
    user = factories.make_user(role=role, agency=factories.make_agency() if role is Role.AGENCY_LEAD else None)
    assert permissions.is_limited_to_own_agency(user) is (role is Role.AGENCY_LEAD)
