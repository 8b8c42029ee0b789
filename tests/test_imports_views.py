"""The import command, the upload and draft screens, confirming in one transaction, and the
action plan spreadsheet round-trip."""

import io
import json
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.imports_docs import FIXTURES, overview_docx
from tracker.actions.models import Action
from tracker.audit.models import AuditRecord
from tracker.extensions import db
from tracker.imports import spreadsheet
from tracker.imports.models import ImportDraft, SourceDocument
from tracker.recommendations.models import Recommendation
from tracker.reviews.models import LearningPoint, Review
from tracker.users.models import Agency, Role

BRIEFING = FIXTURES / "cspr_briefing_000.txt"
OVERVIEW = FIXTURES / "silp_overview_002.md"


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _agencies():
    partnership = Agency(name="Dudley Safeguarding People Partnership", short_name="DSPP", kind="partnership",
                         aliases=["Dudley Safeguarding Children Board", "DSCB", "the Board"])
    police = Agency(name="West Midlands Police", short_name="WMP", kind="agency", aliases=["Police"])
    db.session.add_all([partnership, police])
    db.session.commit()
    return partnership, police


# --- Command line --------------------------------------------------------------------------------


def test_dry_run_json_on_both_seeds_saves_nothing(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-review", str(BRIEFING), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert {"kind", "number", "text", "owner", "section", "page", "doubts"} <= set(items[0])
    assert Counter(i["kind"] for i in items) == {"recommendation": 4, "learning_point": 5}
    result = runner.invoke(args=["import-review", str(OVERVIEW), "--dry-run", "--json"])
    items = json.loads(result.stdout)
    assert Counter(i["kind"] for i in items) == {"recommendation": 9, "single_agency_recommendation": 41}
    assert _count(Review) == 0 and _count(Recommendation) == 0


def test_import_saves_after_a_summary_matching_owners_and_proposing_new_agencies(app):
    partnership, police = _agencies()
    result = app.test_cli_runner().invoke(args=["import-review", str(OVERVIEW), "--title", "Child P and Child H",
                                                "--type", "silp", "--reference", "SILP-1"])
    assert result.exit_code == 0, result.output
    assert "West Midlands Ambulance Service NHS Foundation Trust: 0" in result.output
    review = db.session.scalar(select(Review).where(Review.reference == "SILP-1"))
    recs = {r.number: r for r in review.recommendations}
    assert len(recs) == 50
    assert [a.short_name for a in recs["1"].addressees] == ["DSPP"]  # "Dudley Safeguarding Children Board"
    assert recs["WMP-1"].kind == "single_agency" and recs["WMP-1"].addressees == [police]
    assert db.session.scalar(select(Agency).where(Agency.name == "Bromford Housing Association")) is None
    assert db.session.scalar(select(Agency).where(Agency.name == "National Probation Service")) is not None
    document = db.session.scalar(select(SourceDocument).where(SourceDocument.review_id == review.id))
    assert len(document.sha256) == 64 and review.source_document == "silp_overview_002.md"


def test_import_into_an_existing_review_and_refusals(app):
    _agencies()
    review = factories.make_review(reference="CSPR-9")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-review", str(BRIEFING), "--review", "cspr-9"])
    assert result.exit_code == 0, result.output
    assert _count(LearningPoint) == 5 and len(db.session.get(Review, review.id).recommendations) == 4
    result = runner.invoke(args=["import-review", str(BRIEFING), "--review", "CSPR-9"])
    assert result.exit_code != 0 and "already has" in result.output
    assert _count(LearningPoint) == 5  # all or nothing
    assert runner.invoke(args=["import-review", str(BRIEFING), "--review", "NOPE"]).exit_code != 0
    assert runner.invoke(args=["import-review", str(BRIEFING)]).exit_code != 0


def test_the_command_proposes_the_plans_actions_as_the_web_path_does_named_in_the_audit(app, tmp_path):
    _, police = _agencies()
    plan = tmp_path / "plan.md"
    plan.write_text("Action plan\n\n| Ref | Recommendation | Action | Lead | Target date | Outcome |\n"
                    "|---|---|---|---|---|---|\n"
                    "| R1 | Police should check adults in the household. | Update the checklist | Police | 30/09/2026 "
                    "| In use |\n"
                    "| | | Audit ten strategy discussions | Police | 31/03/2027 | Audit report |\n"
                    "| R2 | All partner agencies should refresh neglect training. | | | | |\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-review", str(plan), "--title", "Child Q", "--reference",
                                                "CSPR-Q"])
    assert result.exit_code == 0, result.output
    assert "with 3 proposed actions" in result.output
    actions = list(db.session.scalars(select(Action).order_by(Action.id)))
    assert [(a.description, a.owner_agency_id, a.due_date, a.success_measure, a.status) for a in actions[:2]] == [
        ("Update the checklist", police.id, date(2026, 9, 30), "In use", "draft"),
        ("Audit ten strategy discussions", police.id, date(2027, 3, 31), "Audit report", "draft")]
    # "all partner agencies": one action for each agency (the partnership itself is not one), as on the draft
    assert [(a.description, a.owner_agency_id) for a in actions[2:]] == [
        ("All partner agencies should refresh neglect training.", police.id)]
    assert all(a.created_by_id is None for a in actions)
    audit = list(db.session.scalars(select(AuditRecord).where(AuditRecord.object_type == "Action")))
    assert len(audit) == 3 and {r.actor_label for r in audit} == {"system job: import-review command"}
    assert {r.actor_label for r in db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "Recommendation"))} == {"system job: import-review command"}


