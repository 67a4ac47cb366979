"""Raw wire text to a `WireStory`: headline, caption, byline, dateline, date, body, credits."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from site_gen.errors import SourceError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
MAX_BYTES = 2_000_000
"""Larger raw files are refused: no wire story is anywhere near this size."""

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_DATE = rf"(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?"
_DATE_LINE = re.compile(rf"^(?:{_WEEKDAY},?\s+)?{_DATE}\.?$", re.IGNORECASE)
_DASH = r"(?:\s-{1,2}|--|[\u2013\u2014\u2012\u2015])"
# AMMAN (Reuters) -    CAMP HARLOW, Bosnia (Field News Service, June 20, 2001) -
_DATELINE_AGENCY = re.compile(
    rf"^(?P<place>[A-Z][^()\n]{{1,80}}?)\s*\((?P<agency>[^()\n]{{2,80}})\)\s*{_DASH}\s*"
)
# CHICAGO, Feb. 29, 2004 -    LIMA, Peru, Oct. 27, 2004 -
_DATELINE_DATED = re.compile(rf"^(?P<place>[A-Z][^()\n]{{1,80}}?),\s*{_DATE}\s*{_DASH}\s*")
# LIMA, Peru, March 3, 2021 /Andina/ --
_DATELINE_SLASHED = re.compile(
    rf"^(?P<place>[A-Z][^()/\n]{{1,80}}?),\s*{_DATE}\s*/(?P<agency>[A-Za-z][^/\n]{{1,40}})/"
    rf"\s*{_DASH}\s*"
)
# KABUL -    FREIBURG, Germany --    Norvale Air Base, Chile- Two ...
_DATELINE_PLACE = re.compile(
    rf"^(?P<place>[A-Z][\w.'\u2019]*(?:[ -][A-Z0-9][\w.'\u2019]*){{0,4}}"
    rf"(?:,\s*[A-Z][\w.'\u2019]*(?:\s[A-Z][\w.'\u2019]*){{0,3}})?)\s*{_DASH}\s*(?=\S)"
)
_BYLINE = re.compile(r"^(?:(?:story|text|words|report)\s+)?by\s+(?P<names>.+)$", re.I)
_CREDIT_START = re.compile(
    r"^\(?\s*(?:(?:additional\s+)?reporting|writing|editing|edited|compiled|"
    r"translated|contributing|editor'?s note|photos?)\b",
    re.IGNORECASE,
)
_IMAGE_CAPTION = re.compile(r"\b(?:Image|Photo|Credit):\s|^Photo\s+by\b", re.IGNORECASE)
_ORG_WORDS = frozenset(
    [
        "service",
        "services",
        "affairs",
        "office",
        "press",
        "agency",
        "staff",
        "news",
        "bureau",
        "department",
        "command",
        "division",
        "brigade",
        "battalion",
        "wire",
        "team",
        "desk",
        "correspondent",
        "correspondents",
        "public",
    ]
)
_RANKS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sir",
        "staff",
        "sgt",
        "sergeant",
        "spc",
        "specialist",
        "pfc",
        "pvt",
        "cpl",
        "corporal",
        "lt",
        "lieutenant",
        "capt",
        "captain",
        "maj",
        "major",
        "col",
        "colonel",
        "gen",
        "general",
        "adm",
        "admiral",
        "cmdr",
        "commander",
        "ensign",
        "petty",
        "officer",
        "class",
        "chief",
        "master",
        "senior",
        "first",
        "airman",
        "seaman",
        "senior",
        "technical",
        "tech",
        "msgt",
        "ssgt",
        "tsgt",
        "smsgt",
        "cmsgt",
        "lance",
        "private",
        "warrant",
        "navy",
        "army",
        "air",
        "force",
        "marine",
        "marines",
        "corps",
        "coast",
        "guard",
        "civilian",
        "reverend",
        "rev",
        "brig",
        "cdr",
        "cpt",
        "ltc",
        "sfc",
        "ssg",
        "1st",
        "2nd",
        "3rd",
        "4th",
        "5th",
        "6th",
        "7th",
        "8th",
        "9th",
    ]
)


@dataclass(frozen=True)
class WireStory:
    """One raw wire story, split into its parts; text is as in the source."""

    source: str
    sha256: str
    encoding: str
    headline: str
    caption: str | None
    byline: tuple[str, ...]
    byline_org: str | None
    dateline_place: str | None
    dateline_agency: str | None
    dateline_region: str | None
    date: str | None
    paragraphs: tuple[str, ...]
    credits: tuple[str, ...]
    lead_offset: int
    """Characters of the first paragraph taken by the dateline (for the summary)."""


def read_raw(path: Path) -> tuple[str, str, str]:
    """Return (text, encoding, sha256) of a raw file; `SourceError` for unusable input."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(
                path, None, f"file too large ({size / 1e6:.1f} MB; limit {MAX_BYTES / 1e6:.0f} MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    return decode_raw(path, data)


