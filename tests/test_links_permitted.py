"""Issue 18: a link is shown only where the permission rule lets its reader follow it. Each role of the
demo partnership signs in, and every link on every page it can reach (breadth first from home, up
to a limit) is followed: none may answer 403. The pages decide what to show with the same
predicates (tracker/permissions.py) as the routes they link to, so a 403 here is a link that
should not have been shown."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from tests.factories import make_action
from tracker.extensions import db
from tracker.users.models import Role

DEMO_PASSWORD = "demo-password-2026"
ROLES = {
    "admin": "admin@example.org",
    "business unit": "business.unit@example.org",
    "agency lead": "health.lead@example.org",
    "board member": "board@example.org",
    "scrutineer": "scrutineer@example.org",
}
#: Pages per role: enough to reach every kind of page from home (each list, review, recommendation,
#: action, form and report page), not every one of a kind.
PAGES_PER_ROLE = 160
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)(?:#[^"]*)?"')
SKIP = ("/static/", "/sign-out", "/sign-in", "/demo")
#: One page of each path shape is enough: /actions/12 and /actions/13 are the same template.
SHAPE = re.compile(r"\d+")


def _links(base: str, html: str) -> list[str]:
    found = []
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        url = urlsplit(urljoin(base, href))
        if url.netloc not in ("", "localhost") or not url.path.startswith("/"):
            continue
        if url.path.startswith(SKIP) or url.path.endswith((".csv", ".xlsx", ".pdf", ".docx", ".zip")):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


@pytest.mark.demo_data
@pytest.mark.parametrize("role", list(ROLES))
def test_no_link_on_any_page_leads_to_a_403(app, client, role):
    response = client.post("/sign-in", data={"email": ROLES[role], "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{role} could not sign in"
    seen_shapes, queue, forbidden, visited = set(), deque([("/", "/")]), [], 0
    while queue and visited < PAGES_PER_ROLE:
        path, source = queue.popleft()
        response = client.get(path)
        visited += 1
        if response.status_code == 403:
            forbidden.append(f"{path} (linked from {source})")
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        for link in _links(path, response.get_data(as_text=True)):
            shape = SHAPE.sub("N", link.split("?")[0])
            if shape not in seen_shapes:
                seen_shapes.add(shape)
                queue.append((link, path))
    assert visited > 15, f"{role} reached only {visited} pages"
    assert not forbidden, f"{role} is shown links that answer 403:\n" + "\n".join(forbidden)


def test_a_submitted_actions_edit_page_offers_no_move_of_its_due_date(app, client, login_as):
    """The trip-up of issue 18: the link led to a 403 (a submitted action's date is not moved)."""
    submitted, live = make_action(status="submitted"), make_action(status="in_progress")
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    page = client.get(f"/actions/{submitted.id}/edit").get_data(as_text=True)
    assert f"/actions/{submitted.id}/due-date" not in page
    assert "cannot be moved while the action is submitted" in " ".join(page.split())
    assert client.get(f"/actions/{submitted.id}/due-date").status_code == 403
    assert f"/actions/{live.id}/due-date\"" in client.get(f"/actions/{live.id}/edit").get_data(as_text=True)
