"""The theme in a real browser: Debian's Chromium driven by Playwright, the site under /repo/.

Each test skips with a reason when Chromium or Playwright is missing. Screenshots go to
``screenshots/`` at the repository root (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reader_site import REPO, SEED_SLUG, build_reader_site, serve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = REPO / "screenshots"
SEED_TITLE = "Syrian rebels say Moscow deploys ground forces in Idlib campaign"
PAGES = {
    "home": "",
    "home page 2": "page/2/",
    "archive": "stories/",
    "seed story": f"stories/{SEED_SLUG}/",
    "dated story": "stories/talks-in-damascus/",
    "escaped story": "stories/aid-reaches-idlib/",
    "topics": "tags/",
    "actors by count": "actors/by-count/",
    "locations map": "locations/",
    "actor": "actors/national-liberation-front/",
    "actor without file": "actors/tiger-forces/",
    "location": "locations/idlib/",
    "location without coordinates": "locations/humaymat/",
    "location page 2": "locations/syria/page/2/",
    "topic": "tags/armed-conflict/",
    "search": "search/",
    "search with query": "search/?q=Assad",
}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = build_reader_site(tmp_path_factory.mktemp("reader") / "site")
    with serve(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


class Problems:
    """Console errors and warnings, page errors, failed requests and HTTP errors of a page."""

    def __init__(self, page: Any) -> None:
        self.items: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.items.append(f"page error: {exc}"))
        page.on("requestfailed", lambda r: self.items.append(f"failed: {r.url} {r.failure}"))
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.items.append(f"console {message.type}: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.url}")


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_without_errors(page: Any, site_url: str, name: str) -> None:
    problems = Problems(page)
    open_page(page, site_url + PAGES[name])
    assert problems.items == []
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main#main").count() == 1
    requested = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
    )  # nothing leaves the site
    assert all(u.startswith(site_url) for u in requested), requested


def test_404_page_under_the_base_path(page: Any, site_url: str) -> None:
    problems = Problems(page)
    response = page.goto(site_url + "no/such/page/")
    page.wait_for_load_state("networkidle")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    # only the document itself is a 404 (Chromium logs that once, without its URL);
    # the stylesheet and icon load from the base path
    rest = [p for p in problems.items if "no/such/page" not in p]
    assert rest == [
        "console error: Failed to load resource: the server responded with a status "
        "of 404 (Not Found)"
    ]
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    page.get_by_role("link", name="all stories", exact=True).click()
    assert page.url == site_url + "stories/"


def search_for(page: Any, site_url: str, query: str) -> list[str]:
    """Type ``query`` into the masthead search on the home page; return the result titles."""
    open_page(page, site_url)
    page.fill("#site-q", query)
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector("#search-status:not(:empty):not(:text('Searching'))")
    return page.locator(".search-hits .item-title").all_inner_texts()


@pytest.mark.parametrize("alias", ["NLF", "Assad", "moscow", "Idlib province"])
def test_search_finds_the_seed_story_by_an_alias(page: Any, site_url: str, alias: str) -> None:
    problems = Problems(page)
    titles = search_for(page, site_url, alias)
    assert SEED_TITLE in titles
    page.get_by_role("link", name=SEED_TITLE).click()
    assert page.url == site_url + f"stories/{SEED_SLUG}/"
    assert problems.items == []


def test_search_lists_matching_terms_and_finds_nothing_for_nonsense(
    page: Any, site_url: str
) -> None:
    search_for(page, site_url, "NLF")
    term = page.locator(".search-terms a")
    assert term.all_inner_texts() == ["National Liberation Front (actor)"]
    term.click()
    assert page.url == site_url + "actors/national-liberation-front/"
    assert search_for(page, site_url, "zzqx") == []
    assert "Nothing found" in page.locator("#search-status").inner_text()


def test_search_types_as_you_go_and_keeps_the_query_in_the_url(page: Any, site_url: str) -> None:
    open_page(page, site_url + "search/")
    page.locator("#search-q").press_sequentially("hama shelling")
    page.wait_for_selector(".search-hits")
    assert page.locator(".search-hits .item-title").all_inner_texts() == [
        "Shelling hits villages in northern Hama"
    ]
    assert page.url.endswith("search/?q=hama%20shelling")


def test_search_filters_narrow_results_and_stay_in_the_url(page: Any, site_url: str) -> None:
    problems = Problems(page)
    titles = search_for(page, site_url, "syria")
    assert len(titles) == 5  # the aid convoy story names no Syrian term
    page.locator("button.facet[data-term='actors/bashar-al-assad/']").click()
    assert page.locator("button.facet[aria-pressed='true']").all_inner_texts() == [
        "Bashar al-Assad"
    ]
    narrowed = page.locator(".search-hits .item-title").all_inner_texts()
    assert sorted(narrowed) == sorted(
        [
            SEED_TITLE,
            "Envoys meet in Damascus as fighting goes on",
            "Front lines quiet in the north-west",
        ]
    )
    assert "f=actors%2Fbashar-al-assad%2F" in page.url
    page.reload()
    page.wait_for_selector(".search-hits")
    assert sorted(page.locator(".search-hits .item-title").all_inner_texts()) == sorted(narrowed)
    page.locator("button.facet[aria-pressed='true']").click()  # remove the filter again
    assert len(page.locator(".search-hits .item-title").all_inner_texts()) == 5
    assert problems.items == []


def test_site_works_without_javascript(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    open_page(page, site_url + "search/?q=NLF")
    assert "needs JavaScript" in page.locator("main").inner_text()
    page.get_by_role("link", name="all stories", exact=True).click()
    page.get_by_role("link", name=SEED_TITLE).click()
    assert page.url == site_url + f"stories/{SEED_SLUG}/"
    context.close()


def test_map_marker_leads_to_its_location_page(page: Any, site_url: str) -> None:
    problems = Problems(page)
    open_page(page, site_url + "locations/")
    assert page.locator("svg.map image").count() == 1
    size = page.evaluate("document.querySelector('svg.map').getBoundingClientRect().width")
    assert size > 300
    markers = page.locator("svg.map a.marker")
    assert markers.count() == 5  # Humaymat has no coordinates
    page.locator("svg.map circle[data-name='Amman']").click()
    page.wait_for_url("**/locations/amman/")
    assert page.locator("h1").inner_text() == "Amman"
    assert page.locator("svg.map circle").count() == 1
    assert problems.items == []
    listed = page.evaluate("[...document.querySelectorAll('.map-list a')].length")
    assert listed == 0  # the list is on the overview, not on place pages


def test_map_list_names_the_places_on_the_map(page: Any, site_url: str) -> None:
    open_page(page, site_url + "locations/")
    names = page.locator(".map-list a").all_inner_texts()
    assert sorted(names) == ["Amman", "Damascus", "Hama", "Idlib", "Syria"]
    assert names[0] in ("Hama", "Idlib", "Syria")  # most stories first


def focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {tag: e.tagName, id: e.id, cls: e.className, text: e.textContent.trim(),"
        " outline: s.outlineStyle + ' ' + s.outlineWidth}; })()"
    )


def tab_until(page: Any, match: Any, limit: int = 80) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if match(now):
            return now
    raise AssertionError(f"not reached by {limit} presses of Tab")


def test_keyboard_reaches_skip_link_search_and_chips(page: Any, site_url: str) -> None:
    open_page(page, site_url + f"stories/{SEED_SLUG}/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to content"
    assert first["outline"] != "none 0px"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    open_page(page, site_url + f"stories/{SEED_SLUG}/")
    box = tab_until(page, lambda f: f["id"] == "site-q")
    assert box["outline"].startswith("solid")
    page.keyboard.type("NLF")
    page.keyboard.press("Enter")
    page.wait_for_selector(".search-hits")
    open_page(page, site_url + f"stories/{SEED_SLUG}/")
    chip = tab_until(page, lambda f: "chip" in f["cls"])
    assert chip["outline"].startswith("solid")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(site_url + "tags/")


def axe_run(page: Any) -> list[dict[str, Any]]:
    axe_module = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
    )
    results = axe_module.Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "name", ["home", "seed story", "actor", "location", "locations map", "search with query"]
)
def test_axe_finds_no_serious_violation(
    browser: Any, site_url: str, name: str, scheme: str
) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_page(page, site_url + PAGES[name])
    if name == "search with query":
        page.wait_for_selector(".search-hits")
    assert axe_run(page) == []
    context.close()


def test_axe_catches_a_planted_violation(page: Any, site_url: str) -> None:
    """Guard against a scan that silently checks nothing."""
    open_page(page, site_url)
    page.evaluate(
        "(() => { const i = document.createElement('img');"
        " i.src = 'favicon.svg'; document.querySelector('main').append(i); })()"
    )
    assert [v["id"] for v in axe_run(page)] == ["image-alt"]


def test_narrow_screen_has_no_sideways_scroll(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    for name in ("home", "seed story", "actor", "locations map", "search with query"):
        open_page(page, site_url + PAGES[name])
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{name} is {width}px wide"
    context.close()


def test_print_hides_navigation(page: Any, site_url: str) -> None:
    open_page(page, site_url + f"stories/{SEED_SLUG}/")
    page.emulate_media(media="print")
    assert not page.locator(".masthead nav").is_visible()
    assert not page.locator(".related").is_visible()
    assert page.locator(".story .body").is_visible()


SCREENS = {
    "home": "",
    "seed-story": f"stories/{SEED_SLUG}/",
    "actor": "actors/national-liberation-front/",
    "map": "locations/",
}


def test_screenshots(browser: Any, site_url: str) -> None:
    """Write ``screenshots/<page>-<width>.png`` for the README, at phone and desktop widths."""
    SHOTS.mkdir(exist_ok=True)
    written = []
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, path in SCREENS.items():
            open_page(page, site_url + path)
            target = SHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
        context.close()
    assert all(p.stat().st_size > 10_000 for p in written)
