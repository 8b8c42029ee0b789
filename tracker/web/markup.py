"""Small pieces of page markup written in Python: the ones a list page repeats on every row.

A Jinja macro call costs far more than a function call, and a list of 50 actions called a rating
tag and two dates per row; GOV.UK's pagination and date-input macros nest several macros more. These
functions write the same markup (the Design System's classes and attributes) and are template
globals, so templates call them as they called the macros: `brag_tag(rating, reason)`,
`rating_count_tags(counts, label)`, `theme_links(themes)`, `date(value)`, `pagination(page, noun="action")`, `sort_header(...)`,
`search_input(name, label, value)`, `date_filter(field, legend)`,
and the options of the filter lists, `select_options(field)`.

Each GOV.UK component written here has one function taking the GOV.UK macro's own options (a subset:
`govuk_tag`, `govuk_pagination`, `govuk_input`, `govuk_date_input`, `govuk_service_navigation` (the
page frame's, `service_navigation` in templates), and `select_options` for the options of govukSelect), which the app's functions call. tests/test_govuk_parity.py renders those with
the options of GOV.UK Frontend's own fixtures (node_modules/govuk-frontend, pinned by package-lock.json)
and compares the HTML with the fixtures' expected HTML, so an upgrade that changes the markup fails
there. `sort_header`, `date` and `theme_links` are our own pieces (no GOV.UK component has them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date as Date
from functools import lru_cache

from flask import request, url_for
from markupsafe import Markup, escape

from tracker.actions.models import RATED
from tracker.web.filters import current_url_with, govuk_date, pluralise


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
            + _tag(escape(text), f"app-brag__tag app-brag__tag--{key if known else 'none'}"))
    if reason:
        html += f' <span class="govuk-hint app-brag__reason">{escape(reason)}</span>'
    return Markup(html + "</span>")


def govuk_tag(params: Mapping) -> str:
    """govukTag: options text and classes."""
    classes = params.get("classes")
    return _tag(escape(params["text"]), escape(classes) if classes else "")


def _tag(text: str, classes: str) -> str:
    """A tag from escaped text and classes: a list page writes hundreds, so no options to unpack."""
    return f'<strong class="govuk-tag{" " + classes if classes else ""}">{text}</strong>'


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
    """"Showing 1 to 50 of 1,234 actions" and GOV.UK page links for a page of a list (tracker.core.pagination's
    Page, or the Pagination of db.paginate). Links keep every other query argument (filters, sort);
    pass url_for_page (a callable taking a page number) to build them yourself."""
    def href(number: int) -> str:
        return url_for_page(number) if url_for_page else current_url_with(page=number)

    html = ""
    if summary and page_obj.total:
        html += (f'<p class="govuk-body app-table-summary">Showing {page_obj.first} to {page_obj.last} of '
                 f'{escape(pluralise(page_obj.total, noun, noun_plural))}</p>')
    if page_obj.pages <= 1:
        return Markup(html)
    items = [{"ellipsis": True} if number is None else
             {"number": number, "href": href(number), "current": number == page_obj.page}
             for number in page_obj.iter_pages(left_edge=1, left_current=1, right_current=2, right_edge=1)]
    return Markup(html + govuk_pagination({
        "items": items, "landmarkLabel": landmark_label,
        "previous": {"href": href(page_obj.prev_num)} if page_obj.has_prev else None,
        "next": {"href": href(page_obj.next_num)} if page_obj.has_next else None}))


def govuk_pagination(params: Mapping) -> str:
    """govukPagination: options items (number, href, current; or ellipsis), previous and next (href),
    landmarkLabel."""
    previous, following, items = params.get("previous"), params.get("next"), params.get("items")
    block = not items  # previous and next alone: GOV.UK's block style, each link on its own line
    title = "govuk-pagination__link-title" + (" govuk-pagination__link-title--decorated" if block else "")
    html = (f'<nav class="govuk-pagination{" govuk-pagination--block" if block else ""}" '
            f'aria-label="{escape(params.get("landmarkLabel") or "Pagination")}">')
    if previous:
        html += (f'<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" '
                 f'href="{escape(previous["href"])}" rel="prev">{ARROW_PREVIOUS}<span class="{title}">'
                 f'Previous<span class="govuk-visually-hidden"> page</span></span></a></div>')
    if items:
        html += '<ul class="govuk-pagination__list">'
        for item in items:
            if item.get("ellipsis"):
                html += '<li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>'
            elif item.get("current"):
                html += (f'<li class="govuk-pagination__item govuk-pagination__item--current"><a class="govuk-link '
                         f'govuk-pagination__link" href="{escape(item["href"])}" aria-label="Page {item["number"]}" '
                         f'aria-current="page">{item["number"]}</a></li>')
            else:
                html += (f'<li class="govuk-pagination__item"><a class="govuk-link govuk-pagination__link" '
                         f'href="{escape(item["href"])}" aria-label="Page {item["number"]}">{item["number"]}</a></li>')
        html += "</ul>"
    if following:
        html += (f'<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" '
                 f'href="{escape(following["href"])}" rel="next">{ARROW_NEXT if block else ""}<span class="{title}">'
                 f'Next<span class="govuk-visually-hidden"> page</span></span>{"" if block else ARROW_NEXT}</a></div>')
    return html + "</nav>"


def govuk_service_navigation(params: Mapping) -> Markup:
    """govukServiceNavigation: options serviceName, serviceUrl, ariaLabel, classes, navigation (href,
    text, active, current). On every page: the macro (with the macros it calls) was a noticeable part
    of every page's time, and a Jinja macro of our own still cost more than this function."""
    name, classes = params.get("serviceName"), params.get("classes")
    items = [item for item in params.get("navigation") or () if item]
    tag = "section" if name else "div"
    label = f'aria-label="{escape(params.get("ariaLabel") or "Service information")}" ' if name else ""
    html = (f'<{tag} {label}class="govuk-service-navigation{" " + escape(classes) if classes else ""}" '
            'data-module="govuk-service-navigation"><div class="govuk-width-container">'
            '<div class="govuk-service-navigation__container">')
    if name:
        url = params.get("serviceUrl")
        inner = (f'<a href="{escape(url)}" class="govuk-service-navigation__link">{escape(name)}</a>' if url else
                 f'<span class="govuk-service-navigation__text">{escape(name)}</span>')
        html += f'<span class="govuk-service-navigation__service-name">{inner}</span>'
    if items:
        html += '<nav aria-label="Menu" class="govuk-service-navigation__wrapper">'
        if len(items) > 1:
            html += ('<button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" '
                     'aria-controls="navigation" hidden aria-hidden="true">Menu</button>')
        html += '<ul class="govuk-service-navigation__list" id="navigation">'
        for item in items:
            text = escape(item["text"])
            if item.get("active") or item.get("current"):
                html += ('<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
                         f'<a class="govuk-service-navigation__link" href="{escape(item["href"])}" '
                         f'aria-current="{"page" if item.get("current") else "true"}">'
                         f'<strong class="govuk-service-navigation__active-fallback">{text}</strong></a></li>')
            else:
                html += (f'<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" '
                         f'href="{escape(item["href"])}">{text}</a></li>')
        html += "</ul></nav>"
    return Markup(html + f"</div></div></{tag}>")


