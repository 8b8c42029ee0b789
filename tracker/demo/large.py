"""Ten years of a large partnership, for load and performance checks: about 400 reviews, 4,000
recommendations, 12,000 actions, 60,000 progress updates and 300 users.

It starts from the ordinary demo (the two real reviews and the demo accounts) and adds synthetic
reviews around it with bulk Core inserts (`session.execute(insert(Model), rows)`), which are fast and
bypass the per-object audit listener (it only sees objects in a flush). The rows keep the rules the
services keep: every action has its status changes from draft onwards, status timestamps match its
status, `original_due_date` is the first due date and every move is a DueDateChange, and
`last_update_date` / `last_proposed_rating` match the latest progress update. The same seed and day
give the same data."""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from tracker.actions.models import (
    Action, ActionStatus, AssuranceDecision, DueDateChange, ProgressUpdate, StatusChange,
)
from tracker.demo.builder import DEMO_PASSWORD, build_demo
from tracker.evidence.models import Evidence
from tracker.demo.impact import large_measures
from tracker.measures.models import Measure, Measurement
from tracker.extensions import db
from tracker.recommendations.models import (
    Recommendation, RecommendationResponse, number_sort_key, recommendation_addressees,
)
from tracker.reviews.models import LearningPoint, Review, ReviewStatus
from tracker.themes.models import Theme, recommendation_themes, review_themes
from tracker.users.models import STAFF_ROLES, Agency, Role, User

S = ActionStatus

EXTRA_AGENCIES = [
    ("Dudley Council Adult Social Care", "ASC"), ("Dudley Council Housing Services", "DCHS"),
    ("Dudley Integrated Health and Care NHS Trust", "DIHC"), ("Black Country Women's Aid", "BCWA"),
    ("Dudley Council Public Health", "PH"), ("West Midlands Fire Service", "WMFS"),
    ("Dudley Youth Justice Service", "YJS"), ("Dudley Council Early Help", "EH"),
    ("Dudley College of Technology", "DCT"), ("Change Grow Live Dudley", "CGL"),
    ("Dudley Council Special Educational Needs Service", "SEND"), ("Dudley Citizens Advice", "CAB"),
]
EXTRA_THEMES = [
    "Transitions to adulthood", "Self-neglect", "Financial abuse", "Modern slavery", "Online harm",
    "Private fostering", "Hospital discharge", "Care homes", "Forced marriage and honour-based abuse",
    "Elective home education",
]
FIRST = ["Alex", "Sam", "Jo", "Chris", "Priya", "Aisha", "Tom", "Kate", "Dan", "Nina", "Mark", "Lucy", "Ruth",
         "Helen", "Omar", "Grace", "Imran", "Claire", "Gareth", "Fatima", "Owen", "Megan", "Raj", "Sian",
         "Tariq", "Beth", "Callum", "Hannah", "Kwame", "Zara"]
LAST = ["Hall", "Bennett", "Lopez", "Reid", "Khan", "Ellis", "Ward", "Price", "Shaw", "Bishop", "Morgan",
        "Shah", "Okafor", "Adams", "Patel", "Jones", "Evans", "Hughes", "Begum", "Clarke", "Turner", "Wright",
        "Singh", "Walker", "Green", "Baker", "Hussain", "Lewis", "Mensah", "Doyle"]
TYPES = [("cspr", "CSPR", 30), ("rapid_review", "RR", 25), ("scr", "SCR", 10), ("sar", "SAR", 12),
         ("dhr", "DHR", 10), ("silp", "SILP", 6), ("local_learning", "LLR", 4), ("thematic", "TR", 2),
         ("special_practice", "SPR", 1)]