# --- Screens -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [(Role.ADMIN, 200), (Role.BUSINESS_UNIT, 200), (Role.BOARD_MEMBER, 403),
                                          (Role.SCRUTINEER, 403), (Role.AGENCY_LEAD, 403)])
def test_who_may_import(client, login_as, role, status):
    login_as(role)
    assert client.get("/imports/").status_code == status
    assert client.get("/imports/plans").status_code == status


def _upload(client, **fields):
    data = {"target": "new", "title": "Child Y", "reference": "", "review_type": "cspr", "pasted": ""}
    data.update(fields)
    return client.post("/imports/", data=data, content_type="multipart/form-data")


def test_upload_errors_keep_what_was_typed(client, login_as):
    login_as(Role.BUSINESS_UNIT)
    response = _upload(client, title="Child Y")
    assert response.status_code == 422 and "Upload a document or paste its text" in response.text
    assert 'value="Child Y"' in response.text
    response = _upload(client, file=(io.BytesIO(b"%PDF-1.4 not really"), "report.docx"))
    assert response.status_code == 422 and "not a real Word file" in response.text
    response = _upload(client, file=(io.BytesIO(b"MZ\x90\x00"), "report.exe"))
    assert response.status_code == 422 and "must be a PDF, Word" in response.text
    response = _upload(client, pasted="1. Something", title="")
    assert response.status_code == 422 and "Enter the title of the new review" in response.text
    assert _count(ImportDraft) == 0


