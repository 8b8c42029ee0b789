"""The test suite's one speed trick on a library's internals (tests/conftest.py
`_share_compiled_url_builders`: Werkzeug's compiled URL builders kept for the run, `create_app` 50 ->
13 ms, about a minute of the fast tier) is in use, and still builds each app's own URLs. A Werkzeug
upgrade that drops the internal it hooks fails the first assertion, so the trick is looked at again
rather than silently lost; one that changes what a builder holds fails the URLs."""

from flask import Flask, url_for
from werkzeug.routing.rules import Rule


def test_the_shared_url_builders_are_in_use_and_build_each_apps_urls(app):
    assert getattr(Rule._compile_builder, "shared", False), "see tests/conftest.py _share_compiled_url_builders"
    other = Flask("other")
    other.add_url_rule("/things/<int:thing_id>", "thing", lambda thing_id: "")
    other.add_url_rule("/actions/<int:action_id>", "same_shape", lambda action_id: "")
    listing = lambda page: ""  # noqa: E731
    other.add_url_rule("/list/", "list", listing, defaults={"page": 1})
    other.add_url_rule("/list/page/<int:page>", "list", listing)
    with other.test_request_context("/", base_url="http://example.org/prefix"):
        assert url_for("thing", thing_id=7) == "/prefix/things/7"
        assert url_for("same_shape", action_id=7, q="a b") == "/prefix/actions/7?q=a+b"
        assert url_for("list") == "/prefix/list/"
        assert url_for("list", page=3) == "/prefix/list/page/3"
    with app.test_request_context("/"):
        assert url_for("actions.show", action_id=7) == "/actions/7"
