"""Every route in the URL map x every role x own/other agency x GET/POST.

A route missing from MATRIX fails the test, so a new page cannot ship without its rule. A refused
request must answer 403 (or 404 for another agency's records, with none of their text in the body)
and must write nothing: the audit trail, which records every write, does not grow."""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tests.factories import PASSWORD, TODAY, make_action, make_agency, make_board_report, make_pack_run, \
    make_recommendation, make_review, make_theme, make_user
from tracker import permissions
from tracker.actions.models import ActionStatus
from tracker.audit.models import AuditRecord
from tracker.challenges.services import raise_challenge
from tracker.evidence.services import add_evidence
from tracker.extensions import db
from tracker.imports.models import ImportDraft
from tracker.library.models import LibraryReview
from tracker.measures.services import MeasureFields, add_measure
from tracker.reports.models import BoardReport
from tracker.reviews.models import LearningPoint
from tracker.users.models import Role, User

ROLES = [Role.ADMIN, Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.BOARD_MEMBER, Role.SCRUTINEER]
STAFF = {Role.ADMIN, Role.BUSINESS_UNIT}
READERS = {Role.ADMIN, Role.BUSINESS_UNIT, Role.BOARD_MEMBER, Role.SCRUTINEER}
CHALLENGERS = {Role.ADMIN, Role.BUSINESS_UNIT, Role.SCRUTINEER}


@dataclass(frozen=True)
class Rule:
    kind: str  # public | read | action_read | action_work | staff_action | staff | staff_draft | admin
    #            | challenger | challenge_read | challenge_talk | challenge_close
    args: callable = lambda w, side: {}
    state: str = "in_progress"  # the status the action must be in for this route

    def allowed(self, role: Role, side: str) -> bool:
        if self.kind in ("public", "read"):
            return True
        if self.kind == "readers":  # staff, board members and the scrutineer; not agency leads
            return role in READERS
        if self.kind == "action_read":
            return role in READERS or side == "own"
        if self.kind == "action_work":
            return role in STAFF or (role is Role.AGENCY_LEAD and side == "own")
        if self.kind in ("staff_action", "staff"):
            return role in STAFF
        if self.kind == "staff_draft":  # an import draft is its author's alone
            return role in STAFF and side == "own"
        if self.kind == "admin":
            return role is Role.ADMIN
        if self.kind in ("challenger", "challenge_close"):  # the scrutineer and the business unit
            return role in CHALLENGERS
        if self.kind == "challenge_read":
            return role in READERS or side == "own"
        if self.kind == "action_comment":  # the lead's side, the business unit and the scrutineer
            return role in CHALLENGERS or (role is Role.AGENCY_LEAD and side == "own")
        if self.kind == "agency_lead":
            return role is Role.AGENCY_LEAD
        if self.kind == "own_cover":  # the lead who named the deputy, no one else
            return role is Role.AGENCY_LEAD
        if self.kind == "challenge_talk":  # the challengers, and the addressed agency's lead
            return role in CHALLENGERS or (role is Role.AGENCY_LEAD and side == "own")
        raise AssertionError(self.kind)

    def refusal(self, role: Role, side: str) -> int:
        """Another agency's action is not found; everything else refused is forbidden."""
        if role is Role.AGENCY_LEAD and side == "other" and self.kind.startswith(("action", "staff_action",
                                                                                  "challenge_")):
            return 404
        if self.kind == "staff_draft" and role in STAFF:
            return 404  # someone else's draft is not said to exist
        if self.kind == "own_cover":
            return 404  # someone else's cover is not said to exist
        return 403

    @property
    def sided(self) -> bool:
        return self.kind in ("action_read", "action_work", "action_comment", "staff_action", "staff_draft",
                             "challenge_read",
                             "challenge_talk", "challenge_close")


def action_id(w, side):
    return {"action_id": w.actions[side].id}


def report_id(w, side):
    """An archived board report (made here: the other routes need none)."""
    report = make_board_report(b"%PDF-1.7 test", as_at=TODAY)
    db.session.commit()
    return {"report_id": report.id}


def draft_report_id(w, side):
    """A board report still a draft: its commentary is being written."""
    report = BoardReport(status="draft", as_at_date=TODAY, requested_by_name="Test")
    db.session.add(report)
    db.session.commit()
    return {"report_id": report.id}


