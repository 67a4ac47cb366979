import pytest

from site_gen.build import render_site
from site_gen.config import load_config
from site_gen.errors import SiteGenError, SourceError
from site_gen.markup import MarkdownCache, markdown_to_html
from site_gen.urls import relative_url

STORY = """
-- content/stories/a.md --
---
title: "<script>alert('t')</script> Rebels {{ 7 * 7 }}"
summary: "{% if true %}evaluated{% endif %}"
actors: ["<b>Bold</b> Actor"]
---
Hello {{ site.title }} and {% raw %}x{% endraw %}.

<script>alert(1)</script>
<a href="javascript:alert(2)">click</a>
<img src="x.png" onerror="alert(3)">
<p onclick="alert(4)">para</p>
"""


def render(root):
    _site, outputs = render_site(load_config(root))
    return {k: v.decode() if isinstance(v, bytes) else v for k, v in outputs.items()}


class TestMarkdown:
    def test_sanitises_raw_html(self):
        html = markdown_to_html(
            '<script>x()</script>\n\n<a href="javascript:y()">a</a> <b onmouseover="z()">b</b>'
        )
        assert "<script" not in html and "x()" not in html
        assert "javascript:" not in html and "onmouseover" not in html
        assert "<b>b</b>" in html

    def test_keeps_ordinary_markup(self):
        html = markdown_to_html("# Head\n\n*em* and [link](https://example.org/)\n\n> quote")
        assert "<h1>Head</h1>" in html and "<em>em</em>" in html
        assert '<a href="https://example.org/" rel="noopener noreferrer">link</a>' in html
        assert "<blockquote>" in html

    def test_cache_reuses_and_prunes(self):
        cache = MarkdownCache()
        assert cache.render("*a*") == cache.render("*a*") == "<p><em>a</em></p>"
        assert len(cache.entries) == 1
        cache.used.clear()
        cache.prune()
        assert cache.entries == {}


class TestUntrustedStory:
    def test_script_and_template_syntax_are_inert(self, site):
        html = render(site(STORY))["stories/script-alert-t-script-rebels-7-7/index.html"]
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; Rebels {{ 7 * 7 }}" in html
        assert "Hello {{ site.title }} and {% raw %}x{% endraw %}." in html
        assert "{% if true %}evaluated{% endif %}" in html
        for bad in ("alert(1)", "javascript:", "onerror", "onclick"):
            assert bad not in html
        assert "&lt;b&gt;Bold&lt;/b&gt; Actor" in html

    def test_hostile_names_cannot_leave_the_output_folder(self, site):
        root = site(
            """
            -- content/stories/a.md --
            ---
            title: ../../etc/passwd
            tags: ["../../x", "/etc", "..", "."]
            locations: ["/", "\\\\evil"]
            ---
            """
        )
        outputs = render(root)
        for path in outputs:
            assert not path.startswith(("/", "..")) and "/../" not in path and "\\" not in path
        assert "stories/etc-passwd/index.html" in outputs
        assert {"tags/x/index.html", "tags/etc/index.html"} <= set(outputs)


class TestLinks:
    def test_relative_url(self):
        assert relative_url("tags/syria/", "stories/x/") == "../../tags/syria/"
        assert relative_url("", "") == "./"
        assert relative_url("style.css", "") == "style.css"
        assert relative_url("", "a/page/2/") == "../../../"

    def test_no_root_absolute_links_except_on_404(self, fixture_site):
        outputs = render(fixture_site)
        for path, text in outputs.items():
            if not path.endswith(".html") or path == "404.html":
                continue
            assert 'href="/' not in text and 'src="/' not in text, path
        page_404 = outputs["404.html"]
        assert 'href="/repo/style.css"' in page_404 and 'href="/repo/"' in page_404


class TestTemplates:
    def test_per_taxonomy_template_overrides_generic(self, fixture_site):
        tpl = fixture_site / "templates" / "actors"
        tpl.mkdir(parents=True)
        (tpl / "term.html").write_text("ACTOR {{ term.name }}|{{ stories | length }}")
        outputs = render(fixture_site)
        assert outputs["actors/russia/index.html"] == "ACTOR Russia|2"
        assert outputs["locations/syria/index.html"].startswith("<!doctype html>")

    def test_site_template_overrides_theme(self, fixture_site):
        (fixture_site / "templates" / "404.html").write_text("gone: {{ url('x/') }}")
        assert render(fixture_site)["404.html"] == "gone: /repo/x/"

    def test_undefined_variable_is_an_error_with_the_line(self, fixture_site):
        (fixture_site / "templates" / "page.html").write_text("line one\n{{ no_such_thing }}\n")
        with pytest.raises(SourceError) as info:
            render(fixture_site)
        assert info.value.path.name == "page.html" and info.value.line == 2
        assert "'no_such_thing' is undefined (while rendering 'about/index.html')" in str(
            info.value
        )

    def test_syntax_error_names_file_and_line(self, fixture_site):
        (fixture_site / "templates" / "story.html").write_text("ok\n{% if %}\n")
        with pytest.raises(SiteGenError) as info:
            render(fixture_site)
        errors = getattr(info.value, "errors", [info.value])
        assert len(errors) == 1  # one broken template, reported once for all its pages
        assert errors[0].path.name == "story.html" and errors[0].line == 2


class TestOnce:
    def test_calls_a_macro_once_per_same_arguments(self):
        from site_gen.render import once

        calls = []

        def macro(story, level=2):
            calls.append((story["slug"], level))
            return f"{story['slug']}:{level}"

        memo: dict = {}
        card, other = {"slug": "a"}, {"slug": "a"}  # equal, but not the same view
        assert once(memo, macro, card, 3) == "a:3"
        assert once(memo, macro, card, 3) == "a:3"
        assert once(memo, macro, card, level=2) == "a:2"
        assert once(memo, macro, other, 3) == "a:3"
        assert calls == [("a", 3), ("a", 2), ("a", 3)]

    def test_keeps_arguments_alive_so_ids_are_not_reused(self):
        from site_gen.render import once

        memo: dict = {}
        for n in range(50):
            assert once(memo, lambda d: d["n"], {"n": n}) == n


def test_template_calls_keep_jinja_semantics(tmp_path):
    """Direct calls (macros, functions, partials, built-in methods) behave as Jinja's own
    Context.call: context-taking callables still get the context, StopIteration gives
    undefined."""
    import functools

    import jinja2

    from site_gen.render import make_env

    env = make_env(tmp_path)
    env.undefined = jinja2.Undefined

    @jinja2.pass_context
    def who(context, suffix):
        return context["name"] + suffix

    def stop():
        raise StopIteration

    source = (
        "{% macro m(x) %}<{{ x }}>{% endmacro %}"
        "{% for i in ['&'] %}{{ m(i) }}{{ who('!') }}{{ part(2) }}{% endfor %}"
        "[{{ stop() }}]{{ d.get('k') }}"
    )
    html = env.from_string(source).render(
        name="Ann", who=who, part=functools.partial(lambda a, b: a + b, 40), stop=stop, d={"k": "<"}
    )
    assert html == "<&amp;>Ann!42[]&lt;"
