"""N-Triples as bytes: sorted and merged lines, a standard's own lines split from the shared
ones, and the Turtle and JSON-LD pieces Oxigraph writes from them. Everything that works on a
unit's bytes (the engine, the dumps, the validation report) uses these."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Literal
from rdflib.plugins.serializers.nt import _quoteLiteral

from kutse_rdf.graph.convert import PREFIXES
from kutse_rdf.graph.namespaces import RDF, SKOS, prefixes
from kutse_rdf.graph.uris import owned_by

# The prefixes of the dumps' Turtle and TriG: the graph's, after rdf.
TURTLE_PREFIXES = prefixes("rdf", *PREFIXES)
PREF_LABEL = str(SKOS.prefLabel)
RDF_TYPE = str(RDF.type)
# what the query reports' label columns read (query/tables.py), whatever the queries name
NAME_PREDICATES = frozenset({PREF_LABEL, str(SKOS.notation)})
# what a rows digest leaves out of a prefLabel line: the literal's text (not its language)


@dataclass
class Pieces:
    """Sorted N-Triples lines, and the same triples as a Turtle body (no prefix lines: the
    merged file declares them once) and as JSON-LD node objects (no enclosing brackets)."""

    nt: bytes = b""
    ttl: bytes = b""
    jsonld: bytes = b""

    @classmethod
    def of(cls, nt: bytes, prefixes: dict[str, str]) -> "Pieces":
        if not nt:
            return cls()
        return cls(nt, turtle_body(nt, prefixes), jsonld_items(nt))


def sorted_lines(*texts: bytes) -> bytes:
    """N-Triples texts merged: each line once, sorted as bytes."""
    lines = {line for text in texts for line in text.splitlines() if line}
    return b"\n".join(sorted(lines)) + b"\n" if lines else b""


def lines_starting(data: bytes, start: bytes) -> Iterator[tuple[int, bytes]]:
    """(position, line with its newline) of each line of `data` that begins with `start`."""
    newline = -1  # the newline before the line looked at (-1: the start of data)
    while True:
        if not data.startswith(start, newline + 1):
            newline = data.find(b"\n" + start, newline + 1)
            if newline < 0:
                return
        begin = newline + 1
        newline = data.find(b"\n", begin)
        if newline < 0:
            yield begin, data[begin:] + b"\n"
            return
        yield begin, data[begin:newline + 1]


def sorted_nt(triples: Iterable) -> bytes:
    """Triples (a graph, or a list of them) as N-Triples with lines sorted as bytes: a rebuild
    gives the same bytes. The lines are those of rdflib's "nt" serializer (its own row
    function writes literals); each IRI is written once per call, not once per use, and no
    rdflib store is iterated, which makes this much cheaper than graph.serialize."""
    written: dict = {}

    def term(node) -> str:
        text = written.get(node)
        if text is None:
            text = written[node] = node.n3()  # raises on an IRI N-Triples cannot carry
        return text

    rows = [f"{term(s)} {term(p)} {_quoteLiteral(o) if isinstance(o, Literal) else term(o)} .\n"
            for s, p, o in triples]
    lines = sorted(set("".join(rows).encode("utf-8").splitlines()) - {b""})
    return b"\n".join(lines) + b"\n" if lines else b""


def split_own(nt: bytes, subject: str) -> tuple[bytes, bytes]:
    """(lines whose subject is `subject` or below it, the other lines)."""
    own, shared = [], []
    owned = owned_by(subject)
    for line in nt.splitlines(keepends=True):
        (own if owned(line) else shared).append(line)
    return b"".join(own), b"".join(shared)


def with_predicates(nt: bytes, predicates: frozenset[str]) -> bytes:
    """The N-Triples lines whose predicate is one of `predicates`; an entry "RDF_TYPE CLASS"
    (query.predicates.typed_as) keeps the rdf:type statements of that class."""
    wanted = {f"<{iri}>".encode() for iri in predicates if " " not in iri}
    classes = {f"<{entry.split(' ', 1)[1]}>".encode() for entry in predicates
               if entry.startswith(RDF_TYPE + " ")}
    type_predicate = f"<{RDF_TYPE}>".encode()
    # a line's object is read only when its predicate is rdf:type and not wanted whole
    return b"".join(line for line in nt.splitlines(keepends=True)
                    if (predicate := line.split(b" ", 2)[1]) in wanted
                    or (predicate == type_predicate and line.split(b" ", 3)[2] in classes))


def statements_with(nt: bytes, needle: bytes) -> Iterator[tuple[int, int, int]]:
    """(line start, needle's place, line end without its newline) of each line of `nt` where
    `needle` (" <predicate> " and what follows) comes right after the subject: the text
    before it on its line is one term (an N-Triples term before the predicate holds no
    space), so a needle inside a literal is not taken. Found with bytes.find, not a line at a
    time in Python (a register's changes graph is ~30 MB)."""
    at = nt.find(needle)
    while at >= 0:
        start = nt.rfind(b"\n", 0, at) + 1
        end = nt.find(b"\n", at)
        end = len(nt) if end < 0 else end
        if at > start and b" " not in nt[start:at]:
            yield start, at, end
        at = nt.find(needle, end)


def without_label_texts(nt: bytes) -> bytes:
    """N-Triples lines with each skos:prefLabel's text emptied: what the rows of an answer
    depend on when the queries read names only through label joins (statements_with: a
    regular expression tried at every byte cost ~0.2 s on a register's 30 MB of changes, which
    name nothing). A literal's text is all between its first quote and the line's last one."""
    needle = b' <%s> "' % PREF_LABEL.encode()
    parts, done = [], 0
    for _, at, end in statements_with(nt, needle):
        quote = at + len(needle) - 1
        last = nt.rfind(b'"', quote + 1, end)
        if last > quote:
            parts += [nt[done:quote + 1], nt[last:end]]
            done = end
    return b"".join(parts) + nt[done:] if parts else nt


def own_pieces(nt: bytes, subject: str, prefixes: dict[str, str]) -> tuple[Pieces, bytes]:
    """(the pieces of the lines about `subject` and below it, the other lines)."""
    own, shared = split_own(nt, subject)
    return Pieces.of(own, prefixes), shared


def turtle(nt: bytes, prefixes: dict[str, str]) -> bytes:
    return ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                        prefixes=prefixes)


def turtle_body(nt: bytes, prefixes: dict[str, str]) -> bytes:
    """Turtle of N-Triples lines without its @prefix lines."""
    return strip_prefixes(turtle(nt, prefixes))


def strip_prefixes(text: bytes) -> bytes:
    while text.startswith(b"@prefix "):
        text = text[text.index(b"\n") + 1:]
    return text.lstrip(b"\n")


def prefix_lines(prefixes: dict[str, str]) -> bytes:
    return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items()).encode()


def jsonld_items(nt: bytes) -> bytes:
    """The node objects of Oxigraph's JSON-LD for N-Triples lines, without the brackets."""
    text = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.JSON_LD)
    return text.strip()[1:-1]


def elm_prefixes() -> dict[str, str]:
    from kutse_rdf.graph.elm import PREFIXES as ELM_PREFIXES

    return dict(ELM_PREFIXES)
