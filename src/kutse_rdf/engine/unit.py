"""The per-standard unit of work of a build: parse -> convert -> reason -> validate -> ELM.

Standards do not interact in any of these steps, so each runs on its own: in worker processes
when many are built, and not at all when the artifact cache already holds the result for the
same input (content hash, see cache.py). A unit returns plain bytes and dicts, cheap to pickle
and to store.
"""
from __future__ import annotations

import errno
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Iterable

from rdflib import URIRef

from kutse_rdf.config import Config
from kutse_rdf.graph.ntriples import (NAME_PREDICATES, TURTLE_PREFIXES, elm_prefixes, own_pieces,
                                      sorted_lines, sorted_nt, split_own, strip_prefixes, turtle,
                                      with_predicates, without_label_texts)
from kutse_rdf.errors import DocumentError, KutseError
from kutse_rdf.model import Standard
from kutse_rdf.processes import die_with_parent


@dataclass
class UnitResult:
    source_file: str  # file name as the model records it
    path: str  # the path it was read from
    key: str = ""  # content hash of the inputs (cache.py)
    standard: Standard | None = None
    error: KutseError | None = None  # the document was reported and skipped
    slug: str = ""
    graph_uri: str = ""
    graph_nt: bytes = b""  # sorted N-Triples lines of the standard's named graph
    # what the converter said about resources other standards name too (council, authors'
    # organisations, the tool): these go to the shared graph (B/graph/shared), not graph_nt
    graph_shared_nt: bytes = b""
    graph_ttl: bytes = b""
    # what the reasoner adds for this standard: the lines about it and its parts (no other unit
    # states them: data/inferred.nt concatenates them as they are), and the other lines
    # (the reference unit's are all here: it owns no subject)
    inferred_nt: bytes = b""
    inferred_ttl: bytes = b""  # inferred_nt's pieces of data/inferred.ttl and .jsonld
    inferred_jsonld: bytes = b""
    inferred_shared_nt: bytes = b""
    # ValidationReport.to_json() as JSON (validation_report()), and the standard's entry of
    # reports/validation.json as written there with its counts (validate.report_entry): bytes,
    # not a dict in the header, which every rebuild unpickles for every standard
    validation_json: bytes = b""
    validation_entry: bytes = b""
    validation_counts: tuple[int, int, bool] = (0, 0, True)  # violations, warnings, conforms
    validation_ttl: bytes = b""  # its report graph as a Turtle body (turtle_body)
    elm_nt: bytes = b""  # this standard's part of the ELM view
    model_json: bytes = b""  # data/model/NAME.json
    parse_entry: dict = field(default_factory=dict)  # its entry of reports/parse.json
    # Pieces of the merged dumps (dumps.py): own statements of graph + inferences, and of the
    # ELM view, serialised; the lines about resources other standards mention too
    union_nt: bytes = b""
    union_ttl: bytes = b""
    union_jsonld: bytes = b""
    shared_nt: bytes = b""
    elm_own_nt: bytes = b""
    elm_own_ttl: bytes = b""
    elm_own_jsonld: bytes = b""
    elm_shared_nt: bytes = b""
    # the own lines the library queries can read (query.predicates_used), and their hash;
    # the hash with the names' texts left out (query/relabel.py), and the lines naming things
    # (skos:prefLabel, skos:notation: what the reports' label columns read)
    query_nt: bytes = b""
    query_digest: str = ""
    query_rows_digest: str = ""
    label_nt: bytes = b""
    graph_triples: int = 0  # lines of graph_nt
    elm_own_triples: int = 0  # lines of elm_own_nt
    elm_own_blank: bool = False  # whether elm_own_nt names a blank node ("_:" anywhere)
    inferred_triples: int = 0  # lines of inferred_nt
    union_triples: int = 0  # lines of union_nt
    ttl_prefix_length: int = 0  # bytes of graph_ttl's @prefix lines (TriG takes the rest)
    # Once stored in the cache (cache.py), the byte fields above are read from its file:
    pack: str = ""  # that file
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> offset, length

    def validation_report(self) -> dict:
        """ValidationReport.to_json() of the standard's graph."""
        return json.loads(self.data("validation_json"))

    def _section(self, name: str) -> tuple[int, int] | None:
        """(offset, length) of a byte field in the cache file, None while it is in memory."""
        return None if getattr(self, name) or name not in self.sections else self.sections[name]

    def data(self, name: str) -> bytes:
        """A byte field, from memory or from the cache file."""
        section = self._section(name)
        if section is None:
            return getattr(self, name)
        source = open_pack(self.pack)
        try:
            return os.pread(source, section[1], section[0])
        finally:
            os.close(source)

    def size(self, name: str) -> int:
        section = self._section(name)
        return len(getattr(self, name)) if section is None else section[1]

    def copy(self, name: str, out: BinaryIO, skip: int = 0) -> None:
        """Append a byte field (less its first `skip` bytes) to the unbuffered file `out`. From
        the cache file the kernel copies it (copy_file_range), without passing the bytes
        through Python."""
        section = self._section(name)
        if section is None:
            out.write(getattr(self, name)[skip:])
            return
        offset, length = section
        source = open_pack(self.pack)
        try:
            copy_range(source, out.fileno(), offset + skip, length - skip)
        finally:
            os.close(source)


