"""Downloads and the dataset's own description (VoID + DCAT, and schema:Dataset for the home page).

The dumps of build/data/, the reports and the mapping files are linked into site/data/,
site/reports/ and site/data/mappings/ (hard links where the file system allows, else copies), so
the site is complete on its own and its links stay relative.
"""
from __future__ import annotations

import fnmatch
import itertools
import json
import os
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox

from kutse_rdf.graph.namespaces import (DCAT, DCTERMS as DCT, FOAF, MEDIA_TYPES, PREFIXES, RDF, VOID, XSD,
                                       prefixes)
from kutse_rdf.engine.cache import link_or_copy
from kutse_rdf.graph.convert import build_time
from kutse_rdf.resources import resource_dir
from kutse_rdf.site.jsonld import dataset_node
from kutse_rdf.site.views import natural_key

RDF_FORMATS = (".ttl", ".trig", ".nt", ".nq", ".jsonld", ".rdf")
# What a file holds, for the downloads page: (site path pattern, i18n key), the first that matches.
CONTENTS = [("data/all.trig", "dl_all_trig"), ("data/all.*", "dl_all"), ("data/current.*", "dl_current"),
            ("data/standards/*", "dl_standard"), ("data/reference.*", "dl_reference"),
            ("data/inferred.*", "dl_inferred"), ("data/elm.*", "dl_elm"),
            ("data/changes.*", "dl_changes"), ("data/shared.*", "dl_shared"),
            ("data/model/*", "dl_model"), ("data/graphs.json", "dl_manifest"),
            ("data/mappings/*", "dl_mappings"), ("reports/queries/*", "dl_query"),
            ("reports/validation.*", "dl_validation"), ("reports/parse.json", "dl_parse")]


def contents_of(path: str) -> str | None:
    """The i18n key of what a file holds (CONTENTS), by its path below the build."""
    return next((key for pattern, key in CONTENTS if fnmatch.fnmatchcase(path, pattern)), None)


