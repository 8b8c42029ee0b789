"""Small pieces of page markup written in Python: the ones a list page repeats on every row.

A Jinja macro call costs far more than a function call, and a list of 50 actions called a rating
tag and two dates per row; GOV.UK's pagination and date-input macros nest several macros more. These
functions write the same markup (the Design System's classes and attributes) and are template
globals, so templates call them as they called the macros: `brag_tag(rating, reason)`,
`rating_count_tags(counts, label)`, `theme_links(themes)`, `date(value)`, `pagination(page, noun="action")`, `sort_header(...)`,
`search_input(name, label, value)`, `date_filter(field, legend)`,
and the options of the filter lists, `select_options(field)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date as Date
from functools import lru_cache

from flask import request, url_for
from markupsafe import Markup, escape

from tracker.actions.models import RATED
from tracker.template_filters import current_url_with, govuk_date, pluralise


ARROW_PREVIOUS = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg" '
    'height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">'
    '<path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931'
    '-4.293-1.414-1.414z"></path></svg>')
ARROW_NEXT = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" '
    'height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">'
    '<path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441'
    '-6.4062-6.7246-6.7266z"></path></svg>')


def rating_key(rating: object) -> str:
    """"red" whether the rating arrives as "Red", "red" or an enum whose value is "red"; "none" for none."""
    if rating is None or rating == "":
        return "none"
    return str(getattr(rating, "value", rating)).lower()


def brag_tag(rating: object, reason: str | None = None, label: str | None = None, stacked: bool = False) -> Markup:
    """A BRAG rating as a tag that always carries its word ("Red"), with an edge and fill of its own
    (see app.css), and the reason sentence beside it (under it when `stacked`, for narrow cells).
    `label` is the partnership's own wording for the rating, if it has changed the default."""
    key = rating_key(rating)
    known = key in RATED
    text = label or (key.capitalize() if known else "Not rated")
    html = (f'<span class="app-brag{" app-brag--stacked" if stacked else ""}">'
            f'<strong class="govuk-tag app-brag__tag app-brag__tag--{key if known else "none"}">{escape(text)}</strong>')
    if reason:
        html += f' <span class="govuk-hint app-brag__reason">{escape(reason)}</span>'
    return Markup(html + "</span>")


def rating_count_tags(counts: Mapping[str, int], label: Callable[[str], str]) -> Markup:
    """How many actions have each rating, as a list of tags ("3 Red"), Red first; "None rated" when
    no action is rated. `label` gives the partnership's word for a rating."""
    items = "".join(f"<li>{brag_tag(key, label=f'{counts[key]} {label(key)}')}</li>"
                    for key in RATED if counts.get(key))
    if not items:
        return Markup('<span class="govuk-hint govuk-!-margin-0">None rated</span>')
    return Markup(f'<ul class="govuk-list">{items}</ul>')


def theme_links(themes: Iterable[tuple[int, str]]) -> Markup:
    """Each (id, name) theme as a link to its page, separated by commas. A page of library results
    lists about 170: each link is built once and remembered, not on every page."""
    root = request.script_root
    return Markup(", ".join(_theme_link(theme_id, name, root) for theme_id, name in themes))


@lru_cache(maxsize=2048)
def _theme_link(theme_id: int, name: str, root: str) -> str:
    return f'<a class="govuk-link" href="{escape(url_for("themes.show", theme_id=theme_id))}">{escape(name)}</a>'


def date(value: Date | None) -> Markup:
    """A date in a <time> element, written "3 March 2025"; "Not set" when there is none."""
    if not value:
        return Markup(escape(govuk_date(None)))
    return Markup(f'<time datetime="{value.isoformat()}">{govuk_date(value)}</time>')


def sort_header(label: str, key: str, current_sort: str, current_dir: str, default_dir: str = "asc",
                numeric: bool = False, classes: str = "", sort_param: str = "sort", dir_param: str = "dir") -> Markup:
    """A column header that sorts the table by `key`: a link that keeps the filters, goes back to the
    first page and flips the direction when the column is already the sort. aria-sort tells screen
    readers the current order. Use inside <table class="govuk-table app-table--sortable">."""
    is_current = current_sort == key
    next_dir = ("desc" if current_dir == "asc" else "asc") if is_current else default_dir
    aria_sort = ("ascending" if current_dir == "asc" else "descending") if is_current else "none"
    css = "govuk-table__header" + (" govuk-table__header--numeric" if numeric else "") + (f" {classes}" if classes else "")
    href = current_url_with(**{sort_param: key, dir_param: next_dir, "page": None})
    hidden = "ascending" if next_dir == "asc" else "descending"
    return Markup(
        f'<th scope="col" class="{escape(css)}" aria-sort="{aria_sort}">'
        f'<a class="app-sort-link" href="{escape(href)}">{escape(label)}'
        f'<span class="govuk-visually-hidden">, sort {hidden}</span></a></th>')