def parse_entry(std: Standard) -> dict:
    """A standard's entry of reports/parse.json: what was read, and what was not."""
    return {
        "file": std.source_file,
        "title": std.title,
        "competences": len(std.competences),
        "indicators": sum(len(c.indicators) for c in std.competences),
        "partial_qualifications": len(std.partial_qualifications),
        "specialisations": len(std.specialisations),
        "unaccounted": [{"line": u.line, "text": u.text} for u in std.unaccounted],
        "warnings": [{"line": w.line, "message": w.text} for w in std.warnings],
    }


def serialise(result: UnitResult, std: Standard, subject: str, graph: Iterable,
              inferred: Iterable, elm: Iterable, report,
              query_predicates: frozenset[str] | None = None) -> None:
    """Everything later stages need of a unit, as bytes (cheap to pickle, cache and merge).
    `graph`, `inferred`, `elm`: rdflib graphs or lists of their triples."""
    whole = sorted_nt(graph)
    result.graph_nt, result.graph_shared_nt = split_own(whole, subject)
    result.graph_ttl = turtle(result.graph_nt, TURTLE_PREFIXES)
    own, result.inferred_shared_nt = own_pieces(sorted_nt(inferred), subject, TURTLE_PREFIXES)
    result.inferred_nt, result.inferred_ttl, result.inferred_jsonld = own.nt, own.ttl, own.jsonld
    result.inferred_triples = own.nt.count(b"\n")
    from kutse_rdf.graph.validate import report_entry

    validation = report.to_json()
    result.validation_json = json.dumps(validation, ensure_ascii=False).encode()
    result.validation_entry, *counts = report_entry(validation)
    result.validation_counts = tuple(counts)
    result.validation_ttl = report.turtle_body()
    result.elm_nt = sorted_nt(elm)
    result.model_json = (json.dumps(std.to_json(), ensure_ascii=False, indent=2) + "\n").encode()
    result.parse_entry = parse_entry(std)
    result.graph_triples = result.graph_nt.count(b"\n")
    result.ttl_prefix_length = len(result.graph_ttl) - len(strip_prefixes(result.graph_ttl))
    union, result.shared_nt = own_pieces(sorted_lines(whole, result.inferred_nt,
                                                      result.inferred_shared_nt),
                                         subject, TURTLE_PREFIXES)
    result.union_nt, result.union_ttl, result.union_jsonld = union.nt, union.ttl, union.jsonld
    result.union_triples = union.nt.count(b"\n")
    if query_predicates is not None:
        result.query_nt = with_predicates(union.nt, query_predicates)
        result.query_digest = hashlib.sha256(result.query_nt).hexdigest()
        result.query_rows_digest = hashlib.sha256(without_label_texts(result.query_nt)).hexdigest()
        result.label_nt = with_predicates(result.query_nt, NAME_PREDICATES)
    split_elm_view(result, subject)


def split_elm_view(result: UnitResult, subject: str) -> None:
    """The ELM view's pieces (dumps.py) from result.elm_nt."""
    elm, result.elm_shared_nt = own_pieces(result.elm_nt, subject, elm_prefixes())
    result.elm_own_nt, result.elm_own_ttl, result.elm_own_jsonld = elm.nt, elm.ttl, elm.jsonld
    result.elm_own_triples = elm.nt.count(b"\n")
    result.elm_own_blank = b"_:" in elm.nt


class FieldsReader(io.RawIOBase):
    """A byte field of several units, then some bytes, read as one binary stream: a store
    loads the build's ~90 MB of query lines from it without their join in memory (the join and
    its page faults were ~0.5 s of CPU of a register's rebuild)."""

    def __init__(self, units: list[UnitResult], name: str, tail: bytes = b""):
        super().__init__()
        self.parts: list = [*((unit, name) for unit in units), tail]
        self.at = 0  # the part being read
        self.offset = 0  # in that part
        self.source: int | None = None  # the part's cache file, while it is read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self.at < len(self.parts):
            chunk = self._chunk(self.parts[self.at], len(buffer))
            if chunk:
                buffer[:len(chunk)] = chunk
                self.offset += len(chunk)
                return len(chunk)
            self._next()
        return 0

    def _chunk(self, part, size: int) -> bytes:
        if isinstance(part, bytes):
            return part[self.offset:self.offset + size]
        unit, name = part
        section = unit._section(name)
        if section is None:  # in memory
            return unit.data(name)[self.offset:self.offset + size]
        size = min(size, section[1] - self.offset)
        if size <= 0:
            return b""
        if self.source is None:
            self.source = open_pack(unit.pack)
        return os.pread(self.source, size, section[0] + self.offset)

    def _next(self) -> None:
        if self.source is not None:
            os.close(self.source)
            self.source = None
        self.at, self.offset = self.at + 1, 0

    def close(self) -> None:
        if self.source is not None:
            os.close(self.source)
            self.source = None
        super().close()


