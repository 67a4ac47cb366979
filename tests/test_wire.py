"""Parsing raw wire text: headline, caption, byline, dateline, date, paragraphs, credits."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from site_gen.errors import SourceError
from site_gen.ingest.body import escape_markdown, paragraphs_to_markdown
from site_gen.ingest.wire import decode_raw, parse_wire, read_raw
from site_gen.markup import markdown_to_html


def parse(text: str):
    return parse_wire(text, source="x.txt")


def test_agency_dateline_caption_byline_and_credits() -> None:
    story = parse(
        "Rebels say the capital was shelled\n\n"
        "A soldier stands beside a burnt truck near the river\n\n"
        "By Jane Roe and John Doe\n\n"
        "AMMAN (Reuters) - Shells fell on the city overnight, officials said.\n\n"
        "A second paragraph.\n\n"
        "(Reporting by Jane Roe; editing by Sam Poe)\n"
    )
    assert story.headline == "Rebels say the capital was shelled"
    assert story.caption == "A soldier stands beside a burnt truck near the river"
    assert story.byline == ("Jane Roe", "John Doe")
    assert (story.dateline_place, story.dateline_agency) == ("Amman", "Reuters")
    assert story.date is None
    assert story.paragraphs[1] == "A second paragraph."
    assert story.credits == ("(Reporting by Jane Roe; editing by Sam Poe)",)
    assert story.paragraphs[0][story.lead_offset :].startswith("Shells fell")


@pytest.mark.parametrize(
    ("opening", "place", "agency", "date"),
    [
        ("WASHINGTON (AP) \u2014 Talks resumed.", "Washington", "AP", None),
        ("PARIS (AFP) - Talks resumed.", "Paris", "AFP", None),
        ("KABUL \u2014 Talks resumed.", "Kabul", None, None),
        ("CHICAGO, Feb. 29, 2004 \u2013 Talks resumed.", "Chicago", None, "2004-02-29"),
        ("AMMAN, July 4 (Reuters) - Talks resumed.", "Amman", "Reuters", None),
        ("LIMA, Peru, Oct. 27, 2004 \u2013 Talks resumed.", "Lima", None, "2004-10-27"),
        ("Talks resumed in the capital on Monday.", None, None, None),
    ],
)
def test_dateline_forms(
    opening: str, place: str | None, agency: str | None, date: str | None
) -> None:
    story = parse(f"Headline here\n\n{opening}\n")
    assert (story.dateline_place, story.dateline_agency, story.date) == (place, agency, date)


def test_dateline_region_is_kept() -> None:
    story = parse("Headline here\n\nCAMP HARLOW, Bosnia (Field News Service, June 20, 2001) - X.\n")
    assert story.dateline_place == "Camp Harlow"
    assert story.dateline_region == "Bosnia"
    assert story.dateline_agency == "Field News Service"
    assert story.date == "2001-06-20"


def test_leading_date_line_and_image_caption() -> None:
    story = parse(
        "Headline here\n\nMonday, May 11, 2009\n\nA map of the province. Image: Someone.\n\n"
        "The body starts here.\n"
    )
    assert story.date == "2009-05-11"
    assert story.caption == "A map of the province. Image: Someone."
    assert story.paragraphs == ("The body starts here.",)


def test_byline_with_ranks_and_service_line() -> None:
    story = parse(
        "Headline here\n\nBy Navy Petty Officer 2nd Class Dana M. Whitlow\n"
        "Patrol Squadron 7 Public Affairs\n\nNORFOLK, Va., May 12, 2013 - Ships sailed.\n"
    )
    assert story.byline == ("Dana M. Whitlow",)
    assert story.byline_org == "Patrol Squadron 7 Public Affairs"
    assert story.dateline_place == "Norfolk"


def test_byline_of_an_office_has_no_names() -> None:
    story = parse("Headline here\n\nBy U.S. Army Pacific Public Affairs\n\nBERLIN -- Snow fell.\n")
    assert story.byline == ()
    assert story.dateline_place == "Berlin"


def test_hard_wrapped_paragraph_is_joined() -> None:
    story = parse("Headline here\n\nOne line\nwraps here.\n\nNext.\n")
    assert story.paragraphs == ("One line wraps here.", "Next.")


def test_no_headline_is_an_error() -> None:
    with pytest.raises(SourceError, match="no recognisable headline"):
        parse("." * 400 + "\n\nBody.\n")


def test_bad_bytes(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty file"):
        decode_raw(tmp_path / "a.txt", b"  \n\n ")
    with pytest.raises(SourceError, match="binary"):
        decode_raw(tmp_path / "b.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    text, encoding, _ = decode_raw(tmp_path / "c.txt", "Caf\u00e9 \u2013 news".encode("cp1252"))
    assert (text, encoding) == ("Caf\u00e9 \u2013 news", "cp1252")
    text, encoding, _ = decode_raw(tmp_path / "d.txt", "\ufeffS\u00e3o Paulo".encode())
    assert (text, encoding) == ("S\u00e3o Paulo", "utf-8")


def test_huge_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024)
    with pytest.raises(SourceError, match="too large"):
        read_raw(big)


def _rendered_text(markdown: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markdown_to_html(markdown))).strip()


@pytest.mark.parametrize(
    "paragraph",
    [
        "# not a heading",
        "1. not a list",
        "- not a bullet",
        "> not a quote",
        "<script>alert(1)</script> and <b>tags</b>",
        "*stars* _underscores_ `ticks` [link](http://x) ![img](y) back\\slash",
        "AT&T and &amp; stay literal",
        ": not a definition",
        '"A quotation," he said.',
    ],
)
def test_markdown_body_renders_as_the_original(paragraph: str) -> None:
    assert _rendered_text(escape_markdown(paragraph)) == paragraph


def test_paragraphs_stay_paragraphs() -> None:
    html_out = markdown_to_html(paragraphs_to_markdown(["First.", "Second."]))
    assert html_out.count("<p>") == 2


@pytest.mark.parametrize(
    "first_line",
    ["Monday, May 11, 2009", "By Jane Roe", "AMMAN (Reuters) - Shells fell on the city."],
)
def test_a_story_without_its_headline_is_an_error(first_line: str) -> None:
    with pytest.raises(SourceError, match="no recognisable headline"):
        parse(f"{first_line}\n\nBody text.\n")


def test_caption_and_byline_without_a_dateline() -> None:
    story = parse(
        "Headline here\n\nA crowd gathers outside the court\n\nBy Jane Roe\n\nThe trial began.\n"
    )
    assert story.caption == "A crowd gathers outside the court"
    assert story.byline == ("Jane Roe",)
    assert story.paragraphs == ("The trial began.",)


def test_a_sentence_starting_with_by_is_body_text() -> None:
    story = parse(
        "Headline here\n\nBy the end of the week, rebels in the north had taken three towns and "
        "were closing on the provincial capital, officials said on Sunday.\n\nMore text.\n"
    )
    assert story.byline == ()
    assert story.paragraphs[0].startswith("By the end of the week")


def test_all_capitals_byline_with_agency() -> None:
    story = parse(
        "Headline here\n\nBy ANA RUIZ and TOM O'NEIL Associated Press\n\n"
        "QUITO, Ecuador (AP) — Rain fell.\n"
    )
    assert story.byline == ("Ana Ruiz", "Tom O'Neil")
    assert story.paragraphs == ("QUITO, Ecuador (AP) — Rain fell.",)


@pytest.mark.parametrize(
    "credit",
    [
        "Associated Press writer Lena Holt in Quito, Ecuador, contributed.",
        "Reporters Ian Fell and Bo Marsh contributed to this report.",
        "jb/mw",
    ],
)
def test_trailing_credit_forms(credit: str) -> None:
    story = parse(f"Headline here\n\nQUITO (AP) — Rain fell.\n\n{credit}\n")
    assert story.credits == (credit,)
    assert story.paragraphs == ("QUITO (AP) — Rain fell.",)


def test_slashed_agency_dateline() -> None:
    story = parse("Headline here\n\nLIMA, Peru, March 3, 2021 /Andina/ -- Talks resumed.\n")
    assert (story.dateline_place, story.dateline_region) == ("Lima", "Peru")
    assert (story.dateline_agency, story.date) == ("Andina", "2021-03-03")
