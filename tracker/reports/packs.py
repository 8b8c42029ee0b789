"""Per-agency packs: for each agency, its own recommendations, actions, ratings with their reasons, what
is overdue and what is asked of it, as DOCX and PDF; all agencies in one zip.

The report data is gathered ONCE for every agency (build_report_data, a fixed number of queries) and
split by agency here, so a run over the ten-year data costs one gathering, not one per agency. The
agencies' PDFs are laid out by two limited renderer processes sharing them (render.htmls_to_pdfs, each
taking a run of agencies), the DOCX in this one.
Runs happen in the queue worker, never in a web worker. The zip is kept in the file store (tracker.storage,
area `reports`), written before the run's row says it is done. The zip is written into a temporary file
that stays in memory only while small (SPOOL_BYTES), so a worker's memory holds the PDFs being laid
out, not a second and third copy of the whole zip."""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from tracker.actions.models import ALL_RATINGS
from tracker.core.models_base import utcnow
from tracker.extensions import db
from tracker.reports.data import (
    ActionLine,
    ReportData,
    build_report_data,
    resolve_scope,
)
from tracker.reports.docx_render import (
    DocxWriter,
    long_date,
    new_document,
    short_date,
)
from tracker.reports.models import PackRun, ReportStatus
from tracker.reports.render import RenderError, htmls_to_pdfs
from tracker.settings import load_settings
from tracker.storage import StorageError, key_for, open_verified, put_with_row
from tracker.users.models import Agency


NO_RESPONSE = "None recorded"


@dataclass
class PackRecommendation:
    review_reference: str
    review_title: str
    number: str
    text: str
    response: str  # this agency's formal response, or "None recorded"
    actions: list[ActionLine]

    @property
    def open_actions(self) -> list[ActionLine]:
        return [line for line in self.actions if line.is_open]

    @property
    def is_open(self) -> bool:
        """Work remains for the agency: a live action, or no formal response yet."""
        return self.response == NO_RESPONSE or any(line.is_open for line in self.actions)


@dataclass
class AgencyPack:
    agency: str
    short_name: str
    as_at: date
    partnership: str
    labels: dict[str, str]
    recommendations: list[PackRecommendation] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> list[ActionLine]:
        return [line for line in self.actions if line.overdue]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ALL_RATINGS, 0)
        for line in self.actions:
            counts[line.rating if line.rating in counts else "none"] += 1
        return counts

    @property
    def title(self) -> str:
        return f"Agency pack: {self.agency}"

    @property
    def open_recommendations(self) -> list[PackRecommendation]:
        """The recommendations listed in full. Over ten years most are complete: listing every assured
        action made a pack of hundreds of pages that took minutes to lay out and buried what is live."""
        return [rec for rec in self.recommendations if rec.is_open]

    @property
    def completed(self) -> str:
        """What the pack counts but does not list: the complete recommendations and closed actions."""
        recs = len(self.recommendations) - len(self.open_recommendations)
        closed = sum(1 for line in self.actions if not line.is_open)
        return (f"{recs} further recommendation{'s' * (recs != 1)} complete, and {closed} action"
                f"{'s' * (closed != 1)} assured, withdrawn or superseded, are counted above but not listed: "
                "search the app for a reference to see any of them.")

    @property
    def overdue_note(self) -> str:
        count = len(self.overdue)
        if not count:
            return "No action is overdue."
        return (f"{count} action{'s are' if count != 1 else ' is'} overdue: each is listed under what is asked "
                "of the agency, and marked overdue among the open recommendations.")