def pagination(page_obj, url_for_page: Callable[[int], str] | None = None, landmark_label: str = "Pagination",
               summary: bool = True, noun: str = "result", noun_plural: str | None = None) -> Markup:
    """"Showing 1 to 50 of 1,234 actions" and GOV.UK page links for a Flask-SQLAlchemy Pagination
    object. Links keep every other query argument (filters, sort); pass url_for_page (a callable
    taking a page number) to build them yourself."""
    def href(number: int) -> str:
        return escape(url_for_page(number) if url_for_page else current_url_with(page=number))

    html = ""
    if summary and page_obj.total:
        html += (f'<p class="govuk-body app-table-summary">Showing {page_obj.first} to {page_obj.last} of '
                 f'{escape(pluralise(page_obj.total, noun, noun_plural))}</p>')
    if page_obj.pages <= 1:
        return Markup(html)
    html += f'<nav class="govuk-pagination" aria-label="{escape(landmark_label)}">'
    if page_obj.has_prev:
        html += (f'<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" '
                 f'href="{href(page_obj.prev_num)}" rel="prev">{ARROW_PREVIOUS}<span class="govuk-pagination__link-title">'
                 f'Previous<span class="govuk-visually-hidden"> page</span></span></a></div>')
    html += '<ul class="govuk-pagination__list">'
    for number in page_obj.iter_pages(left_edge=1, left_current=1, right_current=2, right_edge=1):
        if number is None:
            html += '<li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>'
        elif number == page_obj.page:
            html += (f'<li class="govuk-pagination__item govuk-pagination__item--current"><a class="govuk-link '
                     f'govuk-pagination__link" href="{href(number)}" aria-label="Page {number}" aria-current="page">'
                     f'{number}</a></li>')
        else:
            html += (f'<li class="govuk-pagination__item"><a class="govuk-link govuk-pagination__link" '
                     f'href="{href(number)}" aria-label="Page {number}">{number}</a></li>')
    html += "</ul>"
    if page_obj.has_next:
        html += (f'<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" '
                 f'href="{href(page_obj.next_num)}" rel="next"><span class="govuk-pagination__link-title">'
                 f'Next<span class="govuk-visually-hidden"> page</span></span>{ARROW_NEXT}</a></div>')
    return Markup(html + "</nav>")


def search_input(name: str, label: str, value: str, hint: str | None = None, label_classes: str = "",
                 classes: str = "") -> Markup:
    """The words box of a list's filters: GOV.UK's text input (type search, no spellcheck), with a
    hint under the label when given."""
    described = f' aria-describedby="{escape(name)}-hint"' if hint else ""
    html = (f'<div class="govuk-form-group"><label class="govuk-label{" " + escape(label_classes) if label_classes else ""}"'
            f' for="{escape(name)}">{escape(label)}</label>')
    if hint:
        html += f'<div id="{escape(name)}-hint" class="govuk-hint">{escape(hint)}</div>'
    return Markup(html + f'<input class="govuk-input{" " + escape(classes) if classes else ""}" id="{escape(name)}" '
                         f'name="{escape(name)}" type="search" spellcheck="false" value="{escape(value)}"{described}></div>')


def date_filter(field, legend: str) -> Markup:
    """A GOV.UK date input (day, month, year) for a date filter of a GET form, with its error when the
    date typed is not a real one. `field` is a govuk-frontend-wtf date field."""
    raw = list(field.raw_data or [])
    if field.data and not raw:
        raw = [str(field.data.day), str(field.data.month), str(field.data.year)]
    raw += [""] * (3 - len(raw))
    error = field.errors[0] if field.errors else None
    name = escape(field.name)
    html = f'<div class="govuk-form-group{" govuk-form-group--error" if error else ""}">'
    described = f' aria-describedby="{name}-error"' if error else ""
    html += (f'<fieldset class="govuk-fieldset" role="group"{described}>'
             f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{escape(legend)}</legend>')
    if error:
        html += (f'<p id="{name}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:'
                 f'</span> {escape(error)}</p>')
    html += f'<div class="govuk-date-input" id="{name}">'
    for part, label, width, value in (("day", "Day", 2, raw[0]), ("month", "Month", 2, raw[1]),
                                      ("year", "Year", 4, raw[2])):
        css = f"govuk-input govuk-date-input__input govuk-input--width-{width}" + (" govuk-input--error" if error else "")
        html += (f'<div class="govuk-date-input__item"><div class="govuk-form-group">'
                 f'<label class="govuk-label govuk-date-input__label" for="{name}-{part}">{label}</label>'
                 f'<input class="{css}" id="{name}-{part}" name="{name}" type="text" value="{escape(value)}" '
                 f'inputmode="numeric"></div></div>')
    return Markup(html + "</div></fieldset></div>")


def select_options(choices, selected: object = None, blank: str | None = None, value: str = "value",
                   text: str = "label") -> Markup:
    """The <option> elements of a filter list, the chosen one marked selected.

    `choices` is a WTForms field (its (value, label) choices and its data), or objects whose `value`
    and `text` attributes give each option (with `value=None`, plain values that are their own text), `selected` the chosen value and `blank` the text of an
    empty first option. A list of every review or theme has hundreds of options, the same on every
    request until one is added or renamed: their markup is built once per distinct list and kept."""
    if hasattr(choices, "iter_choices"):
        selected = choices.data
        pairs = choices.choices if isinstance(choices.choices, tuple) else tuple(
            (str(c[0]), str(c[1])) for c in choices.choices)
    else:
        pairs = tuple((str(getattr(item, value)), str(getattr(item, text))) if value else (str(item), str(item))
                      for item in choices)
        if blank is not None:
            pairs = (("", blank), *pairs)
    markup = _options_markup(pairs)
    if selected is not None:
        chosen = f'<option value="{escape(str(selected))}">'
        markup = markup.replace(chosen, chosen[:-1] + " selected>", 1)
    return Markup(markup)


@lru_cache(maxsize=64)
def _options_markup(pairs: tuple[tuple[str, str], ...]) -> str:
    return "".join(f'<option value="{escape(key)}">{escape(label)}</option>' for key, label in pairs)


def register(app) -> None:
    for function in (brag_tag, rating_count_tags, theme_links, date, sort_header, pagination, search_input, date_filter,
                     select_options):
        app.add_template_global(function, function.__name__)
