"""Checks on the hand-checked demo seed data (tracker/demo/seed_data.json).

No application needed: the JSON is loaded straight from the repository.
"""

import json
import re
from datetime import date
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_FILE = REPO_ROOT / "tracker" / "demo" / "seed_data.json"

AGENCY_KINDS = {"agency", "partnership", "subgroup", "national"}
REVIEW_TYPES = {"rapid_review", "cspr", "scr", "silp", "local_learning", "thematic", "special_practice", "sar", "dhr"}
RECOMMENDATION_KINDS = {"partnership", "single_agency", "national"}
KEY_DATES = (
    "incident_date", "notification_date", "rapid_review_date", "decision_date",
    "commissioned_date", "draft_date", "board_signoff_date", "published_date",
)

# Appendix B of the SILP report (002): agency heading -> number of single-agency recommendations.
# Keyed by short name; the second item is the heading as the report (or the brief) words it, which must
# be the agency's name or one of its aliases.
APPENDIX_B_COUNTS = {
    "BCPFT": ("Black Country Partnership NHS Foundation Trust", 12),
    "DCCG": ("Dudley Clinical Commissioning Group", 3),
    "CSC": ("Children Social Care", 9),
    "DGFT": ("Dudley Group NHS Foundation Trust", 4),
    "WMP": ("West Midlands Police Force", 1),
    "WMAS": ("Ambulance Service", 0),
    "Bromford": ("Bromford Housing", 0),
    "HCC": ("Halesowen Children's Centres", 4),
    "NPS": ("National Probation Service", 3),
    "CRC": ("Community Rehabilitation Company", 5),
}

PAGE_ARTEFACT = re.compile(
    r"(?i)\bpage\s+\d+(\s+of\s+\d+)?\b"  # "Page 41", "page 3 of 50"
    r"|^\s*\d+\s*$"  # a bare page number
    r"|\s\d{1,3}\s*$"  # a page number left dangling at the end
    r"|-\s*\d+\s*-"  # "- 41 -"
)
FOOTNOTE = re.compile(r"(?i)</?sup>|\[\d+\]|&[a-z]+;|<[a-z/][^>]*>")


@pytest.fixture(scope="module")
def data():
    with SEED_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def reviews(data):
    return {r["source_document"][:3]: r for r in data["reviews"]}


@pytest.fixture(scope="module")
def agencies_by_short(data):
    return {a["short_name"]: a for a in data["agencies"]}


def all_recommendations(data):
    for review in data["reviews"]:
        for rec in review["recommendations"]:
            yield review, rec


def all_texts(data):
    for review in data["reviews"]:
        for lp in review["learning_points"]:
            yield f"{review['reference']} learning point {lp['number']}", lp["text"]
        for rec in review["recommendations"]:
            yield f"{review['reference']} recommendation {rec['number']}", rec["text"]


# ----------------------------------------------------------------------------- shape


def test_top_level_keys(data):
    assert set(data) == {"agencies", "themes", "reviews"}


def test_agencies_have_required_keys_and_unique_names(data):
    names, shorts = set(), set()
    for agency in data["agencies"]:
        assert set(agency) == {"name", "short_name", "kind", "aliases"}, agency
        assert agency["kind"] in AGENCY_KINDS, agency
        assert isinstance(agency["aliases"], list)
        assert agency["name"] and agency["short_name"]
        assert len(agency["name"]) <= 200 and len(agency["short_name"]) <= 40
        assert agency["name"] not in names and agency["short_name"] not in shorts
        names.add(agency["name"])
        shorts.add(agency["short_name"])


def test_partnership_record_and_aliases(agencies_by_short):
    dspp = agencies_by_short["DSPP"]
    assert dspp["name"] == "Dudley Safeguarding People Partnership"
    assert dspp["kind"] == "partnership"
    for alias in ("Dudley Safeguarding Children Board", "DSCB", "the Board", "LSCB"):
        assert alias in dspp["aliases"]
    assert sum(1 for a in agencies_by_short.values() if a["name"] == dspp["name"]) == 1


def test_education_record(agencies_by_short):
    lea = agencies_by_short["LEA"]
    for alias in ("LEA", "LEA Admissions Team", "Education Investigation Service", "CME team"):
        assert alias in lea["aliases"]


def test_subgroups_present(data):
    subgroups = {a["name"] for a in data["agencies"] if a["kind"] == "subgroup"}
    assert {"Learning and Improvement Group", "Policies and Procedures Group", "Case Review Group"} <= subgroups


def test_themes_shape(data):
    names = [t["name"] for t in data["themes"]]
    assert 25 <= len(names) <= 40
    assert len(names) == len(set(names))
    assert len({n.lower() for n in names}) == len(names), "themes differ only by case"
    for theme in data["themes"]:
        assert set(theme) == {"name", "description", "source_count"}
        assert theme["name"].strip() and theme["description"].strip()
        assert len(theme["name"]) <= 120
        assert isinstance(theme["source_count"], int) and theme["source_count"] >= 0
    for expected in ("Neglect", "Information sharing", "Professional curiosity", "Domestic abuse",
                     "Parental substance misuse", "Parental mental health", "Sudden unexpected death in infancy",
                     "Safe sleep", "Think family / fathers", "Lived experience of the child",
                     "Challenge and escalation", "Children missing education"):
        assert expected in names
    # the listing's most frequent keyword is child neglect
    counts = {t["name"]: t["source_count"] for t in data["themes"]}
    assert counts["Neglect"] >= 50


