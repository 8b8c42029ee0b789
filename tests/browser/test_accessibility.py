"""WCAG 2.2 A and AA in a real browser: axe-core on every page type, signed in as each role that
can see it; the page at 400% zoom (a 320 px wide viewport) must not scroll sideways (wide tables scroll
inside their own .app-table-wrapper); and the focused element always shows a visible focus style."""

import pytest
from playwright.sync_api import expect
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from tests.browser.conftest import LIVE, sign_in

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}

ROLES = {
    "admin": "admin@example.org",
    "business-unit": "business.unit@example.org",
    "agency-lead": "health.lead@example.org",
    "board-member": "board@example.org",
    "scrutineer": "scrutineer@example.org",
}
EVERYONE = tuple(ROLES)
STAFF = ("admin", "business-unit")
WORKERS = ("business-unit", "agency-lead")  # the owning agency's lead and the business unit

#: (page type, path template, roles that may see it)
PAGES = [
    ("home", "/", EVERYONE),
    ("reviews list", "/reviews/", EVERYONE),
    ("review page", "/reviews/{review}", EVERYONE),
    ("recommendation page", "/recommendations/{recommendation}", EVERYONE),
    ("actions list with filters", "/actions/?rating=red&status=in_progress&sort=rating", EVERYONE),
    ("action page", "/actions/{live_action}", EVERYONE),
    ("submitted action page", "/actions/{submitted_action}", STAFF),
    ("assurance queue", "/actions/assurance", STAFF),
    ("themes list", "/themes/", EVERYONE),
    ("theme page", "/themes/{theme}", EVERYONE),
    ("update form", "/actions/{live_action}/update", WORKERS),
    ("evidence form", "/evidence/new?action_id={live_action}", WORKERS),
    ("submit form", "/actions/{live_action}/submit", ("agency-lead",)),
    ("due date form", "/actions/{live_action}/due-date", STAFF),
    ("decide form", "/actions/{submitted_action}/decide", STAFF),
    ("close form", "/actions/{live_action}/close", STAFF),
    ("edit action form", "/actions/{live_action}/edit", STAFF),
    ("new action form", "/actions/new?recommendation_id={recommendation}", STAFF),
    ("new review form", "/reviews/new", STAFF),
    ("edit review form", "/reviews/{review}/edit", STAFF),
    ("new recommendation form", "/recommendations/new?review_id={review}", STAFF),
    ("edit recommendation form", "/recommendations/{recommendation}/edit", STAFF),
    ("response form", "/recommendations/{recommendation}/responses/{addressee}", STAFF),
    ("due date request form", "/actions/{live_action}/due-date-request", ("agency-lead",)),
    ("due date requests", "/actions/due-date-requests", STAFF),
    ("impact reviews due", "/actions/impact-reviews", STAFF),
    ("impact review form", "/actions/{assured_action}/impact-review", STAFF),
    ("learning point form", "/reviews/{review}/learning-points/new", STAFF),
    ("theme form", "/themes/{theme}/edit", STAFF),
    ("theme merge form", "/themes/{theme}/merge", STAFF),
    ("library search", "/library/?q=safe+sleep&year=2022", EVERYONE),
    ("library entry", "/library/{library_entry}", EVERYONE),
    ("search", "/search/?q=training", EVERYONE),
    ("admin index", "/admin/", ("admin",)),
    ("admin users", "/admin/users", ("admin",)),
    ("admin user form", "/admin/users/{user}", ("admin",)),
    ("admin new user form", "/admin/users/new", ("admin",)),
    ("admin agencies", "/admin/agencies", ("admin",)),
    ("admin agency form", "/admin/agencies/{agency}", ("admin",)),
    ("admin settings", "/admin/settings", ("admin",)),
    ("admin audit", "/admin/audit", ("admin",)),
    ("admin review clocks", "/admin/clocks", ("admin",)),
    ("admin review clock form", "/admin/clocks/cspr", ("admin",)),
    ("challenges list", "/challenges/?status=all", EVERYONE),
    ("raise a challenge form", "/challenges/new?review={review}", ("admin", "business-unit", "scrutineer")),
    # Built alongside: checked when they are there (a 404 skips).
    ("reports list", "/reports/", ("admin", "business-unit", "board-member", "scrutineer")),
    ("reports dashboard", "/reports/dashboard", ("admin", "business-unit", "board-member", "scrutineer")),
    ("new report form", "/reports/new", STAFF),
    ("import form", "/imports/", STAFF),
    ("action plan import", "/imports/plans", STAFF),
    ("update rounds list", "/update-rounds/", EVERYONE),
    ("update round page", "/update-rounds/{round}?state=all", EVERYONE),
    ("challenge page", "/challenges/{challenge}", ("admin", "business-unit", "scrutineer", "board-member")),
    ("new update round form", "/update-rounds/new", STAFF),
]
#: Reflow problems reported to the page's owner, not yet fixed (the table needs an .app-table-wrapper).
KNOWN_REFLOW: dict[str, str] = {}  # page name -> why it may not reflow at 320 px yet
OPTIONAL = {"reports list", "reports dashboard", "new report form", "import form", "action plan import"}
SIGNED_OUT_PAGES = [("sign-in page", "/sign-in"), ("error page 404", "/no-such-page")]

