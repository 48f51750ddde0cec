"""The prebuilt search index (assets/search-index.js), read by assets/search.js.

An own small inverted index rather than lunr/MiniSearch because: notations (B.3.5, E.8) must stay
whole tokens; Estonian needs diacritic folding and no (English) stemming; the index is built in
Python without Node; and it is loaded with a <script> tag, which works from file:// where fetch()
of index files does not. The tokeniser here and in search.js must agree (see `tokens`).
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

# weight of a token by where it occurs
NOTATION, TITLE, BODY = 8, 4, 1


# the combining diacritical marks search.js removes after NFD (one regular expression, not a
# test per character: every text of every build passes through it)
COMBINING_MARKS = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case without diacritics: "Õppe" -> "oppe" (search.js does exactly the same)."""
    return COMBINING_MARKS.sub("", unicodedata.normalize("NFD", text.lower()))


def tokens(text: str) -> list[str]:
    """Words and notations: runs of letters, digits and inner dots ("b.3.5", "e.8")."""
    return [t.strip(".") for t in re.findall(r"[a-z0-9.]+", fold(text)) if t.strip(".")]


@lru_cache(maxsize=None)
def cached_tokens(text: str) -> tuple[str, ...]:
    # texts repeat across the index (cited e-CF titles, titles in both languages, common indicators)
    return tuple(tokens(text))


class SearchIndex:
    """Documents are added as entries (plain tuples, so that pages rendered in another process
    can hand theirs back, see render.Workers); the inverted index is built when written."""

    def __init__(self):
        self.entries: list[tuple] = []  # (path, title, title lang, kind, notation, fields, boost)

    def add(self, path: str, title: str, lang: str | None, kind: str, notation: str | None,
            fields: list[tuple[str, int]], boost: int = 0) -> None:
        """A document found by `fields` (text, weight); `boost` ranks it among equally good hits
        (its page kind's search weight, see kinds.py)."""
        self.entries.append((path, title, lang, kind, notation, fields, boost))

    def to_script(self) -> str:
        docs: list[list] = []  # [path, title, title lang, kind, notation, boost]
        postings: dict[str, list[int]] = {}  # token -> doc, weight, doc, weight, ... (docs ascending)
        for doc, (path, title, lang, kind, notation, fields, boost) in enumerate(self.entries):
            docs.append([path, title, lang or "", kind, notation or "", boost])
            best: dict[str, int] = {}  # a token's weight in this document: where it weighs most
            for text, weight in fields:
                for token in cached_tokens(text):
                    if token not in best or best[token] < weight:
                        best[token] = weight
            for token, weight in best.items():
                found = postings.get(token)
                if found is None:
                    postings[token] = [doc, weight]
                else:
                    found += (doc, weight)
        terms = dict(sorted(postings.items()))
        data = json.dumps({"docs": docs, "terms": terms}, ensure_ascii=False, separators=(",", ":"))
        # the index is a script: keep any "</script>" in document text from mattering to HTML tools
        data = data.replace("<", "\\u003c")
        return f"window.KUTSE_SEARCH = {data};\n"