def docx_report_id(w, side):
    """An archived board report with its Word version."""
    report = make_board_report(b"%PDF-1.7 test", docx=b"PK word version", as_at=TODAY)
    db.session.commit()
    return {"report_id": report.id}


def pack_run_id(w, side):
    """A finished run of the agency packs with the signed-in lead's agency's PDF and Word files."""
    names = [f"{w.own_agency.name}/agency-pack.pdf", f"{w.own_agency.name}/agency-pack.docx"]
    run = make_pack_run({str(w.own_agency.id): names}, {name: b"SECRET-OWN pack" for name in names},
                                  as_at=TODAY)
    db.session.commit()
    return {"run_id": run.id}


def round_id(w, side):
    """An open update round over the world's live actions."""
    from tracker.rounds.services import open_round

    round_ = open_round(name="Quarter 3 update", deadline=TODAY + timedelta(days=14),
                        by=w.users[Role.BUSINESS_UNIT], today=TODAY)
    db.session.commit()
    return {"round_id": round_.id}


def deputy_id(w, side):
    """The signed-in agency lead's cover by a lead of another agency."""
    from tracker.deputies.services import name_deputy

    lead = w.users[Role.AGENCY_LEAD]
    record = name_deputy(lead, make_user(Role.AGENCY_LEAD, agency=w.other_agency), start=TODAY, end=TODAY,
                         by=lead, today=TODAY)
    db.session.commit()
    return {"deputy_id": record.id}


def update_id(w, side):
    """A progress update posted by the action's own lead just now (within the withdrawal period)."""
    from tracker.actions.services import record_progress

    action = w.actions[side]
    update = record_progress(action, by=action.lead, narrative="News.", proposed_rating="green", update_date=TODAY,
                             today=TODAY)
    db.session.commit()
    return {"action_id": action.id, "update_id": update.id}


def comment_id(w, side):
    """A comment by the action's own lead just now."""
    from tracker.comments.services import post_comment

    action = w.actions[side]
    comment, _ = post_comment(action, by=action.lead, text="A comment.")
    db.session.commit()
    return {"action_id": action.id, "comment_id": comment.id}


def due_date_request_id(w, side):
    """A due-date request by the action's own lead just now, still waiting for the business unit."""
    from tracker.actions.services import pending_due_date_request, request_due_date

    action = w.actions[side]  # asked once per world: each method reuses the waiting request
    request = pending_due_date_request(action) or request_due_date(
        action, action.due_date + timedelta(days=30), "Short of staff", by=action.lead, today=TODAY)
    db.session.commit()
    return {"action_id": action.id, "request_id": request.id}


def measure_id(w, side):
    """A measure of the side's action (made here: the other routes need none)."""
    measure = add_measure(w.actions[side], MeasureFields(
        description="Files with a genogram", unit="percentage", direction="up", baseline_value=20.0,
        baseline_date=TODAY - timedelta(days=90), baseline_source="", target_value=80.0,
        target_date=TODAY + timedelta(days=90)), by=w.users[Role.BUSINESS_UNIT], today=TODAY)
    db.session.commit()
    return {"measure_id": measure.id}