def split_by_agency(data: ReportData) -> list[AgencyPack]:
    """One pack per agency that owns an action or is addressed by a recommendation, by name."""
    packs: dict[str, AgencyPack] = {}

    def pack(name: str, short: str = "") -> AgencyPack:
        if name not in packs:
            packs[name] = AgencyPack(name, short or name, data.as_at, data.partnership, data.labels)
        elif short and packs[name].short_name == name:
            packs[name].short_name = short
        return packs[name]

    for line in data.actions:
        pack(line.owner, line.owner_short).actions.append(line)
    for review in data.reviews:
        for rec in review.recommendations:
            by_owner: dict[str, list[ActionLine]] = defaultdict(list)
            for line in rec.actions:
                by_owner[line.owner].append(line)
            for name in set(rec.addressed_to) | set(by_owner):
                answer = next((r.split(": ", 1)[1] for r in rec.responses if r.startswith(f"{name}: ")),
                              NO_RESPONSE)
                pack(name).recommendations.append(PackRecommendation(
                    review.reference, review.title, rec.number, rec.text, answer, by_owner.get(name, [])))
    for item in data.unanswered:
        for name in item.missing:
            deadline = f" by {long_date(item.deadline)}" if item.deadline else ""
            late = " (the deadline has passed)" if item.overdue else ""
            pack(name).asked.append(f"A formal response to {item.review_reference} recommendation "
                                    f"{item.number}{deadline}{late}.")
    for each in packs.values():
        for line in each.overdue:
            each.asked.append(f"{line.reference}: overdue since {long_date(line.due_date)}: complete it, or ask "
                              "for a new due date with the reason.")
        for line in each.actions:
            if line.rating == "red" and not line.overdue:
                each.asked.append(f"{line.reference}: rated {line.rating_label}: {line.reason}")
    return [packs[name] for name in sorted(packs)]


def pack_docx(pack: AgencyPack) -> bytes:
    w = DocxWriter(new_document(None))
    w.heading(pack.title, 0)
    w.paragraph(pack.partnership)
    w.paragraph(long_date(pack.as_at), "As at: ")
    w.paragraph(f"{len(pack.actions)} actions owned, {len(pack.overdue)} overdue, "
                f"{len(pack.recommendations)} recommendations", "In short: ")
    w.heading("What is asked of the agency", 1)
    if pack.asked:
        for item in pack.asked:
            w.add_paragraph(item, w.bullet_style)
    else:
        w.paragraph("Nothing is outstanding.")
    w.heading("Ratings", 1)
    counts = pack.counts
    w.table([pack.labels[r] for r in ALL_RATINGS] + ["Total"],
            [[counts[r] for r in ALL_RATINGS] + [len(pack.actions)]], "Actions by rating")
    w.heading("Overdue actions", 1)
    w.paragraph(pack.overdue_note)
    w.heading("Open recommendations and their live actions", 1)
    if pack.open_recommendations:
        w.table(("Recommendation", "Action", "Lead", "Due", "Rating and reason"), _open_rows(pack),
                "Open recommendations, the agency's formal response and its live actions", widths=(3, 7, 3, 2.5, 4))
    else:
        w.paragraph("No recommendation is open for the agency.")
    w.paragraph(pack.completed)
    w.footer_page_numbers(f"{pack.title} as at {long_date(pack.as_at)}")
    w.doc.core_properties.title = pack.title
    out = io.BytesIO()
    w.doc.save(out)
    return out.getvalue()


def _due(line: ActionLine) -> str:
    return short_date(line.due_date) + ("\nOverdue" if line.overdue else "")


def _open_rows(pack: AgencyPack):
    """A row for each open recommendation (its words and the agency's response), then one per live action."""
    for rec in pack.open_recommendations:
        name = f"{rec.review_reference} recommendation {rec.number}"
        yield (name, f"{rec.text}\nFormal response: {rec.response}", "", "", "")
        for line in rec.open_actions:
            yield (name, f"{line.reference}\n{line.description}", line.lead, _due(line),
                   f"{line.rating_label}: {line.reason.split(': ', 1)[-1]}")


def pack_html(pack: AgencyPack) -> str:
    template = current_app.jinja_env.get_template("reports/agency_pack.html")
    return template.render(pack=pack, short_date=short_date, long_date=long_date, ALL_RATINGS=ALL_RATINGS)


def safe_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "agency"


#: Above this size the zip being built moves from memory to a temporary file on disk.
SPOOL_BYTES = 8 * 1024 * 1024


