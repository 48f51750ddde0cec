"""The units of a build grouped into works (versions.py): each work's graph (graph/versions.py)
as bytes, and which unit is its current version. Made in the main process from the units'
models, every build: a work's graph depends on its other versions and on the day, which a
unit's cache key does not cover."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kutse_rdf.graph.ntriples import TURTLE_PREFIXES, turtle
from kutse_rdf.graph.uris import Uris
from kutse_rdf.graph.versions import work_triples
from kutse_rdf.versions import version_key, works

if TYPE_CHECKING:
    from kutse_rdf.engine.unit import UnitResult


@dataclass
class WorkResult:
    slug: str
    graph_uri: str  # B/graph/{slug}
    iri: str  # the version-independent standard, B/standard/{slug}
    units: list["UnitResult"]  # its versions, oldest first, the draft last
    current: "UnitResult"
    graph_nt: bytes = b""  # sorted N-Triples lines of the work's graph
    graph_ttl: bytes = field(default=b"", repr=False)

    @property
    def ttl(self) -> bytes:
        if not self.graph_ttl and self.graph_nt:
            self.graph_ttl = turtle(self.graph_nt, TURTLE_PREFIXES)
        return self.graph_ttl


def group_works(units: list["UnitResult"], base_uri: str, day: date) -> list[WorkResult]:
    """The works of units that each hold a distinct work + version (build.distinct_units), in
    the order of their first unit; each with its graph on `day`."""
    from kutse_rdf.engine.unit import sorted_nt

    uris = Uris(base_uri)
    by_standard = {id(u.standard): u for u in units}
    result = []
    for work in works((u.standard for u in units), lambda s: by_standard[id(s)].slug, day):
        members = [by_standard[id(v)] for v in work.versions]
        result.append(WorkResult(work.slug, str(uris.work_graph(work.slug)),
                                 str(uris.work(work.slug)), members,
                                 by_standard[id(work.current)],
                                 sorted_nt(work_triples(work, uris, day))))
    return result


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
