#!/usr/bin/env python3
"""Copy the compiled GOV.UK Frontend files from node_modules into tracker/static/govuk/, and
accessible-autocomplete's (the searchable theme pickers) into tracker/static/autocomplete/.

Run `npm ci` first, then `python scripts/build_assets.py`. The output folders are build output
(gitignored) and are replaced whole on every run, so running the script twice gives the same tree.

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
AUTOCOMPLETE_PACKAGE = "accessible-autocomplete"
AUTOCOMPLETE_SOURCE_DIR = ROOT / "node_modules" / AUTOCOMPLETE_PACKAGE / "dist"
AUTOCOMPLETE_TARGET_DIR = ROOT / "tracker" / "static" / "autocomplete"
AUTOCOMPLETE_FILES = (
    "accessible-autocomplete.min.css",
    "accessible-autocomplete.min.js",
    "accessible-autocomplete.min.js.map",
)
ROOT_ASSET_URL = re.compile(r"""url\((['"]?)/assets/""")
ANY_ROOT_URL = re.compile(r"""url\((['"]?)/(?!/)""")


class BuildError(Exception):
    pass


def expected_version(name: str = "govuk-frontend") -> str:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return package["dependencies"][name]


def installed_version(package_dir: Path = PACKAGE_DIR) -> str:
    package_json = package_dir / "package.json"
    if not package_json.is_file():
        raise BuildError(
            f"{package_dir.relative_to(ROOT)} is missing: run `npm ci` in {ROOT} first "
            f"(it installs {package_dir.name} from package-lock.json)."
        )
    return json.loads(package_json.read_text(encoding="utf-8"))["version"]


def replace_folder(staging: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)


def fresh_staging(target: Path) -> Path:
    staging = target.with_name(target.name + ".tmp")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def build_autocomplete() -> None:
    """Copy accessible-autocomplete's compiled script and styles, pinned like govuk-frontend."""
    wanted = expected_version(AUTOCOMPLETE_PACKAGE)
    found = installed_version(AUTOCOMPLETE_SOURCE_DIR.parent)
    if found != wanted:
        raise BuildError(
            f"node_modules has {AUTOCOMPLETE_PACKAGE} {found} but package.json pins {wanted}: "
            "run `npm ci`."
        )
    missing = [name for name in AUTOCOMPLETE_FILES if not (AUTOCOMPLETE_SOURCE_DIR / name).exists()]
    if missing:
        raise BuildError(f"{AUTOCOMPLETE_SOURCE_DIR.relative_to(ROOT)} lacks {', '.join(missing)}.")
    staging = fresh_staging(AUTOCOMPLETE_TARGET_DIR)
    for name in AUTOCOMPLETE_FILES:
        shutil.copy2(AUTOCOMPLETE_SOURCE_DIR / name, staging / name)
    (staging / "VERSION").write_text(found + "\n", encoding="utf-8")
    replace_folder(staging, AUTOCOMPLETE_TARGET_DIR)
    print(f"{AUTOCOMPLETE_PACKAGE} {found} copied to {AUTOCOMPLETE_TARGET_DIR.relative_to(ROOT)}")


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

    staging = fresh_staging(TARGET_DIR)
    for name in FILES:
        shutil.copy2(SOURCE_DIR / name, staging / name)
    css_path = staging / CSS_FILE
    css_path.write_text(rewrite_css(css_path.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(SOURCE_DIR / "assets", staging / "assets", ignore=shutil.ignore_patterns("fonts"))
    (staging / "VERSION").write_text(found + "\n", encoding="utf-8")

    replace_folder(staging, TARGET_DIR)
    print(f"GOV.UK Frontend {found} copied to {TARGET_DIR.relative_to(ROOT)}")
    build_autocomplete()


def main() -> int:
    try:
        build()
    except BuildError as error:
        print(f"build_assets: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
