"""The local store of an imported ESCO release: what the build needs, in a folder

    release.json    the index: format, release version, languages, source, counts, digest
    reference.nt    ISCO groups and occupations as the reference graph takes them (sorted
                    N-Triples: labels in every imported language, parents, ISCO membership)
    concepts.json   every skill's type and labels, occupation-skill relations, the ISCO
                    groups and occupations: what suggestions and the curated skills read

The folder is `esco` in kutse-rdf.toml, else $KUTSE_RDF_ESCO, else
$XDG_CACHE_HOME/kutse-rdf/esco (~/.cache/...).
It is written whole to a sibling folder and swapped in, so a failed import keeps the previous.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kutse_rdf.config import Config
from kutse_rdf.errors import InputError
from kutse_rdf.graph.namespaces import RDF, SKOS as SKOS_TERMS

FORMAT = 1
INDEX = "release.json"
NT = "reference.nt"
CONCEPTS = "concepts.json"

ESCO = "http://data.europa.eu/esco/"
MODEL = ESCO + "model#"
SKOS = str(SKOS_TERMS)
RDF_TYPE = str(RDF.type)


def store_dir(config: Config | None = None) -> Path:
    """Where the imported release is kept: `esco` in kutse-rdf.toml, else $KUTSE_RDF_ESCO,
    else the user's cache."""
    if config is not None and config.esco is not None:
        return config.esco
    if os.environ.get("KUTSE_RDF_ESCO"):
        return Path(os.environ["KUTSE_RDF_ESCO"])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "kutse-rdf" / "esco"


def _literal(text: str, lang: str | None = None) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _triple(s: str, p: str, o: str) -> str:
    return f"<{s}> <{p}> {o} .\n"


def reference_lines(release) -> list[str]:
    """ISCO groups (code, labels, parent by code) and occupations (code, labels, ISCO group)."""
    lines: list[str] = []
    pref = SKOS + "prefLabel"
    for code, uri in release.isco.items():
        lines += [_triple(uri, RDF_TYPE, f"<{MODEL}ISCOGroup>"),
                  _triple(uri, RDF_TYPE, f"<{SKOS}Concept>"),
                  _triple(uri, SKOS + "notation", _literal(code))]
        for parent in (code[:n] for n in range(len(code) - 1, 0, -1)):
            if parent in release.isco:  # the nearest group above that the release has
                lines.append(_triple(uri, SKOS + "broader", f"<{release.isco[parent]}>"))
                break
    for uri, occupation in release.occupations.items():
        lines += [_triple(uri, RDF_TYPE, f"<{MODEL}Occupation>"),
                  _triple(uri, RDF_TYPE, f"<{SKOS}Concept>")]
        if occupation["code"]:
            lines.append(_triple(uri, SKOS + "notation", _literal(occupation["code"])))
        group = release.isco.get(occupation["isco"])
        if group:
            lines.append(_triple(uri, MODEL + "memberOfISCOGroup", f"<{group}>"))
    for uri in [*release.isco.values(), *release.occupations]:
        for lang, labels in release.labels.get(uri, {}).items():
            lines.append(_triple(uri, pref, _literal(labels.preferred, lang)))
    return sorted(set(lines))


def write_store(release, folder: Path) -> dict:
    """Write the release's store to `folder` (replacing what was there); returns its index."""
    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        nt = "".join(reference_lines(release)).encode("utf-8")
        concepts = {
            "isco": release.isco,
            "occupations": release.occupations,
            "skills": release.skills,
            "labels": {uri: {lang: [l.preferred, l.alternative, l.hidden]
                             for lang, l in by_lang.items()}
                       for uri, by_lang in release.labels.items()},
            "relations": {occ: [[skill, int(essential)] for skill, essential in pairs]
                          for occ, pairs in release.relations.items()},
            "broader": release.broader,
        }
        data = json.dumps(concepts, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode("utf-8")
        (tmp / NT).write_bytes(nt)
        (tmp / CONCEPTS).write_bytes(data)
        index = {
            "format": FORMAT,
            "version": release.version,
            "languages": release.languages,
            "source": release.source,
            "counts": {"isco_groups": len(release.isco), "occupations": len(release.occupations),
                       "skills": len(release.skills),
                       "relations": sum(len(v) for v in release.relations.values())},
            "digest": hashlib.sha256(nt + b"\0" + data).hexdigest(),
        }
        (tmp / INDEX).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
        old = folder.parent / f".{folder.name}.old-{os.getpid()}"
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return index


def read_index(config: Config | None = None) -> dict | None:
    """The index of the imported release, None when there is none."""
    folder = store_dir(config)
    path = folder / INDEX
    if not path.exists():
        return None
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
        if index.get("format") != FORMAT or not all((folder / n).is_file() for n in (NT, CONCEPTS)):
            raise ValueError("unknown format")
    except (OSError, ValueError, UnicodeDecodeError, AttributeError):
        raise InputError("the imported ESCO release is damaged or from another version of "
                         "kutse-rdf: run `kutse-rdf esco import` again", file=str(path)) from None
    return index


def release_key(config: Config | None = None) -> str:
    """What the build's results depend on of the imported release ("" without one)."""
    index = read_index(config)
    return "" if index is None else f"{index['version']} {index['digest']}"


@dataclass
class Store:
    folder: Path
    index: dict
    concepts: dict

    @property
    def version(self) -> str:
        return self.index["version"]

    def reference_nt(self) -> bytes:
        return (self.folder / NT).read_bytes()

    def labels(self, uri: str, lang: str) -> list[str] | None:
        """[preferred, alternatives, hidden] of a concept in `lang`, None when it has none."""
        return self.concepts["labels"].get(uri, {}).get(lang)

    def skill_lines(self, uris) -> list[str]:
        """The reference graph's description of some skills (type, preferred labels)."""
        lines = []
        for uri in uris:
            kind = self.concepts["skills"].get(uri)
            if kind is None:
                continue
            lines += [_triple(uri, RDF_TYPE, f"<{MODEL}Skill>"),
                      _triple(uri, RDF_TYPE, f"<{SKOS}Concept>"),
                      _triple(uri, MODEL + "skillType", f"<{ESCO}skill-type/{kind}>")]
            for lang, labels in self.concepts["labels"].get(uri, {}).items():
                lines.append(_triple(uri, SKOS + "prefLabel", _literal(labels[0], lang)))
        return lines


def load_store(config: Config | None = None) -> Store | None:
    """The imported release, None when there is none (read once per process and digest)."""
    index = read_index(config)
    if index is None:
        return None
    return _load(store_dir(config), index["digest"])


@lru_cache(maxsize=2)
def _load(folder: Path, digest: str) -> Store:
    index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    try:
        concepts = json.loads((folder / CONCEPTS).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"the imported ESCO release is damaged ({exc}): run `kutse-rdf esco "
                         "import` again", file=str(folder / CONCEPTS)) from None
    return Store(folder, index, concepts)
