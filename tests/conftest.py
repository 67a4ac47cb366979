"""Shared fixtures: fixture sites copied into tmp_path, inline sites, golden files."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden from current output"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """A copy of tests/data/site: stories sharing actors, an alias file, a draft, unicode."""
    root = tmp_path / "site"
    shutil.copytree(DATA / "site", root)
    (root / "templates").mkdir(exist_ok=True)  # git keeps no empty folder
    return root


def write_tree(root: Path, spec: str) -> Path:
    """Write files from ``-- path --`` blocks (Hugo-style inline sites) under ``root``."""
    current: Path | None = None
    lines: list[str] = []

    def flush() -> None:
        if current is not None:
            current.parent.mkdir(parents=True, exist_ok=True)
            current.write_text("\n".join(lines).strip("\n") + "\n", encoding="utf-8")

    for line in textwrap.dedent(spec).splitlines():
        if line.startswith("-- ") and line.endswith(" --"):
            flush()
            current, lines = root / line[3:-3].strip(), []
        else:
            lines.append(line)
    flush()
    return root


@pytest.fixture
def site(tmp_path: Path):
    """Return a function writing an inline site into tmp_path/site."""
    root = tmp_path / "site"
    root.mkdir()
    return lambda spec: write_tree(root, spec)
