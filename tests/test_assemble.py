import pickle

import pytest

from site_gen.assemble import assemble_site
from site_gen.config import load_config
from site_gen.content import load_content
from site_gen.errors import SiteGenError, SourceError


def assemble(root, **kw):
    config = load_config(root)
    return assemble_site(config, load_content(config), **kw)


def test_stories_newest_first_undated_last_drafts_out(fixture_site):
    site = assemble(fixture_site)
    assert [s.slug for s in site.stories] == [
        "talks-in-damascus-envoys-meet-assad",
        "government-offensive-presses-into-idlib-province",
        "strikes-reported-near-kyiv",
        "aid-convoy-waits-at-the-border",
    ]
    assert "secret-actor" not in {t.slug for t in site.taxonomies["actors"].terms}


def test_drafts_included_on_request(fixture_site):
    site = assemble(fixture_site, drafts=True)
    assert site.stories[0].slug == "a-draft-that-must-not-be-published"


def test_pages_and_pagination(fixture_site):
    urls = {p.url for p in assemble(fixture_site).pages}
    assert {"", "page/2/", "stories/", "404.html", "about/", "tags/", "tags/by-count/"} <= urls
    assert {"actors/russia/", "actors/russia/page/2/", "locations/idlib/"} <= urls
    assert "page/3/" not in urls


def test_duplicate_story_slugs_name_both_files(site):
    root = site(
        """
        -- content/stories/a.md --
        ---
        title: Same
        ---
        -- content/stories/b.md --
        ---
        title: Other
        slug: same
        ---
        """
    )
    with pytest.raises(SourceError) as info:
        assemble(root)
    first = root.resolve() / "content/stories/a.md"
    assert str(info.value).endswith(f"b.md:1: slug 'same' is also used by {first}")


def test_url_collisions_are_one_error_listing_all(site):
    root = site(
        """
        -- content/stories/a.md --
        ---
        title: A
        tags: [page]
        ---
        -- content/pages/tags.md --
        ---
        title: Tags page
        slug: tags
        ---
        -- content/pages/stories.md --
        ---
        title: Stories page
        ---
        """
    )
    with pytest.raises(SiteGenError) as info:
        assemble(root, static_files=["robots.txt"])
    text = str(info.value)
    assert text.startswith("two sources want the same output file:")
    assert "  robots.txt: the site's robots.txt and static file 'static/robots.txt'" in text
    assert "  stories/index.html: the archive page and page " in text
    assert "/content/pages/tags.md and the taxonomy page" in text
    assert text.count("\n") == 3  # one error, three collisions


def test_saved_pages_are_made_when_first_read_and_equal_the_originals(fixture_site):
    pages = assemble(fixture_site).pages
    loaded = pickle.loads(pickle.dumps(pages))
    assert loaded._pages == [None] * len(pages)  # nothing made on loading
    assert loaded[3] == pages[3] and loaded[-1] == pages[-1]
    assert sum(page is not None for page in loaded._pages) == 2
    assert loaded[1:4] == list(pages)[1:4]
    assert loaded[3] is loaded[3]  # made once
    assert list(loaded) == list(pages) and loaded == pages
    again = pickle.loads(pickle.dumps(loaded))  # half made, half values: the same pages
    assert list(again) == list(pages)