def decode_raw(path: Path, data: bytes) -> tuple[str, str, str]:
    """Decode raw bytes: UTF-8 (with or without BOM), else cp1252, else Latin-1."""
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise SourceError(path, None, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16"), "utf-16"
    else:
        if b"\x00" in data[:8192]:
            raise SourceError(path, None, "binary file, not text")
        text, encoding = _decode_8bit(data)
    if _looks_binary(text):
        raise SourceError(path, None, "binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding, digest


def _decode_8bit(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)


def parse_wire(text: str, *, source: str, sha256: str = "", encoding: str = "utf-8") -> WireStory:
    """Split raw wire text into a `WireStory`; `SourceError` if there is no headline."""
    blocks = _blocks(text)
    if not blocks:
        raise SourceError(source, None, "empty file")
    first = blocks[0].split("\n")
    headline = _clean(first[0])
    if not _is_headline(headline):
        raise SourceError(source, 1, "no recognisable headline on the first line")
    rest = (["\n".join(first[1:])] if len(first) > 1 else []) + blocks[1:]
    front, body, credits = _split_front(rest)
    date, caption, byline, byline_org = _read_front(front)
    place = agency = region = None
    lead_offset = 0
    if body:
        place, agency, dated, lead_offset = _dateline(body[0])
        date = date or dated
        region = _dateline_region(body[0][:lead_offset]) if place else None
    paragraphs = tuple(b.replace("\n", " ") for b in body)  # lines of blocks are clean
    return WireStory(
        source=source,
        sha256=sha256,
        encoding=encoding,
        headline=headline,
        caption=caption,
        byline=byline,
        byline_org=byline_org,
        dateline_place=place,
        dateline_agency=agency,
        dateline_region=region,
        date=date,
        paragraphs=paragraphs,
        credits=tuple(" ".join(c.split()) for c in credits),
        lead_offset=lead_offset,
    )


def _blocks(text: str) -> list[str]:
    """Blank-line separated blocks, each with its lines stripped."""
    out = []
    for block in re.split(r"\n[ \t\f\v]*\n", text.strip("\ufeff")):
        lines = [_clean(line) for line in block.split("\n") if line.strip()]
        if lines:
            out.append("\n".join(lines))
    return out


def _clean(line: str) -> str:
    return " ".join(line.replace("\u00a0", " ").split())


def _is_headline(line: str) -> bool:
    """A short line of words that is not a date, a byline or the opening of a dateline."""
    letters = sum(ch.isalpha() for ch in line)
    if letters < 3 or len(line) > 300 or letters < len(line) // 3:
        return False
    if _DATE_LINE.match(line) or _byline_match(line):
        return False
    return _dateline(line)[0] is None


def _split_front(blocks: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Separate front matter blocks (date, caption, byline), body and trailing credits."""
    credits: list[str] = []
    while blocks and _is_credit(blocks[-1]):
        credits.insert(0, blocks.pop())
    start = _body_start(blocks)
    return blocks[:start], blocks[start:], credits


_CONTRIBUTED = re.compile(
    r"\b(?:contributed|contributing)\s+(?:to\s+this\s+(?:report|story|article)|reporting)\b", re.I
)


_CONTRIBUTED_END = re.compile(r"\bcontributed(?:\s+(?:reporting|to\s+this\s+\w+))?\.?$", re.I)
_DESK_INITIALS = re.compile(r"^[a-z]{1,4}(?:\s*/\s*[a-z]{1,4})+$")
"""`kh/dva`: the initials of the writer and desk editors under an agency story."""


def _is_credit(block: str) -> bool:
    flat = " ".join(block.split())
    if len(flat) < 300 and (_CONTRIBUTED.search(flat) or _CONTRIBUTED_END.search(flat)):
        return True
    if _DESK_INITIALS.match(flat):
        return True
    if flat.startswith("(") and flat.endswith(")") and ")" not in flat[:-1]:
        return True
    return bool(_CREDIT_START.match(flat)) and len(flat) < 400


def _body_start(blocks: list[str]) -> int:
    """Index of the first body paragraph."""
    for i, block in enumerate(blocks[:6]):
        if _dateline(block)[0] is not None:
            return i
    bylines = [i for i, b in enumerate(blocks[:4]) if _front_kind(b, i) == "byline"]
    i = bylines[0] + 1 if bylines else 0  # a caption may stand before the byline
    while i < len(blocks) and i < 5 and _front_kind(blocks[i], i) is not None:
        i += 1
    return i


def _byline_match(line: str) -> re.Match[str] | None:
    """`By A and B`: a short line of names, not a sentence that starts with "By"."""
    match = _BYLINE.match(line)
    if match is None or len(line) > 100 or len(match.group("names").split()) > 14:
        return None
    if not (match.group("names")[:1].isupper() or match.group("names")[:1].isdigit()):
        return None  # `By the end of the week, ...`
    return None if line.rstrip().endswith(("!", "?", ":", ";")) else match


def _front_kind(block: str, index: int) -> str | None:
    flat = " ".join(block.split())
    if _DATE_LINE.match(flat):
        return "date"
    if _byline_match(block.split("\n")[0]):
        return "byline"
    if _IMAGE_CAPTION.search(flat):
        return "caption"
    return None


def _read_front(
    front: list[str],
) -> tuple[str | None, str | None, tuple[str, ...], str | None]:
    date = caption = byline_org = None
    byline: tuple[str, ...] = ()
    captions = []
    for block in front:
        flat = " ".join(block.split())
        lines = block.split("\n")
        match = _DATE_LINE.match(flat)
        if match:
            date = date or _iso(match)
            continue
        by = _byline_match(lines[0])
        if by or (not byline and _is_name_block(lines)):
            names = by.group("names") if by else lines[0]
            byline, org = _byline_names(names)
            extra = " ".join(lines[1:]) or None
            byline_org = org or extra
            if org and extra:
                byline_org = f"{org}; {extra}"
            continue
        captions.append(flat)
    caption = " ".join(captions) or None
    return date, caption, byline, byline_org


def _is_name_block(lines: list[str]) -> bool:
    """A short block of capitalised words without a full stop at the end: names."""
    first = lines[0]
    words = first.replace(",", " ").split()
    if not 2 <= len(words) <= 12 or first.endswith((".", ":", "?", "!")) and len(lines) == 1:
        return False
    return all(w[0].isupper() or w[0].isdigit() or w in ("and", "&") for w in words)


def _byline_names(text: str) -> tuple[tuple[str, ...], str | None]:
    """Names from a byline (`A and B`, ranks stripped); an organisation credit otherwise."""
    text = text.strip().rstrip(".")
    org = None
    agency = _BYLINE_AGENCY.search(text)
    if agency and agency.start() > 0:
        org, text = agency.group(1), text[: agency.start()]
    parts = re.split(r"\s*(?:,\s*and\s+|\band\b|\bAND\b|&|;|,)\s*", text)
    names = []
    for part in parts:
        words = part.split()
        if not words:
            continue
        if part.isupper() and 2 <= len(words) <= 4 and not _org_part(words):
            names.append(" ".join(_title_word(w) for w in words))  # `By MARIA LOPEZ`
            continue
        if any(w.casefold().strip(".") in _ORG_WORDS for w in words) or part.isupper():
            if not names or len(words) > 1:
                org = org or part
            continue
        name = _strip_rank(words)
        if name:
            names.append(name)
    return tuple(names), org


_BYLINE_AGENCY = re.compile(
    r"\s+((?:The\s+)?Associated Press|Reuters|AFP|Agence France-Presse|Bloomberg|Xinhua)$"
)
"""An agency named after the writers on a byline line (`By A and B Associated Press`)."""


def _org_part(words: list[str]) -> bool:
    return any(w.casefold().strip(".") in _ORG_WORDS for w in words)


def _strip_rank(words: list[str]) -> str:
    """The trailing run of name words: `Navy Petty Officer 2nd Class Dana M. Whitlow`."""
    kept: list[str] = []
    for word in reversed(words):
        bare = word.strip(".,").casefold()
        is_initial = len(word) <= 2 and word.endswith(".")
        if bare in _RANKS or (word.endswith(".") and not is_initial) or not word[0].isupper():
            break
        kept.insert(0, word)
    return " ".join(kept)


def _dateline(block: str) -> tuple[str | None, str | None, str | None, int]:
    """(place, agency, iso date, length) of a dateline opening this paragraph."""
    flat = " ".join(block.split("\n"))
    match = _DATELINE_AGENCY.match(flat)
    if match:
        agency, date = _agency_and_date(match.group("agency"))
        return _place(match.group("place")), agency, date, match.end()
    match = _DATELINE_SLASHED.match(flat)
    if match:
        return _place(match.group("place")), match.group("agency").strip(), _iso(match), match.end()
    match = _DATELINE_DATED.match(flat)
    if match:
        return _place(match.group("place")), None, _iso(match), match.end()
    match = _DATELINE_PLACE.match(flat)
    if match and _place_like(match.group("place")):
        return _place(match.group("place")), None, None, match.end()
    return None, None, None, 0


def _dateline_region(text: str) -> str | None:
    """`Bosnia` in `CAMP HARLOW, Bosnia (Field News Service) -`."""
    head = re.split(r"\(|\s[-\u2013\u2014]|--|[\u2013\u2014]", text, maxsplit=1)[0]
    parts = [p.strip() for p in head.split(",")]
    if len(parts) < 2 or not parts[1] or parts[1][:1].isdigit():
        return None
    if re.match(_MONTH, parts[1]) and re.search(r"\d", parts[1]):
        return None
    return _place(parts[1])


def _place_like(text: str) -> bool:
    head = text.split(",")[0]
    return head.isupper() or ("," in text and len(head.split()) <= 4)


def _agency_and_date(text: str) -> tuple[str | None, str | None]:
    match = re.search(rf",?\s*{_DATE}\s*$", text)
    if match:
        return text[: match.start()].strip() or None, _iso(match)
    return text.strip(), None


def _place(text: str) -> str:
    """`CAMP HARLOW, Bosnia` -> `Camp Harlow`: the first part, in ordinary case."""
    head = text.split(",")[0].strip()
    if head.isupper() and len(head) > 3:
        head = " ".join(_title_word(w) for w in head.split())
    return head


def _title_word(word: str) -> str:
    """`O'NEIL` -> `O'Neil`, `N'DJAMENA` -> `N'Djamena`, `AL-QUDS` -> `Al-Quds`."""
    return re.sub(r"[^\W\d_]{2,}|(?<!['\u2019])[^\W\d_]", lambda m: m[0].capitalize(), word.lower())


def _iso(match: re.Match[str]) -> str | None:
    year = match.group("year")
    if not year:
        return None
    month = _MONTHS.get(match.group("month").rstrip(".").casefold()[:4].rstrip("e"))
    if month is None:
        month = _MONTHS.get(match.group("month").casefold()[:3])
    day = int(match.group("day"))
    if not month or not 1 <= day <= 31:
        return None
    return f"{int(year):04d}-{month:02d}-{day:02d}"
