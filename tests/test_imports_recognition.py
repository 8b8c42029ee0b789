"""What extraction recognises in the document model, whatever the format: codes, sub-points, bullet
glyphs, lead-in lists, labels outside sections, action-plan tables, owners; and what it leaves out:
contents pages, navigation, running headers, narrative about recommendations."""

import io

import docx
import pytest

from tests.imports_build import to_docx
from tracker.imports.document import from_page_texts, read_document, read_html, read_plain
from tracker.imports.extract import extract
from tracker.imports.matching import AgencyIndex


def _found(text, **kw):
    return [(i.number, i.text, i.owner) for i in extract(read_plain(text), **kw).recommendations]


@pytest.mark.parametrize("code", ["E1.", "SA1", "R2", "DHR 3", "1.1", "2a."])
def test_codes_with_letters_and_dotted_numbers_are_item_numbers(code):
    text = f"Recommendations\n\n{code} The Partnership should audit strategy meetings.\n"
    assert _found(text) == [(code.rstrip("."), "The Partnership should audit strategy meetings.", "Partnership")]


@pytest.mark.parametrize("glyph", ["·", "▪", "o", "–", "•", "◦", "➢", "\uf0b7", "-", "*"])
def test_every_common_bullet_glyph_starts_an_item(glyph):
    text = (f"Recommendations\n\n{glyph} The Board should relaunch the escalation policy.\n"
            f"{glyph} Police should review welfare checks.\n")
    assert [t for _, t, _ in _found(text)] == ["The Board should relaunch the escalation policy.",
                                               "Police should review welfare checks."]


def test_lettered_sub_points_stay_inside_their_parent():
    text = ("Recommendations\n\n1. The Board should commission training, including:\n  a. recognising coercive control;"
            "\n  b. speaking to children alone.\n2. Police should review welfare checks.\n")
    found = _found(text)
    assert [n for n, _, _ in found] == ["1", "2"]
    assert found[0][1].endswith("a. recognising coercive control;\nb. speaking to children alone.")


def test_lead_in_sentence_list_outside_a_recommendations_heading():
    text = ("Summary\n\nThe panel found drift in planning. Recommendations would include:\n\n"
            "• The ICB should review the was-not-brought policy.\n• Schools should record concerns promptly.\n\n"
            "The panel thanks the family.\n")
    found = extract(read_plain(text)).recommendations
    assert [i.text for i in found] == ["The ICB should review the was-not-brought policy.",
                                       "Schools should record concerns promptly."]
    assert all(any("lead-in" in d for d in i.doubts) for i in found)


def test_recommendation_labels_anywhere_and_nothing_from_narrative_or_contents():
    text = ("Contents\n\nRecommendations ........ 7\nAppendix ........ 9\n\nAnalysis\n\n"
            "The reviewer noted that recommendation 4 of the 2019 review was not implemented.\n\n"
            "Recommendation 3\n\nHealth partners should review the was-not-brought policy.\n")
    assert _found(text) == [("3", "Health partners should review the was-not-brought policy.", "Health partners")]


def test_owners_in_their_usual_positions_and_ordinary_words_never_owners():
    text = ("Recommendations\n\n1. The Board should ask the Police to share intelligence monthly.\n"
            "2. That the ICB commissions a safer sleep pathway.\n"
            "3. Recommendation to Children's Services: Review the transfer-in procedure.\n"
            "4. Records should be kept of every missing episode.\n"
            "5. Meeting: minutes should name who attended.\n"
            "6. Audit the use of strategy discussions.\nLead: Northmoor Police\n")
    assert [o for _, _, o in _found(text)] == ["Police", "ICB", "Children's Services", "", "", "Northmoor Police"]


class _Agency:  # plain stand-ins, no database
    def __init__(self, name, short, kind="agency", aliases=()):
        self.name, self.short_name, self.kind, self.aliases = name, short, kind, list(aliases)


def test_all_agencies_are_proposed_one_action_each_and_unknown_owners_only_when_they_read_like_one():
    index = AgencyIndex([_Agency("Dudley Partnership", "DSPP", "partnership"), _Agency("West Midlands Police", "WMP"),
                         _Agency("Dudley Council", "DMBC")])
    every = index.match("All partner agencies")
    assert every.every_agency and [a.short_name for a in every.agencies] == ["WMP", "DMBC"]
    result = extract(read_plain("Recommendations\n\n1. Acme Housing Trust should review tenancy checks.\n"
                                "2. Supervision - should be reflective.\n"))
    assert [i.owner for i in result.recommendations] == ["Acme Housing Trust", ""]


def test_action_plan_table_without_a_recommendations_heading():
    text = ("Action plan\n\n| Ref | Recommendation | Action | Lead | Target date | Outcome |\n|---|---|---|---|---|---|\n"
            "| R1 | Police should check adults in the household. | Update the checklist | Police | 30/09/2024 | In use |\n"
            "| | | Audit ten strategy discussions | Police | 31/03/2025 | Audit report |\n")
    [item] = extract(read_plain(text)).recommendations
    assert (item.number, item.owner) == ("R1", "Police")
    assert [(a.description, a.target_date, a.outcome) for a in item.actions] == [
        ("Update the checklist", "30/09/2024", "In use"), ("Audit ten strategy discussions", "31/03/2025",
                                                            "Audit report")]


def test_html_leaves_out_navigation_header_footer_and_scripts():
    page = b"""<html><head><script>var recommendations = 1;</script></head><body>
      <header><nav><ul><li>Home</li><li>Recommendations</li></ul></nav></header>
      <main><h1>Child Q review</h1><h2>Recommendations</h2>
      <ol start="1"><li>The Partnership should audit strategy meetings.</li>
      <li>Police should review welfare checks<sup>3</sup>.</li></ol></main>
      <aside><p>Recommendation 9: sign up to our newsletter.</p></aside>
      <footer><p>Recommendation 10: cookies.</p></footer></body></html>"""
    result = extract(read_html(page))
    assert [(i.number, i.text) for i in result.items] == [
        ("1", "The Partnership should audit strategy meetings."), ("2", "Police should review welfare checks.")]


def test_word_automatic_numbers_with_letters_come_from_numbering_xml():
    data = to_docx("Recommendations\n\nE1. The Board should audit plans.\nE2. Police should review checks.\n")
    body = "".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "E1" not in body  # the numbers live in numbering.xml, not in the text
    assert [i.number for i in extract(read_document("x.docx", data)).items] == ["E1", "E2"]


def test_page_texts_give_pages_and_the_ocr_flag():
    result = extract(from_page_texts(["Child Q\n\nIntroduction text.", "Recommendations\n\n1. Police should act."],
                                     ocr=True))
    assert result.ocr and result.pages == 2
    [item] = result.items
    assert item.page == 2 and "Police should act" in item.context


@pytest.mark.parametrize("name, data, message", [
    ("x.pdf", b"%PDF-1.4 broken", "The PDF could not be read"),
    ("x.docx", b"PK\x03\x04 not really", "The Word file could not be read"),
    ("x.rtf", b"{\\rtf1}", "must be a PDF, Word"),
])
def test_bad_files_get_a_clear_message(name, data, message):
    from tracker.core.errors import DomainError

    with pytest.raises(DomainError, match=message):
        read_document(name, data)


def test_the_partnership_named_generically_is_the_partnership_itself():
    partnership = _Agency("Dudley Safeguarding People Partnership", "DSPP", "partnership")
    index = AgencyIndex([partnership, _Agency("West Midlands Police", "WMP")])
    assert index.match("Partnership").agencies == [partnership]
    assert index.match("the Board").how == ["the partnership"]
