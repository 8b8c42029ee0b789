"""Demo data: the two real reviews in the seeds, the agencies they name, one account per role,
and actions whose dates, updates and evidence make every rating and every status appear.
Everything is built around a given day, so the demo looks the same whenever it is loaded."""

import io
import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tracker.actions import services as actions
from tracker.actions.models import Action, ActionStatus, StatusChange
from tracker.demo.accounts import DEMO_PASSWORD, LEADS, STAFF_ACCOUNTS, demo_accounts
from tracker.demo.impact import CLOSED_REVIEW, build_impact_story
from tracker.demo.workload import build_workload
from tracker.evidence.services import add_evidence
from tracker.extensions import db
from tracker.recommendations.models import Recommendation, RecommendationResponse, number_sort_key
from tracker.reviews.models import KEY_DATES, LearningPoint, Review, ReviewStatus
from tracker.library.listing import keyword_key, parse_listing
from tracker.library.services import import_listing
from tracker.themes.models import Theme, ThemeAlias
from tracker.reviews.services import response_deadline
from tracker.settings import Settings
from tracker.users.models import Agency, Role, User
from tracker.users.services import create_user

SEED_FILE = Path(__file__).with_name("seed_data.json")
#: The national case review repository listing from the seeds, loaded into the library.
LISTING_FILE = Path(__file__).with_name("national_listing.txt")
#: Library keywords that mean one of the demo's own themes: what an administrator would do with
#: a few merges, done up front so that the demo reviews meet the library through shared themes.
KEYWORD_THEMES = {
    "child neglect": "Neglect", "neglect": "Neglect", "family violence": "Domestic abuse",
    "partner violence": "Domestic abuse", "voice of the child": "Lived experience of the child",
    "suicide": "Suicide and self-harm", "self harm": "Suicide and self-harm",
    "sudden infant death": "Sudden unexpected death in infancy", "sleeping behaviour": "Safe sleep",
    "non-accidental head injuries": "Non-accidental head injury", "physical abuse": "Physical abuse and injuries",
    "parents with a mental health problem": "Parental mental health", "substance misuse": "Parental substance misuse",
    "fathers": "Think family / fathers", "disguised compliance": "Disguised compliance and non-engagement",
    "threshold criteria": "Assessment and thresholds", "interagency cooperation": "Multi-agency working",
    "adverse childhood experiences": "Adverse childhood experiences and trauma", "coronavirus": "COVID-19 pandemic",
    "home environment": "Home conditions", "exclusion from school": "Children missing education",
    "transient families": "Housing and transient families",
}
#: Board recommendations addressed only to the partnership are given to an agency to deliver.
BOARD_OWNERS = {
    ("CSPR-2021-01", "1"): "DSPP", ("CSPR-2021-01", "2"): "LEA", ("CSPR-2021-01", "3"): "CSC",
    ("CSPR-2021-01", "4"): "LEA", ("SCR-2016-01", "1"): "CSC", ("SCR-2016-01", "2"): "CSC",
    ("SCR-2016-01", "3"): "DSPP", ("SCR-2016-01", "4"): "DGFT", ("SCR-2016-01", "5"): "BCPFT",
    ("SCR-2016-01", "6"): "WMP", ("SCR-2016-01", "7"): "DCCG", ("SCR-2016-01", "8"): "DSPP",
    ("SCR-2016-01", "9"): "DSPP",
}

SCENARIOS = [
    "red_overdue", "green_on_track", "amber_due_soon", "assured", "submitted", "amber_stale",
    "red_reported", "returned", "amber_reported", "assured_late", "open_new", "draft", "green_on_track",
    "withdrawn", "red_overdue", "superseded", "submitted", "assured",
]

NARRATIVES = {
    "green": "Work is on plan. The revised guidance has been drafted and is with the {agency} "
             "safeguarding lead for sign-off; briefings for practitioners are booked.",
    "amber": "Delivery is at risk: two of the four planned practitioner sessions were cancelled because of "
             "staff shortages in {agency}. New dates are being sought and the audit has been scheduled.",
    "red": "Off track. The case-file audit that was to show the change has not started because the "
           "{agency} audit lead post is vacant. Escalated to the executive lead; a revised plan will follow.",
}


