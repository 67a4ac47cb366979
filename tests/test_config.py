from pathlib import Path

import pytest

from site_gen.config import CONFIG_NAME, load_config
from site_gen.errors import ConfigError


def write_config(root: Path, text: str) -> Path:
    (root / CONFIG_NAME).write_text(text, encoding="utf-8")
    return root


def test_defaults_without_a_file(tmp_path):
    config = load_config(tmp_path)
    assert config.title == "Briefing"
    assert config.output_path == tmp_path.resolve() / "public"
    assert [t.name for t in config.taxonomies] == ["tags", "locations", "actors"]
    assert config.base_url is None
    assert config.absolute_base == "http://localhost:8000/"
    assert config.base_path == "/"


def test_base_url_gets_a_slash_and_a_path(tmp_path):
    config = load_config(write_config(tmp_path, "base_url: https://u.github.io/repo\n"))
    assert config.base_url == "https://u.github.io/repo/"
    assert config.base_path == "/repo/"


def test_cli_base_url_overrides_the_file(tmp_path):
    write_config(tmp_path, "base_url: https://a.example/\n")
    assert load_config(tmp_path, base_url="https://b.example/x/").base_path == "/x/"


def test_taxonomy_settings(tmp_path):
    write_config(tmp_path, "taxonomies:\n  tags: {title: Themes, path: themes}\n  actors: {}\n")
    config = load_config(tmp_path)
    assert [(t.name, t.title, t.path) for t in config.taxonomies] == [
        ("tags", "Themes", "themes"),
        ("actors", "Actors", "actors"),
    ]


def test_all_problems_reported_at_once(tmp_path):
    write_config(
        tmp_path,
        "titel: x\nper_page: ten\ntimezone: Mars/Base\nbase_url: example.com\n"
        "taxonomies:\n  tags: {colour: red}\noutput_dir: ../out\n",
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.problems == (
        "unknown key 'titel'",
        "'per_page' must be an integer, got str 'ten'",
        "'base_url' must start with http:// or https://, got 'example.com'",
        "'timezone' is not a known time zone: 'Mars/Base'",
        "'output_dir' must be a folder inside the site, got '../out'",
        "unknown key 'taxonomies.tags.colour'",
    )
    assert str(info.value).startswith(f"{tmp_path / CONFIG_NAME}: unknown key 'titel'")


def test_bool_is_not_an_integer(tmp_path):
    write_config(tmp_path, "per_page: true\n")
    with pytest.raises(ConfigError, match="'per_page' must be an integer, got bool True"):
        load_config(tmp_path)


def test_invalid_yaml_names_the_line(tmp_path):
    write_config(tmp_path, "title: ok\nbad: [unclosed\n")
    with pytest.raises(ConfigError, match="line 3: invalid YAML"):
        load_config(tmp_path)


def test_not_a_mapping(tmp_path):
    write_config(tmp_path, "- a\n- b\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(tmp_path)