def search_input(name: str, label: str, value: str, hint: str | None = None, label_classes: str = "",
                 classes: str = "") -> Markup:
    """The words box of a list's filters: GOV.UK's text input (type search, no spellcheck), with a
    hint under the label when given."""
    return Markup(govuk_input({"name": name, "type": "search", "spellcheck": False, "value": value,
                               "label": {"text": label, "classes": label_classes}, "classes": classes,
                               "hint": {"text": hint} if hint else None}))


def _value(value: object) -> str:
    """A value attribute, as GOV.UK writes it: none for no value or an empty one (0 is a value)."""
    return "" if value is None or value == "" else f' value="{escape(value)}"'


def govuk_input(params: Mapping) -> str:
    """govukInput: options name, id (the name if none), type, value, label (text, classes), hint
    (text), spellcheck, inputmode, classes."""
    name = escape(params["name"])
    id_ = escape(params.get("id") or params["name"])
    label, hint = params.get("label") or {}, params.get("hint")
    label_classes, classes = label.get("classes"), params.get("classes")
    html = (f'<div class="govuk-form-group"><label class="govuk-label{" " + escape(label_classes) if label_classes else ""}"'
            f' for="{id_}">{escape(label.get("text", ""))}</label>')
    if hint:
        html += f'<div id="{id_}-hint" class="govuk-hint">{escape(hint["text"])}</div>'
    spellcheck = params.get("spellcheck")
    return html + (
        f'<input class="govuk-input{" " + escape(classes) if classes else ""}" id="{id_}" name="{name}" '
        f'type="{escape(params.get("type") or "text")}"'
        + (f' spellcheck="{"true" if spellcheck else "false"}"' if spellcheck in (True, False) else "")
        + _value(params.get("value"))
        + (f' aria-describedby="{id_}-hint"' if hint else "")
        + (f' inputmode="{escape(params["inputmode"])}"' if params.get("inputmode") else "")
        + "></div>")