CASES = [(name, path, role) for name, path, roles in PAGES for role in roles]


@pytest.fixture(scope="module")
def ids(live_server):
    """Ids in the demo data: a busy review, a live and a submitted BCPFT action, and so on."""
    from tracker.actions.models import Action
    from tracker.extensions import db
    from tracker.library.models import LibraryReview
    from tracker.recommendations.models import Recommendation, recommendation_addressees
    from tracker.challenges.models import Challenge
    from tracker.reviews.models import Review
    from tracker.rounds.models import UpdateRound
    from tracker.themes.models import Theme
    from tracker.users.models import Agency, User

    with LIVE["app"].app_context():
        one = lambda stmt: db.session.scalar(stmt.limit(1))  # noqa: E731
        bcpft = one(select(Agency.id).where(Agency.short_name == "BCPFT"))
        found = {
            "review": one(select(Review.id).where(Review.reference == "SCR-2016-01")),
            "recommendation": one(select(Action.recommendation_id).where(Action.owner_agency_id == bcpft)),
            "live_action": one(select(Action.id).where(Action.owner_agency_id == bcpft,
                                                       Action.status == "in_progress").order_by(Action.id)),
            "submitted_action": one(select(Action.id).where(Action.status == "submitted").order_by(Action.id)),
            "assured_action": one(select(Action.id).where(Action.status == "assured").order_by(Action.id)),
            "theme": one(select(Theme.id).order_by(Theme.name)),
            "library_entry": one(select(LibraryReview.id).order_by(LibraryReview.id)),
            "user": one(select(User.id).where(User.email == "health.lead@example.org")),
            "agency": bcpft,
            "round": one(select(UpdateRound.id)),
            "challenge": one(select(Challenge.id).order_by(Challenge.id)),
        }
        found["addressee"] = one(select(recommendation_addressees.c.agency_id).where(
            recommendation_addressees.c.recommendation_id == found["recommendation"]))
        db.session.remove()
    assert all(found.values()), found
    return found


@pytest.fixture(scope="module")
def pages(browser, live_server):
    """One signed-in page per role, kept for the module: signing in once per role is enough."""
    opened, contexts = {}, []

    def get(role: str | None):
        if role not in opened:
            context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(10000)
            if role is not None:
                sign_in(page, ROLES[role])
            opened[role] = page
        return opened[role]

    yield get
    for context in contexts:
        context.close()


def check_axe(page, label: str) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    if results.violations_count:
        lines = [f"{label} ({page.url}): {results.violations_count} WCAG violation(s)"]
        for violation in results.response["violations"]:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
                lines.append(f"       {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
        pytest.fail("\n".join(lines), pytrace=False)


def check_reflow(page, label: str) -> None:
    """At 400% zoom a 1280 px screen is 320 CSS px wide: the page itself must not scroll sideways."""
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 321 && !e.closest('.app-table-wrapper')
                             && getComputedStyle(e).position !== 'fixed')
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                                  + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                                  + ' right=' + Math.round(e.getBoundingClientRect().right))""")
            pytest.fail(f"{label} ({page.url}) is {width} px wide at 320 px: {culprits}", pytrace=False)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("name,path,role", CASES, ids=[f"{n} as {r}" for n, _, r in CASES])
def test_page_meets_wcag_22_aa_and_reflows(pages, ids, name, path, role):
    page = pages(role)
    response = page.goto(path.format(**ids))
    if name in OPTIONAL and response.status == 404:
        pytest.skip(f"{path} is not there yet")
    assert response.status == 200, f"{name} as {role}: {response.status}"
    check_axe(page, f"{name} as {role}")
    try:
        check_reflow(page, f"{name} as {role}")
    except pytest.fail.Exception:
        if name in KNOWN_REFLOW:
            pytest.xfail(KNOWN_REFLOW[name])
        raise


@pytest.mark.parametrize("name,path", SIGNED_OUT_PAGES, ids=[n for n, _ in SIGNED_OUT_PAGES])
def test_signed_out_page_meets_wcag_22_aa_and_reflows(pages, name, path):
    page = pages(None)
    page.goto(path)
    check_axe(page, name)
    check_reflow(page, name)


def test_a_form_with_errors_meets_wcag_22_aa(pages, ids):
    """The error summary and the error messages on the fields are part of the page too."""
    page = pages("agency-lead")
    page.goto(f"/actions/{ids['live_action']}/update")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_axe(page, "update form with errors")
    check_reflow(page, "update form with errors")