def graph_folder_files(root: Path, folder_of: Callable[[str], str | None]) -> dict[str, str]:
    """The site paths of the versions' and works' graph files (`data/standards/…`): their
    graph's folder (`folder_of` the graph's IRI, as SiteWriter.graph_folders places it) has them
    already, as index.nt and index.ttl, so they are not linked a second time into site/data/
    (two files and a folder fewer per version)."""
    try:
        entries = json.loads((root / "data" / "graphs.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    paths = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kind") not in ("standard", "work"):
            continue
        folder, file = folder_of(str(entry.get("graph", ""))), str(entry.get("file", ""))
        if folder and file.endswith(".nt"):
            for suffix in (".nt", ".ttl"):
                paths[f"data/{file[:-3]}{suffix}"] = f"{folder}index{suffix}"
    return paths


def download_files(root: Path, out: Path, settings: dict,
                   folder_of: Callable[[str], str | None] = lambda iri: None,
                   known: dict[str, int] | None = None,
                   earlier: list[dict] | None = None) -> list[dict]:
    """Place every downloadable file inside the site; describe each (site path, size, format).
    A version's or work's graph file is described at its graph's folder (graph_folder_files).
    `known`: triples of data/'s N-Triples files by name, where the build knows them. `earlier`:
    nested_downloads' entries, made before: then only data/'s own files (the merged dumps
    among them), reports/ and the mappings are looked at here."""
    files = [*build_files(root, "data", nested=None if earlier is None else False),
             *build_files(root, "reports")]
    mappings = resource_dir("mappings")
    if mappings.is_dir():
        files += [(f, f"data/mappings/{f.name}") for f in sorted(mappings.glob("*.tsv"))]
    entries = [*(earlier or []), *described_files(root, out, settings, files, folder_of, known)]
    # the main dumps first, then the rest in path order
    order = {"data/all.trig": 0, "data/all.ttl": 1, "data/all.nt": 2, "data/all.jsonld": 3}
    entries.sort(key=lambda e: (order.get(e["path"], 9), e["group"] != "data", e["path"]))
    return entries


def nested_downloads(root: Path, out: Path, settings: dict,
                     folder_of: Callable[[str], str | None] = lambda iri: None) -> list[dict]:
    """download_files' entries of the files in data/'s folders (the versions' and works'
    graphs, the models: ~4,500 on a register), which a build has written before its merged
    dumps and reports: a rebuild describes them while it may still wait for those."""
    return described_files(root, out, settings, build_files(root, "data", nested=True), folder_of)


def build_files(root: Path, folder: str, nested: bool | None = None) -> list[tuple[Path, str]]:
    """The files below root/FOLDER, each as (path, path in the build), in natural order; with
    `nested` only those in its subfolders (True) or only its own (False)."""
    # names only, by os.walk: a register's data/ holds thousands of files (Path objects and a
    # stat per file cost ~0.3 s of a rebuild); its own files alone need no walk of ~1,000
    # folders below it (the first of os.walk's steps is the folder itself)
    walk = os.walk(root / folder)
    found = [f"{top[len(str(root)) + 1:]}/{name}".replace(os.sep, "/")
             for top, _, names in (itertools.islice(walk, 1) if nested is False else walk)
             for name in names]
    if nested:
        found = [path for path in found if path.count("/") > 1]
    return [(root / path, path) for path in sorted(found, key=natural_key)]


def described_files(root: Path, out: Path, settings: dict, files: list[tuple[Path, str]],
                    folder_of: Callable[[str], str | None],
                    known: dict[str, int] | None = None) -> list[dict]:
    """Each file linked into the site (unless its graph's folder has it) and described."""
    entries = []
    counts = TripleCounts(root / "data", known)
    in_graph_folders = graph_folder_files(root, folder_of)
    for source, data_path in files:
        path = in_graph_folders.get(data_path, data_path)
        if path == data_path:
            link_or_copy(source, out / path)
        suffix = source.suffix.lower()
        fmt = settings["formats"].get(suffix, {"media_type": "application/octet-stream", "name": suffix[1:]})
        rdf = suffix in RDF_FORMATS and data_path.startswith("data/")
        entries.append({"path": path, "file": data_path, "name": path.split("/", 1)[1],
                        "size": source.stat().st_size,
                        "format": fmt["name"], "media_type": fmt["media_type"], "rdf": rdf,
                        "group": path.split("/", 1)[0],
                        "triples": counts.of(source) if rdf else None,
                        "contents": contents_of(data_path)})
    return entries


class TripleCounts:
    """Statements in each RDF dump of data/, without parsing one: graphs.json has each named
    graph's; an N-Triples file has one per line; a Turtle or JSON-LD dump holds what the
    N-Triples file of the same name holds; all.trig holds every graph but the ELM view: the
    standards' versions', works', changes, shared, reference and inferred graphs
    (engine/dumps.py). `known`: N-Triples files' lines by file name, which the build knows
    from their pieces (the merged all.nt and current.nt: ~600 MB to count on a register).
    None where none of these tells."""

    def __init__(self, data: Path, known: dict[str, int] | None = None):
        self.data = data
        self.known = {data / name: count for name, count in (known or {}).items()}
        self.manifest: dict[Path, int] = {}
        self.counted: dict[tuple[int, int], int] = {}  # lines of a file, by its inode
        self.quads = 0
        try:
            entries = json.loads((data / "graphs.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = []
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("triples"), int):
                self.manifest[data / str(entry.get("file"))] = entry["triples"]
                if entry.get("kind") in ("standard", "work", "changes", "shared", "reference",
                                          "inferred"):
                    self.quads += entry["triples"]

    def of(self, file: Path) -> int | None:
        if file == self.data / "all.trig":
            return self.quads if self.manifest else None
        nt = file.with_suffix(".nt")
        if nt in self.manifest:
            return self.manifest[nt]
        if nt in self.known:
            return self.known[nt]
        if not nt.is_file():
            return None
        info = nt.stat()
        inode = (info.st_dev, info.st_ino)  # current.nt is often all.nt, linked
        if inode not in self.counted:
            count = 0
            with nt.open("rb") as handle:
                while chunk := handle.read(1 << 22):
                    count += chunk.count(b"\n")
            self.counted[inode] = count
        return self.counted[inode]


SD = "http://www.w3.org/ns/sparql-service-description#"


def dataset_description(base: str, settings: dict, downloads: list[dict], triples_count: int,
                        graphs: list[dict] = (), ahead: dict | None = None) -> dict:
    """VoID/DCAT triples of the dataset, and the same facts as a schema.org Dataset node.
    `triples_count`: distinct statements of the asserted graphs (standards and reference);
    `graphs`: data/graphs.json's entries, each named graph a VoID subset with its triple count
    and dump; `ahead`: described_ahead's statements of some of them, made before. (The SPARQL
    endpoint is not known here: `kutse-rdf serve` adds its own.)"""
    dataset = ox.NamedNode(base + "void.ttl#dataset")
    licence = ox.NamedNode(settings["licence"])
    title = ox.Literal("kutse-rdf: Estonian occupational standards as linked data", language="en")
    triples = [
        ox.Triple(dataset, ox.NamedNode(RDF.type), ox.NamedNode(VOID.Dataset)),
        ox.Triple(dataset, ox.NamedNode(RDF.type), ox.NamedNode(DCAT.Dataset)),
        ox.Triple(dataset, ox.NamedNode(DCT.title), title),
        ox.Triple(dataset, ox.NamedNode(DCT.title), ox.Literal("Kutsestandardid lingitud andmetena", language="et")),
        ox.Triple(dataset, ox.NamedNode(DCT.license), licence),
        ox.Triple(dataset, ox.NamedNode(VOID.uriSpace), ox.Literal(base)),
        ox.Triple(dataset, ox.NamedNode(FOAF.homepage), ox.NamedNode(base)),
        ox.Triple(dataset, ox.NamedNode(VOID.triples),
                  ox.Literal(str(triples_count), datatype=ox.NamedNode(XSD.integer))),
    ]
    for prefix in ("kutse", "skos", "dct", "prov", "schema"):
        triples.append(ox.Triple(dataset, ox.NamedNode(VOID.vocabulary), ox.NamedNode(PREFIXES[prefix])))
    ahead = ahead or {}
    site_path = {entry.get("file"): entry["path"] for entry in downloads}  # of data/… files
    for entry in _graph_entries(graphs):
        made = ahead.get(("graph", entry["file"]))
        triples += made if made is not None else _graph_subset(base, dataset, entry, site_path)
    schema_distributions = []
    for entry in downloads:
        made = ahead.get(("file", entry["path"]))
        distribution, schema = made if made is not None else _distribution(base, dataset, licence, entry)
        triples += distribution
        schema_distributions.append(schema)
    today = build_time().date().isoformat()  # SOURCE_DATE_EPOCH for a reproducible build
    schema = dataset_node(str(dataset.value), base, settings["licence"], schema_distributions,
                          settings["languages"], modified=today, version=today)
    return {"triples": triples, "prefixes": {**prefixes("void", "dcat", "dct", "xsd", "foaf"), "sd": SD},
            "schema": schema}


def described_ahead(base: str, downloads: list[dict], graphs: list[dict], settings: dict) -> dict:
    """dataset_description's statements of the `downloads` given (the files of data/'s folders,
    nested_downloads: ~4,500 on a register) and of the graphs whose files those are, made while
    a rebuild may still wait for its reports (its VoID is made after them)."""
    dataset = ox.NamedNode(base + "void.ttl#dataset")
    licence = ox.NamedNode(settings["licence"])
    site_path = {entry.get("file"): entry["path"] for entry in downloads}
    made: dict = {("file", entry["path"]): _distribution(base, dataset, licence, entry)
                  for entry in downloads}
    for entry in _graph_entries(graphs):
        if f"data/{entry['file']}" in site_path:
            made[("graph", entry["file"])] = _graph_subset(base, dataset, entry, site_path)
    return made


def _graph_entries(graphs: list[dict]) -> Iterator[dict]:
    """The graphs.json entries that name a graph and its file."""
    return (entry for entry in graphs
            if isinstance(entry, dict) and entry.get("graph") and entry.get("file"))


def _graph_subset(base: str, dataset, entry: dict, site_path: dict) -> list:
    """A named graph (a graphs.json entry) as a VoID subset of `dataset`."""
    name = str(entry["file"]).rsplit(".", 1)[0].replace("/", "-")
    subset = ox.NamedNode(base + "void.ttl#graph-" + name)
    triples = [
        ox.Triple(dataset, ox.NamedNode(VOID.subset), subset),
        ox.Triple(subset, ox.NamedNode(RDF.type), ox.NamedNode(VOID.Dataset)),
        ox.Triple(subset, ox.NamedNode(SD + "name"), ox.NamedNode(str(entry["graph"]))),
        ox.Triple(subset, ox.NamedNode(VOID.dataDump), ox.NamedNode(
            base + site_path.get(f"data/{entry['file']}", f"data/{entry['file']}"))),
    ]
    if isinstance(entry.get("triples"), int):
        triples.append(ox.Triple(subset, ox.NamedNode(VOID.triples),
                                 ox.Literal(str(entry["triples"]), datatype=ox.NamedNode(XSD.integer))))
    return triples


def _distribution(base: str, dataset, licence, entry: dict) -> tuple[list, dict]:
    """A download (download_files' entry) as a DCAT distribution of `dataset` (and its VoID
    dump when RDF), and as a schema.org DataDownload."""
    url = ox.NamedNode(base + entry["path"])
    triples = [ox.Triple(dataset, ox.NamedNode(VOID.dataDump), url)] if entry["rdf"] else []
    dist = ox.NamedNode(base + entry["path"] + "#distribution")
    triples += [
        ox.Triple(dataset, ox.NamedNode(DCAT.distribution), dist),
        ox.Triple(dist, ox.NamedNode(RDF.type), ox.NamedNode(DCAT.Distribution)),
        ox.Triple(dist, ox.NamedNode(DCAT.downloadURL), url),
        ox.Triple(dist, ox.NamedNode(DCAT.mediaType), ox.NamedNode(MEDIA_TYPES[entry["media_type"]])),
        ox.Triple(dist, ox.NamedNode(DCT.format), ox.Literal(entry["format"])),
        ox.Triple(dist, ox.NamedNode(DCAT.byteSize),
                  ox.Literal(str(entry["size"]), datatype=ox.NamedNode(XSD.nonNegativeInteger))),
        ox.Triple(dist, ox.NamedNode(DCT.license), licence),
    ]
    return triples, {"@type": "DataDownload", "contentUrl": base + entry["path"],
                     "encodingFormat": entry["media_type"]}
