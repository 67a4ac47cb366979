"""Name normalisation and URL slugs: the one place that decides when two names are the same."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from slugify import slugify as _slugify

_DASHES = "\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u00ad"
_APOSTROPHES = "\u2018\u2019\u201a\u201b\u2032\u02bc\u02bb\u00b4\u0060\uff07"
_DQUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02"
_TRANSLATE = {ord(c): " " for c in _DASHES}
_TRANSLATE.update({ord(c): "'" for c in _APOSTROPHES})
_TRANSLATE.update({ord(c): '"' for c in _DQUOTES})
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def normalize(name: str) -> str:
    """Return the comparison key of a name.

    Diacritics folded (NFKD, combining marks dropped), case folded, dashes made
    spaces, apostrophe and quote variants unified, full stops dropped, whitespace
    collapsed, surrounding quotes and a leading "the" removed. These are the rules
    of the entity guideline, so "al-Assad", "Al Assad" and "AL-ASSAD" are one key.
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_TRANSLATE).replace(".", "")
    text = _SPACES.sub(" ", text).strip().strip("\"' ").strip()
    if text.startswith("the "):
        text = text[4:].lstrip()
    return text


@lru_cache(maxsize=1 << 16)
def slugify(name: str) -> str:
    """Return a URL slug for a name: ASCII, lower case, hyphen-separated, never empty.

    Non-Latin scripts are transliterated; a name with nothing left to spell
    (punctuation or symbols only) gets a short stable hash instead.
    """
    key = normalize(name)
    slug = _slugify(key.replace("'", ""), max_length=80, word_boundary=True)
    if slug:
        return slug
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    return f"n-{digest}"
