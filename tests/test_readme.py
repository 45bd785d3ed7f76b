"""The README documents every setting config.py reads and shows the two-command start."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_is_documented():
    names = set(re.findall(r'_env(?:_int|_bool)?\(\s*"([A-Z_]+)"', (ROOT / "config.py").read_text()))
    assert {"SECRET_KEY", "DATABASE_URL", "FORCE_NAME"} <= names  # the pattern really finds settings
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == [], f"settings missing from the README's configuration table: {missing}"


def test_quick_start_is_two_commands():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
