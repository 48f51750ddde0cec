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
about the size of the titles and postings.

The index is in parts (the shared pages', one per standard, the global pages'), each compiled
alone with its docs numbered from 0; search.js numbers them on as it loads the index. A
rebuild after a new version compiles its work's parts and takes the others' text from the
previous build's (writer.search_files), and a part's snippet script, named by a hash of what it
holds, is linked from there.
"""
from __future__ import annotations

import hashlib
import json
import pickle
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# weight of a token by where it occurs
NOTATION, TITLE, BODY = 8, 4, 1
TEXT_FOLDER = "search"  # under assets/: the snippet texts, one script per part
SEARCH_PARTS = "search-parts.pickle"  # in the build's .cache/site/: the parts compiled, by key


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


def script_safe(text: str) -> str:
    # the index is a script: keep any "</script>" in document text from mattering to HTML tools
    return text.replace("<", chr(92) + "u003c")


def script_of_json(variable: str, text: str) -> str:
    return f"{variable}{script_safe(text)};\n"


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

    def files(self, parts: list[tuple[int, str | None]] = (),
              known: dict[str, "Part"] | None = None,
              compiled: dict[str, "Part"] | None = None) -> dict[str, str]:
        """The index (search-index.js) and the snippet scripts (search/NAME.js), by path under
        assets/.

        The entries are in parts, in turn (`parts`: each part's number of entries and a key
        that names its entries, or None; what they leave is one part more): the shared pages'
        one, a part per standard, the global pages' one. Each part is compiled alone, its docs
        numbered from 0, and search.js numbers them on from the parts before it as it loads the
        index: a new version recompiles its work's parts only. A part whose key (with the
        kinds') is in `known` is taken from there; each keyed part is put into `compiled`.

        search-index.js: {"kinds": [kind, ...], "parts": [[docs, terms, NAME], ...]}.
        A doc is [path, title, title lang, kind number, notation, boost, parent, also, titles]
        with the last ones left out when empty: `parent` is the number in the part of the
        standard's doc (-1: none), and then `path` is relative to that doc's path (unless it
        starts with "/"); `also` lists the pages folded into this result (pages of the same
        part) as [path, kind number, notation]; `titles` the doc's title in other interface
        languages, {language: [title, title's language]}. `terms` is {token: postings}, the
        postings doc, weight, doc, weight, ... (docs ascending, numbered in the part). NAME
        ("" for none) is the snippet script of the part's docs, search/NAME.js:
        {doc: [text, ...]} by the doc's number in the part; NAME is the start of the sha256 of
        that JSON, and the script puts it into window.KUTSE_SEARCH_TEXT under NAME.
        `read_index` merges the parts as search.js does."""
        entries = self.entries
        kinds: list[str] = sorted({e[3] for e in entries})
        kind_number = {k: n for n, k in enumerate(kinds)}
        kinds_key = json.dumps(kinds).encode()
        sizes = [count for count, _ in parts]
        sizes.append(len(entries) - sum(sizes))
        keys = [key for _, key in parts] + [None]
        snippets: dict[str, str] = {}
        texts: list[str] = []
        start = 0
        for size, key in zip(sizes, keys):
            full = (hashlib.sha256(kinds_key + b"\0" + key.encode()).hexdigest()
                    if key is not None else None)
            part = known.get(full) if known is not None and full is not None else None
            if part is None:
                part = compile_part(entries[start:start + size], kind_number)
            if full is not None and compiled is not None:
                compiled[full] = part
            start += size
            texts.append(part.text)
            if part.snippet is not None:
                snippets[f"{TEXT_FOLDER}/{part.snippet[0]}.js"] = part.snippet[1]
        index = ("window.KUTSE_SEARCH = {\"kinds\":" + json_text(kinds)
                 + ",\"parts\":[" + ",".join(texts) + "]};\n")
        return {"search-index.js": index, **snippets}


@dataclass(frozen=True)
class Part:
    """A part of the index compiled: its JSON text ([docs, terms, NAME], "<" escaped) and its
    snippet script (NAME, the script's text), if its docs have texts."""
    text: str
    snippet: tuple[str, str] | None


def json_text(data) -> str:
    return script_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def compile_part(entries: list[tuple], kind_number: dict[str, int]) -> Part:
    """One part of the index (SearchIndex.files), its docs numbered from 0."""
    paths = {entry[0] for entry in entries}
    # folded into another result: only onto a page that is itself a result of its own
    folded = {e[0]: e[8] for e in entries if e[8] and e[8] in paths and e[8] != e[0]}
    folded = {p: t for p, t in folded.items() if t not in folded}
    shown = [e for e in entries if e[0] not in folded]
    number = {e[0]: n for n, e in enumerate(shown)}
    also: dict[str, list] = {}
    for e in entries:
        if e[0] in folded:
            also.setdefault(folded[e[0]], []).append([e[0], kind_number[e[3]], e[4] or ""])

    docs: list[list] = []
    best_of: list[dict[str, int]] = [{} for _ in shown]  # a token's weight in a doc: where it weighs most
    texts: dict[int, list[str]] = {}  # the snippet texts, by doc
    for e in entries:
        best = best_of[number[folded.get(e[0], e[0])]]
        for text, weight in [*e[5], *((t, BODY) for t in e[9])]:
            for token in cached_tokens(text):
                if best.get(token, 0) < weight:
                    best[token] = weight
    for doc, (path, title, lang, kind, notation, _, boost, parent, _, own, titles) in enumerate(shown):
        up = number.get(parent, -1) if parent != path else -1
        if up >= 0:  # relative to the standard's path, or marked as whole by a leading "/"
            path = path[len(parent):] if path.startswith(parent) else "/" + path
        row = [path, readable_title(title), lang or "", kind_number[kind], notation or "", boost]
        extra = also.get(shown[doc][0])
        other = {code: [readable_title(text), text_lang or ""] for code, (text, text_lang) in titles.items()}
        if up >= 0 or extra or other:
            row.append(up)
        if extra or other:
            row.append(extra or [])
        if other:
            row.append(other)
        docs.append(row)
        if own:
            texts[doc] = own
    postings: dict[str, list[int]] = {}
    for doc, best in enumerate(best_of):
        for token, weight in best.items():
            found = postings.get(token)
            if found is None:
                postings[token] = [doc, weight]
            else:
                found += (doc, weight)
    snippet = None
    if texts:
        data = json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
        name = hashlib.sha256(data.encode()).hexdigest()[:20]
        snippet = (name, script_of_json(
            f'(window.KUTSE_SEARCH_TEXT = window.KUTSE_SEARCH_TEXT || {{}})["{name}"] = ', data))
    return Part(json_text([docs, dict(sorted(postings.items())), snippet[0] if snippet else ""]), snippet)


def read_search_parts(path: Path | None) -> dict[str, Part]:
    """A build's compiled parts by key (SearchIndex.files' `compiled`); none where the file is
    missing or damaged: the parts are then compiled again."""
    try:
        parts = pickle.loads(path.read_bytes()) if path is not None else {}
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            ImportError, IndexError):
        return {}
    if not isinstance(parts, dict) or not all(isinstance(p, Part) for p in parts.values()):
        return {}
    return parts


def read_index(script: str) -> dict:
    """search-index.js as one index, its parts merged as search.js merges them: {"kinds",
    "docs", "terms": {token: postings}, "texts": {first doc of a part: NAME}, "part_of":
    [each doc's part's first doc]}, docs numbered across the parts (a doc's parent too)."""
    data = json.loads(script.removeprefix("window.KUTSE_SEARCH = ").rstrip().rstrip(";"))
    docs: list[list] = []
    terms: dict[str, list[int]] = {}
    texts: dict[str, str] = {}
    part_of: list[int] = []
    for part_docs, part_terms, name in data["parts"]:
        base = len(docs)
        for doc in part_docs:
            if len(doc) > 6 and doc[6] >= 0:
                doc[6] += base
            docs.append(doc)
            part_of.append(base)
        for token, postings in part_terms.items():
            found = terms.setdefault(token, [])
            for n in range(0, len(postings), 2):
                found += (postings[n] + base, postings[n + 1])
        if name:
            texts[str(base)] = name
    return {"kinds": data["kinds"], "docs": docs, "terms": terms, "texts": texts, "part_of": part_of}
