"""build/data/: the data dumps of a build, from each standard's unit result (unit.py).

The merged files (all.nt, all.ttl, all.jsonld, all.trig, elm.*, inferred.*) are concatenations
of pieces each unit serialised once, in its worker, and the artifact cache keeps: a rebuild after
one changed standard serialises one standard again and only copies bytes for the other 499.

That works because a standard's statements split in two (`split_own`):
- its own lines, whose subject is the standard or one of its parts (its URI, or below it after
  `/` or `#`). No other unit can state them, so their pieces are concatenated as they are: every
  triple stays once in the merged files, and every subject is described in one place;
- shared lines, about resources several standards mention (their council, the tool that built
  them, the e-CF skills in the ELM view). These are a few per standard; the data stage
  de-duplicates them with the reference graph and serialises them once. In all.trig and the
  published graphs they are one named graph of their own (B/graph/shared,
  `shared_graph_lines`): a version's graph keeps its links to them, not their description.

Each piece is written by Oxigraph from N-Triples lines sorted as bytes (subjects grouped, so a
subject's statements come out as one Turtle block or one JSON-LD node), so no store of the
whole build is ever made for the dumps (docs/benchmarks.md has the measurements).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterable, Iterator

from kutse_rdf.config import Config
from kutse_rdf.graph.ntriples import (TURTLE_PREFIXES, Pieces, elm_prefixes, jsonld_items,
                                      lines_starting, prefix_lines, sorted_lines, strip_prefixes,
                                      turtle_body)
from kutse_rdf.graph.uris import Uris

from kutse_rdf.engine.cache import link_or_copy, store_content_key
from kutse_rdf.engine.works import version_file, work_file

if TYPE_CHECKING:
    from kutse_rdf.engine.cache import ArtifactCache
    from kutse_rdf.engine.unit import UnitResult
    from kutse_rdf.engine.works import WorkResult

def jsonld_array(units: list["UnitResult"], name: str, last: bytes) -> list:
    """The parts of a JSON-LD array: each unit's node objects (field `name`), then `last`."""
    parts: list = [b"["]
    for unit in units:
        if unit.size(name):
            parts += [(unit, name, 0), b",\n"]
    if last:
        parts.append(last)
    elif len(parts) > 1:
        parts.pop()  # no comma after the last object
    return parts + [b"]\n"]