SUBJECTS = ["Child", "Baby", "Adult", "Family", "Sibling group", "Young person"]
REC_OPENINGS = [
    "The partnership should seek assurance that", "All partner agencies should ensure that",
    "{agency} should review its procedures so that", "{agency} should provide training so that",
    "The Learning and Improvement Group should audit whether", "{agency} should strengthen supervision so that",
]
REC_ENDS = [
    "practitioners consider the lived experience of the child at every contact",
    "information about fathers and other significant adults is sought and recorded",
    "escalation is used when a concern is not acted on within the agreed timescale",
    "family history is gathered and a genogram is used in assessments",
    "missed health appointments are followed up and shared with the lead professional",
    "the impact of parental substance misuse on the children is assessed",
    "safe sleep advice is given and recorded at each contact with the family",
    "strategy discussions include every agency that knows the family",
    "referrals that do not meet the threshold receive a clear response and signposting",
    "the voice of the adult is recorded and shapes the safeguarding plan",
]
SENTENCES = [
    "The revised procedure has been drafted and circulated to team managers for comment.",
    "Practitioner briefings were delivered in three localities; attendance was 78%.",
    "A case-file audit is planned for the next quarter to test whether practice has changed.",
    "Staff shortages in the team have delayed the training programme by six weeks.",
    "The policy was approved by the executive group and published on the intranet.",
    "Supervision templates now prompt managers to discuss the child's daily lived experience.",
    "The audit sample showed the change in 14 of 20 files; the remaining six were reviewed with the teams.",
    "We are waiting for the regional procedures group to agree the wording before we publish.",
    "A seven-minute briefing has been written and shared through the partnership newsletter.",
    "Escalation data for the last quarter has been reported to the Learning and Improvement Group.",
    "The new recording system went live, so the audit has been moved back by a month.",
    "Training has been added to the induction programme for all new starters.",
]


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(low, high)))


