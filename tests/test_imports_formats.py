"""Format independence: the same content gives the same items (kind, number, text, owner) whether
it is read as text, PDF or Word, in several layouts; and the measured documents keep a floor on
recall and precision. PDF and Word files are built from the text in the tests (tests/imports_build.py),
once per session, never committed."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.import_quality import Score, documents, expected_items
from tests.imports_build import to_docx, to_pdf
from tests.imports_docs import FIXTURES
from tracker.imports.document import read_document
from tracker.imports.extract import extract

DOCUMENTS = {p.stem: p for p in documents()}
#: Every layout on a sample of each kind; the plain numbered-list layout on all twenty.
LAYOUT_SAMPLE = ["exec_summary_01", "overview_01", "sar_01", "dhr_03", "briefing_02", "committee_03"]
#: Action plans: in two columns (text in columns, the plan's table across the page) and as tables
#: drawn without lines, whose columns are found from the words' positions.
PLANS = ["action_plan_01", "action_plan_02"]
CASES = [(name, layout) for name in DOCUMENTS for layout in ("list",)] + [
    (name, layout) for name in LAYOUT_SAMPLE for layout in ("label", "columns", "table", "wrap")] + [
    (name, layout) for name in PLANS for layout in ("columns", "unruled")]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(name, format, layout) -> file bytes, built once and kept in a temporary folder."""
    folder = tmp_path_factory.mktemp("import-formats")

    def get(name: str, fmt: str, layout: str, text: str | None = None) -> bytes:
        path = folder / f"{name}-{layout}.{fmt}"
        if not path.exists():
            source = text if text is not None else DOCUMENTS[name].read_text(encoding="utf-8")
            path.write_bytes((to_pdf if fmt == "pdf" else to_docx)(source, layout))
        return path.read_bytes()

    return get


def _items(result) -> list[tuple]:
    return [(i.kind, i.number, re.sub(r"\s+", " ", i.text).strip(), i.owner) for i in result.items]


def _expected(name: str) -> list[tuple]:
    return [(i["kind"], i["number"], re.sub(r"\s+", " ", i["text"]).strip(), i["owner"])
            for i in expected_items(DOCUMENTS[name])]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_text_gives_the_expected_items(name):
    path = DOCUMENTS[name]
    assert _items(extract(read_document(path.name, path.read_bytes()))) == _expected(name)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("name, layout", CASES)
def test_pdf_and_word_give_the_same_items_as_text(built, name, layout, fmt):
    result = extract(read_document(f"{name}.{fmt}", built(name, fmt, layout)))
    assert _items(result) == _expected(name)
    if fmt == "pdf":
        assert all(i.page and i.page >= 1 for i in result.items)
        assert all(i.context for i in result.items)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("seed", ["cspr_briefing_000.txt", "silp_overview_002.md"])
def test_the_seeds_give_the_same_items_in_every_format(built, seed, fmt):
    text = (FIXTURES / seed).read_text(encoding="utf-8")
    as_text = _items(extract(read_document(seed, text.encode())))
    assert len(as_text) in (9, 50)
    built_file = built(seed.split(".")[0], fmt, "list", text)
    assert _items(extract(read_document(f"seed.{fmt}", built_file))) == as_text


@pytest.mark.parametrize("layout", ["list", "columns", "unruled"])
def test_action_plan_rows_become_one_recommendation_with_several_actions(built, layout):
    result = extract(read_document("plan.pdf", built("action_plan_01", "pdf", layout)))
    first = result.items[0]
    assert [(a.lead, a.target_date) for a in first.actions] == [
        ("Northmoor Safeguarding Children Partnership", "31/10/2024"), ("Children's Social Care", "31/03/2025")]
    assert first.actions[1].outcome == "80% of assessments describe the infant's daily life"
    assert [len(i.actions) for i in result.items] == [2, 1, 2]


def test_recall_and_precision_stay_above_their_floor(built):
    """The README's table comes from scripts/import_quality.py; this keeps a floor under it."""
    score = Score()
    for name, path in DOCUMENTS.items():
        expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
        score.add(expected, [i.as_dict() for i in extract(read_document(path.name, path.read_bytes())).items])
        for fmt in ("pdf", "docx"):
            data = built(name, fmt, "list")
            score.add(expected, [i.as_dict() for i in extract(read_document(f"{name}.{fmt}", data)).items])
    assert score.expected >= 200
    assert score.recall >= 0.97 and score.precision >= 0.97 and score.owners >= 0.95


_TABLE_FINDER_LOADED = """
import sys
from pathlib import Path
from tracker.imports.document import read_document
document = read_document("r.pdf", Path(sys.argv[1]).read_bytes())
print(len(document.blocks), "pdfminer" in sys.modules)
"""


@pytest.mark.parametrize("layout, loaded", [("list", False), ("table", True)])
def test_pdfminer_runs_only_on_pages_that_draw_table_rules(built, tmp_path, layout, loaded):
    # Words come from PDFium; pdfplumber (pdfminer, ten times slower) is loaded only for a ruled table.
    path = tmp_path / "review.pdf"
    path.write_bytes(built("overview_01", "pdf", layout))
    child = subprocess.run([sys.executable, "-c", _TABLE_FINDER_LOADED, str(path)], capture_output=True, text=True,
                           check=True, cwd=Path(__file__).resolve().parents[1])
    blocks, pdfminer = child.stdout.split()
    assert int(blocks) > 10 and pdfminer == str(loaded)