MATRIX: dict[str, Rule] = {
    "auth.login": Rule("public"),
    "auth.logout": Rule("read"),
    # Sign-in steps 2 (code) and 2' (setting up the app): a signed-in user is sent home, a visitor
    # without a password step behind them is sent back to sign in.
    "auth.second_factor": Rule("public"),
    "auth.set_up_second_factor": Rule("public"),
    "auth.keep_alive": Rule("read"),
    "auth.account": Rule("read"),
    "auth.change_password": Rule("read"),
    "auth.confirm_password": Rule("read"),
    "auth.two_step": Rule("read"),
    "auth.recovery_codes": Rule("read"),
    "main.home": Rule("read"),
    "reviews.index": Rule("read"),
    "reviews.export": Rule("read", lambda w, side: {"fmt": "csv"}),
    "reviews.show": Rule("read", lambda w, s: {"review_id": w.review.id}),
    "reviews.new": Rule("staff"),
    "reviews.edit": Rule("staff", lambda w, s: {"review_id": w.review.id}),
    "reviews.new_learning_point": Rule("staff", lambda w, s: {"review_id": w.review.id}),
    "reviews.edit_learning_point": Rule("staff", lambda w, s: {"review_id": w.review.id,
                                                                "point_id": w.learning_point.id}),
    "recommendations.show": Rule("read", lambda w, s: {"recommendation_id": w.recommendation.id}),
    "recommendations.new": Rule("staff", lambda w, s: {"review_id": w.review.id}),
    "recommendations.edit": Rule("staff", lambda w, s: {"recommendation_id": w.recommendation.id}),
    # An addressee's formal response: staff for any addressee, a lead for their own agency only.
    "recommendations.respond": Rule("action_work", lambda w, s: {
        "recommendation_id": w.recommendation.id, "agency_id": (w.own_agency if s == "own" else w.other_agency).id}),
    "actions.index": Rule("read"),
    "actions.queue": Rule("staff"),
    "actions.queue_export": Rule("staff", lambda w, side: {"fmt": "csv"}),
    "actions.export": Rule("read", lambda w, side: {"fmt": "csv"}),
    "search.index": Rule("read"),
    "search.export": Rule("read", lambda w, side: {"fmt": "csv"}),
    "actions.new": Rule("staff", lambda w, s: {"recommendation_id": w.recommendation.id}),
    "actions.show": Rule("action_read", action_id),
    "actions.edit": Rule("staff_action", action_id),
    "actions.move_due_date": Rule("staff_action", action_id),
    "actions.update": Rule("action_work", action_id),
    "actions.submit": Rule("action_work", action_id),
    "actions.decide": Rule("staff_action", action_id, state="submitted"),
    "actions.close": Rule("staff_action", action_id),
    "actions.open": Rule("staff_action", action_id, state="draft"),
    "actions.request_due_date": Rule("action_work", action_id),
    "actions.decide_due_date": Rule("staff_action", action_id),
    "actions.due_date_requests": Rule("staff"),
    "actions.due_date_requests_export": Rule("staff", lambda w, side: {"fmt": "csv"}),
    "actions.impact_reviews_due": Rule("staff"),
    "actions.impact_reviews_export": Rule("staff", lambda w, side: {"fmt": "csv"}),
    "actions.impact_review": Rule("staff_action", action_id, state="assured"),
    # Measures: the action's agency lead and the business unit; a recommendation's, the business unit.
    "measures.new_for_action": Rule("action_work", action_id),
    "measures.edit": Rule("action_work", measure_id),
    "measures.record": Rule("action_work", measure_id),
    "measures.new_for_recommendation": Rule("staff", lambda w, s: {"recommendation_id": w.recommendation.id}),
    "closure.close_recommendation": Rule("staff", lambda w, s: {"recommendation_id": w.recommendation.id}),
    "evidence.new": Rule("action_work", action_id),
    "evidence.download": Rule("action_read", lambda w, s: {"evidence_id": w.evidence[s].id}),
    "themes.index": Rule("read"),
    "themes.export": Rule("read", lambda w, side: {"fmt": "csv"}),
    "themes.show": Rule("read", lambda w, s: {"theme_id": w.theme.id}),
    "themes.new": Rule("staff"),
    "themes.edit": Rule("staff", lambda w, s: {"theme_id": w.theme.id}),
    "themes.merge": Rule("staff", lambda w, s: {"theme_id": w.theme.id}),
    "library.index": Rule("read"),
    "library.export": Rule("read", lambda w, side: {"fmt": "csv"}),
    "library.show": Rule("read", lambda w, s: {"entry_id": w.library_entry.id}),
    "imports.new": Rule("staff"),
    "imports.draft": Rule("staff_draft", lambda w, s: {"draft_id": w.drafts[s]["text"].id}),
    "imports.discard": Rule("staff_draft", lambda w, s: {"draft_id": w.drafts[s]["text"].id}),
    "imports.plan_start": Rule("staff"),
    "imports.plan_upload": Rule("staff", lambda w, s: {"review_id": w.review.id}),
    "imports.plan_preview": Rule("staff_draft", lambda w, s: {"draft_id": w.drafts[s]["plan"].id}),
    "imports.plan_export": Rule("staff", lambda w, s: {"review_id": w.review.id, "fmt": "csv"}),
    "admin.index": Rule("admin"),
    "admin.users": Rule("admin"),
    "admin.users_export": Rule("admin", lambda w, side: {"fmt": "csv"}),
    "admin.new_user": Rule("admin"),
    "admin.edit_user": Rule("admin", lambda w, s: {"user_id": w.someone.id}),
    "admin.reset_password": Rule("admin", lambda w, s: {"user_id": w.someone.id}),
    "admin.agencies": Rule("admin"),
    "admin.agencies_export": Rule("admin", lambda w, side: {"fmt": "csv"}),
    "admin.new_agency": Rule("admin"),
    "admin.edit_agency": Rule("admin", lambda w, s: {"agency_id": w.other_agency.id}),
    "admin.settings": Rule("admin"),
    "admin.clocks": Rule("admin"),
    "admin.edit_clock": Rule("admin", lambda w, s: {"review_type": "cspr"}),
    "admin.reset_clock": Rule("admin", lambda w, s: {"review_type": "cspr"}),
    # The business unit reads its partnership's audit trail (issue 18).
    "audit.search": Rule("staff"),
    "audit.export": Rule("staff", lambda w, side: {"fmt": "csv"}),
    "challenges.index": Rule("read"),
    "challenges.export": Rule("read", lambda w, side: {"fmt": "csv"}),
    "challenges.new": Rule("challenger", lambda w, s: {"action": w.actions["own"].id}),
    "challenges.show": Rule("challenge_read", lambda w, s: {"challenge_id": w.challenges[s].id}),
    "challenges.reply": Rule("challenge_talk", lambda w, s: {"challenge_id": w.challenges[s].id}),
    "challenges.close": Rule("challenge_close", lambda w, s: {"challenge_id": w.challenges[s].id}),
    "reports.index": Rule("readers"),
    "reports.dashboard": Rule("readers"),
    "reports.new": Rule("staff"),
    "reports.show": Rule("readers", report_id),
    "reports.download": Rule("readers", report_id),
    "reports.export_csv": Rule("readers", report_id),
    "reports.export_xlsx": Rule("readers", report_id),
    # Board papers (issue 19): drafts with commentary, the template and the meetings are the business
    # unit's; the web and Word versions are read like the PDF.
    "reports.commentary_page": Rule("staff", draft_report_id),
    "reports.preview": Rule("staff", draft_report_id),
    "reports.web_version": Rule("readers", report_id),
    "reports.download_docx": Rule("readers", docx_report_id),
    "reports.template": Rule("staff"),
    "reports.meetings": Rule("staff"),
    # Agency packs: the business unit runs them and takes the zip; a lead takes only their own agency's.
    "packs.index": Rule("staff"),
    "packs.show": Rule("staff", pack_run_id),
    "packs.download_zip": Rule("staff", pack_run_id),
    "packs.mine_page": Rule("agency_lead", lambda w, s: pack_run_id(w, s) and {}),
    "packs.mine_pdf": Rule("agency_lead", lambda w, s: pack_run_id(w, s) and {}),
    "packs.mine_docx": Rule("agency_lead", lambda w, s: pack_run_id(w, s) and {}),
    # Update rounds: everyone reads (an agency lead sees only its own agency's requests in them);
    # only the business unit and administrators open and close them.
    "rounds.index": Rule("read"),
    "rounds.export": Rule("read", lambda w, side: {"fmt": "csv"}),
    "rounds.show": Rule("read", round_id),
    "rounds.requests_export": Rule("read", lambda w, side: {**round_id(w, side), "fmt": "xlsx"}),
    "rounds.new": Rule("staff"),
    "rounds.close": Rule("staff", round_id),
    # Bulk changes (issue 18): the business unit; the hand-over from the user admin pages.
    "bulk.choose": Rule("staff"),
    "bulk.preview": Rule("staff"),
    "bulk.confirm": Rule("staff"),
    "bulk.per_agency": Rule("staff", lambda w, s: {"recommendation_id": w.recommendation.id}),
    "bulk.hand_over": Rule("admin", lambda w, s: {"user_id": w.users[Role.AGENCY_LEAD].id}),
    # Deputies: an agency lead names one from their account, and only they end it.
    "deputies.index": Rule("agency_lead"),
    "deputies.end": Rule("own_cover", deputy_id),
    "timeline.show": Rule("action_read", action_id),
    "comments.post": Rule("action_comment", action_id),
    "comments.notifications": Rule("read"),
    "withdrawals.comment": Rule("action_work", comment_id),
    # Withdrawing a mistake: the author within the period (here: the own agency's lead), or staff.
    "withdrawals.update": Rule("action_work", update_id),
    "withdrawals.due_date_request": Rule("action_work", due_date_request_id),
    "withdrawals.evidence": Rule("action_work", lambda w, s: {"action_id": w.actions[s].id,
                                                              "evidence_id": w.evidence[s].id}),
}
#: Files only, no records behind them; and the load balancer's health checks, public by design
#: (tests/test_ops_health.py, and the lifecycle's PUBLIC set).
SKIPPED = {"static", "ops.healthz", "ops.readyz"}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - SKIPPED
    assert endpoints - MATRIX.keys() == set(), "add these routes to the permission matrix"
    assert MATRIX.keys() - endpoints == set(), "these matrix entries name no route"


