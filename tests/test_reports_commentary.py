"""The commentary's small markup: paragraphs, bullets, bold; everything else shown as typed."""

from tracker.reports.commentary import MAX_CHARS, check, clean, parse, to_html


def test_paragraphs_bullets_and_bold():
    text = "First line\nsame paragraph\n- one\n  continued\n- **two**\nAfter\n\n**Bold** end"
    assert [(b.kind, [[(r.text, r.bold) for r in item] for item in b.items]) for b in parse(text)] == [
        ("paragraph", [[("First line same paragraph", False)]]),
        ("bullets", [[("one continued", False)], [("two", True)]]),
        ("paragraph", [[("After", False)]]),
        ("paragraph", [[("Bold", True), (" end", False)]]),
    ]


def test_html_typed_in_is_escaped_never_obeyed():
    html = str(to_html('<script>alert(1)</script> <a href="javascript:x">y</a> **<i>b</i>**'))
    assert "<script>" not in html and "<a " not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<strong>&lt;i&gt;b&lt;/i&gt;</strong>" in html


def test_control_characters_are_dropped_and_length_is_bounded():
    assert clean("a\x00b\u202ec\r\nd  \n") == "abc\nd"
    cleaned, errors = check({"summary": "x" * (MAX_CHARS + 1), "asks": "  Note it.  ", "charts": "   "})
    assert errors == {"summary": f"Executive summary must be {MAX_CHARS:,} characters or fewer (it is 6,001)"}
    assert cleaned == {"asks": "Note it."}
    assert parse("") == [] and str(to_html(None)) == ""
