"""The page pieces written in Python (tracker/web/markup.py) and the templates' remembering url_for."""

from datetime import date
from types import SimpleNamespace

from flask import render_template_string

from tracker.actions.models import Rating
from tracker.web.markup import (brag_tag, date as date_tag, pagination, rating_count_tags, search_input, sort_header,
                            theme_links)


def test_brag_tag_always_carries_its_word_and_escapes_the_reason(app):
    html = str(brag_tag(Rating.RED, "Red: due <soon>", stacked=True))
    assert 'class="app-brag app-brag--stacked"' in html
    assert 'app-brag__tag--red">Red</strong>' in html
    assert "Red: due &lt;soon&gt;" in html
    assert 'app-brag__tag--amber">At risk</strong>' in str(brag_tag("Amber", label="At risk"))
    assert 'app-brag__tag--none">Not rated</strong>' in str(brag_tag(None))
    assert 'app-brag__tag--none">Not rated</strong>' in str(brag_tag("purple"))


def test_date_is_a_time_element_or_not_set():
    assert str(date_tag(date(2025, 3, 3))) == '<time datetime="2025-03-03">3 March 2025</time>'
    assert str(date_tag(None)) == "Not set"


def _page(number: int, pages: int, total: int):
    per = 25
    return SimpleNamespace(
        page=number, pages=pages, total=total, first=(number - 1) * per + 1, last=min(number * per, total),
        has_prev=number > 1, has_next=number < pages, prev_num=number - 1, next_num=number + 1,
        iter_pages=lambda **_: [1, 2, 3, None, pages] if number == 2 else [1, 2, None, pages])


def test_pagination_keeps_the_filters_and_marks_the_current_page(app):
    with app.test_request_context("/actions/?rating=red&page=2"):
        html = str(pagination(_page(2, 40, 1000), noun="action"))
    assert "Showing 26 to 50 of 1,000 actions" in html
    assert 'href="/actions/?rating=red&amp;page=1" rel="prev"' in html
    assert 'href="/actions/?rating=red&amp;page=3" rel="next"' in html
    assert 'aria-label="Page 2" aria-current="page">2</a>' in html
    assert "govuk-pagination__item--ellipsis" in html
    with app.test_request_context("/actions/"):
        single = str(pagination(_page(1, 1, 3), noun="action"))
    assert "Showing 1 to 3 of 3 actions" in single and "<nav" not in single


def test_sort_header_flips_the_current_column_and_says_so(app):
    with app.test_request_context("/reviews/?sort=title&dir=asc&page=4&q=x"):
        current = str(sort_header("Title", "title", "title", "asc"))
        other = str(sort_header("Added", "created", "title", "asc", default_dir="desc"))
    assert 'aria-sort="ascending"' in current and "sort=title&amp;dir=desc" in current and "page=" not in current
    assert "q=x" in current and ", sort descending" in current
    assert 'aria-sort="none"' in other and "sort=created&amp;dir=desc" in other


def test_templates_url_for_remembers_but_stays_right_per_blueprint_and_external(app):
    template = "{{ url_for('themes.show', theme_id=7) }}|{{ url_for('.index') }}|{{ url_for('themes.show', theme_id=7, _external=True) }}"
    with app.test_request_context("/reviews/"):
        first = render_template_string(template)
        again = render_template_string(template)
    with app.test_request_context("/actions/"):
        elsewhere = render_template_string(template)
    assert first == again == "/themes/7|/reviews/|http://localhost/themes/7"
    assert elsewhere == "/themes/7|/actions/|http://localhost/themes/7"


def test_rating_count_tags_lists_the_rated_counts_red_first_or_says_none_rated():
    label = {"red": "Off track", "amber": "Amber", "green": "Green", "blue": "Blue"}.get
    html = str(rating_count_tags({"blue": 2, "green": 0, "red": 1, "amber": 0}, label))
    assert html.startswith('<ul class="govuk-list">')
    assert html.index("1 Off track") < html.index("2 Blue") and "Green" not in html
    assert 'app-brag__tag--red">1 Off track</strong>' in html
    assert "None rated" in str(rating_count_tags({"red": 0, "amber": 0, "green": 0, "blue": 0}, label))


def test_search_input_keeps_what_was_typed_escaped_and_describes_itself_by_its_hint():
    html = str(search_input("q", "Search", 'a "b" <c>', hint="Use quotes", label_classes="govuk-label--s"))
    assert '<label class="govuk-label govuk-label--s" for="q">Search</label>' in html
    assert 'value="a &#34;b&#34; &lt;c&gt;"' in html
    assert '<div id="q-hint" class="govuk-hint">Use quotes</div>' in html and 'aria-describedby="q-hint"' in html
    plain = str(search_input("q", "Reference or title", ""))
    assert "aria-describedby" not in plain and 'class="govuk-input" id="q" name="q" type="search"' in plain


def test_theme_links_link_each_theme_by_its_current_name(app):
    with app.test_request_context("/library/"):
        html = str(theme_links([(3, "Neglect"), (7, "Fathers & carers")]))
        renamed = str(theme_links([(3, "Chronic neglect")]))
    assert html == ('<a class="govuk-link" href="/themes/3">Neglect</a>, '
                    '<a class="govuk-link" href="/themes/7">Fathers &amp; carers</a>')
    assert renamed == '<a class="govuk-link" href="/themes/3">Chronic neglect</a>'
    with app.test_request_context("/library/", base_url="http://localhost/tracker"):
        assert 'href="/tracker/themes/3"' in str(theme_links([(3, "Neglect")]))
