"""The fuzzing tier (`-m fuzz`, in `make test` after the fast tier): every route of the app's own
url_map, every method, as every role and signed out, with hostile path values, query strings, form
fields and files drawn by Hypothesis. Never a server error, never a write without permission, never
another agency's data, every answer within the time limit. Seeded and reproducible (FUZZ_SEED,
FUZZ_SAMPLES examples per route, method and role; the Hypothesis profile of tests/conftest.py keeps
no example database); it prints its totals.

Nothing here lists routes or fields by hand: the routes come from app.url_map and the field names from
every form class, so a new route or field is fuzzed the day it is added."""

import io
import os
import re
import time
import zipfile
from collections import Counter
from urllib.parse import quote, urlencode

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import (
    PASSWORD,
    make_action,
    make_agency,
    make_evidence,
    make_recommendation,
    make_review,
    make_user,
)
from tests.test_lengths import FORMS
from tracker.actions.models import Action, ActionStatus, ProgressUpdate
from tracker.auth.sessions import stamp
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import Review
from tracker.users.models import Agency, Role, User

pytestmark = pytest.mark.fuzz

SEED = int(os.environ.get("FUZZ_SEED", "20261204"))
SAMPLES = int(os.environ.get("FUZZ_SAMPLES", "3"))  # examples per route, method and role
MAX_SECONDS = float(os.environ.get("FUZZ_MAX_SECONDS", "2"))
SECRET = "Zebra-other-agency-secret"  # only in the other agency's action: an agency lead must never see it

# Values Hypothesis would take too long to build character by character, or would rarely hit.
HOSTILE = [
    "", " ", "a" * 100_000, "9" * 5000, "\x00", "a\x00b", "\x01\x02\x1b[31m\x7f", "\r\nSet-Cookie: fuzz=1",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR '1'='1' --", "1; DROP TABLE actions",
    "{{ 7 * 7 }}", "\u202eevil\u202c", "\u200f\u05e9\u05dc\u05d5\u05dd\u200e", "\ufeff", "1e309", "NaN", "-0", "0x10",
    "true", "on", "[]", "{}", "Łódź Źdźbło", "Ŵyn ŷ Cymraeg", "Ó Súilleabháin", "مرحبا بالعالم", "😀" * 60, "%00",
    "../../etc/passwd", "ACT-00001", "cspr", "green", "accept", "withdrawn",
]
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "1", "2", "-1", "2147483647", "2147483648", "9223372036854775808", "1" + "0" * 40]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),  # years 1 to 9999
    st.tuples(st.integers(-1, 40), st.integers(-1, 14), st.integers(-1, 100_000))
    .map(lambda t: f"{t[0]}/{t[1]}/{t[2]}"),  # 31/02/2024, 0/13/99999
    st.sampled_from(["31/02/2024", "0001-01-01", "9999-12-31", "2038-01-19", "29/02/2100"]),
)
# Any Unicode but lone surrogates (no client can send them), weighted to control, bidi and other scripts.
ODD_TEXT = st.text(st.one_of(st.characters(exclude_categories=["Cs"]),
                             st.sampled_from("\x00\x07\x1b\x7f\u200e\u200f\u202a\u202e\u2066\ufeff<>'\"&;%")),
                   max_size=60)
TEXT = st.one_of(st.sampled_from(HOSTILE), ODD_TEXT, NUMBERS, DATES)
STRINGS = st.one_of(st.sampled_from(["cspr", "sar", "dhr", "", "x" * 3000, "<script>", "..%2F..%2Fetc", "%00",
                                     "Łódź", "😀"]), ODD_TEXT)
QUERY_KEYS = ["page", "per_page", "size", "sort", "order", "q", "status", "rating", "agency", "theme",
              "review", "lead", "from", "to", "year", "next", "format", "due_before-day", "due_before-month",
              "due_before-year", "event", "actor", "object_type", "object_id"]


