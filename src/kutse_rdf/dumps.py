"""build/data/: the data dumps of a build, from each standard's unit result (unit.py).

The merged files (all.nt, all.ttl, all.jsonld, all.trig, elm.*) are concatenations of pieces
each unit serialised once, in its worker, and the artifact cache keeps: a rebuild after one
changed standard serialises one standard again and only copies bytes for the other 499.

That works because a standard's statements split in two (`split_own`):
- its own lines, whose subject is the standard or one of its parts (its URI, or below it after
  `/` or `#`). No other unit can state them, so their pieces are concatenated as they are: every
  triple stays once in the merged files, and every subject is described in one place;
- shared lines, about resources several standards mention (their council, the tool that built
  them, the e-CF skills in the ELM view). These are a few per standard; the data stage
  de-duplicates them with the reference graph and serialises them once.

Each piece is written by Oxigraph from N-Triples lines sorted as bytes (subjects grouped, so a
subject's statements come out as one Turtle block or one JSON-LD node). On 500 synthetic
standards (720k triples) the data stage took ~9 s when Oxigraph parsed every unit into stores
and wrote the merged files from them; README "scale" has the numbers of this way.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pyoxigraph as ox

from kutse_rdf.config import Config
from kutse_rdf.convert import PREFIXES
from kutse_rdf.uris import Uris

if TYPE_CHECKING:
    from kutse_rdf.unit import UnitResult

TURTLE_PREFIXES = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                   **{prefix: str(ns) for prefix, ns in PREFIXES.items()}}


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


def split_own(nt: bytes, subject: str) -> tuple[bytes, bytes]:
    """(lines whose subject is `subject` or below it, the other lines)."""
    own, shared = [], []
    exact, below = f"<{subject}>".encode(), (f"<{subject}/".encode(), f"<{subject}#".encode())
    for line in nt.splitlines(keepends=True):
        if line.startswith(exact) or line.startswith(below):
            own.append(line)
        else:
            shared.append(line)
    return b"".join(own), b"".join(shared)


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


def jsonld_array(items: Iterable[bytes]) -> bytes:
    return b"[" + b",\n".join(item for item in items if item) + b"]\n"


def _write(path: Path, data: bytes | Iterable[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:
            handle.writelines(data)


class StandardFiles:
    """data/standards/SLUG.nt and .ttl. A standard whose unit is the one the previous build
    wrote them from (same cache key, recorded in .cache/standard-files.json) gets hard links to
    the previous build's files: 1,000 links take ~20 ms, writing the files ~0.4 s on 500."""

    RECORD = Path(".cache") / "standard-files.json"

    def __init__(self, root: Path, previous: Path | None):
        self.root = root
        self.previous = previous
        self.written: dict[str, str] = {}
        self.before: dict[str, str] = {}
        if previous is not None and (previous / self.RECORD).is_file():
            try:
                self.before = json.loads((previous / self.RECORD).read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                self.before = {}  # a damaged record: write every file

    def write(self, unit: "UnitResult") -> None:
        names = [f"standards/{unit.slug}.nt", f"standards/{unit.slug}.ttl"]
        contents = [unit.graph_nt, unit.graph_ttl]
        unchanged = bool(unit.key) and self.before.get(unit.slug) == unit.key
        if not (unchanged and self._link(names)):
            for name, data in zip(names, contents):
                _write(self.root / "data" / name, data)
        self.written[unit.slug] = unit.key

    def _link(self, names: list[str]) -> bool:
        done = []
        try:
            for name in names:
                target = self.root / "data" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(self.previous / "data" / name, target)
                done.append(target)
        except OSError:  # another file system, or the file is gone: write instead
            for target in done:
                target.unlink()
            return False
        return True

    def close(self) -> None:
        _write(self.root / self.RECORD, json.dumps(self.written, indent=0).encode())


def write_dumps(root: Path, units: list["UnitResult"], reference: "UnitResult",
                config: Config, previous: Path | None = None) -> bytes:
    """data/ of a build from its standards' unit results and the reference unit (`previous`:
    the build being replaced, whose unchanged per-standard files are linked). Returns the
    text of data/all.nt (the union of all graphs, each triple once), which the build loads into
    its query store: no library query names a graph, and a union-only store answers them
    10-35 % faster than one with every named graph."""
    uris = Uris(config.base_uri)
    data = root / "data"
    units = sorted(units, key=lambda u: u.graph_uri)
    inferred_uri = str(uris.inferred_graph())
    inferred = sorted_lines(reference.inferred_nt, *(u.inferred_nt for u in units))
    # reference, its own inferences and what standards say about shared resources, once each
    shared = Pieces.of(sorted_lines(reference.graph_nt, reference.inferred_nt,
                                    *(u.shared_nt for u in units)), TURTLE_PREFIXES)
    manifest = []
    files = StandardFiles(root, previous)
    for unit in units:
        files.write(unit)
        manifest.append({"graph": unit.graph_uri, "file": f"standards/{unit.slug}.nt",
                         "triples": unit.graph_nt.count(b"\n"), "kind": "standard"})
    files.close()
    _write(data / "reference.nt", reference.graph_nt)
    manifest.append({"graph": str(uris.reference_graph()), "file": "reference.nt",
                     "triples": reference.graph_nt.count(b"\n"), "kind": "reference"})
    _write(data / "inferred.nt", inferred)
    manifest.append({"graph": inferred_uri, "file": "inferred.nt",
                     "triples": inferred.count(b"\n"), "kind": "inferred"})

    all_nt = b"".join([*(u.union.nt for u in units), shared.nt])
    _write(data / "all.nt", all_nt)
    header = prefix_lines(TURTLE_PREFIXES)
    _write(data / "all.ttl", [header, b"\n", *(u.union.ttl for u in units), shared.ttl])
    _write(data / "all.jsonld", jsonld_array([*(u.union.jsonld for u in units), shared.jsonld]))
    # TriG: each named graph as a block whose body is the graph's Turtle without its prefixes
    blocks = [(u.graph_uri, strip_prefixes(u.graph_ttl)) for u in units]
    blocks.append((str(uris.reference_graph()), turtle_body(reference.graph_nt, TURTLE_PREFIXES)))
    blocks.append((inferred_uri, turtle_body(inferred, TURTLE_PREFIXES)))
    _write(data / "all.trig", [header, *(b"\n<%s> {\n%s}\n" % (name.encode(), body)
                                         for name, body in blocks)])
    # Standards first (in graph-name order), then reference and inferred; ELM appends its entry.
    (data / "graphs.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    return all_nt


def elm_prefixes() -> dict[str, str]:
    from kutse_rdf.elm import PREFIXES as ELM_PREFIXES

    return {prefix: str(ns) for prefix, ns in ELM_PREFIXES.items()}


def write_elm_dumps(root: Path, units: list["UnitResult"], config: Config) -> str:
    """data/elm.nt, elm.ttl, elm.jsonld from the standards' ELM pieces, and its graphs.json
    entry. What two standards share (the council, e-CF skills) is stated once."""
    from kutse_rdf.elm import update_manifest

    units = sorted(units, key=lambda u: u.graph_uri)
    prefixes = elm_prefixes()
    shared = Pieces.of(sorted_lines(*(u.elm_shared_nt for u in units)), prefixes)
    data = root / "data"
    nt = b"".join([*(u.elm.nt for u in units), shared.nt])
    _write(data / "elm.nt", nt)
    _write(data / "elm.ttl", [prefix_lines(prefixes), b"\n", *(u.elm.ttl for u in units),
                              shared.ttl])
    _write(data / "elm.jsonld", jsonld_array([*(u.elm.jsonld for u in units), shared.jsonld]))
    triples = nt.count(b"\n")
    update_manifest(data, {"graph": str(Uris(config.base_uri).elm_graph()), "file": "elm.nt",
                           "triples": triples, "kind": "elm"})
    return f"ELM view: {triples} triples in data/elm.ttl, elm.jsonld, elm.nt"