class World:
    """Two agencies, a user of every role, and actions of the signed-in lead's agency and another's.

    Made once per action state and worker (`starting_records`): each test starts from a copy of that
    database and its evidence files, and `World.load` finds the same records in it by their ids."""

    def __init__(self, state: str):
        self.own_agency = make_agency("Own Agency", "OWN")
        self.other_agency = make_agency("Other Agency", "OTH")
        self.users = {role: make_user(role, agency=self.own_agency) for role in ROLES}
        other_lead = make_user(Role.AGENCY_LEAD, agency=self.other_agency)
        self.review = make_review()
        self.recommendation = make_recommendation(self.review, addressees=[self.own_agency, self.other_agency])
        self.learning_point = LearningPoint(review=self.review, number=1, text="Think family.")
        db.session.add(self.learning_point)
        self.theme = make_theme()
        self.library_entry = LibraryReview(natural_key="2023|x|child a|0", year=2023, area="Anywhere", title="Child A",
                                           summary="Death of a baby.", learning="Safe sleep.", recommendations="",
                                           keywords="infants", themes=[self.theme])
        db.session.add(self.library_entry)
        self.someone = make_user(Role.BOARD_MEMBER)
        submitter = {"own": self.users[Role.AGENCY_LEAD], "other": other_lead}
        self.actions, self.evidence = {}, {}
        for side, agency in (("own", self.own_agency), ("other", self.other_agency)):
            action = make_action(owner=agency, lead=submitter[side], recommendation=self.recommendation,
                                 status=state if state != "submitted" else "in_progress",
                                 description=f"SECRET-{side.upper()} action text")
            if state == "in_progress":  # a request for a new due date waits on each action
                from tracker.actions.services import request_due_date

                request_due_date(action, action.due_date + timedelta(days=30), "SECRET reason", submitter[side], TODAY)
            if state not in ("draft", "assured"):
                upload = FileStorage(io.BytesIO(b"minutes of the audit\n"), filename="audit.txt")
                self.evidence[side] = add_evidence(action, by=submitter[side], kind="impact", title=f"{side} file",
                                                   description="", effective_date=TODAY - timedelta(days=1),
                                                   today=TODAY, upload=upload, max_bytes=10_000)
            if state == "submitted":
                from tracker.actions.services import submit_for_assurance

                submit_for_assurance(action, submitter[side], TODAY)
            self.actions[side] = action
        scrutineer = self.users[Role.SCRUTINEER]
        self.challenges = {side: raise_challenge(self.actions[side], agency=self.actions[side].owner_agency,
                                                 by=scrutineer, text=f"SECRET-{side.upper()} challenge")
                           for side in ("own", "other")}
        self.drafts = {}
        for side, owner in (("own", None), ("other", make_user(Role.BUSINESS_UNIT))):
            self.drafts[side] = {"text": _draft(owner or self.users[Role.BUSINESS_UNIT], None),
                                 "plan": _draft(owner or self.users[Role.BUSINESS_UNIT], self.review)}
        db.session.commit()

    def ids(self) -> dict:
        """Each record of the world as its model and id, in the shape of the attributes."""
        def ids(value):
            if isinstance(value, dict):
                return {key: ids(item) for key, item in value.items()}
            return type(value), value.id

        return {name: ids(value) for name, value in vars(self).items()}

    @classmethod
    def load(cls, ids: dict) -> "World":
        """The world of `ids` in the test's copy of its database, each attribute read on first use (a
        test uses a few of the thirty records)."""
        world = cls.__new__(cls)
        world._ids = ids
        return world

    def __getattr__(self, name: str):
        ids = self.__dict__.get("_ids")
        if ids is None or name not in ids:
            raise AttributeError(name)

        def load(value):
            if isinstance(value, dict):
                return {key: load(item) for key, item in value.items()}
            model, id_ = value
            record = db.session.get(model, id_)
            assert record is not None, (model, id_)
            return record

        setattr(self, name, load(ids[name]))
        return getattr(self, name)

    def sign_in_as(self, role: Role) -> User:
        """The user of `role`, who becomes the author of the "own" import drafts."""
        user = self.users[role]
        for draft in self.drafts["own"].values():
            draft.user_id = user.id
        db.session.commit()
        return user


