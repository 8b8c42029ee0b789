"""Recall and precision of review-document import, by document kind and format.

    .venv/bin/python scripts/import_quality.py [--layouts list label columns table wrap]

Reads the twenty measured documents in tests/fixtures/imports/measured/ (text or Markdown, each with
its expected items in NAME.expected.json), builds a PDF (WeasyPrint) and a Word file (python-docx)
from each in the chosen layouts, extracts every version and compares the items with the expected
ones. An item is found when an extracted item of the same kind has the same number and its text
matches (whitespace aside, at least 90% alike); precision counts extracted items that match an
expected one. Owners are scored on the found items. Prints one table by kind and format."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.imports_build import LAYOUTS, to_docx, to_pdf  # noqa: E402
from tracker.imports.document import read_document  # noqa: E402
from tracker.imports.extract import extract  # noqa: E402

MEASURED = ROOT / "tests" / "fixtures" / "imports" / "measured"
KIND_NAMES = {"exec_summary": "Executive summary", "overview": "Overview report", "sar": "SAR", "dhr": "DHR",
              "briefing": "7-minute briefing", "committee": "Committee paper", "action_plan": "Action plan"}


def documents() -> list[Path]:
    return sorted(p for p in MEASURED.iterdir() if p.suffix in (".txt", ".md"))


def expected_items(path: Path) -> list[dict]:
    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


def kind_of(path: Path) -> str:
    return KIND_NAMES[re.sub(r"_\d+$", "", path.stem)]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def same_item(expected: dict, found: dict) -> bool:
    if expected["kind"] != found["kind"] or expected["number"] != found["number"]:
        return False
    a, b = _norm(expected["text"]), _norm(found["text"])
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.9


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    matched: int = 0
    owners_right: int = 0

    def add(self, expected: list[dict], found: list[dict]) -> None:
        self.expected += len(expected)
        self.found += len(found)
        unused = list(found)
        for item in expected:
            match = next((f for f in unused if same_item(item, f)), None)
            if match is not None:
                unused.remove(match)
                self.matched += 1
                self.owners_right += _norm(match["owner"]) == _norm(item["owner"])

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def owners(self) -> float:
        return self.owners_right / self.matched if self.matched else 1.0


def versions(path: Path, layouts: tuple[str, ...]) -> list[tuple[str, str, bytes]]:
    """(format, file name, bytes) of each version of a document: the text itself, then PDF and Word."""
    text = path.read_text(encoding="utf-8")
    out = [("text", path.name, path.read_bytes())]
    for layout in layouts:
        out.append(("pdf", f"{path.stem}.pdf", to_pdf(text, layout)))
        out.append(("docx", f"{path.stem}.docx", to_docx(text, layout)))
    return out


def measure(layouts: tuple[str, ...] = ("list",)) -> dict[tuple[str, str], Score]:
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    for path in documents():
        expected = expected_items(path)
        for fmt, name, data in versions(path, layouts):
            found = [i.as_dict() for i in extract(read_document(name, data)).items]
            for key in ((kind_of(path), fmt), (kind_of(path), "all"), ("All documents", fmt),
                        ("All documents", "all")):
                scores[key].add(expected, found)
    return scores


def table(scores: dict[tuple[str, str], Score]) -> str:
    kinds = [k for k in KIND_NAMES.values() if (k, "all") in scores] + ["All documents"]
    lines = ["| Document kind | Format | Documents' items | Recall | Precision | Owner right |",
             "|---|---|---:|---:|---:|---:|"]
    for kind in kinds:
        for fmt in ("text", "pdf", "docx", "all"):
            score = scores.get((kind, fmt))
            if score is None:
                continue
            lines.append(f"| {kind} | {fmt} | {score.expected} | {score.recall:.1%} | {score.precision:.1%} | "
                         f"{score.owners:.1%} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layouts", nargs="+", default=["list"], choices=LAYOUTS)
    args = parser.parse_args()
    print(table(measure(tuple(args.layouts))))


if __name__ == "__main__":
    main()