def open_pack(path: str) -> int:
    """A descriptor of a cache file, opened without a Python file object: a register's build
    reads ~20,000 fields (each field a few system calls fewer). Not inherited by the processes
    the build starts (os.open's default)."""
    return os.open(path, os.O_RDONLY)


def copy_range(source: int, target: int, offset: int, length: int) -> None:
    """`length` bytes of file descriptor `source` from `offset` to `target`'s position."""
    try:
        while length > 0:
            copied = os.copy_file_range(source, target, length, offset)
            if copied == 0:
                raise OSError(f"the file copied from ends {length} bytes early")  # (a cache or data file)
            offset, length = offset + copied, length - copied
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise
        os.write(target, os.pread(source, length, offset))  # no in-kernel copy here


class UnitContext:
    """What every unit needs, made once per process: reference graph, reasoner, shapes."""

    def __init__(self, config: Config, built_at: datetime,
                 query_predicates: frozenset[str] | None = None):
        from kutse_rdf.graph.reason import Reasoner, reasoning_schema
        from kutse_rdf.graph.uris import Uris
        from kutse_rdf.graph.validate import shapes_graph
        from kutse_rdf.graph.vocab import load_reference

        self.config = config
        self.built_at = built_at
        self.query_predicates = query_predicates
        self.uris = Uris(config.base_uri)
        self.reference = load_reference(config)
        self.reasoner = Reasoner(reasoning_schema(self.reference))
        shapes_graph()  # parse the shapes once per process

    def build(self, path: Path, key: str, cache) -> UnitResult:
        """The unit of `path`, stored in `cache` (an ArtifactCache) under `key` unless a bug
        made it fail (DocumentError: next time it is built again)."""
        result = self.run(path)
        result.key = key
        if not isinstance(result.error, DocumentError):  # a bug may be passing: tried again
            cache.store(result)
        return result

    def run(self, path: Path) -> UnitResult:
        result = UnitResult(source_file=path.name, path=str(path))
        try:
            self._run(path, result)
        except KutseError as exc:
            result.error = exc
        except Exception as exc:  # noqa: BLE001 (a bug one document triggers: that document fails)
            result.error = DocumentError(
                f"cannot be built (a bug, please report it): {type(exc).__name__}: {exc}",
                file=str(path), kind=type(exc).__name__)
            result.standard = None
        return result

    def _run(self, path: Path, result: UnitResult) -> None:
        from kutse_rdf.graph.convert import standard_graph
        from kutse_rdf.graph.elm import elm_triples
        from kutse_rdf.reading.parser import parse_file
        from kutse_rdf.graph.validate import validate_standard

        std = parse_file(path)
        result.standard, result.source_file = std, std.source_file
        result.slug = self.uris.standard_slug(std)
        graph = standard_graph(std, self.config, self.built_at)
        result.graph_uri = str(graph.identifier)
        # Its triples listed once: walking an rdflib store is slow, and the reasoner and the
        # serialiser each read them all.
        triples = list(graph)
        inferred = list(self.reasoner.infer_beyond(triples, self.reference))
        subject = self.uris.standard(std)
        report = validate_standard(std, URIRef(subject), graph, self.reference, self.uris)
        serialise(result, std, str(subject), triples, inferred, elm_triples([std], self.config),
                  report, self.query_predicates)


def reference_unit(config: Config) -> UnitResult:
    """The reference graph (ontology, e-CF, EQF, ESCO subset, mappings) and what the reasoner
    adds to its own instance data (the e-CF and ISCO hierarchies), as one more unit."""
    from kutse_rdf.graph.reason import Reasoner, reasoning_schema
    from kutse_rdf.graph.vocab import load_reference

    reference = load_reference(config)
    reasoner = Reasoner(reasoning_schema(reference))
    graph_nt = sorted_nt(reference)
    return UnitResult(source_file="(reference)", path="", graph_nt=graph_nt,
                      graph_triples=graph_nt.count(b"\n"),
                      inferred_shared_nt=sorted_nt(reasoner.infer_beyond(reference, reference)))


# The context of a worker process (set by init_worker; fork start: inherits loaded modules).
_CONTEXT: UnitContext | None = None


def init_worker(config: Config, built_at: datetime,
                query_predicates: frozenset[str] | None = None) -> None:
    global _CONTEXT
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None:
        die_with_parent(parent.pid)
    _CONTEXT = UnitContext(config, built_at, query_predicates)


def run_in_worker(path: Path, key: str, cache) -> UnitResult:
    """The unit of `path`, stored in the cache by the worker itself: what goes back to the
    main process is its small header, not the standard's bytes."""
    assert _CONTEXT is not None, "init_worker was not called"
    return _CONTEXT.build(path, key, cache)