def _world_state(request) -> str:
    """The action state the test's route needs (its MATRIX rule's), in progress for the other tests."""
    endpoint = getattr(request.node, "callspec", None) and request.node.callspec.params.get("endpoint")
    return MATRIX[endpoint].state if endpoint else "in_progress"


@pytest.fixture
def starting_records(request):
    """A test that takes `world` starts from a copy of the World of its route's state, made once per
    worker (tests/conftest.py): making it was most of each test's time."""
    if "world" not in request.fixturenames:
        return None
    state = _world_state(request)
    return f"world-{state}", lambda: World(state).ids()


@pytest.fixture
def world(app, starting_records, prepared_databases) -> World:
    return World.load(prepared_databases(*starting_records)[2])


def _draft(user, review):
    """An import draft: a document's extracted items, or (with a review) an action plan's rows."""
    draft = ImportDraft(user_id=user.id, review=review, original_filename="plan.csv" if review else "report.txt",
                        stored_name=f"{user.id}-{id(review)}.bin", content_type="text/plain", size_bytes=1,
                        sha256="0" * 64,
                        new_review={"plan": True} if review else {"title": "Child Q"},
                        items=[["Recommendation", "Action", "Owner"], ["1", "Audit files", "Own Agency"]]
                        if review else [{"kind": "recommendation", "number": "1", "text": "Do it.", "owner": ""}])
    db.session.add(draft)
    return draft


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRecord))