def test_draft_edit_merge_split_remove_add_then_confirm_in_one_go(client, login_as):
    partnership, police = _agencies()
    user = login_as(Role.BUSINESS_UNIT)
    response = _upload(client, file=(io.BytesIO(overview_docx()), "overview.docx"), title="Child P")
    assert response.status_code == 302
    draft = db.session.scalar(select(ImportDraft))
    assert len(draft.items) == 50 and draft.user_id == user.id
    page = client.get(f"/imports/drafts/{draft.id}")
    assert page.status_code == 200 and "Check the recommendations" in page.text
    assert "Matched to <strong>Dudley Safeguarding People Partnership</strong> (by alias)" in page.text
    assert "New agency" in page.text
    assert _count(Recommendation) == 0  # nothing saved yet

    def form(items, op):
        data = {"count": str(len(items)), "op": op}
        for i, item in enumerate(items):
            for key, value in item.items():
                data[f"items-{i}-{key}"] = value
        return data

    items = [dict(i) for i in draft.items][:4]
    items[0]["text"] = "Edited text. Second sentence."
    items[1]["owner"] = "Police"
    client.post(f"/imports/drafts/{draft.id}", data=form(items, "split:0"))
    db.session.refresh(draft)
    assert [i["text"] for i in draft.items[:2]] == ["Edited text.", "Second sentence."] and len(draft.items) == 5
    client.post(f"/imports/drafts/{draft.id}", data=form(draft.items, "merge:0"))
    db.session.refresh(draft)
    assert draft.items[0]["text"] == "Edited text.\nSecond sentence." and len(draft.items) == 4
    client.post(f"/imports/drafts/{draft.id}", data=form(draft.items, "remove:3"))
    client.post(f"/imports/drafts/{draft.id}", data=form(db.session.get(ImportDraft, draft.id).items, "add:learning"))
    db.session.refresh(draft)
    items = [dict(i) for i in draft.items]
    assert len(items) == 4 and items[-1]["kind"] == "learning_point"
    items[-1].update(number="x", text="Think family.")
    response = client.post(f"/imports/drafts/{draft.id}", data=form(items, "confirm"))
    assert response.status_code == 422 and "whole number" in response.text
    assert _count(Recommendation) == 0 and _count(Review) == 0  # the failed confirm kept nothing
    items[-1]["number"] = "1"
    response = client.post(f"/imports/drafts/{draft.id}", data=form(items, "confirm"))
    assert response.status_code == 302
    review = db.session.scalar(select(Review))
    assert review.title == "Child P" and _count(ImportDraft) == 0
    assert [lp.text for lp in review.learning_points] == ["Think family."]
    recs = {r.number: r for r in review.recommendations}
    assert recs["1"].text == "Edited text.\nSecond sentence." and recs["2"].addressees == [police]
    assert db.session.scalar(select(SourceDocument)).original_filename == "overview.docx"


def test_another_users_draft_is_not_found(client, login_as, app):
    other = factories.make_user(Role.BUSINESS_UNIT)
    draft = ImportDraft(user_id=other.id, original_filename="x.txt", stored_name="x.txt", content_type="text/plain",
                        size_bytes=1, sha256="0" * 64, items=[], warnings=[], new_review={"title": "X"})
    db.session.add(draft)
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    assert client.get(f"/imports/drafts/{draft.id}").status_code == 404
    assert client.post(f"/imports/drafts/{draft.id}/discard").status_code == 404


# --- Spreadsheet round-trip ----------------------------------------------------------------------


def _plan():
    owner = factories.make_agency("Dudley Council Education", "LEA")
    lead = factories.make_user(Role.AGENCY_LEAD, agency=owner, email="lead@example.org")
    review = factories.make_review(reference="CSPR-1")
    rec = factories.make_recommendation(review, number="2", text="=The DSPP should, with \"quotes\"; and more.",
                                        addressees=[owner], kind="single_agency")
    factories.make_recommendation(review, number="10", text="No action yet.", addressees=[owner])
    factories.make_action(owner=owner, lead=lead, recommendation=rec, status="in_progress",
                          due_date=date(2025, 9, 30), description="-Rewrite the policy\nwith two lines")
    factories.make_action(owner=owner, recommendation=rec, status="open", due_date=date(2025, 12, 1))
    db.session.commit()
    return review


FIELDS_COMPARED = lambda review: [  # noqa: E731
    (r.number, r.text, r.kind, [a.name for a in r.addressees],
     [(a.description, a.owner_agency.name, a.lead.email if a.lead else None, a.due_date, a.original_due_date,
       a.success_measure, a.status) for a in r.actions])
    for r in sorted(db.session.get(Review, review.id).recommendations, key=lambda r: r.sort_key)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_back_the_same_records(client, login_as, fmt):
    review = _plan()
    login_as(Role.BUSINESS_UNIT)
    exported = client.get(f"/imports/reviews/{review.id}/plan.{fmt}")
    assert exported.status_code == 200
    target = factories.make_review(reference="CSPR-2")
    db.session.commit()
    response = client.post(f"/imports/reviews/{target.id}/plan", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(exported.data), f"plan.{fmt}")})
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    assert "3 rows, 0 with problems" in preview.text
    draft = db.session.scalar(select(ImportDraft))
    mapping = {f"map-{k}": str(i) for k, i in spreadsheet.guess_mapping(draft.items[0]).items()}
    assert len(mapping) == len(spreadsheet.FIELDS)
    response = client.post(response.headers["Location"], data={"op": "import", **mapping})
    assert response.status_code == 302
    assert FIELDS_COMPARED(target) == FIELDS_COMPARED(review)