def test_reviews_shape(data):
    refs = set()
    for review in data["reviews"]:
        assert review["reference"] not in refs and len(review["reference"]) <= 40
        refs.add(review["reference"])
        assert review["review_type"] in REVIEW_TYPES
        assert review["title"].strip()
        assert review["summary"].strip()
        assert review["lead_reviewer"] is None or review["lead_reviewer"].strip()
        assert review["source_document"].endswith(".txt")
        assert set(review["key_dates"]) == set(KEY_DATES)
        assert isinstance(review["dates_note"], str) and review["dates_note"].strip()
        known = [date.fromisoformat(review["key_dates"][k]) for k in KEY_DATES if review["key_dates"][k]]
        assert known == sorted(known), f"{review['reference']} key dates out of order"
        numbers = [r["number"] for r in review["recommendations"]]
        assert len(numbers) == len(set(numbers))
        assert all(isinstance(n, str) for n in numbers)
        lp_numbers = [lp["number"] for lp in review["learning_points"]]
        assert lp_numbers == list(range(1, len(lp_numbers) + 1))
        for rec in review["recommendations"]:
            assert rec["kind"] in RECOMMENDATION_KINDS
            assert rec["addressed_to"], rec["number"]
            assert 1 <= len(rec["themes"]) <= 3, rec["number"]


# ----------------------------------------------------------------------------- counts


def test_child_y_counts(reviews):
    child_y = reviews["000"]
    assert child_y["title"] == "Child Y"
    assert child_y["source_document"] == "000_52ef0db73dc6738d.txt"
    assert len(child_y["recommendations"]) == 4
    assert len(child_y["learning_points"]) == 5
    assert [r["number"] for r in child_y["recommendations"]] == ["1", "2", "3", "4"]
    for rec in child_y["recommendations"]:
        assert "Dudley Safeguarding People Partnership" in rec["addressed_to"]
        if "LEA" in rec["text"]:
            assert "Dudley Council Education" in rec["addressed_to"]


def test_silp_partnership_recommendations(reviews):
    silp = reviews["002"]
    assert silp["source_document"] == "002_1b41f1a345e242dd.txt"
    partnership = [r for r in silp["recommendations"] if r["kind"] == "partnership"]
    assert [r["number"] for r in partnership] == [str(n) for n in range(1, 10)]


@pytest.mark.parametrize("short_name", sorted(APPENDIX_B_COUNTS))
def test_silp_single_agency_counts(reviews, agencies_by_short, short_name):
    heading, expected = APPENDIX_B_COUNTS[short_name]
    assert short_name in agencies_by_short, f"{short_name} missing from agencies (even with 0 recommendations)"
    agency = agencies_by_short[short_name]
    assert agency["kind"] == "agency"
    assert heading == agency["name"] or heading in agency["aliases"]
    recs = [r for r in reviews["002"]["recommendations"]
            if r["kind"] == "single_agency" and r["addressed_to"] == [agency["name"]]]
    assert len(recs) == expected
    assert [r["number"] for r in recs] == [f"{short_name}-{i}" for i in range(1, expected + 1)]


def test_silp_has_no_other_single_agency_recommendations(reviews):
    single = [r for r in reviews["002"]["recommendations"] if r["kind"] == "single_agency"]
    assert len(single) == sum(n for _, n in APPENDIX_B_COUNTS.values()) == 41


# ----------------------------------------------------------------------------- references


def test_every_addressee_is_an_agency(data):
    names = {a["name"] for a in data["agencies"]}
    for review, rec in all_recommendations(data):
        for owner in rec["addressed_to"]:
            assert owner in names, f"{review['reference']} {rec['number']}: unknown owner {owner!r}"


def test_every_theme_named_exists(data):
    names = {t["name"] for t in data["themes"]}
    for review in data["reviews"]:
        for theme in review["themes"]:
            assert theme in names, f"{review['reference']}: unknown theme {theme!r}"
        for rec in review["recommendations"]:
            for theme in rec["themes"]:
                assert theme in names, f"{review['reference']} {rec['number']}: unknown theme {theme!r}"


# ----------------------------------------------------------------------------- text quality


def test_texts_are_clean(data):
    for where, text in all_texts(data):
        assert isinstance(text, str) and text.strip(), f"{where}: empty"
        assert text == text.strip(), f"{where}: surrounding whitespace"
        assert "\n" not in text and "\r" not in text, f"{where}: line break"
        assert "  " not in text, f"{where}: double space (badly joined lines)"
        assert "*" not in text and "#" not in text, f"{where}: markdown artefact"
        assert not FOOTNOTE.search(text), f"{where}: footnote or markup artefact"
        assert not PAGE_ARTEFACT.search(text), f"{where}: page number artefact"
        assert re.match(r"[A-Z\"'‘“]", text), f"{where}: does not start with a capital letter or quote"


def test_texts_are_exact_wording_from_the_source(data):
    copies = {"000_52ef0db73dc6738d.txt": "cspr_briefing_000.txt", "002_1b41f1a345e242dd.txt": "silp_overview_002.md"}
    seeds = REPO_ROOT / "tests" / "fixtures" / "imports"  # copies of the two seed documents
    for review in data["reviews"]:
        source = (seeds / copies[review["source_document"]]).read_text(encoding="utf-8")
        source = re.sub(r"\s+", " ", source.replace("**", ""))
        for item in review["learning_points"] + review["recommendations"]:
            assert item["text"] in source, f"{review['reference']}: {item['text'][:60]!r} not in source"
