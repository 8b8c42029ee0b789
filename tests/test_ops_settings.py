"""The one documented list: every TRACKER_ setting the code reads has a row in the README's table."""

import re
from pathlib import Path

from tracker.config import ENVIRONMENT_SETTINGS, UNPREFIXED_TOO

ROOT = Path(__file__).resolve().parents[1]


def _table() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Settings", 1)[1].split("\n### ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `"))


def _read_by_the_code() -> set[str]:
    names = {f"TRACKER_{name}" for name, _ in ENVIRONMENT_SETTINGS} | {f"TRACKER_{n}" for n in UNPREFIXED_TOO}
    for path in [*ROOT.joinpath("tracker").rglob("*.py"), ROOT / "scripts" / "run.sh"]:
        names |= set(re.findall(r"\bTRACKER_[A-Z0-9_]*[A-Z0-9]\b", path.read_text()))
    return names


def test_every_setting_the_code_reads_is_in_the_readme_table():
    table = _table()
    missing = sorted(name for name in _read_by_the_code() if f"`{name}`" not in table)
    assert missing == []


def test_the_table_lists_no_setting_the_code_does_not_read():
    documented = set(re.findall(r"`(TRACKER_[A-Z0-9_]+)`", _table()))
    assert documented - _read_by_the_code() == set()