def _zip_bomb(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(name, b"\0" * (200 * 1024 * 1024))  # 200 MB that compresses to about 200 kB
    return buffer.getvalue()


def _files() -> list[tuple[bytes, str]]:
    docx_bomb = _zip_bomb("word/document.xml")
    return [
        (docx_bomb, "review.docx"),
        (_zip_bomb("xl/worksheets/sheet1.xml"), "plan.xlsx"),
        (b"Recommendation number,Recommendation\n1," + b"x" * 300_000 + b"\n", "plan.csv"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "truncated.pdf"),
        (b"%PDF-1.4\n%%EOF\n", "mislabelled.docx"),
        (docx_bomb[:5000], "truncated.docx"),
        (b"", "empty.txt"),
        (b"\xff\xfe\x00\x00" * 1000, "odd.txt"),
    ]


def _field_names() -> list[str]:
    """Every field name of every form class of the app (tests/test_lengths.py walks them)."""
    names = {name for cls in FORMS for base in cls.__mro__ for name, value in vars(base).items()
             if hasattr(value, "field_class")}
    return sorted(names | {"version", "csrf_token", "rows-0-name", "rows-0-amount", "items-0-text", "operation",
                           "due_date-day", "due_date-month", "due_date-year"})


def _path(rule) -> st.SearchStrategy[str]:
    """The rule's URL with each converter's value drawn: ids out of every range, strings of any kind."""
    parts = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "AnyConverter":
            items = list(getattr(converter, "items", None) or ["csv", "xlsx", "pdf"])
            parts[name] = st.one_of(st.sampled_from([*items, "pdf", ""]), STRINGS)
        elif kind in ("IdConverter", "IntegerConverter", "NumberConverter"):
            parts[name] = st.one_of(NUMBERS, st.sampled_from(["abc", "%00", "1.5", " 1"]))
        else:
            parts[name] = STRINGS
    values = st.fixed_dictionaries({name: part.map(lambda v: quote(str(v), safe="%")) for name, part in parts.items()})
    return values.map(lambda v: re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: v[m.group(1)], rule.rule))


QUERY = st.one_of(st.just(""), st.lists(st.tuples(st.sampled_from(QUERY_KEYS), TEXT.map(lambda v: v[:3000])),
                                        min_size=1, max_size=4).map(lambda pairs: "?" + urlencode(pairs)))


def _form(names: list[str], files: list[tuple[bytes, str]]) -> st.SearchStrategy[dict]:
    fields = st.dictionaries(st.sampled_from(names), TEXT, min_size=1, max_size=8)
    upload = st.one_of(st.none(), st.sampled_from(files))
    return st.tuples(fields, upload).map(
        lambda pair: {**pair[0], **({"file": (io.BytesIO(pair[1][0]), pair[1][1])} if pair[1] else {})})


def _state(other_action_id: int) -> dict:
    """What must not change when someone without permission fuzzes: the other agency's action and
    everything hanging from it, and the number of rows of the main records."""
    action = db.session.get(Action, other_action_id)
    return {
        "action": (action.version, action.status, action.due_date, action.description, action.lead_id),
        "updates": db.session.scalar(select(func.count()).select_from(ProgressUpdate)
                                     .where(ProgressUpdate.action_id == other_action_id)),
        "evidence": db.session.scalar(select(func.count()).select_from(Evidence)
                                      .where(Evidence.action_id == other_action_id)),
        **{model.__name__: db.session.scalar(select(func.count()).select_from(model))
           for model in (Action, Review, Recommendation, User, Agency)},
    }


def _sign_in(client, user) -> dict:
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with client.session_transaction() as session:
        return dict(session)


def _restore(client, user_id: int, saved: dict, version: int) -> None:
    """Put the role's session back (a fuzzed sign-out, or a password change, ends it), with the
    user's account as it was, so the rest of the run is still fuzzed as that role."""
    user = db.session.get(User, user_id)
    user.active, user.session_version, user.locked_until, user.failed_sign_ins = True, version, None, 0
    db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        session.update(saved)
        if saved:
            stamp(session)


