"""Extraction from text: the two seeds, the PDF and Word files made from them, and other layouts
real reports take."""

import pytest

from tests.imports_docs import briefing_pdf, overview_docx, seed_text
from tracker.imports.document import read_docx, read_pdf
from tracker.imports.extract import LEARNING_POINT, RECOMMENDATION, SINGLE_AGENCY, extract, join_text, split_summary
from tracker.imports.matching import AgencyIndex, owner_key


APPENDIX_COUNTS = {
    "Black Country Partnership NHS Foundation Trust": 12, "Dudley Clinical Commissioning Group": 3,
    "Children Social Care": 9, "Dudley Group NHS Foundation Trust": 4, "West Midlands Police": 1,
    "Ambulance Service": 0, "Bromford Housing": 0, "Halesowen Children's Centres": 4,
    "National Probation Service": 3, "Community Rehabilitation Company": 5,
}


def _counts_by_heading(result):
    found = result.by_owner()
    out = {}
    for short, n in APPENDIX_COUNTS.items():
        heading = [h for h in found if short.lower() in h.lower()]
        assert len(heading) == 1, (short, list(found))
        out[short] = len(found[heading[0]])
    return out


def _check_briefing(result):
    recs, points = result.recommendations, result.learning_points
    assert [r.number for r in recs] == ["1", "2", "3", "4"]
    assert [p.number for p in points] == ["1", "2", "3", "4", "5"]
    assert recs[0].text == ("The DSPP should request that the West Midlands procedures in relation to children missing "
                            "education are reviewed to ensure that reference is also made to younger children missing "
                            "education and the links with neglect.")
    assert recs[3].text.endswith("All partner agencies may be required to provide information to the Admissions "
                                 "Team if a fool proof system is to be in place.")
    assert points[3].text.startswith("The response to COVID 19 has allowed parents who are hard to engage with")
    assert all(r.owner == "DSPP" for r in recs)


def test_briefing_seed_has_four_recommendations_and_five_learning_points():
    _check_briefing(extract(seed_text("cspr_briefing_000.txt")))


def test_overview_seed_has_nine_board_recommendations_and_the_appendix_by_agency():
    result = extract(seed_text("silp_overview_002.md"))
    recs = result.recommendations
    assert [r.number for r in recs] == [str(n) for n in range(1, 10)]
    assert recs[3].text == ("Dudley Safeguarding Children Board should recommend to NICE that it reviews the guidance "
                            "on co-sleeping to emphasise that adults should not co-sleep with their infants")
    assert recs[7].owner == "All partner agencies"
    assert _counts_by_heading(result) == APPENDIX_COUNTS
    bcp = result.by_owner()["Black Country Partnership NHS Foundation Trust"]
    assert [i.number for i in bcp] == [str(n) for n in range(1, 13)]
    assert bcp[1].text == "For evidence of voice of the child to be documented in all child records"
    assert result.learning_points == []  # "Recommendation 1:" inside the analysis is not this review's


def test_pdf_with_running_header_page_numbers_footnote_and_hyphenation():
    document = read_pdf(briefing_pdf())
    text = "\n".join(b.text for b in document.blocks)
    assert "OFFICIAL" not in text and "Page 1 of" not in text
    result = extract(document)
    _check_briefing(result)
    joined = " ".join(i.text for i in result.items)
    assert "‐" not in joined and "proced-" not in joined and "Working Together to Safeguard" not in joined
    assert "Working Together compliant strategy meetings are being held" in result.recommendations[2].text


def test_word_file_with_heading_styles_automatic_numbers_and_a_footnote_marker():
    result = extract(read_docx(overview_docx()))
    assert [r.number for r in result.recommendations] == [str(n) for n in range(1, 10)]
    assert result.recommendations[0].text.endswith("concerning a child's welfare.")
    assert _counts_by_heading(result) == APPENDIX_COUNTS


WORD_STYLE = """Child Q: Local Child Safeguarding Practice Review

Executive summary

The review found that the voice of the child was not heard. See recommendation 2.

Recommendations

Recommendation 1: The Safeguarding Partnership should seek assurance that
all agencies understand the escalation policy.

Recommendation 2: Children's Social Care should ensure that the views of the
child are recorded at every visit.
Owner: Children's Social Care
Timescale: 6 months

Recommendation 3 – Health partners should review the was-not-brought policy so
that missed appointments for children are followed up.

Appendix 1: Glossary
MASH - Multi-Agency Safeguarding Hub
"""


def test_word_style_recommendation_paragraphs_with_owner_lines():
    result = extract(WORD_STYLE)
    recs = result.recommendations
    assert [r.number for r in recs] == ["1", "2", "3"]
    assert recs[0].text == ("The Safeguarding Partnership should seek assurance that all agencies understand the "
                            "escalation policy.")
    assert recs[1].owner == "Children's Social Care" and "Owner" not in recs[1].text and "Timescale" not in recs[1].text
    assert recs[2].text.startswith("Health partners should review the was-not-brought policy")
    assert not any("Multi-Agency Safeguarding Hub" in r.text for r in recs)


MARKDOWN = """# Child R – Safeguarding Adults Review

## 4. Findings

Finding one was about the transition from children's to adult services.

## 5. Recommendations

The review makes the following recommendations:

1. The Board should commission a multi-agency audit of transition plans
   for young people with care and support needs.
2. Police - Review the
   use of welfare checks so that officers speak to the adult alone.
3. All - Ensure practitioners are trained in the Mental Capacity Act, including:
   a) assessing executive function;
   b) recording the decision in the adult's own words.
4. Recommendation to Policy and Procedures Group - Update the self-neglect
   procedure to include hoarding.

## 6. Learning points

- Professional curiosity is needed when an adult declines services.
- Think family: carers' needs must be assessed.

## Appendix A: Terms of reference

1. Consider the support offered by housing.
"""