def date_filter(field, legend: str) -> Markup:
    """A GOV.UK date input (day, month, year) for a date filter of a GET form, with its error when the
    date typed is not a real one. `field` is a govuk-frontend-wtf date field."""
    raw = list(field.raw_data or [])
    if field.data and not raw:
        raw = [str(field.data.day), str(field.data.month), str(field.data.year)]
    raw += [""] * (3 - len(raw))
    error = field.errors[0] if field.errors else None
    error_class = " govuk-input--error" if error else ""
    return Markup(govuk_date_input({
        "id": field.name,
        "fieldset": {"legend": {"text": legend, "classes": "govuk-fieldset__legend--s"}},
        "errorMessage": {"text": error} if error else None,
        "items": [{"id": f"{field.name}-{part}", "name": field.name, "label": label, "value": value,
                   "classes": f"govuk-input--width-{width}{error_class}"}
                  for part, label, width, value in (("day", "Day", 2, raw[0]), ("month", "Month", 2, raw[1]),
                                                    ("year", "Year", 4, raw[2]))]}))


DATE_ITEMS = ({"name": "day", "classes": "govuk-input--width-2"}, {"name": "month", "classes": "govuk-input--width-2"},
              {"name": "year", "classes": "govuk-input--width-4"})


def govuk_date_input(params: Mapping) -> str:
    """govukDateInput: options id, namePrefix, fieldset (legend: text, classes), hint (text),
    errorMessage (text), items (id, name, label, value, classes; day, month and year if none)."""
    id_ = escape(params["id"])
    hint, error, fieldset = params.get("hint"), params.get("errorMessage"), params.get("fieldset")
    prefix = params.get("namePrefix")
    described = " ".join(([f"{id_}-hint"] if hint else []) + ([f"{id_}-error"] if error else []))
    html = ""
    if hint:
        html += f'<div id="{id_}-hint" class="govuk-hint">{escape(hint["text"])}</div>'
    if error:
        html += (f'<p id="{id_}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:'
                 f'</span> {escape(error["text"])}</p>')
    html += f'<div class="govuk-date-input" id="{id_}">'
    for item in params.get("items") or DATE_ITEMS:
        name = f"{prefix}-{item['name']}" if prefix else item["name"]
        item_id = escape(item.get("id") or f"{params['id']}-{item['name']}")
        label = item.get("label") or item["name"].capitalize()
        html += (f'<div class="govuk-date-input__item"><div class="govuk-form-group">'
                 f'<label class="govuk-label govuk-date-input__label" for="{item_id}">{escape(label)}</label>'
                 f'<input class="govuk-input govuk-date-input__input {escape(item.get("classes") or "")}" '
                 f'id="{item_id}" name="{escape(name)}" type="text"{_value(item.get("value"))} inputmode="numeric">'
                 f'</div></div>')
    html += "</div>"
    if fieldset:
        legend = fieldset["legend"]
        legend_classes = legend.get("classes")
        described_by = f' aria-describedby="{described}"' if described else ""
        html = (f'<fieldset class="govuk-fieldset" role="group"{described_by}>'
                f'<legend class="govuk-fieldset__legend{" " + escape(legend_classes) if legend_classes else ""}">'
                f'{escape(legend["text"])}</legend>{html}</fieldset>')
    return f'<div class="govuk-form-group{" govuk-form-group--error" if error else ""}">{html}</div>'


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
    app.add_template_global(govuk_service_navigation, "service_navigation")