def _load() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def build_demo(today: date) -> str:
    data = _load()
    agencies = {}
    for item in data["agencies"]:
        agency = Agency(name=item["name"], short_name=item["short_name"], kind=item["kind"],
                        aliases=item.get("aliases", []))
        db.session.add(agency)
        agencies[item["name"]] = agency
    by_short = {a.short_name: a for a in agencies.values()}
    themes = {}
    for item in data["themes"]:
        themes[item["name"]] = Theme(name=item["name"], description=item.get("description", ""))
        db.session.add(themes[item["name"]])
    db.session.flush()

    users = {}
    for email, name, role, _ in STAFF_ACCOUNTS:
        users[email] = create_user(email=email, name=name, role=role.value, agency=None, password=DEMO_PASSWORD)
    leads = {}
    for short, email, name in LEADS:
        leads[short] = create_user(email=email, name=name, role=Role.AGENCY_LEAD, agency=by_short[short],
                                   password=DEMO_PASSWORD)
    officer = users["business.unit@example.org"]
    manager = users["business.manager@example.org"]

    recommendations = []
    for item in data["reviews"]:
        review = Review(reference=item["reference"], title=item["title"], review_type=item["review_type"],
                        status=ReviewStatus.PUBLISHED, lead_reviewer=item.get("lead_reviewer") or "",
                        summary=item.get("summary", ""), source_document=item.get("source_document", ""))
        for field, _ in KEY_DATES:
            value = item.get("key_dates", {}).get(field)
            setattr(review, field, date.fromisoformat(value) if value else None)
        review.response_deadline = response_deadline(review.published_date, None, Settings.response_days)
        review.themes = [themes[name] for name in item.get("themes", [])]
        db.session.add(review)
        for n, lp in enumerate(item.get("learning_points", [])):
            shared = ("briefing", "training", None)[n % 3]
            review.learning_points.append(LearningPoint(
                number=lp["number"], text=lp["text"], shared_how=shared,
                shared_date=today - timedelta(days=200 - 40 * n) if shared else None))
        for n, rec in enumerate(item["recommendations"]):
            recommendation = Recommendation(
                review=review, number=rec["number"], sort_key=number_sort_key(rec["number"]), text=rec["text"],
                kind=rec["kind"], addressees=[agencies[name] for name in rec["addressed_to"]],
                themes=[themes[name] for name in rec.get("themes", [])])
            for i, agency in enumerate(recommendation.addressees):
                # A few recommendations still lack every formal response, a few lack their second addressee's.
                if n % 7 == 5 or (n % 5 == 2 and i == 1):
                    continue
                response = "partly_accepted" if n % 11 == 3 else "accepted"
                lead = leads.get(agency.short_name)
                recommendation.responses.append(RecommendationResponse(
                    agency=agency, response=response, response_date=today - timedelta(days=400 - n),
                    reasons="" if response == "accepted"
                    else "Accepted in part: the audit element will be met through the existing audit programme.",
                    recorded_by=lead or officer))
            db.session.add(recommendation)
            recommendations.append((item["reference"], recommendation))
    db.session.flush()

    counts: dict[str, int] = {}
    for n, (reference, recommendation) in enumerate(recommendations):
        owner = _owner(reference, recommendation, by_short)
        # The first review's work is done: all assured, so the board can close it (tracker.demo.impact).
        scenario = "assured" if reference == CLOSED_REVIEW else SCENARIOS[n % len(SCENARIOS)]
        _build_action(recommendation, owner, leads.get(owner.short_name), scenario, n, today, officer, manager)
        counts[scenario] = counts.get(scenario, 0) + 1
    db.session.flush()
    build_impact_story(today, officer, manager)
    build_workload(today, officer, users["scrutineer@example.org"])
    db.session.flush()
    library = build_library(themes)
    total = db.session.scalar(select(db.func.count()).select_from(Action))
    return (f"{len(data['reviews'])} reviews, {len(recommendations)} recommendations, {total} actions, "
            f"{len(agencies)} agencies, {len(themes) + library.themes_created} themes, "
            f"{library.total} published reviews in the library")