@dataclass
class Ids:
    """The next primary key of each table: rows are linked before they are inserted."""

    next: dict

    @classmethod
    def load(cls, models) -> "Ids":
        return cls({m: (db.session.scalar(select(func.max(m.id))) or 0) + 1 for m in models})

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def build_large(today: date, seed: int = 1, *, reviews: int = 398, target_actions: int = 12000) -> str:
    """The demo plus synthetic reviews to make about 400 reviews and 12,000 actions."""
    build_demo(today)
    db.session.commit()
    rng = random.Random(seed)
    models = (Agency, Theme, User, Review, LearningPoint, Recommendation, RecommendationResponse, Action, StatusChange,
              ProgressUpdate, DueDateChange, AssuranceDecision, Evidence)
    ids = Ids.load(models)

    # Agencies and themes: the seeds' and a few more, as a large partnership has.
    rows = [{"id": ids.take(Agency), "name": name, "short_name": short, "kind": "agency", "aliases": [],
             "active": True, "created_at": _at(today - timedelta(days=3650))} for name, short in EXTRA_AGENCIES]
    db.session.execute(insert(Agency), rows)
    rows = [{"id": ids.take(Theme), "name": name, "description": ""} for name in EXTRA_THEMES]
    db.session.execute(insert(Theme), rows)
    agencies = list(db.session.scalars(select(Agency).where(Agency.kind == "agency").order_by(Agency.id)))
    # Police, health and children's social care own most actions; the smaller agencies few.
    weights = [max(1, 12 - 2 * (n % 6)) if n < 6 else rng.randint(1, 4) for n in range(len(agencies))]
    theme_ids = list(db.session.scalars(select(Theme.id).order_by(Theme.id)))
    theme_weights = [1 / (1 + n) ** 0.7 for n in range(len(theme_ids))]
    rng.shuffle(theme_weights)

    # Users: about 300 in all, mostly agency leads; a few disabled.
    existing = db.session.scalar(select(func.count()).select_from(User))
    password_hash = generate_password_hash(DEMO_PASSWORD)
    staff = [(Role.BUSINESS_UNIT, 10), (Role.BOARD_MEMBER, 14), (Role.SCRUTINEER, 4), (Role.ADMIN, 2)]
    user_rows = []
    for role, count in staff:
        for _ in range(count):
            user_rows.append((role, None))
    while existing + len(user_rows) < 300:
        user_rows.append((Role.AGENCY_LEAD, rng.choices(agencies, weights)[0]))
    leads_by_agency: dict[int, list[int]] = {}
    staff_ids: list[int] = list(db.session.scalars(select(User.id).where(
        User.role.in_(STAFF_ROLES))))
    rows = []
    for n, (role, agency) in enumerate(user_rows):
        uid = ids.take(User)
        first, last = FIRST[n % len(FIRST)], LAST[(n * 7 + n // len(FIRST)) % len(LAST)]
        rows.append({"id": uid, "email": f"{first}.{last}.{uid}@example.org".lower(), "name": f"{first} {last}",
                     "role": role.value, "agency_id": agency.id if agency else None, "password_hash": password_hash,
                     "active": rng.random() > 0.05, "session_version": 1,
                     "created_at": _at(today - timedelta(days=rng.randint(30, 3650)))})
        if role is Role.AGENCY_LEAD:
            leads_by_agency.setdefault(agency.id, []).append(uid)
        elif role is Role.BUSINESS_UNIT:
            staff_ids.append(uid)
    for uid, agency_id in db.session.execute(select(User.id, User.agency_id).where(
            User.role == Role.AGENCY_LEAD)):
        leads_by_agency.setdefault(agency_id, []).append(uid)
    db.session.execute(insert(User), rows)

    # Reviews over ten years, each with its recommendations and their actions.
    out = {m: [] for m in models}
    links = {"review_themes": [], "recommendation_themes": [], "recommendation_addressees": []}
    actions_per_review = target_actions / reviews
    for r in range(reviews):
        published = today - timedelta(days=int(3650 * (1 - (r + rng.random()) / reviews)) + 20)
        kind, prefix, _ = rng.choices(TYPES, [t[2] for t in TYPES])[0]
        review_id = ids.take(Review)
        status = ReviewStatus.CLOSED if (today - published).days > 2000 and rng.random() < 0.6 else \
            ReviewStatus.PUBLISHED
        late = (today - published).days < 200
        if late and rng.random() < 0.5:
            status = rng.choice([ReviewStatus.NOTIFIED, ReviewStatus.RAPID_REVIEW, ReviewStatus.COMMISSIONED,
                                 ReviewStatus.DRAFTING, ReviewStatus.SIGNED_OFF]).value
        incident = published - timedelta(days=rng.randint(300, 700))
        dates = {"incident_date": incident, "notification_date": incident + timedelta(days=rng.randint(1, 5)),
                 "rapid_review_date": incident + timedelta(days=rng.randint(10, 20)),
                 "decision_date": incident + timedelta(days=rng.randint(21, 40)),
                 "commissioned_date": incident + timedelta(days=rng.randint(45, 90)),
                 "draft_date": published - timedelta(days=rng.randint(60, 120)),
                 "board_signoff_date": published - timedelta(days=rng.randint(10, 50)),
                 "published_date": published}
        if status not in (ReviewStatus.PUBLISHED, ReviewStatus.CLOSED):
            order = ["notified", "rapid_review", "commissioned", "drafting", "signed_off"]
            keep = order.index(status) + 2
            for name in list(dates)[keep + 1:]:
                dates[name] = None
        subject = rng.choice(SUBJECTS)
        out[Review].append({
            "id": review_id, "reference": f"{prefix}-{published.year}-{r:03d}",
            "title": f"{subject} {chr(65 + r % 26)}{r // 26 or ''}: " + rng.choice(REC_ENDS).split(" ", 1)[1][:120],
            "review_type": kind, "status": status, "lead_reviewer": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "summary": _text(rng, 1, 6), "source_document": "", "created_at": _at(incident + timedelta(days=3)),
            **dates, "response_deadline": published + timedelta(days=28) if dates["published_date"] else None,
        })
        themes = set(rng.choices(theme_ids, theme_weights, k=rng.randint(1, 4)))
        links["review_themes"] += [{"review_id": review_id, "theme_id": t} for t in themes]
        for n in range(rng.randint(0, 6)):
            shared = rng.choice([None, "briefing", "training", "event", "newsletter"])
            out[LearningPoint].append({
                "id": ids.take(LearningPoint), "review_id": review_id, "number": n + 1, "text": _text(rng, 1, 3),
                "shared_how": shared,
                "shared_date": min(today, published + timedelta(days=rng.randint(10, 200))) if shared else None})
        if status in (ReviewStatus.NOTIFIED, ReviewStatus.RAPID_REVIEW,
                      ReviewStatus.COMMISSIONED, ReviewStatus.DRAFTING):
            continue
        action_budget = max(1, int(rng.gauss(actions_per_review * 1.04, actions_per_review / 3)))
        rec_count = max(1, round(action_budget / 3))
        for number in range(1, rec_count + 1):
            addressees = list({a.id: a for a in rng.choices(agencies, weights, k=rng.randint(1, 3))}.values())
            rec_id = ids.take(Recommendation)
            opening = rng.choice(REC_OPENINGS).format(agency=addressees[0].name)
            text_ = f"{opening} {rng.choice(REC_ENDS)}. " + _text(rng, 0, 3)
            responded = status != ReviewStatus.SIGNED_OFF or rng.random() < 0.3
            out[Recommendation].append({
                "id": rec_id, "review_id": review_id, "number": str(number), "sort_key": number_sort_key(str(number)),
                "text": text_.strip(), "kind": "single_agency" if len(addressees) == 1 and rng.random() < .5
                else "partnership", "created_at": _at(published)})
            for agency in addressees if responded else ():
                answered_on = min(today, published + timedelta(days=rng.randint(5, 60)))
                out[RecommendationResponse].append({
                    "id": ids.take(RecommendationResponse), "recommendation_id": rec_id, "agency_id": agency.id,
                    "response": rng.choices(["accepted", "partly_accepted", "not_accepted"], [85, 12, 3])[0],
                    "reasons": f"Response of {agency.name} agreed by its safeguarding lead.",
                    "response_date": answered_on, "recorded_by_id": None, "recorded_at": _at(answered_on)})
            links["recommendation_addressees"] += [{"recommendation_id": rec_id, "agency_id": a.id}
                                                   for a in addressees]
            rec_themes = set(rng.sample(sorted(themes), rng.randint(1, len(themes))))
            if rng.random() < 0.2:
                rec_themes.add(rng.choices(theme_ids, theme_weights)[0])
            links["recommendation_themes"] += [{"recommendation_id": rec_id, "theme_id": t} for t in rec_themes]
            for _ in range(max(1, round(rng.gauss(3, 1)))):
                owner = rng.choice(addressees)
                _action(rng, out, ids, today, review_id, rec_id, owner.id, leads_by_agency.get(owner.id, []),
                        staff_ids, published, status == ReviewStatus.SIGNED_OFF)

    for model in models:
        if out[model]:
            for start in range(0, len(out[model]), 5000):
                db.session.execute(insert(model), out[model][start:start + 5000])
    db.session.execute(insert(review_themes), links["review_themes"])
    db.session.execute(insert(recommendation_themes), links["recommendation_themes"])
    db.session.execute(insert(recommendation_addressees), links["recommendation_addressees"])
    large_measures(rng, today)
    if db.engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
        for model in (*models, Measure, Measurement):
            table = model.__table__.name
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT MAX(id) FROM {table}))"))
    counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
              for m in (Review, Recommendation, Action, ProgressUpdate, User)}
    return (f"{counts['Review']} reviews, {counts['Recommendation']} recommendations, {counts['Action']} actions, "
            f"{counts['ProgressUpdate']} progress updates, {counts['User']} users")