def test_markdown_numbered_list_with_owner_prefixes_and_lettered_sub_items():
    result = extract(MARKDOWN)
    recs = result.recommendations
    assert [(r.number, r.owner) for r in recs] == [("1", "Board"), ("2", "Police"), ("3", "All"),
                                                     ("4", "Policy and Procedures Group")]
    assert recs[1].text == "Review the use of welfare checks so that officers speak to the adult alone."
    assert recs[2].text == ("Ensure practitioners are trained in the Mental Capacity Act, including:\n"
                            "a) assessing executive function;\nb) recording the decision in the adult's own words.")
    assert recs[3].text == "Update the self-neglect procedure to include hoarding."
    points = result.learning_points
    assert [p.text for p in points] == ["Professional curiosity is needed when an adult declines services.",
                                        "Think family: carers' needs must be assessed."]
    assert not any("housing" in i.text for i in result.items)


TABLE = """FINDINGS AND RECOMMENDATIONS

| No. | Finding | Recommendation | Lead agency |
|---|---|---|---|
| 1 | Information was not shared at the strategy meeting. | The partnership should audit strategy meetings. | DSCB |
| 2 | Fathers were not involved. | Health visiting to include fathers in assessments. | Health Visiting |
"""


def test_findings_and_recommendations_table():
    result = extract(TABLE)
    assert [(r.number, r.text, r.owner) for r in result.recommendations] == [
        ("1", "The partnership should audit strategy meetings.", "DSCB"),
        ("2", "Health visiting to include fathers in assessments.", "Health Visiting")]


FINDINGS_PROSE = """KEY FINDINGS AND RECOMMENDATIONS

Finding 1: Escalation was not used when the plan drifted.

Recommendation 1a: The partnership should relaunch the escalation policy.

Finding 2: Supervision did not challenge optimism.

Recommendation 2 The partnership should seek assurance that supervision
is reflective.

Page 7 of 9

CONCLUSION

The review thanks the family.
"""


def test_findings_between_recommendations_and_page_numbers_are_left_out():
    recs = extract(FINDINGS_PROSE).recommendations
    assert [(r.number, r.text) for r in recs] == [
        ("1a", "The partnership should relaunch the escalation policy."),
        ("2", "The partnership should seek assurance that supervision is reflective.")]


def test_summary_lists_and_learning_point_labels_outside_sections():
    text = ("Death of a 16-year-old girl. Learning focuses on: interagency working; the impact of sibling abuse. "
            "Recommendations include: a multi-agency reflective learning event; undertake a multi-agency audit of "
            "cases of sibling sexual abuse; and consider how peer mentoring could be developed. "
            "Keywords : child deaths, suicide")
    result = extract(text)
    assert [r.text for r in result.recommendations] == [
        "A multi-agency reflective learning event", "Undertake a multi-agency audit of cases of sibling sexual abuse",
        "Consider how peer mentoring could be developed"]
    assert [r.number for r in result.recommendations] == ["1", "2", "3"]
    assert len(result.learning_points) == 2
    assert split_summary("Recommendations include: one thing.") == []


def test_plain_pasted_text_with_bullets_under_an_agency_appendix_heading():
    text = """Single agency recommendations

West Midlands Police
• Refresh training on domestic abuse
  notifications for response officers.
• Audit the use of Operation Encompass.

Bromford Housing Association
None

Education
1. Schools to record
concerns on the safeguarding system.
"""
    result = extract(text)
    assert {k: [i.text for i in v] for k, v in result.by_owner().items()} == {
        "West Midlands Police": ["Refresh training on domestic abuse notifications for response officers.",
                                 "Audit the use of Operation Encompass."],
        "Bromford Housing Association": [],
        "Education": ["Schools to record concerns on the safeguarding system."]}


@pytest.mark.parametrize("parts, joined", [
    (["the proced-", "ures are"], "the procedures are"),
    (["co-", "sleeping"], "co-sleeping"),
    (["Police -", "review"], "Police - review"),
])
def test_hyphenation_repair(parts, joined):
    assert join_text(parts) == joined


def test_owner_keys_ignore_case_the_and_punctuation():
    assert owner_key("The Children’s Social-Care") == owner_key("childrens social care")


def test_agency_index_matches_name_short_name_alias_and_proposes_the_rest():
    class A:  # plain stand-ins, no database
        def __init__(self, name, short, aliases):
            self.name, self.short_name, self.aliases = name, short, aliases

    dspp = A("Dudley Safeguarding People Partnership", "DSPP", ["Dudley Safeguarding Children Board", "the Board", "DSCB"])
    police = A("West Midlands Police", "WMP", ["Police"])
    index = AgencyIndex([dspp, police])
    assert index.match("the Board").agencies == [dspp]
    assert index.match("DSCB").how == ["alias"]
    assert index.match("wmp").how == ["short name"]
    assert index.match("West Midlands Police Force").agencies == [police]
    both = index.match("DSPP and Police")
    assert both.agencies == [dspp, police] and not both.proposed
    unknown = index.match("Cafcass")
    assert unknown.proposed == ["Cafcass"] and not unknown.agencies
    assert {LEARNING_POINT, RECOMMENDATION, SINGLE_AGENCY}
