"""Golden output: the fixture site's key pages, byte for byte.

After an intended change to templates or rendering, regenerate with
``pytest tests/test_golden.py --update-golden`` and review the diff.
"""

from pathlib import Path

import pytest

from site_gen.build import build_site

GOLDEN = Path(__file__).parent / "golden"
PAGES = (
    "stories/government-offensive-presses-into-idlib-province/index.html",
    "actors/bashar-al-assad/index.html",
    "actors/index.html",
    "locations/idlib/index.html",
    "index.html",
    "404.html",
    "atom.xml",
    "actors/russia/atom.xml",
    "sitemap.xml",
)


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    import shutil

    from conftest import DATA

    root = tmp_path_factory.mktemp("golden") / "site"
    shutil.copytree(DATA / "site", root)
    build_site(root)
    return root / "public"


@pytest.mark.parametrize("rel", PAGES)
def test_page_matches_golden(output, rel, update_golden):
    actual = (output / rel).read_text(encoding="utf-8")
    golden = GOLDEN / rel
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run pytest --update-golden"
    assert actual == golden.read_text(encoding="utf-8"), f"{rel} differs from {golden}"