def _cases():
    for endpoint, rule in MATRIX.items():
        for role in ROLES:
            for side in (("own", "other") if rule.sided else ("own",)):
                yield pytest.param(endpoint, role, side, id=f"{endpoint}-{role.value}-{side}")


def _methods(app, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.mark.parametrize("endpoint, role, side", list(_cases()))
def test_route_answers_each_role(app, client, world, endpoint, role, side):
    rule = MATRIX[endpoint]
    user = world.sign_in_as(role)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    with app.test_request_context():
        url = url_for(endpoint, **rule.args(world, side))
    allowed = rule.allowed(role, side)
    for method in _methods(app, endpoint):
        if endpoint == "auth.logout":
            continue  # signing out is checked below, after the other methods
        before = _audit_count()
        response = client.open(url, method=method, data={})
        body = response.get_data().decode("utf-8", "replace")  # some routes answer with XLSX or PDF bytes
        response.close()
        if allowed:
            assert response.status_code in (200, 302, 422), f"{method} {url}: {response.status_code}"
        else:
            assert response.status_code == rule.refusal(role, side), f"{method} {url}: {response.status_code}"
            assert _audit_count() == before, f"{method} {url} wrote something"
            assert "SECRET-OTHER" not in body
        if role is Role.AGENCY_LEAD:
            assert "SECRET-OTHER" not in body, f"{method} {url} showed another agency's action"
    if endpoint == "auth.logout":
        assert client.post(url).status_code == 302
        assert client.get("/").status_code == 302


@pytest.mark.parametrize("endpoint", sorted(set(MATRIX) - {"auth.login"}))
def test_signed_out_visitors_are_sent_to_sign_in(app, client, world, endpoint):
    with app.test_request_context():
        url = url_for(endpoint, **MATRIX[endpoint].args(world, "own"))
    for method in _methods(app, endpoint):
        before = _audit_count()
        response = client.open(url, method=method, data={})
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
        assert _audit_count() == before


def test_the_submitter_cannot_decide_even_as_business_unit(app, client, world):
    staff = world.users[Role.BUSINESS_UNIT]
    action = world.actions["own"]
    from tracker.actions.services import submit_for_assurance

    submit_for_assurance(action, staff, TODAY)
    db.session.commit()
    assert not permissions.can_decide(staff, action)
    client.post("/sign-in", data={"email": staff.email, "password": PASSWORD})
    for method in ("GET", "POST"):
        response = client.open(f"/actions/{action.id}/decide", method=method,
                               data={"decision": "accepted", "reason": "Fine."})
        assert response.status_code == 403
    db.session.refresh(action)
    assert action.status == ActionStatus.SUBMITTED.value


def test_disabled_users_cannot_use_the_predicates(app):
    user = make_user(Role.ADMIN, active=False)
    assert not permissions.can_admin(user)
    assert not permissions.is_staff(user)
