"""Comparing HTML the way a browser would read it: GOV.UK Frontend's fixtures (the expected HTML of
each component, shipped in the npm package) against our own fast versions of the components."""

import json
from functools import cache
from pathlib import Path

import tinyhtml5

ROOT = Path(__file__).resolve().parents[1]
COMPONENTS = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "components"


@cache
def fixtures(component: str) -> dict[str, dict]:
    """GOV.UK Frontend's fixtures of a component by name: each has "options" and the expected "html".
    The npm package (pinned by package-lock.json) must be installed: `npm ci`, as `make install` does."""
    path = COMPONENTS / component / "fixtures.json"
    assert path.is_file(), f"{path} is missing: run `npm ci` (make install does)"
    return {f["name"]: f for f in json.loads(path.read_text())["fixtures"]}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _tree(element) -> tuple:
    attributes = tuple(sorted((_local(k), " ".join(v.split()) if _local(k) == "class" else v)
                              for k, v in element.attrib.items()))
    children: list = []
    text = " ".join((element.text or "").split())
    if text:
        children.append(text)
    for child in element:
        children.append(_tree(child))
        tail = " ".join((child.tail or "").split())
        if tail:
            children.append(tail)
    return (_local(element.tag), attributes, tuple(children))


def normalised(html: str) -> tuple:
    """The elements of an HTML fragment as nested tuples: attribute order, class spacing and the
    whitespace around and inside text do not count; elements, attributes and words do."""
    body = tinyhtml5.parse(f"<!DOCTYPE html><html><head></head><body>{html}</body></html>").find(
        "{http://www.w3.org/1999/xhtml}body")
    return _tree(body)[2]


def pretty(tree: tuple, depth: int = 0) -> str:
    """A normalised tree one element a line, to read a difference in a failing assertion."""
    lines = []
    for node in tree:
        if isinstance(node, str):
            lines.append("  " * depth + repr(node))
        else:
            tag, attributes, children = node
            lines.append("  " * depth + f"<{tag} " + " ".join(f'{k}="{v}"' for k, v in attributes) + ">")
            lines.append(pretty(children, depth + 1))
    return "\n".join(line for line in lines if line)
