"""The units of a build grouped into works (versions.py): each work's graph (graph/versions.py)
as bytes, and which unit is its current version. Made in the main process from the units'
models, every build: a work's graph depends on its other versions and on the day, which a
unit's cache key does not cover."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kutse_rdf.graph.ntriples import TURTLE_PREFIXES, turtle
from kutse_rdf.graph.uris import Uris
from kutse_rdf.graph.versions import work_triples
from kutse_rdf.versions import version_key, works

if TYPE_CHECKING:
    from kutse_rdf.engine.cache import ArtifactCache
    from kutse_rdf.engine.unit import UnitResult


@dataclass
class WorkResult:
    slug: str
    graph_uri: str  # B/graph/{slug}
    iri: str  # the version-independent standard, B/standard/{slug}
    units: list["UnitResult"]  # its versions, oldest first, the draft last
    current: "UnitResult"
    graph_nt: bytes = b""  # sorted N-Triples lines of the work's graph
    # sorted N-Triples lines of the changes between its consecutive versions (graph/changes.py),
    # part of the changes graph B/graph/changes; b"" for a work of one version
    changes_nt: bytes = b""
    graph_ttl: bytes = field(default=b"", repr=False)

    @property
    def ttl(self) -> bytes:
        if not self.graph_ttl and self.graph_nt:
            self.graph_ttl = turtle(self.graph_nt, TURTLE_PREFIXES)
        return self.graph_ttl


def group_works(units: list["UnitResult"], base_uri: str, day: date,
                cache: "ArtifactCache | None" = None) -> list[WorkResult]:
    """The works of units that each hold a distinct work + version (build.distinct_units), in
    the order of their first unit; each with its graph on `day` and the changes between its
    consecutive versions (through `cache`, see changes_of)."""
    from kutse_rdf.engine.unit import sorted_nt

    uris = Uris(base_uri)
    by_standard = {id(u.standard): u for u in units}
    stored = cache.load_pieces(WORKS_RECORD) if cache is not None else {}
    kept: dict[str, tuple[bytes, ...]] = {}
    result = []
    for work in works((u.standard for u in units), lambda s: by_standard[id(s)].slug, day):
        members = [by_standard[id(v)] for v in work.versions]
        # a work's graph depends on its versions' documents (their units' keys hash them, with
        # the base URI and the code) and on the day: kept in `cache` by those, with its Turtle
        key = (hashlib.sha256("\n".join(["work graph", day.isoformat(), *(u.key for u in members)])
                              .encode()).hexdigest()
               if cache is not None and all(u.key for u in members) else None)
        if key in stored and len(stored[key]) == 2:
            graph_nt, graph_ttl = stored[key]
        else:
            graph_nt = sorted_nt(work_triples(work, uris, day))
            # made now only to be kept; without a cache WorkResult.ttl makes it when asked
            graph_ttl = turtle(graph_nt, TURTLE_PREFIXES) if key and graph_nt else b""
        if key:
            kept[key] = (graph_nt, graph_ttl)
        result.append(WorkResult(work.slug, str(uris.work_graph(work.slug)),
                                 str(uris.work(work.slug)), members,
                                 by_standard[id(work.current)], graph_nt,
                                 changes_of(members, uris, cache), graph_ttl))
    if cache is not None:
        cache.store_pieces(WORKS_RECORD, kept)
    return result


WORKS_RECORD = "works.pickle"  # in the artifact cache: each work's graph (N-Triples, Turtle) by key
CHANGES_FOLDER = "changes"  # in the artifact cache: one file of N-Triples per pair of versions


def changes_of(members: list["UnitResult"], uris: Uris,
               cache: "ArtifactCache | None" = None) -> bytes:
    """The changes between each two consecutive versions of a work (oldest first), as sorted
    N-Triples lines. A pair's changes depend only on the two documents and the environment
    (base URI, code), which the units' keys hash, so `cache` keeps them by the two keys: a new
    version computes its one pair, an unchanged register none."""
    from kutse_rdf.graph.changes import pair_nt
    from kutse_rdf.graph.ntriples import sorted_lines

    pieces = []
    for old, new in zip(members, members[1:]):
        key = (hashlib.sha256(f"{old.key}\n{new.key}".encode()).hexdigest()
               if cache is not None and old.key and new.key else None)
        data = cache.load_bytes(CHANGES_FOLDER, key) if key else None
        if data is None:
            data = pair_nt(old.standard, new.standard, uris)
            if key:
                cache.store_bytes(CHANGES_FOLDER, key, data)
        pieces.append(data)
    return sorted_lines(*pieces) if len(pieces) > 1 else (pieces[0] if pieces else b"")


def current_units(groups: list[WorkResult]) -> list["UnitResult"]:
    return [w.current for w in groups]


def version_file(unit: "UnitResult") -> str:
    """The data/ dump of one version's graph, below data/: `standards/{slug}/version/{key}`
    (add .nt or .ttl), the path of its IRI below the base."""
    return f"standards/{unit.slug}/version/{version_key(unit.standard)}"


def work_file(slug: str) -> str:
    """The data/ dump of a work's graph: `standards/{slug}/work` (add .nt or .ttl)."""
    return f"standards/{slug}/work"


def select_versions(groups: list[WorkResult], on: date | None = None,
                    chosen: dict[str, str] | None = None) -> list["UnitResult"]:
    """One unit per work: the version current on `on` (default: each work's current one), or
    the version `chosen` names for its slug (SLUG -> version key). A chosen version the build
    does not hold raises KeyError naming it."""
    from kutse_rdf.versions import current_version

    chosen = dict(chosen or {})
    picked = []
    for work in groups:
        key = chosen.pop(work.slug, None)
        if key is not None:
            unit = next((u for u in work.units if version_key(u.standard) == key), None)
            if unit is None:
                have = ", ".join(version_key(u.standard) for u in work.units)
                raise KeyError(f"{work.slug} has no version {key!r} (it has {have})")
        elif on is not None:
            std = current_version([u.standard for u in work.units], on)
            unit = next(u for u in work.units if u.standard is std)
        else:
            unit = work.current
        picked.append(unit)
    if chosen:
        raise KeyError(f"no standard {next(iter(chosen))!r} in this build")
    return picked
