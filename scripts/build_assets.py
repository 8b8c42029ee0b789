#!/usr/bin/env python3
"""Copy the compiled GOV.UK Frontend files from node_modules into tracker/static/govuk/.

Run `npm ci` first, then `python scripts/build_assets.py`. The output folder is build output
(gitignored) and is replaced whole on every run, so running the script twice gives the same tree.

The compiled CSS refers to its images as `url(/assets/...)`, which only works when the assets are
served from the site root. The copy rewrites those to `url(assets/...)`, relative to the CSS file
itself, so they resolve to /static/govuk/assets/... (or wherever the static folder is mounted)
without any extra route.

The GDS Transport font is licensed for exclusive use on gov.uk, and Follow Through is not a GOV.UK
service, so the copy drops its @font-face rules and does not copy the font files: every
`font-family: GDS Transport, arial, sans-serif` in the CSS then falls back to Arial, as the Design
System advises for services off GOV.UK.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "node_modules" / "govuk-frontend"
SOURCE_DIR = PACKAGE_DIR / "dist" / "govuk"
TARGET_DIR = ROOT / "tracker" / "static" / "govuk"

FILES = (
    "govuk-frontend.min.css",
    "govuk-frontend.min.css.map",
    "govuk-frontend.min.js",
    "govuk-frontend.min.js.map",
)
CSS_FILE = "govuk-frontend.min.css"
GDS_TRANSPORT_NOTICE = re.compile(r"/\*![^*]*exclusive use on gov\.uk[^*]*\*/")
GDS_TRANSPORT_FONT_FACE = re.compile(r"@font-face\{[^}]*GDS Transport[^}]*\}")
ROOT_ASSET_URL = re.compile(r"""url\((['"]?)/assets/""")
ANY_ROOT_URL = re.compile(r"""url\((['"]?)/(?!/)""")


class BuildError(Exception):
    pass


def expected_version() -> str:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return package["dependencies"]["govuk-frontend"]


def installed_version() -> str:
    package_json = PACKAGE_DIR / "package.json"
    if not package_json.is_file():
        raise BuildError(
            f"{PACKAGE_DIR.relative_to(ROOT)} is missing: run `npm ci` in {ROOT} first "
            "(it installs govuk-frontend from package-lock.json)."
        )
    return json.loads(package_json.read_text(encoding="utf-8"))["version"]


def rewrite_css(css: str) -> str:
    """Drop the GOV.UK-only font and point asset URLs at the assets folder beside the CSS file."""
    without_font = GDS_TRANSPORT_FONT_FACE.sub("", GDS_TRANSPORT_NOTICE.sub("", css))
    if "@font-face" in without_font:
        raise BuildError(f"{CSS_FILE} has an @font-face rule this script does not recognise.")
    rewritten = ROOT_ASSET_URL.sub(r"url(\1assets/", without_font)
    leftover = ANY_ROOT_URL.search(rewritten)
    if leftover:
        start = leftover.start()
        raise BuildError(
            f"{CSS_FILE} still has a root-relative URL after rewriting: {rewritten[start:start + 80]!r}"
        )
    return rewritten


def build() -> None:
    wanted = expected_version()
    found = installed_version()
    if found != wanted:
        raise BuildError(
            f"node_modules has govuk-frontend {found} but package.json pins {wanted}: run `npm ci`."
        )
    missing = [name for name in (*FILES, "assets") if not (SOURCE_DIR / name).exists()]
    if missing:
        raise BuildError(f"{SOURCE_DIR.relative_to(ROOT)} lacks {', '.join(missing)}.")

    staging = TARGET_DIR.with_name(TARGET_DIR.name + ".tmp")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for name in FILES:
        shutil.copy2(SOURCE_DIR / name, staging / name)
    css_path = staging / CSS_FILE
    css_path.write_text(rewrite_css(css_path.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(SOURCE_DIR / "assets", staging / "assets", ignore=shutil.ignore_patterns("fonts"))
    (staging / "VERSION").write_text(found + "\n", encoding="utf-8")

    if TARGET_DIR.exists():
        shutil.rmtree(TARGET_DIR)
    staging.rename(TARGET_DIR)
    print(f"GOV.UK Frontend {found} copied to {TARGET_DIR.relative_to(ROOT)}")


def main() -> int:
    try:
        build()
    except BuildError as error:
        print(f"build_assets: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