def build_library(themes: dict[str, Theme]):
    """The library from the seeds' national listing, its recurring keywords made themes; a few
    keywords folded into the demo's own themes first (KEYWORD_THEMES)."""
    for keyword, theme_name in KEYWORD_THEMES.items():
        db.session.add(ThemeAlias(key=keyword_key(keyword), name=keyword, theme_id=themes[theme_name].id))
    db.session.flush()
    return import_listing(parse_listing(LISTING_FILE.read_text(encoding="utf-8")))


def _owner(reference: str, recommendation: Recommendation, by_short: dict[str, Agency]) -> Agency:
    if (reference, recommendation.number) in BOARD_OWNERS:
        return by_short[BOARD_OWNERS[(reference, recommendation.number)]]
    for agency in recommendation.addressees:
        if agency.kind == "agency":
            return agency
    return by_short["DSPP"]


def _evidence_file(name: str, text: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(text.encode("utf-8")), filename=name, content_type="text/plain")


def _build_action(rec: Recommendation, owner: Agency, lead: User | None, scenario: str, n: int, today: date,
                  officer: User, manager: User) -> None:
    actor = lead or officer
    agency = owner.short_name
    plan = {
        "red_overdue": (-41, -220), "green_on_track": (150, -100), "amber_due_soon": (10, -150),
        "assured": (-20, -300), "submitted": (25, -200), "amber_stale": (160, -260), "red_reported": (70, -120),
        "returned": (45, -240), "amber_reported": (95, -100), "assured_late": (-150, -400),
        "open_new": (200, -12), "draft": (240, -3), "withdrawn": (90, -180), "superseded": (60, -210),
    }[scenario]
    due, opened = today + timedelta(days=plan[0]), today + timedelta(days=plan[1])
    description = _description(rec, owner)
    action = actions.create_action(
        rec, description=description, owner=owner, lead=lead, due_date=due,
        success_measure=_success_measure(rec), by=officer, today=opened, open_now=scenario != "draft")
    moments: dict[str, date] = {}
    if scenario == "draft":
        _backdate(action, opened, moments)
        return

    def update(days_ago: int, rating: str, day: date = today) -> None:
        actions.record_progress(action, by=actor, narrative=NARRATIVES[rating].format(agency=owner.name),
                                proposed_rating=rating, update_date=day - timedelta(days=days_ago), today=day)

    def evidence(kind: str, title: str, days_ago: int, day: date = today, as_file: bool = True) -> None:
        if as_file:
            upload = _evidence_file(f"{agency.lower()}-{kind}-{action.id}.txt",
                                    f"{title}\n\nSupplied by {owner.name} for action {action.id}.\n")
            add_evidence(action, by=actor, kind=kind, title=title, description="", today=day,
                         effective_date=day - timedelta(days=days_ago), upload=upload, max_bytes=20 * 1024 * 1024)
        else:
            add_evidence(action, by=actor, kind=kind, title=title, description="", today=day,
                         effective_date=day - timedelta(days=days_ago),
                         link_url=f"https://safeguarding.example.org/{agency.lower()}/evidence/{action.id}",
                         max_bytes=20 * 1024 * 1024)

    if scenario == "red_overdue":
        update(130, "green")
    elif scenario in ("green_on_track", "amber_due_soon"):
        update(75, "green")
        update(20, "green")
    elif scenario == "amber_stale":
        update(120, "green")
    elif scenario == "red_reported":
        update(60, "green")
        update(5, "red")
    elif scenario == "amber_reported":
        update(10, "amber")
    elif scenario in ("withdrawn", "superseded"):
        update(90, "amber")
        reason = ("Withdrawn: the service this action relied on was decommissioned in March; the learning is "
                  "carried by the partnership's neglect strategy." if scenario == "withdrawn"
                  else f"Superseded by the partnership's revised escalation protocol, which covers this for {agency}.")
        actions.close_action(action, ActionStatus(scenario), officer, reason, today - timedelta(days=30))
        moments["closed"] = today - timedelta(days=30)
    elif scenario in ("submitted", "returned"):
        update(90, "green")
        update(30, "green")
        evidence("completion", "Briefing delivered to practitioners: attendance register", 40)
        evidence("impact", "Case-file audit: genograms present in 17 of 20 files (85%), up from 4 of 20",
                 15, as_file=False)
        actions.submit_for_assurance(action, actor, today - timedelta(days=7))
        moments["submitted"] = today - timedelta(days=7)
        if scenario == "returned":
            moments["decided"] = today - timedelta(days=2)
            actions.return_action(action, manager, "The audit sample is from one team only. Please repeat it "
                                  "across the locality teams before we can accept this as impact.", today)
    elif scenario in ("assured", "assured_late"):
        decided = today - timedelta(days=35) if scenario == "assured" else today - timedelta(days=60)
        if scenario == "assured_late":
            actions.move_due_date(action, today - timedelta(days=90),
                                  "Training programme delayed by the move to the new case recording system.",
                                  officer)
        update(120, "green", decided)
        evidence("completion", "Revised procedure published on the partnership website", 100, decided)
        evidence("impact", "Re-audit shows the revised practice in 85% of sampled cases", 50, decided)
        actions.submit_for_assurance(action, actor, decided - timedelta(days=14))
        moments["submitted"], moments["decided"] = decided - timedelta(days=14), decided
        # A late action gets an early check that the change has lasted, so the demo has impact reviews due.
        actions.accept_action(action, manager, "Completion and impact evidence seen and accepted; the "
                              "re-audit is a sound sample across teams.", decided,
                              impact_review_months=1 if scenario == "assured_late" else Settings.impact_review_months)
    _backdate(action, opened, moments)


