"""The templates' Jinja environment: Flask's own, with each template's globals as one plain dict.

Why: Jinja gives every template a ChainMap of its own globals over the environment's, so that a global
added to the environment after a template is loaded still reaches it. Every `{% from ... import %}`
then compares the importing template's global names with the imported one's through that ChainMap (to
decide whether the cached module will do), one Python-level lookup per name per import: a GOV.UK page
makes about a dozen imports over about forty globals, some 430 lookups a request. Measured on the
benchmark's ten-year data (in-process CPU per request, median of five runs of 200, 5 December 2026):
the account page (the signed-in floor, scripts/bench.py) 2.40 ms with ChainMaps against 2.13 ms with
dicts, about a tenth of every page's floor.

Built on public API only: Flask creates its environment from `Flask.jinja_environment`, and
`Environment.make_globals` is Jinja's documented hook for this map ("avoid modifying any globals after
a template is loaded"). The app adds all its globals while it is created (create_app, the extensions,
the blueprints), before any template loads. tests/test_templating.py fails if a template misses a
global the environment has, or if an imported template's module is made again on each import (the cost
this removes, should an upgrade of Jinja change how it decides)."""

from __future__ import annotations

from typing import Any, MutableMapping

from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """The environment's globals with `d` over them, copied into one dict (Jinja: a ChainMap)."""
        return {**self.globals, **(d or {})}
