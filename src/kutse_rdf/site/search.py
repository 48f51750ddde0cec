"""The prebuilt search index (assets/search-index.js), read by assets/search.js.

An own small inverted index rather than lunr/MiniSearch because: notations (B.3.5, E.8) must stay
whole tokens; Estonian needs diacritic folding and no (English) stemming; the index is built in
Python without Node; and it is loaded with a <script> tag, which works from file:// where fetch()
of index files does not. The tokeniser here and in search.js must agree (see `tokens`).

One result per thing: a page that is the same thing as another (an e-CF 3.0 competence and its
4.0 counterpart, a qualification and the standard of the same name) is folded into that one's
result, which lists it as "also". The texts a result is found by (a competence's indicators and
knowledge) are not in the index: they are shown as snippets, and search.js loads them for the
results it shows from one small script per standard (assets/search/NAME.js), so the index stays
about the size of the titles and postings. A script's name is a hash of what it holds, and its
docs are numbered from its standard's: a new version renumbers the results after it, not the
other standards' scripts, which a rebuild then links from the previous build.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache

# weight of a token by where it occurs
NOTATION, TITLE, BODY = 8, 4, 1
TEXT_FOLDER = "search"  # under assets/: the snippet texts, one script per standard


# the combining diacritical marks search.js removes after NFD (one regular expression, not a
# test per character: every text of every build passes through it)
COMBINING_MARKS = re.compile("[\u0300-\u036f]")
IRI = re.compile(r"^\s*[a-z][a-z0-9+.-]*://\S*\s*$", re.I)


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


def readable_title(title: str) -> str:
    """A result's title, never an IRI: a page without a label gets its IRI's last part."""
    if not IRI.match(title):
        return title
    return title.strip().rstrip("/#").rpartition("/")[2].rpartition("#")[2].replace("-", " ") or title


def script(variable: str, data) -> str:
    return script_of_json(variable, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def script_of_json(variable: str, text: str) -> str:
    # the index is a script: keep any "</script>" in document text from mattering to HTML tools
    return f"{variable}{text.replace('<', chr(92) + 'u003c')};\n"


class SearchIndex:
    """Documents are added as entries (plain tuples, so that pages rendered in another process
    can hand theirs back, see render.Workers); the inverted index is built when written."""

    def __init__(self):
        # (path, title, title lang, kind, notation, fields, boost, parent, same as, texts, titles)
        self.entries: list[tuple] = []

    def add(self, path: str, title: str, lang: str | None, kind: str, notation: str | None,
            fields: list[tuple[str, int]], boost: int = 0, parent: str | None = None,
            same_as: str | None = None, texts: list[str] = (),
            titles: dict[str, tuple[str, str | None]] | None = None) -> None:
        """A document found by `fields` (text, weight) and `texts` (weight BODY, shown as
        snippets); `boost` ranks it among equally good hits (its page kind's search weight, see
        kinds.py); `parent` is the path of the standard it belongs to, shown beside it;
        `same_as` the path of the page whose result it is folded into; `titles` its title in
        the other interface languages where that differs (language -> text, text's language)."""
        self.entries.append((path, title, lang, kind, notation, fields, boost, parent, same_as,
                             list(texts), dict(titles or {})))

    def files(self) -> dict[str, str]:
        """The index (search-index.js) and the snippet scripts (search/N.js), by path under
        assets/.

        search-index.js: {"kinds": [kind, ...], "docs": [doc, ...], "terms": {token: postings},
        "texts": [N, ...]}; a doc is [path, title, title lang, kind number, notation, boost,
        parent, also, titles] with the last ones left out when empty: `parent` is the number of the
        standard's doc (-1: none), and then `path` is relative to that doc's path (unless it
        starts with "/"); `also` lists the pages
        folded into this result as [path, kind number, notation]; `titles` the doc's title in
        other interface languages, {language: [title, title's language]}. Postings are doc, weight, doc,
        weight, ... (docs ascending). `texts`: {doc: NAME} for the docs (standards) that have a
        snippet script, search/NAME.js: {offset: [text, ...]} for their docs, each doc by its
        number less the standard's (doc 0's script also holds those of the docs without a
        standard, by their own numbers); NAME is the start of the sha256 of that JSON, and the
        script puts it into window.KUTSE_SEARCH_TEXT under NAME."""
        entries = self.entries
        paths = {entry[0] for entry in entries}
        # folded into another result: only onto a page that is itself a result of its own
        folded = {e[0]: e[8] for e in entries if e[8] and e[8] in paths and e[8] != e[0]}
        folded = {p: t for p, t in folded.items() if t not in folded}
        shown = [e for e in entries if e[0] not in folded]
        number = {e[0]: n for n, e in enumerate(shown)}
        kinds: list[str] = sorted({e[3] for e in entries})
        kind_number = {k: n for n, k in enumerate(kinds)}
        also: dict[str, list] = {}
        for e in entries:
            if e[0] in folded:
                also.setdefault(folded[e[0]], []).append([e[0], kind_number[e[3]], e[4] or ""])

        docs: list[list] = []
        best_of: list[dict[str, int]] = [{} for _ in shown]  # a token's weight in a doc: where it weighs most
        texts: dict[int, dict[int, list[str]]] = {}  # snippet scripts by standard's doc
        for e in entries:
            doc = number[folded.get(e[0], e[0])]
            best = best_of[doc]
            for text, weight in [*e[5], *((t, BODY) for t in e[9])]:
                for token in cached_tokens(text):
                    if best.get(token, 0) < weight:
                        best[token] = weight
        for doc, (path, title, lang, kind, notation, _, boost, parent, _, own, titles) in enumerate(shown):
            up = number.get(parent, -1) if parent != path else -1
            if up >= 0:  # relative to the standard's path, or marked as whole by a leading "/"
                path = path[len(parent):] if path.startswith(parent) else "/" + path
            row = [path,
                   readable_title(title), lang or "", kind_number[kind], notation or "", boost]
            extra = also.get(shown[doc][0])
            other = {code: [readable_title(text), text_lang or ""] for code, (text, text_lang) in titles.items()}
            if up >= 0 or extra or other:
                row.append(up)
            if extra or other:
                row.append(extra or [])
            if other:
                row.append(other)
            docs.append(row)
            if own:  # with its standard's texts; those of docs without one together, with doc 0's
                base = up if up >= 0 else 0
                texts.setdefault(base, {})[doc - base] = own
        postings: dict[str, list[int]] = {}
        for doc, best in enumerate(best_of):
            for token, weight in best.items():
                found = postings.get(token)
                if found is None:
                    postings[token] = [doc, weight]
                else:
                    found += (doc, weight)
        snippets, names = {}, {}
        for base, by_offset in sorted(texts.items()):
            data = json.dumps(by_offset, ensure_ascii=False, separators=(",", ":"))
            name = names[base] = hashlib.sha256(data.encode()).hexdigest()[:20]
            snippets[f"{TEXT_FOLDER}/{name}.js"] = script_of_json(
                f'(window.KUTSE_SEARCH_TEXT = window.KUTSE_SEARCH_TEXT || {{}})["{name}"] = ', data)
        index = {"kinds": kinds, "docs": docs, "terms": dict(sorted(postings.items())),
                 "texts": {str(base): name for base, name in names.items()}}
        return {"search-index.js": script("window.KUTSE_SEARCH = ", index), **snippets}