def _at(day: date, hour: int = 10):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(hour, 15), tzinfo=UTC)


def _backdate(action: Action, opened: date, moments: dict[str, date]) -> None:
    """The services stamp records with the time they ran; give them the times the story says."""
    first_update = min((u.update_date for u in action.updates), default=opened)
    for update in action.updates:
        update.created_at = _at(update.update_date, 14)
    for item in action.evidence:
        item.created_at = _at(item.effective_date, 15)
    for change in action.due_date_changes:
        change.changed_at = _at(first_update)
    for change in action.status_changes:
        to = ActionStatus(change.to_status)
        if to in (ActionStatus.DRAFT, ActionStatus.OPEN):
            change.changed_at = _at(opened, 9)
        elif to is ActionStatus.IN_PROGRESS and change.from_status == ActionStatus.OPEN:
            change.changed_at = _at(first_update, 14)
        elif to is ActionStatus.SUBMITTED:
            change.changed_at = _at(moments["submitted"], 11)
        elif to in (ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED):
            change.changed_at = _at(moments["closed"], 12)
        else:  # assured, or returned to in progress
            change.changed_at = _at(moments["decided"], 16)
    if action.submitted_at:
        action.submitted_at = _at(moments["submitted"], 11)
    if action.assured_at:
        action.assured_at = _at(moments["decided"], 16)
    for decision in action.decisions:
        decision.decided_at = _at(moments["decided"], 16)


def _description(rec: Recommendation, owner: Agency) -> str:
    """The first sentence of the recommendation, as the agency's action."""
    first = rec.text.rstrip(".").split(". ")[0].strip()
    if len(first) > 240:
        first = first[:237].rsplit(" ", 1)[0] + "..."
    return first[0].upper() + first[1:] + ("" if first.endswith("...") else ".")


def _success_measure(rec: Recommendation) -> str:
    return ("A case-file audit six months after implementation shows the change in at least 80% of "
            "sampled cases, reported to the Learning and Improvement Group.")


__all__ = ["DEMO_PASSWORD", "build_demo", "demo_accounts", "StatusChange"]