def _open(path: Path) -> BinaryIO:
    """An unbuffered file to write (UnitResult.copy appends to its descriptor)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "wb", buffering=0)


def _write(path: Path, data: bytes) -> None:
    with _open(path) as out:
        out.write(data)


def _write_merged(data: Path, name: str, units: list["UnitResult"], fields: str,
                  shared: Pieces, prefixes: dict[str, str], keyed: bool = False) -> None:
    """data/NAME.nt, .ttl, .jsonld: each unit's pieces (fields FIELDS_nt, _ttl, _jsonld) in
    order, then the shared ones. `keyed`: NAME.nt's content key recorded in the build's cache
    (store_content_key: the units' keys and the shared lines)."""
    _concatenate(data / f"{name}.nt", [*((u, f"{fields}_nt", 0) for u in units), shared.nt])
    if keyed:
        key = hashlib.sha256(f"{name}.nt {fields}\0".encode())
        for unit in units:
            key.update(unit.key.encode() + b"\0")
        key.update(shared.nt)
        store_content_key(data.parent, data / f"{name}.nt", key.hexdigest())
    _concatenate(data / f"{name}.ttl", [prefix_lines(prefixes), b"\n",
                                        *((u, f"{fields}_ttl", 0) for u in units), shared.ttl])
    _concatenate(data / f"{name}.jsonld", jsonld_array(units, f"{fields}_jsonld", shared.jsonld))


def made_once(cache: "ArtifactCache | None", what: str, nt: bytes, make: Callable[[bytes], bytes],
              digest: str | None = None) -> bytes:
    """make(nt), kept in `cache` by `what` and the hash of the lines (`digest`, when the caller
    has it): the graphs no unit owns (reference, inferred, shared, the works' graphs) are the
    same build after build, and their Turtle and JSON-LD cost Oxigraph a parse and a
    serialisation each."""
    if cache is None or not nt:
        return make(nt)
    key = f"{what}-{digest or hashlib.sha256(nt).hexdigest()}"
    data = cache.load_bytes(MADE_FOLDER, key)
    if data is None:
        data = make(nt)
        cache.store_bytes(MADE_FOLDER, key, data)
    return data


def made_pieces(cache: "ArtifactCache | None", what: str, chunks: list[bytes],
                digests: list[str] | None = None) -> Iterator[bytes]:
    """Each chunk's Turtle body (`what` "body") or JSON-LD node objects ("jsonld-items"),
    through made_once: after one standard changed, only its chunks are made again (Oxigraph
    writes Turtle and JSON-LD a subject at a time, so the joined pieces are the same bytes as
    the whole made at once). `digests`: the chunks' hashes (chunk_digests), when both of a
    chunk's pieces are wanted."""
    make = _turtle_chunk if what == "body" else _jsonld_chunk
    digests = digests or [None] * len(chunks)
    return (made_once(cache, what, chunk, make, digest) for chunk, digest in zip(chunks, digests))


def chunk_digests(chunks: list[bytes], cache: "ArtifactCache | None") -> list[str] | None:
    """Each chunk's hash, computed once for its Turtle and its JSON-LD piece (none without a
    cache)."""
    return [hashlib.sha256(chunk).hexdigest() for chunk in chunks] if cache is not None else None


def _turtle_chunk(lines: bytes) -> bytes:
    return turtle_body(lines, TURTLE_PREFIXES)


def _jsonld_chunk(lines: bytes) -> bytes:
    return jsonld_items(lines)


def subject_chunks(nt: bytes, average: int = 1024) -> list[bytes]:
    """Sorted N-Triples lines cut into chunks of about `average` subjects, each cut before a
    subject IRI chosen by its own hash, so that a changed subject moves no other cut; the
    blank nodes' lines (sorted last) stay in the last chunk, and lines that name a blank node
    anywhere are not cut at all (a serialiser may nest a blank node in its referrer)."""
    if b"_:" in nt:
        return [nt]
    chunks, begin, subject = [], 0, b""
    for at, line in lines_starting(nt, b"<"):
        this = line[:line.find(b">") + 1]
        if this != subject and at > begin and zlib.crc32(this) % average == 0:
            chunks.append(nt[begin:at])
            begin = at
        subject = this
    return chunks + [nt[begin:]] if begin < len(nt) else chunks


def cached_body(nt: bytes, cache: "ArtifactCache | None", parts: list[bytes] | None = None) -> bytes:
    """turtle_body(nt, TURTLE_PREFIXES), chunk by chunk (made_pieces; see chunks_of for
    `parts`)."""
    return b"".join(made_pieces(cache, "body", chunks_of(nt, parts)))


def chunks_of(nt: bytes, parts: list[bytes] | None = None) -> list[bytes]:
    """The chunks `nt` is serialised in: subject_chunks, or `parts` when given — runs of lines
    that join into `nt` and share no subject (the changes graph's works: each about its own
    versions' resources, dumps.changes_of_works; the shared lines, shared_chunks). A part is
    then a chunk as it is: a rebuild hashes each work's lines instead of cutting ~150,000 lines
    in Python again, and makes the Turtle and JSON-LD of the changed works' only. Lines naming
    a blank node are cut nowhere."""
    if parts is None or b"_:" in nt:
        return subject_chunks(nt)
    return [part for part in parts if part]


def write_serialisations(nt: bytes, ttl: Path, jsonld: Path, cache: "ArtifactCache | None",
                         parts: list[bytes] | None = None) -> None:
    """Sorted N-Triples lines as a Turtle file and a JSON-LD file, chunk by chunk (made_pieces:
    a rebuild makes only the chunks it changed; chunks_of for `parts`), written as made: never
    the whole text in memory."""
    chunks = chunks_of(nt, parts)
    digests = chunk_digests(chunks, cache)
    with _open(ttl) as out:
        out.write(prefix_lines(TURTLE_PREFIXES) + b"\n")
        for piece in made_pieces(cache, "body", chunks, digests):
            out.write(piece)
    with _open(jsonld) as out:
        out.write(b"[")
        for number, piece in enumerate(made_pieces(cache, "jsonld-items", chunks, digests)):
            out.write((b"," if number else b"") + piece)
        out.write(b"]\n")


def cached_pieces(nt: bytes, cache: "ArtifactCache | None",
                  parts: list[bytes] | None = None) -> Pieces:
    """Pieces.of(nt, TURTLE_PREFIXES), chunk by chunk (made_pieces; see chunks_of for
    `parts`)."""
    if not nt:
        return Pieces()
    chunks = chunks_of(nt, parts)
    digests = chunk_digests(chunks, cache)
    return Pieces(nt, b"".join(made_pieces(cache, "body", chunks, digests)),
                  b",".join(made_pieces(cache, "jsonld-items", chunks, digests)))


MADE_FOLDER = "made"  # in the artifact cache


def _concatenate(path: Path, parts: Iterable[tuple["UnitResult", str, int] | bytes]) -> None:
    """A file of byte strings and unit fields (unit, field, bytes to skip), in order."""
    with _open(path) as out:
        for part in parts:
            if isinstance(part, bytes):
                out.write(part)
            else:
                part[0].copy(part[1], out, skip=part[2])


class FilesAhead:
    """The files of a folder of data/ (data/standards/: each version's and each work's .nt and
    .ttl, ~3,300 on a register; data/model/: each version's .json) linked from the previous
    build by `cp -al --parents` in a process of its own as a rebuild starts, from that build's
    record of them (StandardFiles.RECORD, build.MODEL_FILES), folders and all.
    Linking a file costs ~50 µs of kernel time while the merged dumps are being copied, and
    the main thread otherwise linked them one by one there; at the start the disk is quiet and
    the process runs beside the units' stage. StandardFiles keeps the links of the files made
    from the same input, writes the others anew (after removing the link: the previous build's
    file is the same inode) and removes those of standards gone since. Without `cp` (or without a
    previous build) nothing is linked ahead."""

    BATCH = 2000  # files per cp: far below the limit on a command's arguments

    def __init__(self, data: Path, cache: "ArtifactCache | None", record: str = "",
                 folder: str = "standards", suffixes: tuple[str, ...] = (".nt", ".ttl")):
        """The files of data/FOLDER/ that the cache record `record` (StandardFiles.RECORD by
        default) names, each stem with each of `suffixes`."""
        record_of = (cache.load_record(record or StandardFiles.RECORD) if cache else None) or {}
        previous = getattr(cache, "previous_build", None)
        self.suffixes = suffixes
        # a damaged record names nothing outside data/FOLDER/
        self.stems = sorted(stem for stem in record_of
                            if stem.startswith(folder + "/") and ".." not in stem.split("/"))
        self.processes: list[subprocess.Popen] = []
        if previous is None or not (Path(previous) / "data").is_dir():
            self.stems = []
        names = [stem + suffix for stem in self.stems for suffix in suffixes]
        try:
            if names:
                data.mkdir(parents=True, exist_ok=True)
            for start in range(0, len(names), self.BATCH):
                self.processes.append(subprocess.Popen(
                    ["cp", "-al", "--parents", "--", *names[start:start + self.BATCH], str(data)],
                    cwd=Path(previous) / "data", stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        except OSError:
            self.stems = []

    def take(self) -> tuple[list[str], bool]:
        """(the stems whose files were linked, whether every link was made), once the processes
        have ended: a failed `cp` may have made some; ([], True) for every call after the first
        (a build that starts its outputs again has removed them)."""
        ok = all(process.wait() == 0 for process in self.processes)
        stems, self.stems, self.processes = self.stems, [], []
        return stems, ok


class StandardFiles:
    """Files of data/ made from one unit or work each: data/standards/SLUG/version/KEY.nt and
    .ttl (works.version_file), each work's work.nt and .ttl, data/model/NAME.json. Files the
    previous build wrote from the same input (a unit's cache key, a hash of a work's graph; in
    the cache record `record`) are hard links to the previous build's instead of the same
    bytes written again (on a busy disk creating a file costs several times a link), or were
    linked `ahead` (FilesAhead)."""

    RECORD = "standard-files.json"

    def __init__(self, root: Path, cache: "ArtifactCache | None", record: str = RECORD,
                 ahead: FilesAhead | None = None):
        self.root = root
        self.cache = cache
        self.record = record
        self.written: dict[str, str] = {}
        self.before = (cache.load_record(record) if cache else None) or {}
        self.folders: set[str] = set()  # made already: a folder holds several files
        self.ahead = ahead
        self.linked_ahead: set[str] = set()  # stems whose previous files may be here already
        self.all_linked = False  # ... and are, every one
        self.suffixes = ahead.suffixes if ahead is not None else ()  # of each stem linked ahead

    def _take_ahead(self) -> None:
        if self.ahead is not None:
            data = f"{self.root}/data/"
            stems, self.all_linked = self.ahead.take()
            self.linked_ahead = set(stems)
            for stem in stems:
                folder = os.path.dirname(stem)
                while folder:
                    self.folders.add(data + folder)
                    folder = os.path.dirname(folder)
            self.ahead = None

    def write(self, unit: "UnitResult") -> None:
        stem = version_file(unit)
        self.put(stem, unit.key, [(f"{stem}.nt", lambda out: unit.copy("graph_nt", out)),
                                  (f"{stem}.ttl", lambda out: unit.copy("graph_ttl", out))])

    def put(self, stem: str, key: str, files: list[tuple[str, Callable[[BinaryIO], None]]]) -> None:
        """data/NAME for each (NAME, what writes it) of `files`, all made from what `key` names."""
        unchanged = bool(key) and self.before.get(stem) == key
        self._take_ahead()
        names = [name for name, _ in files]
        ahead = stem in self.linked_ahead
        self.written[stem] = key
        if unchanged and ahead and self.all_linked:
            return
        if ahead:  # a link to the previous build's file (all or some of them): never written into
            self._remove(names)
        if not (unchanged and self._link(names)):
            for name, write in files:
                with _open(self.root / "data" / name) as out:
                    write(out)

    def _remove(self, names: list[str]) -> None:
        for name in names:
            try:
                os.unlink(f"{self.root}/data/{name}")
            except FileNotFoundError:
                pass

    def _link(self, names: list[str]) -> bool:
        # paths as strings: ~4,500 links on a register
        source, data = f"{self.cache.previous_build}/data/", f"{self.root}/data/"
        done = []
        try:
            for name in names:
                target = data + name
                folder = os.path.dirname(target)
                if folder not in self.folders:
                    os.makedirs(folder, exist_ok=True)
                    self.folders.add(folder)
                os.link(source + name, target)
                done.append(target)
        except OSError:  # another file system, or the file is gone: write instead
            for target in done:
                os.unlink(target)
            return False
        return True

    def close(self) -> None:
        self._take_ahead()
        # the files linked ahead for standards gone since, then their folders where empty
        gone = sorted(self.linked_ahead - set(self.written))
        for stem in gone:
            self._remove([stem + suffix for suffix in self.suffixes])
        folders = {os.path.dirname(stem) for stem in gone}
        for folder in sorted(folders, key=len, reverse=True):
            for empty in (folder, os.path.dirname(folder)):
                try:
                    os.rmdir(self.root / "data" / empty)
                except OSError:
                    break  # not empty (or gone): neither is its parent
        if self.cache is not None:
            self.cache.store_record(self.record, self.written)


def unit_keys(cache: "ArtifactCache") -> dict[str, str]:
    """data/'s version files (`standards/S/version/K.nt`, as graphs.json names them) -> the cache
    key of the unit each was written from, as this build's StandardFiles recorded them."""
    try:
        record = json.loads((cache.current / StandardFiles.RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {f"{stem}.nt": key for stem, key in record.items()
            if isinstance(key, str)} if isinstance(record, dict) else {}


def shared_lines(units: list["UnitResult"], reference: "UnitResult",
                 works: "list[WorkResult]" = ()) -> bytes:
    """The lines of data/all.nt that no unit holds as its own: the reference graph, its own
    inferences and what standards say about shared resources, once each (sorted); then each
    work's graph and the changes between its versions (no unit states their lines), as they are
    (changes_lines). A work's lines are about its own resources and versions, so no two works
    share one; a line the sorted part holds already is left out. From these and the units' own
    lines the build makes its query store."""
    return b"".join(shared_parts(units, reference, works))


def shared_parts(units: list["UnitResult"], reference: "UnitResult",
                 works: "list[WorkResult]" = ()) -> list[bytes]:
    """shared_lines in parts, each of whole lines: the sorted lines, each work's graph (less
    what those hold), then each work's changes (most of the bytes): a new version changes its
    work's parts and few of the sorted lines."""
    head = sorted_lines(reference.data("graph_nt"), reference.data("inferred_shared_nt"),
                        *(u.data("shared_nt") for u in units))
    known = set(head.splitlines())
    works = sorted(works, key=lambda w: w.graph_uri)
    graphs = [b"".join(line for line in w.graph_nt.splitlines(keepends=True)
                       if line.rstrip(b"\n") not in known) for w in works]
    return [head, *(graph for graph in graphs if graph), *(w.changes_nt for w in works if w.changes_nt)]


def shared_chunks(parts: list[bytes]) -> list[bytes]:
    """shared_parts as the chunks their Turtle and JSON-LD are made in (chunks_of): the sorted
    lines cut by subject_chunks, then each work's graph and each work's changes as they are (on
    the benchmark's register 52 MB of 897 parts, which subject_chunks took 0.3 s to cut)."""
    return [*subject_chunks(parts[0]), *parts[1:]] if parts else []


def shared_graph_lines(units: list["UnitResult"], reference: "UnitResult") -> bytes:
    """The shared graph (B/graph/shared): what the standards' graphs say about resources
    several of them name (units' graph_shared_nt), once each, less what the reference graph
    already states. The versions' graphs keep only their links to these resources, so that
    no triple is in two graphs (a store whose default graph is the union sees each once)."""
    lines = sorted_lines(*(u.data("graph_shared_nt") for u in units))
    if not lines:
        return b""
    known = set(reference.data("graph_nt").splitlines())
    kept = [line for line in lines.splitlines(keepends=True) if line.rstrip(b"\n") not in known]
    return b"".join(kept)


def changes_lines(works: "list[WorkResult]") -> bytes:
    """The changes graph (B/graph/changes) of the works: b"" when none has two versions. Each
    work's lines are sorted, and about its versions' resources alone (graph/changes.py), so
    the works' are joined as they are, in the works' order, not sorted again (~150,000 lines
    on the benchmark's register)."""
    return b"".join(changes_of_works(works).values())


def changes_of_works(works: "list[WorkResult]") -> dict[str, bytes]:
    """Each work's lines of the changes graph by the work's IRI, in the graph's order (the
    works with changes only); the site takes them as they are (writer.build_site)."""
    return {w.iri: w.changes_nt for w in sorted(works, key=lambda w: w.graph_uri) if w.changes_nt}


def write_dumps(root: Path, units: list["UnitResult"], reference: "UnitResult",
                config: Config, cache: "ArtifactCache | None" = None,
                shared: list[bytes] | None = None, works: "list[WorkResult]" = (),
                current_shared_nt: bytes | None = None) -> Path:
    """data/ of a build from its standards' unit results, the works they form and the
    reference unit (`cache`: the build's, through which unchanged per-version files are linked
    from the previous build; `shared`: shared_parts of all units, `current_shared_nt`:
    shared_lines of the works' current versions, when already made). Returns the path of
    data/all.nt (the union of all graphs, each triple once); data/current.nt is the same of the
    current versions (with the reference, the works' graphs and the changes graph): what
    queries read by default. data/changes.nt: the changes graph, when a work has two versions."""
    write_graph_files(root, units, reference, config, cache, shared, works, current_shared_nt,
                      start=lambda write_merged_files: write_merged_files())
    return root / "data" / "all.nt"


def write_graph_files(root: Path, units: list["UnitResult"], reference: "UnitResult",
                      config: Config, cache: "ArtifactCache | None" = None,
                      shared: list[bytes] | None = None, works: "list[WorkResult]" = (),
                      current_shared_nt: bytes | None = None, *,
                      start: Callable[[Callable[[], None]], None],
                      ahead: FilesAhead | None = None,
                      start_inferred: Callable[[Callable[[], None]], None] = lambda write: write()
                      ) -> None:
    """write_dumps: each graph's own file and data/graphs.json, what the rest of a build reads,
    and the merged files (all.nt, .ttl, .jsonld, .trig and current.nt), which nothing in a build
    reads before the site lists its downloads: the function writing those is handed to `start`
    before the graphs' files are written (a build starts it in a thread: ~1.2 GB of kernel
    copies on a register, begun ~0.6 s sooner; write_dumps calls it). `ahead`: the standards'
    files being linked from the previous build (FilesAhead). The inferred graph's merged files
    (~150 MB on a register, read by the site's graph folders and downloads) are written by the
    function handed to `start_inferred` (by default at once)."""
    uris = Uris(config.base_uri)
    data = root / "data"
    units = sorted(units, key=lambda u: u.graph_uri)
    works = sorted(works, key=lambda w: w.graph_uri)
    inferred_uri = str(uris.inferred_graph())
    # each unit's own inferences as they are (no other unit states them), then the rest once
    inferred_shared = sorted_lines(reference.data("inferred_shared_nt"),
                                   *(u.data("inferred_shared_nt") for u in units))
    inferred_rest = cached_pieces(inferred_shared, cache)
    change_parts = list(changes_of_works(works).values())
    changes = b"".join(change_parts)  # changes_lines
    shared_graph = shared_graph_lines(units, reference)
    current = sorted((w.current for w in works), key=lambda u: u.graph_uri)

    def write_merged_files() -> None:
        parts = shared if shared is not None else shared_parts(units, reference, works)
        pieces = cached_pieces(b"".join(parts), cache, shared_chunks(parts))
        _write_merged(data, "all", units, "union", pieces, TURTLE_PREFIXES)
        if len(current) == len(units):  # every version current: the same bytes as all.nt
            link_or_copy(data / "all.nt", data / "current.nt")
        else:
            current_shared = (current_shared_nt if current_shared_nt is not None
                              else shared_lines(current, reference, works))
            _concatenate(data / "current.nt", [*((u, "union_nt", 0) for u in current), current_shared])
        # TriG: each named graph as a block whose body is the graph's Turtle without its prefixes
        blocks: list = [prefix_lines(TURTLE_PREFIXES)]
        for unit in units:
            blocks += [b"\n<%s> {\n" % unit.graph_uri.encode(),
                       (unit, "graph_ttl", unit.ttl_prefix_length), b"}\n"]
        for work in works:
            blocks.append(b"\n<%s> {\n%s}\n" % (work.graph_uri.encode(), strip_prefixes(work.ttl)))
        for name, nt, parts in (((uris.changes_graph(), changes, change_parts),) if changes else ()) + (
                ((uris.shared_graph(), shared_graph, None),) if shared_graph else ()) + (
                (uris.reference_graph(), reference.data("graph_nt"), None),):
            blocks.append(b"\n<%s> {\n%s}\n" % (str(name).encode(), cached_body(nt, cache, parts)))
        blocks += [b"\n<%s> {\n" % inferred_uri.encode(),
                   *((u, "inferred_ttl", 0) for u in units), inferred_rest.ttl, b"}\n"]
        _concatenate(data / "all.trig", blocks)

    start(write_merged_files)
    manifest = []
    files = StandardFiles(root, cache, ahead=ahead)
    for unit in units:
        files.write(unit)
        manifest.append({"graph": unit.graph_uri, "file": f"{version_file(unit)}.nt",
                         "triples": unit.graph_triples, "kind": "standard", "work": unit.slug,
                         "version": version_of(unit),
                         "valid_from": unit.standard.decision_date,
                         "valid_through": unit.standard.valid_until})
    for work in works:
        stem = work_file(work.slug)
        files.put(stem, hashlib.sha256(work.graph_nt + b"\0" + work.ttl).hexdigest(),
                  [(f"{stem}.nt", lambda out, work=work: out.write(work.graph_nt)),
                   (f"{stem}.ttl", lambda out, work=work: out.write(work.ttl))])
        manifest.append({"graph": work.graph_uri, "file": f"{work_file(work.slug)}.nt",
                         "triples": work.graph_nt.count(b"\n"), "kind": "work",
                         "work": work.slug, "current": version_of(work.current)})
    files.close()
    if changes:  # a register of single versions has none: no file, no entry
        _write(data / "changes.nt", changes)
        manifest.append({"graph": str(uris.changes_graph()), "file": "changes.nt",
                         "triples": changes.count(b"\n"), "kind": "changes"})
    if shared_graph:
        _write(data / "shared.nt", shared_graph)
        manifest.append({"graph": str(uris.shared_graph()), "file": "shared.nt",
                         "triples": shared_graph.count(b"\n"), "kind": "shared"})
    _write(data / "reference.nt", reference.data("graph_nt"))
    manifest.append({"graph": str(uris.reference_graph()), "file": "reference.nt",
                     "triples": reference.graph_triples, "kind": "reference"})
    start_inferred(lambda: _write_merged(data, "inferred", units, "inferred", inferred_rest,
                                         TURTLE_PREFIXES, keyed=cache is not None))
    manifest.append({"graph": inferred_uri, "file": "inferred.nt", "kind": "inferred",
                     "triples": sum(u.inferred_triples for u in units) + inferred_shared.count(b"\n")})

    # Versions first (in graph-name order), then works, changes, shared, reference and inferred; ELM
    # appends its entry.
    (data / "graphs.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")


def version_of(unit: "UnitResult") -> str:
    from kutse_rdf.versions import version_key

    return version_key(unit.standard)


def write_elm_dumps(root: Path, units: list["UnitResult"], config: Config) -> str:
    """data/elm.nt, elm.ttl, elm.jsonld and their graphs.json entry (ElmDumps, in one go)."""
    dumps = ElmDumps(root, units)
    dumps.write_files()
    return dumps.record(config)


@dataclass
class ElmView:
    """data/elm.nt as its parts (ElmDumps.view): the lines about resources no version owns
    (the file's end), each version's own lines by its graph's name, and whether any line names
    a blank node."""
    shared: bytes
    own: dict[str, Callable[[], bytes]]
    blank: bool


class ElmDumps:
    """data/elm.nt, elm.ttl, elm.jsonld from the standards' ELM pieces, and its graphs.json
    entry. What two standards share (the council, e-CF skills) is stated once. In two steps: the
    files (kernel copies, ~400 MB on a register: a build runs them in a thread) and the record,
    which needs only the pieces' sizes (after the graph files' manifest)."""

    def __init__(self, root: Path, units: list["UnitResult"], keyed: bool = False):
        self.data = root / "data"
        self.keyed = keyed  # elm.nt's content key recorded (_write_merged)
        self.units = sorted(units, key=lambda u: u.graph_uri)
        self.prefixes = elm_prefixes()
        self.shared = Pieces.of(sorted_lines(*(u.data("elm_shared_nt") for u in self.units)),
                                self.prefixes)

    def write_files(self) -> None:
        _write_merged(self.data, "elm", self.units, "elm_own", self.shared, self.prefixes,
                      self.keyed)

    def view(self) -> "ElmView":
        """What the site reads of data/elm.nt, from the pieces the file is made of: the site
        starts while the file is still being written."""
        return ElmView(self.shared.nt,
                       {unit.graph_uri: lambda unit=unit: unit.data("elm_own_nt") for unit in self.units},
                       b"_:" in self.shared.nt or any(u.elm_own_blank for u in self.units))

    def record(self, config: Config) -> str:
        """The graphs.json entry."""
        from kutse_rdf.graph.elm import update_manifest

        triples = sum(u.elm_own_triples for u in self.units) + self.shared.nt.count(b"\n")
        update_manifest(self.data, {"graph": str(Uris(config.base_uri).elm_graph()),
                                    "file": "elm.nt", "triples": triples, "kind": "elm"})
        return f"ELM view: {triples} triples in data/elm.ttl, elm.jsonld, elm.nt"