def test_bad_rows_are_reported_with_their_numbers_and_nothing_saved_unless_skipped(client, login_as):
    review = _plan()
    login_as(Role.BUSINESS_UNIT)
    csv_text = ("Rec no,Recommendation,Action,Owner agency,Due date\n"
                "1,Do a thing,Write it,Dudley Council Education,31/03/2026\n"
                "2,Do another,Write that,Nobody Agency,31/03/2026\n"
                "3,Third,Write more,LEA,31/02/2026\n")
    response = client.post(f"/imports/reviews/{review.id}/plan", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(csv_text.encode()), "plan.csv")})
    url = response.headers["Location"]
    page = client.get(url)
    assert "Row 3: no agency called “Nobody Agency” (owner)" in page.text
    assert "Row 4: due date “31/02/2026” is not a real date" in page.text
    before = _count(Action)
    mapping = {"map-recommendation_number": "0", "map-recommendation_text": "1", "map-action": "2", "map-owner": "3",
               "map-due_date": "4"}
    response = client.post(url, data={"op": "import", **mapping})
    assert response.status_code == 422 and "2 rows cannot be imported" in response.text
    assert _count(Action) == before
    response = client.post(url, data={"op": "import", "skip_bad": "yes", **mapping})
    assert response.status_code == 302 and _count(Action) == before + 1


PLAN = """Child M review: action plan

| Rec no | Recommendation | Action | Lead | Target date | Outcome measure |
|---|---|---|---|---|---|
| 1 | West Midlands Police should check adults in the household. | Update the checklist | West Midlands Police | 30/09/2026 | Checklist in use |
| 1 | | Audit ten strategy discussions | West Midlands Police | ongoing | Audit report |

Recommendations

2. All partner agencies should promote the escalation policy to their staff.
3. Records should be kept of every missing episode.
"""


def test_draft_shows_each_items_source_and_doubts_and_confirm_creates_the_proposed_actions(client, login_as):
    from tests.imports_build import to_pdf
    from tracker.actions.models import Action

    partnership, police = _agencies()
    council = Agency(name="Dudley Council", short_name="DMBC", kind="agency", aliases=[])
    db.session.add(council)
    db.session.commit()
    login_as(Role.BUSINESS_UNIT)
    response = _upload(client, file=(io.BytesIO(to_pdf(PLAN)), "plan.pdf"), title="Child M")
    assert response.status_code == 302
    draft = db.session.scalar(select(ImportDraft))
    assert [(i["number"], len(i["actions"])) for i in draft.items] == [("1", 2), ("2", 0), ("3", 0)]
    page = client.get(f"/imports/drafts/{draft.id}").text
    assert page.count("Page 1") >= 3 and "All partner agencies should promote" in page
    assert "2 proposed actions, created as drafts when you confirm" in page and "Checklist in use" in page
    assert "<td class=\"govuk-table__cell\">ongoing</td>" in page  # the target date as written
    assert "(one for each agency)" in page and "addressed to each of Dudley Council, West Midlands Police" in page
    assert "items to check" in page and "No owner named in the document" in page  # item 3, "Records"
    response = client.post(f"/imports/drafts/{draft.id}", data={
        "count": "3", "op": "confirm", **{f"items-{n}-{k}": v for n, item in enumerate(draft.items)
                                         for k, v in item.items() if isinstance(v, str)}})
    assert response.status_code == 302, response.text
    review = db.session.scalar(select(Review))
    recs = {r.number: r for r in review.recommendations}
    plan_actions = sorted(recs["1"].actions, key=lambda a: a.description)
    assert [(a.description, a.owner_agency, a.due_date, a.success_measure, a.status) for a in plan_actions] == [
        ("Audit ten strategy discussions", police, factories.TODAY + timedelta(days=182),
         "Audit report", "draft"),
        ("Update the checklist", police, date(2026, 9, 30), "Checklist in use", "draft")]
    assert sorted(a.owner_agency.short_name for a in recs["2"].actions) == ["DMBC", "WMP"]
    assert sorted(a.short_name for a in recs["2"].addressees) == ["DMBC", "WMP"]
    assert _count(Action) == 4