def build_packs(as_at: date, out: BinaryIO, on_progress: Callable[[str], None] = lambda text: None, *,
                pdf: bool = True) -> dict[str, list[str]]:
    """Write the zip of every agency's pack into `out`; returns which files are whose. The data is
    gathered once for all agencies; the PDFs are laid out by a few renderer processes
    (render.htmls_to_pdfs), not one each."""
    on_progress("Gathering the data for every agency")
    data = build_report_data(resolve_scope(as_at), load_settings(), partnership=current_app.config["PARTNERSHIP_NAME"],
                             generated_by="", generated_at=utcnow())
    packs = split_by_agency(data)
    keys = pack_keys(packs)
    stems = unique_stems(as_at, packs)
    files: dict[str, list[str]] = {key: [f"{stem}.docx"] for key, stem in zip(keys, stems, strict=True)}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for number, (pack, key) in enumerate(zip(packs, keys, strict=True), start=1):
            on_progress(f"Writing the Word pack for {pack.agency} ({number} of {len(packs)})")
            bundle.writestr(files[key][0], pack_docx(pack))
        if pdf and packs:
            def laying_out(number: int) -> None:
                on_progress(f"Laying out the PDF for {packs[number - 1].agency} ({number} of {len(packs)})")

            pdfs = htmls_to_pdfs([pack_html(pack) for pack in packs], laying_out)
            for key, stem, content in zip(keys, stems, pdfs, strict=True):
                files[key].append(f"{stem}.pdf")
                bundle.writestr(files[key][1], content)
    return files


def pack_keys(packs: list[AgencyPack]) -> list[str]:
    """Whose each pack is: the agency's id, which a lead's download is matched on (a name can be
    changed, and two names can look alike once made safe for a file name). An agency only named by a
    recommendation, with no record of its own, is keyed by its name: no lead belongs to it."""
    ids = {name: id_ for name, id_ in db.session.execute(select(Agency.name, Agency.id)).all()}
    return [str(ids[pack.agency]) if pack.agency in ids else f"name:{pack.agency}" for pack in packs]


def unique_stems(as_at: date, packs: list[AgencyPack]) -> list[str]:
    """A file name for each pack, never the same twice: "B&NES" and "B-NES" are both "b-nes" once made
    safe, and a zip can hold two entries of one name, of which a read returns the last."""
    stems: list[str] = []
    for pack in packs:
        stem, number = f"{as_at.isoformat()}-{safe_name(pack.short_name)}", 2
        while stem in stems:
            stem, number = f"{as_at.isoformat()}-{safe_name(pack.short_name)}-{number}", number + 1
        stems.append(stem)
    return stems


def request_packs(as_at: date, by_name: str) -> PackRun:
    run = PackRun(status=ReportStatus.QUEUED, as_at_date=as_at, requested_by_name=by_name, requested_at=utcnow(),
                  progress="Waiting to start", error="")
    db.session.add(run)
    db.session.flush()
    return run


def generate_packs(run: PackRun, on_progress: Callable[[str], None] = lambda text: None) -> PackRun:
    run.status = ReportStatus.RUNNING

    def progress(text: str) -> None:
        run.progress = text[:200]
        on_progress(text)

    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        try:
            files = build_packs(run.as_at_date, out, progress)
        except RenderError as error:
            return _fail(run, str(error))
        except Exception as error:  # noqa: BLE001 - the page must say it failed, whatever the cause
            current_app.logger.exception("agency packs %s failed", run.id)
            return _fail(run, f"The packs could not be made ({type(error).__name__}).")
        out.seek(0)
        name = f"agency-packs-{run.id}-{hashlib.file_digest(out, 'sha256').hexdigest()[:16]}.zip"
        out.seek(0)
        try:
            written = put_with_row(db.session, key_for("reports", name), out)
        except StorageError:
            return _fail(run, "The packs could not be kept: the file store is not answering. Make them again later.")
    run.stored_name, run.sha256, run.size_bytes = name, written.sha256, written.size
    run.files = files
    run.status = ReportStatus.DONE
    run.progress = f"Ready: packs for {len(files)} agencies"
    run.finished_at = utcnow()
    db.session.flush()
    return run


def _fail(run: PackRun, message: str) -> PackRun:
    run.status = ReportStatus.FAILED
    run.error = message
    run.progress = "Failed"
    run.finished_at = utcnow()
    db.session.flush()
    return run


def agency_file(run: PackRun, agency_id: int, suffix: str) -> bytes | None:
    """One agency's file from a finished run (None if the run has none for it), from the zip as stored
    (checked against its SHA-256 first: storage.Damaged if not; NotStored or StorageError if the store
    cannot give it)."""
    names = [n for n in (run.files or {}).get(str(agency_id), []) if n.endswith(suffix)]
    if not names or not run.stored_name:
        return None
    with open_verified(run.key, run.sha256).file as copy, zipfile.ZipFile(copy) as bundle:
        return bundle.read(names[0])