def _examples(strategy: st.SearchStrategy, run, number: int, examples: int = SAMPLES) -> None:
    """Call run(value) on `number` values Hypothesis draws from strategy, seeded with SEED + number of the
    call so every route gets its own reproducible values. Failures are collected by run, never raised,
    so Hypothesis neither shrinks nor retries (each example is a request)."""
    @seed(SEED + number)
    @settings(max_examples=examples, phases=[Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(value):
        run(value)

    draw()


def test_fuzz_every_route_as_every_role(app, capsys):
    mine, other = make_agency(), make_agency()
    users = {"admin": make_user(Role.ADMIN), "business_unit": make_user(Role.BUSINESS_UNIT),
             "agency_lead": make_user(Role.AGENCY_LEAD, agency=mine), "board_member": make_user(Role.BOARD_MEMBER),
             "scrutineer": make_user(Role.SCRUTINEER)}
    other_lead = make_user(Role.AGENCY_LEAD, agency=other)
    review = make_review()
    recommendation = make_recommendation(review)
    make_action(owner=mine, lead=users["agency_lead"], recommendation=recommendation)
    theirs = make_action(owner=other, lead=other_lead, recommendation=recommendation,
                         status=ActionStatus.IN_PROGRESS, description=f"{SECRET} improve the handover")
    make_evidence(theirs, other_lead)
    db.session.commit()
    other_action_id = theirs.id

    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)
    names, files = _field_names(), _files()
    form = _form(names, files)
    totals, errors, slow, leaks = Counter(), [], [], []
    roles = ["anonymous", *users]
    clients = {role: app.test_client() for role in roles}
    # Everyone signs in first: the anonymous run's sign-in attempts would meet the rate limit.
    sessions = {role: _sign_in(clients[role], user) for role, user in users.items()}
    calls = 0
    for role in roles:
        client = clients[role]
        user = users.get(role)
        saved = sessions.get(role, {})
        version = user.session_version if user else 0
        user_id = user.id if user else None
        before = _state(other_action_id)
        for rule in rules:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                def run(drawn, method=method, client=client, role=role, user=user, user_id=user_id, saved=saved,
                        version=version):
                    path, query, data = drawn
                    url = path + query
                    started = time.perf_counter()
                    response = client.open(url, method=method, data=data)
                    seconds = time.perf_counter() - started
                    body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
                    response.close()  # a streamed download (an XLSX export) holds its file until closed
                    totals["requests"] += 1
                    if response.status_code >= 500:
                        errors.append(f"{role} {method} {url[:200]} -> {response.status_code}")
                    if seconds > MAX_SECONDS and method == "GET":  # measured once more: the machine may be busy
                        started = time.perf_counter()
                        client.open(url, method=method).close()
                        seconds = min(seconds, time.perf_counter() - started)
                    if seconds > MAX_SECONDS:
                        slow.append(f"{role} {method} {url[:200]} took {seconds:.1f} s")
                    if role not in ("admin", "business_unit", "board_member", "scrutineer") and SECRET in body:
                        leaks.append(f"{role} {method} {url[:200]} shows the other agency's action")
                    if user and (method == "POST" or response.status_code == 302):
                        _restore(client, user_id, saved, version)

                strategy = st.tuples(_path(rule), QUERY, form if method == "POST" else st.none())
                _examples(strategy, run, calls)
                calls += 1
        if role in ("anonymous", "agency_lead"):
            assert _state(other_action_id) == before, f"{role} changed what they may not"
        elif role in ("board_member", "scrutineer"):
            after = _state(other_action_id)
            assert after["action"] == before["action"] and after["Action"] == before["Action"], role
    summary = (f"fuzz: {totals['requests']} requests over {len(rules)} routes as {len(roles)} roles "
               f"(seed {SEED}), {len(errors)} server errors, {len(slow)} over {MAX_SECONDS:g} s")
    with capsys.disabled():  # the totals are printed whatever the capture setting
        print("\n" + summary)
    assert errors == [], summary + "\n" + "\n".join(errors[:40])
    assert leaks == [], "\n".join(leaks[:20])
    assert slow == [], summary + "\n" + "\n".join(slow[:20])


def _draws(strategy: st.SearchStrategy, number: int = 0, examples: int = 3) -> list:
    found = []
    _examples(strategy, found.append, number, examples)
    return found


def test_the_fuzzer_reaches_every_route_and_builds_hostile_values(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    drawn = [(rule, _draws(_path(rule), i)) for i, rule in enumerate(rules)]
    paths = [p for _, values in drawn for p in values]
    assert all(len(set(values)) >= 2 for rule, values in drawn if rule._converters)
    assert not any("<" in p.split("?")[0].replace("%3C", "") for p in paths if "script" not in p)
    id_rules = [r for r in rules if "IdConverter" in {type(c).__name__ for c in r._converters.values()}]
    assert len(id_rules) > 20
    assert len({r.endpoint for r in rules}) > 80
    assert "reason" in _field_names() and "note" in _field_names()
    assert issubclass(FORMS[0], FlaskForm)


def test_the_hostile_values_reach_every_class(app):
    """Hypothesis, seeded, reaches huge numbers, control characters, bidi marks, NUL, bad dates and
    other scripts within the tier's number of examples."""
    values = [v for i in range(60) for v in _draws(TEXT, i)]
    joined = "".join(values)
    assert any(v.lstrip("-").isdigit() and len(v.lstrip("-")) > 18 for v in values), "no huge numbers"
    assert "\x00" in joined and any(c in joined for c in "\u200e\u200f\u202e"), "no NUL or bidi marks"
    assert any(re.fullmatch(r"-?\d+/-?\d+/-?\d+", v) for v in values), "no day/month/year dates"
    assert any(ord(c) > 0x3000 for c in joined), "no other scripts"
    assert _draws(TEXT, 1) == _draws(TEXT, 1), "not reproducible"
