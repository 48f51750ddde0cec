"""The reference vocabularies: the kutse ontology, e-CF 4.0 and 3.0, e-CF proficiency levels, EQF
and EstQF levels, the ESCO subset (ontology/*.ttl) and the curated mappings (mappings/*.sssom.tsv).

One source of truth: the Turtle files. `ecf_competences` and `ecf_areas` read them too, so the
site and the ELM export get e-CF facts without SPARQL. Parsed files are cached per process
(`load_reference` runs on every build); callers get their own copy to modify.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kutse_rdf.config import DEFAULT_BASE_URI, Config
from kutse_rdf.errors import DataError, InputError
from kutse_rdf.graph.namespaces import ECF4, ECF_SCHEMES, KUTSE, SKOS, prefixes
from kutse_rdf.resources import resource_dir

# The files of ontology/ that make up the reference graph, in load order.
ONTOLOGY_FILES = ("kutse.ttl", "ecf-4.0.ttl", "ecf-3.0.ttl", "ecf-levels.ttl", "eqf.ttl",
                  "estqf.ttl", "esco.ttl")

# The prefix of the project's own data URIs in mapping files; rewritten to Config.base_uri.
DATA_PREFIX = "kutseid"
MAPPING_PREDICATES = {
    "skos:exactMatch": SKOS.exactMatch,
    "skos:closeMatch": SKOS.closeMatch,
    "skos:broadMatch": SKOS.broadMatch,
    "skos:narrowMatch": SKOS.narrowMatch,
    "skos:relatedMatch": SKOS.relatedMatch,
    # qualification -> the occupation it qualifies for (not a SKOS match: a credential is not an
    # occupation); a subproperty of skos:relatedMatch (ontology/kutse.ttl)
    "kutse:qualifiesFor": KUTSE.qualifiesFor,
}
MATCH_KINDS = {SKOS.exactMatch: "exact", SKOS.closeMatch: "close", SKOS.broadMatch: "broad"}
REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
# skos:exactMatch is transitive in SKOS: two standards' competences mapped exactly to one ESCO
# concept would become exact matches of each other. The loader refuses it for competences.
ESCO_ROOT = "http://data.europa.eu/esco/"
_COMPETENCE_PATH = re.compile(r"(^|/)standard/[^#]+/competence/[^/#]+$")
_CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(\S*)$")


@dataclass
class EcfCompetence:
    code: str  # "A.1"
    area: str  # "A"
    title: str  # English title
    levels: list[int]  # proficiency levels e-N it is defined at (4.0), e.g. [4, 5]; [] for 3.0
    uri: str
    counterpart: str | None = None  # 3.0 only: the 4.0 code it maps to
    match: str | None = None  # 3.0 only: "exact", "close" or "broad"


@dataclass
class Mapping:
    subject: str
    predicate: str
    object: str
    object_label: str | None
    justification: str  # the SSSOM mapping_justification, expanded (semapv:ManualMappingCuration)
    confidence: float | None
    author: str | None
    date: str | None
    comment: str | None  # why this mapping (free text)
    source_file: str
    line: int
    subject_label: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # other SSSOM columns, as written

    @property
    def rejected(self) -> bool:
        """A negative mapping (SSSOM predicate_modifier Not): a suggestion the curator turned
        down. It is kept so the suggestion does not come back, and is no triple of the graph."""
        return self.extra.get("predicate_modifier", "").lower() == "not"


def ontology_files() -> list[Path]:
    """The Turtle files of the reference graph (ontology/ in a checkout or the wheel)."""
    folder = resource_dir("ontology")
    return [folder / name for name in ONTOLOGY_FILES]


def mapping_files() -> list[Path]:
    """The instance mapping sets: every mappings/*.sssom.tsv but the class-mapping sets."""
    return [p for p in _sssom_files() if not is_class_mapping_set(p)]


def class_mapping_files() -> list[Path]:
    """The class-mapping sets (SSSOM `subject_type: owl class`): alignments of the ontology's
    classes to ESCO, ELM and schema.org classes. Documentation only: SKOS mapping properties
    relate concepts, so no row of these becomes a triple."""
    return [p for p in _sssom_files() if is_class_mapping_set(p)]


def _sssom_files() -> list[Path]:
    return sorted(resource_dir("mappings").glob("*.sssom.tsv"))


def is_class_mapping_set(path: Path) -> bool:
    """Whether the metadata block of an SSSOM file says its subjects are OWL classes."""
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.startswith("#"):
                    break
                name, _, value = line[1:].strip().partition(":")
                if name == "subject_type":
                    return _scalar(value.strip()).lower() == "owl class"
    except (OSError, UnicodeDecodeError):
        return False  # read_mapping_file reports it
    return False


@lru_cache(maxsize=None)
def _parsed(path: Path) -> tuple:
    """The triples of one Turtle file, parsed once per process."""
    if not path.is_file():
        raise InputError("reference vocabulary file missing (broken installation?)", file=str(path))
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise DataError(f"not valid Turtle: {exc}", file=str(path)) from None
    return tuple(graph)


def _file_graph(name: str) -> Graph:
    graph = Graph()
    for triple in _parsed(resource_dir("ontology") / name):
        graph.add(triple)
    return graph


def vocabulary_graph(config: Config | None = None) -> Graph:
    """Ontology + e-CF + levels + EQF + ESCO, without mappings (a fresh copy). ESCO is the
    imported release when there is one (esco_triples), else the shipped subset."""
    from kutse_rdf.esco.store import load_store

    store = load_store(config)
    graph = Graph()
    bind_prefixes(graph)
    for path in ontology_files():
        if store is not None and path.name == "esco.ttl":
            continue
        for triple in _parsed(path):
            graph.add(triple)
    if store is not None:
        for triple in esco_triples(store, config):
            graph.add(triple)
    return graph


def esco_triples(store, config: Config | None = None) -> tuple:
    """ESCO from an imported release: its ISCO groups (et/en/... labels, parents) and
    occupations (labels, ISCO group), the skills the curated mappings name (type, labels),
    and, from the shipped subset, the concepts the release does not describe (each concept
    comes whole from one source)."""
    return _esco_triples(store.folder, store.index["digest"],
                         config.base_uri if config else DEFAULT_BASE_URI)


@lru_cache(maxsize=2)
def _esco_triples(folder: Path, digest: str, base_uri: str) -> tuple:
    from kutse_rdf.esco.store import load_store

    store = load_store(Config(base_uri=base_uri, esco=folder))
    mapped = sorted({m.object for m in _mappings(base_uri)})
    data = store.reference_nt() + "".join(store.skill_lines(mapped)).encode("utf-8")
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    described = set(graph.subjects())
    subset = _parsed(resource_dir("ontology") / "esco.ttl")
    return tuple(graph) + tuple(t for t in subset if t[0] not in described)


def load_reference(config: Config | None = None) -> Graph:
    """The reference graph: every ontology/ file (ESCO: see vocabulary_graph) plus the
    curated mappings as SKOS triples, subjects under the configured base URI. A fresh graph per
    call; the parsing is cached."""
    graph = vocabulary_graph(config)
    for m in load_mappings(config):
        graph.add((URIRef(m.subject), URIRef(m.predicate), URIRef(m.object)))
    return graph


# Prefixes of the reference graph.
PREFIXES = prefixes("kutse", "ecf4", "ecf3", "ecfl", "eqf", "estqf", "esco", "isco", "skos")


def bind_prefixes(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)


# --- e-CF for Python callers ------------------------------------------------------------------

def _code_key(code: str) -> tuple[str, int]:
    letter, _, number = code.partition(".")
    return letter, int(number)


@lru_cache(maxsize=None)
def _ecf(version: str) -> tuple[EcfCompetence, ...]:
    if version not in ECF_SCHEMES:
        raise InputError(f"unknown e-CF version {version!r} (known: {', '.join(ECF_SCHEMES)})")
    ns = ECF_SCHEMES[version]
    graph = _file_graph(f"ecf-{version}.ttl")
    result = []
    for concept in graph.subjects(KUTSE.ecfArea, None):
        code = str(graph.value(concept, SKOS.notation))
        area = str(graph.value(graph.value(concept, KUTSE.ecfArea), SKOS.notation))
        levels = sorted(int(str(level).rsplit("-", 1)[1])
                        for level in graph.objects(concept, KUTSE.proficiencyLevel))
        counterpart = match = None
        for predicate, kind in MATCH_KINDS.items():
            target = graph.value(concept, predicate)
            if target is not None:
                counterpart, match = str(target)[len(str(ECF4)):], kind
        result.append(EcfCompetence(code=code, area=area, title=str(graph.value(concept, SKOS.prefLabel)),
                                    levels=levels, uri=str(ns[code]), counterpart=counterpart,
                                    match=match))
    return tuple(sorted(result, key=lambda c: _code_key(c.code)))


def ecf_competences(version: str) -> list[EcfCompetence]:
    """The competences of e-CF `version` ("4.0" or "3.0") in code order."""
    return [replace(c, levels=list(c.levels)) for c in _ecf(version)]  # copies: the cache stays intact


@lru_cache(maxsize=None)
def _areas() -> tuple[tuple[str, str], ...]:
    graph = _file_graph("ecf-4.0.ttl")
    return tuple(sorted((str(graph.value(area, SKOS.notation)), str(graph.value(area, SKOS.prefLabel)))
                        for area in graph.subjects(SKOS.topConceptOf, URIRef(ECF4))))


def ecf_areas() -> dict[str, str]:
    """Area letter -> English name: {"A": "Plan", ..., "E": "Manage"}."""
    return dict(_areas())


# --- SSSOM mappings ---------------------------------------------------------------------------

def _read_header(lines: list[str], file: str) -> dict:
    """The YAML metadata block of an SSSOM TSV (lines starting with '#'), in the subset SSSOM
    files use: `key: value`, a nested `key:` block of `sub: value` or `- item` lines, and
    indented continuation lines of a scalar."""
    meta: dict = {}
    key = None
    for number, raw in enumerate(lines, 1):
        text = raw[1:].rstrip()
        if not text.strip():
            continue
        if len(text) - len(text.lstrip(" ")) <= 1:  # "# key: value" is top level
            text = text.strip()
            name, sep, value = text.partition(":")
            if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise DataError(f"metadata line is not 'key: value': {text!r}", file=file, line=number)
            key, value = name, value.strip()
            meta[key] = _scalar(value) if value else None
            continue
        item = text.strip()
        if key is None:
            raise DataError("indented metadata line without a key above it", file=file, line=number)
        if item.startswith("- "):
            if meta[key] is None:
                meta[key] = []
            if not isinstance(meta[key], list):
                raise DataError(f"list item under {key!r}, which has a value", file=file, line=number)
            meta[key].append(_scalar(item[2:].strip()))
        elif meta[key] is None or isinstance(meta[key], dict):
            name, sep, value = item.partition(":")
            if not sep:
                raise DataError(f"metadata line under {key!r} is not 'key: value': {item!r}",
                                file=file, line=number)
            meta[key] = meta[key] or {}
            meta[key][name.strip()] = _scalar(value.strip())
        elif isinstance(meta[key], str):
            meta[key] = f"{meta[key]} {item.strip(chr(34))}".strip()
        else:
            raise DataError(f"unexpected metadata line under {key!r}: {item!r}", file=file, line=number)
    return meta


def _scalar(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value.lstrip('"')


def _expand(curie: str, prefixes: dict[str, str], file: str, line: int, column: str) -> str:
    if curie.startswith(("http://", "https://")):
        return curie
    match = _CURIE.match(curie)
    if not match:
        raise DataError(f"{column} {curie!r} is neither a CURIE nor an http(s) URI", file=file, line=line)
    prefix, local = match.groups()
    if prefix not in prefixes:
        raise DataError(f"{column} {curie!r} uses the prefix {prefix!r}, which the curie_map does "
                        f"not declare", file=file, line=line)
    return prefixes[prefix] + local


def read_mapping_file(path: Path, base_uri: str = DEFAULT_BASE_URI) -> list[Mapping]:
    """One SSSOM TSV file. Raises DataError (file:line) on a malformed row."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read mapping file: {exc}", file=file) from None
    lines = text.splitlines()
    n_header = 0
    while n_header < len(lines) and lines[n_header].startswith("#"):
        n_header += 1
    meta = _read_header(lines[:n_header], file)
    curie_map = meta.get("curie_map")
    if not isinstance(curie_map, dict):
        raise DataError("no curie_map in the metadata block", file=file, line=1)
    prefixes = {str(k): str(v) for k, v in curie_map.items()}
    prefixes[DATA_PREFIX] = base_uri  # mappings follow --base-uri
    if n_header >= len(lines):
        raise DataError("no column header row after the metadata", file=file, line=n_header + 1)
    header_line = n_header + 1
    columns = lines[n_header].split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)} in the header row",
                        file=file, line=header_line)
    result = []
    rows = csv.reader(lines[n_header + 1:], delimiter="\t", quoting=csv.QUOTE_NONE)
    for offset, cells in enumerate(rows, 1):
        line = header_line + offset
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise DataError(f"row has {len(cells)} cells, the header has {len(columns)} columns",
                            file=file, line=line)
        row = dict(zip(columns, (c.strip() for c in cells)))
        for column in REQUIRED_COLUMNS:
            if not row[column]:
                raise DataError(f"empty {column}", file=file, line=line)
        if row["predicate_id"] not in MAPPING_PREDICATES:
            raise DataError(f"predicate_id {row['predicate_id']!r} is not a SKOS mapping relation "
                            f"({', '.join(MAPPING_PREDICATES)})", file=file, line=line)
        subject = _expand(row["subject_id"], prefixes, file, line, "subject_id")
        obj = _expand(row["object_id"], prefixes, file, line, "object_id")
        if row["predicate_id"] == "skos:exactMatch" and _is_competence(subject, base_uri) \
                and obj.startswith(ESCO_ROOT) and row.get("predicate_modifier", "").lower() != "not":
            raise DataError("skos:exactMatch from a standard's competence to ESCO is refused "
                            "(it would make every competence mapped to the same ESCO concept an "
                            "exact match of this one): use skos:closeMatch or skos:narrowMatch",
                            file=file, line=line)
        confidence = None
        if row.get("confidence"):
            try:
                confidence = float(row["confidence"])
            except ValueError:
                confidence = -1.0
            if not 0.0 <= confidence <= 1.0:
                raise DataError(f"confidence {row['confidence']!r} is not a number from 0 to 1",
                                file=file, line=line)
        known = {"subject_id", "subject_label", "predicate_id", "object_id", "object_label",
                 "mapping_justification", "confidence", "author_id", "mapping_date", "comment"}
        result.append(Mapping(
            subject=subject,
            predicate=str(MAPPING_PREDICATES[row["predicate_id"]]),
            object=obj,
            object_label=row.get("object_label") or None,
            justification=_expand(row["mapping_justification"], prefixes, file, line,
                                  "mapping_justification"),
            confidence=confidence,
            author=_expand(row["author_id"], prefixes, file, line, "author_id")
            if row.get("author_id") else None,
            date=row.get("mapping_date") or meta.get("mapping_date"),
            comment=row.get("comment") or None,
            source_file=path.name,
            line=line,
            subject_label=row.get("subject_label") or None,
            extra={k: v for k, v in row.items() if k not in known and v},
        ))
    return result


def _is_competence(subject: str, base_uri: str) -> bool:
    """A competence of a standard: `B standard/S/competence/CODE` (graph/uris.py), under the
    configured base or written with another one."""
    path = subject[len(base_uri):] if subject.startswith(base_uri) else subject
    return _COMPETENCE_PATH.search(path) is not None


@lru_cache(maxsize=None)
def _decisions(base_uri: str) -> tuple[Mapping, ...]:
    return tuple(m for path in mapping_files() for m in read_mapping_file(path, base_uri))


def _mappings(base_uri: str) -> tuple[Mapping, ...]:
    return tuple(m for m in _decisions(base_uri) if not m.rejected)


def load_mappings(config: Config | None = None) -> list[Mapping]:
    """The curated mappings: every row of mappings/*.sssom.tsv but the rejected ones
    (predicate_modifier Not), subjects under the configured base URI."""
    base_uri = config.base_uri if config else DEFAULT_BASE_URI
    return [replace(m, extra=dict(m.extra)) for m in _mappings(base_uri)]


def load_decisions(config: Config | None = None) -> list[Mapping]:
    """Every row of mappings/*.sssom.tsv, rejected ones too: the curator's decisions, which
    suggestions never offer again (esco/suggest.py)."""
    base_uri = config.base_uri if config else DEFAULT_BASE_URI
    return [replace(m, extra=dict(m.extra)) for m in _decisions(base_uri)]


def label(graph: Graph, uri: URIRef, lang: str = "en") -> str | None:
    """The prefLabel of a reference concept in `lang`, else any prefLabel."""
    fallback = None
    for value in graph.objects(uri, SKOS.prefLabel):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
        fallback = fallback or str(value)
    return fallback


__all__ = ["EcfCompetence", "Mapping", "ONTOLOGY_FILES", "class_mapping_files", "ecf_areas",
           "ecf_competences", "is_class_mapping_set", "load_decisions", "load_mappings",
           "load_reference", "mapping_files", "ontology_files", "read_mapping_file",
           "vocabulary_graph"]