def _action(rng: random.Random, out: dict, ids: Ids, today: date, review_id: int, rec_id: int, owner_id: int,
            leads: list[int], staff_ids: list[int], published: date, signed_off_only: bool) -> None:
    action_id = ids.take(Action)
    lead = rng.choice(leads) if leads and rng.random() < 0.9 else None
    officer = rng.choice(staff_ids)
    created = min(today, published + timedelta(days=rng.randint(0, 20)))
    opened = min(today, created + timedelta(days=rng.randint(0, 30)))
    due = opened + timedelta(days=rng.randint(60, 540))
    age = (today - opened).days
    # Older actions are mostly finished; newer ones are live, spread across the workflow.
    if signed_off_only:
        status = rng.choices([S.DRAFT, S.OPEN, S.IN_PROGRESS], [3, 4, 3])[0]
    elif age > 1100:
        status = rng.choices([S.ASSURED, S.WITHDRAWN, S.SUPERSEDED, S.IN_PROGRESS, S.SUBMITTED],
                             [86, 4, 4, 5, 1])[0]
    elif age > 400:
        status = rng.choices([S.ASSURED, S.IN_PROGRESS, S.SUBMITTED, S.WITHDRAWN, S.SUPERSEDED, S.OPEN],
                             [55, 25, 8, 4, 3, 5])[0]
    else:
        status = rng.choices([S.OPEN, S.IN_PROGRESS, S.SUBMITTED, S.ASSURED, S.DRAFT, S.WITHDRAWN],
                             [15, 60, 10, 8, 5, 2])[0]
    if status in (S.ASSURED, S.SUBMITTED, S.IN_PROGRESS, S.WITHDRAWN, S.SUPERSEDED) and age < 20:
        status = S.OPEN
    changes = [(None, S.DRAFT, "", officer, _at(created, 9))]
    row = {
        "id": action_id, "recommendation_id": rec_id, "review_id": review_id,
        "description": _text(rng, 1, 3), "owner_agency_id": owner_id, "lead_id": lead,
        "success_measure": rng.choice(["", "A case-file audit shows the change in at least 80% of sampled cases.",
                                       "Attendance of 90% of the staff group at the briefing, and a re-audit."]),
        "original_due_date": due, "due_date": due, "status": status.value, "status_reason": "",
        "opened_date": None, "submitted_at": None, "submitted_by_id": None, "assured_at": None,
        "assured_date": None, "completed_late": False, "last_update_date": None, "last_proposed_rating": None,
        "created_by_id": officer, "created_at": _at(created, 9), "updated_at": _at(created, 9),
    }
    out[Action].append(row)
    if status is S.DRAFT:
        _finish(out, ids, action_id, changes)
        return
    row["opened_date"] = opened
    changes.append((S.DRAFT, S.OPEN, "", officer, _at(opened, 9, 30)))
    # When the work stopped: assured or submitted around the due date, closed at some point.
    end = today
    if status in (S.ASSURED, S.SUBMITTED, S.WITHDRAWN, S.SUPERSEDED):
        span = max(10, (min(today, due + timedelta(days=120)) - opened).days)
        end = opened + timedelta(days=rng.randint(max(5, span // 2), span))
        end = min(end, today - timedelta(days=1)) if status is not S.SUBMITTED else \
            today - timedelta(days=rng.randint(1, 40))
        end = max(end, opened + timedelta(days=3))
    actor = lead or officer
    n_updates = 0 if status is S.OPEN else {
        S.IN_PROGRESS: rng.randint(1, 10), S.SUBMITTED: rng.randint(2, 8), S.ASSURED: rng.randint(2, 9),
        S.WITHDRAWN: rng.randint(1, 4), S.SUPERSEDED: rng.randint(1, 4)}[status]
    window = max(1, (end - opened).days)
    days = sorted(rng.sample(range(1, window + 1), min(n_updates, window)))
    rating = "green"
    for n, offset in enumerate(days):
        day = opened + timedelta(days=offset)
        late = day > due
        rating = rng.choices(["green", "amber", "red"], [3, 3, 4] if late else [14, 4, 1])[0]
        narrative = "" if rating == "green" and rng.random() < 0.3 else _text(rng, 1, 5)
        out[ProgressUpdate].append({
            "id": ids.take(ProgressUpdate), "action_id": action_id, "author_id": actor, "update_date": day,
            "narrative": narrative, "proposed_rating": rating, "created_at": _at(day, 14, n % 60)})
        if n == 0:
            changes.append((S.OPEN, S.IN_PROGRESS, "", actor, _at(day, 14, n % 60)))
    if days:
        row["last_update_date"] = opened + timedelta(days=days[-1])
        row["last_proposed_rating"] = rating
        row["updated_at"] = _at(row["last_update_date"], 14)
    # A due date moved once in a while, always before the action was submitted or closed.
    live = status in (S.OPEN, S.IN_PROGRESS)
    if window > 2 and (rng.random() < 0.15 or (live and due < today and rng.random() < 0.6)):
        new_due = due + timedelta(days=rng.randint(30, 180))
        if live and new_due < today:  # long-running live work has usually been given a new date
            new_due = today + timedelta(days=rng.randint(-45, 300))
        moved = opened + timedelta(days=rng.randint(1, max(1, window // 2)))
        out[DueDateChange].append({
            "id": ids.take(DueDateChange), "action_id": action_id, "old_date": due, "new_date": new_due,
            "reason": "Delayed by staffing changes; the executive group agreed a new date.",
            "changed_by_id": officer, "changed_at": _at(moved, 12)})
        row["due_date"] = new_due
    if status in (S.SUBMITTED, S.ASSURED):
        prev = S.IN_PROGRESS if days else S.OPEN
        returned = status is S.ASSURED and prev is S.IN_PROGRESS and rng.random() < 0.15
        not_before = opened + timedelta(days=days[-1] if days else 1)
        if returned:
            first_submit = end - timedelta(days=rng.randint(10, 20)) if window > 25 else end
            if first_submit > opened + timedelta(days=days[-1]):
                changes.append((S.IN_PROGRESS, S.SUBMITTED, "", actor, _at(first_submit, 11)))
                reason = "The audit covers one team only; please repeat it across the locality teams."
                changes.append((S.SUBMITTED, S.IN_PROGRESS, reason, officer, _at(first_submit, 16)))
                out[AssuranceDecision].append({
                    "id": ids.take(AssuranceDecision), "action_id": action_id, "decision": "returned",
                    "reason": reason, "decided_by_id": officer, "decided_at": _at(first_submit, 16)})
                not_before = first_submit + timedelta(days=1)
        submitted = end if status is S.SUBMITTED else end - timedelta(days=rng.randint(1, 14))
        submitted = max(submitted, not_before)
        submitter = lead or officer
        changes.append((prev, S.SUBMITTED, "", submitter, _at(submitted, 11)))
        row["submitted_at"], row["submitted_by_id"] = _at(submitted, 11), submitter
        for kind, title in (("completion", "Briefing delivered: attendance register"),
                            ("impact", "Re-audit of case files shows the change in practice")):
            day = submitted - timedelta(days=rng.randint(0, 10))
            out[Evidence].append({
                "id": ids.take(Evidence), "action_id": action_id, "kind": kind, "title": title, "description": "",
                "link_url": f"https://safeguarding.example.org/evidence/{action_id}/{kind}", "stored_name": None,
                "original_filename": None, "content_type": None, "size_bytes": None, "sha256": None,
                "supplied_by_id": submitter, "effective_date": day, "created_at": _at(day, 15)})
        if status is S.ASSURED:
            decided = max(submitted + timedelta(days=rng.randint(3, 30)), submitted)
            decided = min(decided, today)
            decider = next(s for s in rng.sample(staff_ids, len(staff_ids)) if s != submitter)
            reason = "Completion and impact evidence seen and accepted."
            changes.append((S.SUBMITTED, S.ASSURED, reason, decider, _at(decided, 16)))
            out[AssuranceDecision].append({
                "id": ids.take(AssuranceDecision), "action_id": action_id, "decision": "accepted",
                "reason": reason, "decided_by_id": decider, "decided_at": _at(decided, 16)})
            row.update(submitted_at=_at(submitted, 11), assured_at=_at(decided, 16), assured_date=decided,
                       completed_late=decided > row["original_due_date"], status_reason=reason)
    elif status in (S.WITHDRAWN, S.SUPERSEDED):
        reason = ("Withdrawn: the service this relied on was decommissioned." if status is S.WITHDRAWN
                  else "Superseded by the partnership's revised multi-agency procedure.")
        changes.append((S.IN_PROGRESS if days else S.OPEN, status, reason, officer, _at(end, 12)))
        row["status_reason"] = reason
    _finish(out, ids, action_id, changes)


def _finish(out: dict, ids: Ids, action_id: int, changes: list) -> None:
    for src, to, reason, by, at in changes:
        out[StatusChange].append({
            "id": ids.take(StatusChange), "action_id": action_id, "from_status": src.value if src else None,
            "to_status": to.value, "reason": reason, "changed_by_id": by, "changed_at": at})
