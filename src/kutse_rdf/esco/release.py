"""Reading an ESCO release as the ESCO portal publishes it: the CSV package, one file per
concept type and language (skills_et.csv, occupations_en.csv, ISCOGroups_et.csv, ...), as a
folder or as the downloaded .zip.

Only what the build needs is kept: ISCO groups (code, labels), occupations (ISCO group, code,
labels), skills (type, preferred, alternative and hidden labels), occupation-skill relations
and the skill pillar's broader relations. Every bad input is one DataError with file:line.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kutse_rdf.errors import DataError, InputError
from kutse_rdf.graph.namespaces import RDF, SKOS as SKOS_TERMS

# The columns each file must have (the official layout has more; extra columns are ignored).
REQUIRED = {
    "skills": ("conceptType", "conceptUri", "skillType", "preferredLabel", "altLabels",
               "hiddenLabels"),
    "occupations": ("conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels",
                    "hiddenLabels"),
    "ISCOGroups": ("conceptType", "conceptUri", "code", "preferredLabel"),
    "occupationSkillRelations": ("occupationUri", "relationType", "skillUri"),
    "broaderRelationsSkillPillar": ("conceptUri", "broaderUri"),
}
PER_LANGUAGE = ("skills", "occupations", "ISCOGroups")  # needed in every language imported
_NAME = re.compile(r"^(skills|occupations|ISCOGroups|occupationSkillRelations|"
                   r"broaderRelationsSkillPillar)_([a-z]{2}(?:-[a-z]+)?)\.csv$")
_VERSION = re.compile(r"v(\d+(?:\.\d+)+)", re.IGNORECASE)
ESCO = "http://data.europa.eu/esco/"
ISCO = ESCO + "isco/C"

csv.field_size_limit(1 << 24)  # descriptions are long; a cell of 16 MB is a broken file


@dataclass
class Labels:
    """The labels of one concept in one language."""
    preferred: str
    alternative: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)


@dataclass
class Release:
    version: str
    source: str
    languages: list[str] = field(default_factory=list)
    # code -> uri; labels: uri -> lang -> Labels
    isco: dict[str, str] = field(default_factory=dict)
    occupations: dict[str, dict] = field(default_factory=dict)  # uri -> {"isco": code, "code": str}
    skills: dict[str, str] = field(default_factory=dict)  # uri -> "skill" | "knowledge"
    labels: dict[str, dict[str, Labels]] = field(default_factory=dict)
    relations: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # occ -> [(skill, essential)]
    broader: dict[str, list[str]] = field(default_factory=dict)  # skill -> broader skills/groups
    warnings: list[str] = field(default_factory=list)


class _Files:
    """The CSV files of a folder or a zip, by name (the zip may keep them in a subfolder)."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.names: dict[str, str] = {}  # file name -> member or path
        if path.is_dir():
            for file in sorted(path.rglob("*.csv")):
                self.names.setdefault(file.name, str(file))
        elif path.is_file() and zipfile.is_zipfile(path):
            try:
                self.zip = zipfile.ZipFile(path)
                members = self.zip.namelist()
            except (zipfile.BadZipFile, OSError) as exc:
                raise InputError(f"cannot read the zip: {exc}", file=str(path)) from None
            for member in sorted(members):
                if member.endswith(".csv"):
                    self.names.setdefault(member.rsplit("/", 1)[-1], member)
        elif path.is_file():
            raise InputError("not an ESCO release: give the folder of the CSV package or its "
                             ".zip", file=str(path))
        else:
            raise InputError("no such file or folder", file=str(path))

    def where(self, name: str) -> str:
        return f"{self.path}!{self.names[name]}" if self.zip else self.names[name]

    def text(self, name: str) -> str:
        where = self.where(name)
        try:
            data = self.zip.read(self.names[name]) if self.zip else Path(self.names[name]).read_bytes()
        except (OSError, zipfile.BadZipFile, EOFError) as exc:
            raise InputError(f"cannot read: {exc}", file=where) from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 (byte {exc.start}): not a file of an ESCO release",
                             file=where) from None


def rows(files: _Files, name: str, kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of one CSV file, after checking its header against the official layout.
    A quoted cell left open at the end, or a last row with fewer cells than the header, is a
    truncated file."""
    where = files.where(name)
    text = files.text(name)
    if not text.strip():
        raise DataError("empty file", file=where)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError(f"not a CSV file: {exc}", file=where, line=1) from None
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        raise DataError(f"not the column layout of ESCO's {kind}_LANG.csv: missing column(s) "
                        f"{', '.join(missing)} (found: {', '.join(header[:8]) or 'nothing'})",
                        file=where, line=1)
    index = {c: header.index(c) for c in REQUIRED[kind]}
    width = len(header)
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"truncated or malformed CSV ({exc})", file=where,
                            line=start) from None
        line = reader.line_num
        if not any(cells):
            continue
        if len(cells) < width:
            what = "truncated file" if _at_end(reader) else "malformed row"
            raise DataError(f"{what}: row has {len(cells)} cells, the header {width}",
                            file=where, line=start)
        yield start, {c: cells[i].strip() for c, i in index.items()}


def _at_end(reader) -> bool:
    try:
        next(reader)
    except (StopIteration, csv.Error):
        return True
    return False


def _split(cell: str) -> list[str]:
    """altLabels / hiddenLabels: several labels separated by newlines inside one cell."""
    return [part.strip() for part in cell.splitlines() if part.strip()]


def _isco_code(value: str) -> str:
    """An occupation's iscoGroup cell: the code ("2512") or the group's URI."""
    value = value.strip()
    if value.startswith(ISCO):
        return value[len(ISCO):]
    return value


def version_of(path: Path) -> str | None:
    """The release version in a download's name: "ESCO dataset - v1.2.0 - ..." -> "v1.2.0"."""
    found = {f"v{m}" for m in _VERSION.findall(path.name)}
    return found.pop() if len(found) == 1 else None


def read_release(path: Path, version: str | None = None) -> Release:
    """The release in `path` (a folder of the CSV package or its .zip)."""
    files = _Files(path)
    by_kind: dict[str, dict[str, str]] = {}  # kind -> lang -> file name
    for name in files.names:
        match = _NAME.match(name)
        if match:
            by_kind.setdefault(match.group(1), {})[match.group(2)] = name
    languages = sorted(by_kind.get("skills", {}))
    if not languages:
        raise DataError("no skills_LANG.csv: not the CSV package of an ESCO release (download "
                        "it from the ESCO portal, see the README)", file=str(path))
    for kind in PER_LANGUAGE:
        for lang in languages:
            if lang not in by_kind.get(kind, {}):
                raise DataError(f"{kind}_{lang}.csv is missing: every language needs skills, "
                                f"occupations and ISCOGroups", file=str(path))
    extra = sorted(set(lang for kind in PER_LANGUAGE for lang in by_kind.get(kind, {}))
                   - set(languages))
    if extra:
        raise DataError(f"skills_{extra[0]}.csv is missing: every language needs skills, "
                        "occupations and ISCOGroups", file=str(path))
    if "occupationSkillRelations" not in by_kind:
        raise DataError("occupationSkillRelations_LANG.csv is missing", file=str(path))
    versions = {v for v in (version_of(Path(n)) for n in files.names) if v}
    if len(versions) > 1:
        raise DataError(f"mixed release: file names carry versions {', '.join(sorted(versions))}",
                        file=str(path))
    version = version or version_of(path) or (versions.pop() if versions else None)
    if not version:
        raise InputError("cannot tell the release's version from its name: give it with "
                         "--release-version (e.g. v1.2.0)", file=str(path))
    release = Release(version=version, source=str(path), languages=languages)
    if "et" not in languages:
        release.warnings.append("no Estonian files (skills_et.csv): suggestions need "
                                "Estonian labels and will be empty")
    for lang in languages:
        _read_language(files, by_kind, lang, release)
    _read_relations(files, by_kind, release)
    return release


def _concepts(files: _Files, name: str, kind: str, prefix: str) -> Iterator[tuple[str, int, dict]]:
    where = files.where(name)
    for line, row in rows(files, name, kind):
        uri = row["conceptUri"]
        if not uri.startswith(prefix):
            raise DataError(f"conceptUri {uri!r} is not an ESCO {kind[:-1]} URI ({prefix}…)",
                            file=where, line=line)
        if not row["preferredLabel"]:
            raise DataError(f"empty preferredLabel for {uri}", file=where, line=line)
        yield uri, line, row


def _read_language(files: _Files, by_kind: dict, lang: str, release: Release) -> None:
    """One language's ISCO groups, occupations and skills; each language must describe the
    same concepts as the first (else the files come from different releases)."""
    first = lang == release.languages[0]
    for kind, prefix, table in (("ISCOGroups", ISCO, release.isco),
                                ("occupations", ESCO + "occupation/", release.occupations),
                                ("skills", ESCO + "skill/", release.skills)):
        name = by_kind[kind][lang]
        seen: set[str] = set()
        known = set() if first else _known(release, kind)
        for uri, line, row in _concepts(files, name, kind, prefix):
            seen.add(uri)
            if not first and uri not in known:
                raise DataError(f"mixed release: {uri} is not in the "
                                f"{release.languages[0]} files", file=files.where(name),
                                line=line)
            labels = Labels(row["preferredLabel"], _split(row.get("altLabels", "")),
                            _split(row.get("hiddenLabels", "")))
            release.labels.setdefault(uri, {})[lang] = labels
            if not first:
                continue
            if kind == "ISCOGroups":
                table[row["code"]] = uri
            elif kind == "occupations":
                table[uri] = {"isco": _isco_code(row["iscoGroup"]),
                              "code": row.get("code", "")}
            else:
                table[uri] = "knowledge" if "knowledge" in row["skillType"].lower() else "skill"
        if first and not seen:
            raise DataError(f"no {kind} in the file (only its header)", file=files.where(name))
        if not first:
            missing = known - seen
            if missing:
                raise DataError(f"mixed release: {len(missing)} {kind} of the "
                                f"{release.languages[0]} files are missing, e.g. {min(missing)}",
                                file=files.where(name))


def _known(release: Release, kind: str) -> set[str]:
    if kind == "ISCOGroups":
        return set(release.isco.values())
    return set(release.occupations if kind == "occupations" else release.skills)


def _read_relations(files: _Files, by_kind: dict, release: Release) -> None:
    # the same relations ship under each language's name: read one (English when present)
    names = by_kind["occupationSkillRelations"]
    name = names.get("en") or names[min(names)]
    where = files.where(name)
    for line, row in rows(files, name, "occupationSkillRelations"):
        occupation, skill = row["occupationUri"], row["skillUri"]
        if occupation not in release.occupations or skill not in release.skills:
            unknown = occupation if occupation not in release.occupations else skill
            raise DataError(f"mixed release: {unknown} is in no occupations/skills file of "
                            "this release", file=where, line=line)
        essential = row["relationType"].strip().lower() == "essential"
        release.relations.setdefault(occupation, []).append((skill, essential))
    names = by_kind.get("broaderRelationsSkillPillar", {})
    if names:
        name = names.get("en") or names[min(names)]
        for _, row in rows(files, name, "broaderRelationsSkillPillar"):
            if row["conceptUri"] in release.skills:
                release.broader.setdefault(row["conceptUri"], []).append(row["broaderUri"])
    known = set(release.isco)
    for uri, occupation in release.occupations.items():
        if occupation["isco"] not in known:
            release.warnings.append(f"occupation {uri} names ISCO group {occupation['isco']!r}, "
                                    "which ISCOGroups does not have")
            break


# --- the SKOS-RDF dump ----------------------------------------------------------------------

RDF_SUFFIXES = {".ttl": "turtle", ".nt": "n-triples", ".rdf": "rdf/xml", ".xml": "rdf/xml"}
SKOS = str(SKOS_TERMS)
MODEL = ESCO + "model#"
RDF_TYPE = str(RDF.type)
DEFAULT_RDF_LANGUAGES = ("en", "et")


def is_rdf(path: Path) -> bool:
    """A dump file, or a zip holding one and no CSV file."""
    if path.is_file() and path.suffix.lower() in RDF_SUFFIXES:
        return True
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        return (any(Path(n).suffix.lower() in RDF_SUFFIXES for n in names)
                and not any(n.endswith(".csv") for n in names))
    return False


def read_rdf_release(path: Path, version: str | None = None,
                     languages: tuple[str, ...] = DEFAULT_RDF_LANGUAGES) -> Release:
    """The release in ESCO's SKOS-RDF dump (a Turtle, N-Triples or RDF/XML file, or its zip):
    the same concepts as the CSV package, labels in `languages` only (the dump has all 28)."""
    import pyoxigraph as ox

    version = version or version_of(path)
    if not version:
        raise InputError("cannot tell the release's version from its name: give it with "
                         "--release-version (e.g. v1.2.0)", file=str(path))
    if path.suffix.lower() in RDF_SUFFIXES:
        name, opener = str(path), (lambda: path.open("rb"))
        fmt = RDF_SUFFIXES[path.suffix.lower()]
    else:
        archive = zipfile.ZipFile(path)
        member = next(n for n in sorted(archive.namelist()) if Path(n).suffix.lower() in RDF_SUFFIXES)
        name, opener = f"{path}!{member}", (lambda: archive.open(member))
        fmt = RDF_SUFFIXES[Path(member).suffix.lower()]
    formats = {"turtle": ox.RdfFormat.TURTLE, "n-triples": ox.RdfFormat.N_TRIPLES,
               "rdf/xml": ox.RdfFormat.RDF_XML}
    types: dict[str, set[str]] = {}
    notation: dict[str, str] = {}
    skill_type: dict[str, str] = {}
    member_of: dict[str, str] = {}
    labels: dict[str, dict[str, Labels]] = {}
    relations: list[tuple[str, str, bool]] = []
    broader: dict[str, list[str]] = {}
    kinds = {SKOS + "prefLabel": "preferred", SKOS + "altLabel": "alternative",
             SKOS + "hiddenLabel": "hidden"}
    try:
        with opener() as handle:
            for triple in ox.parse(handle, formats[fmt]):
                s, p, o = triple.subject, triple.predicate.value, triple.object
                if not isinstance(s, ox.NamedNode):
                    continue
                s = s.value
                if p in kinds:
                    if isinstance(o, ox.Literal) and o.language in languages:
                        entry = labels.setdefault(s, {}).setdefault(o.language, Labels(""))
                        if kinds[p] == "preferred":
                            entry.preferred = o.value
                        else:
                            getattr(entry, kinds[p]).append(o.value)
                elif p == RDF_TYPE:
                    types.setdefault(o.value, set()).add(s)
                elif p == SKOS + "notation":
                    notation[s] = o.value
                elif p == MODEL + "skillType":
                    skill_type[s] = "knowledge" if o.value.endswith("/knowledge") else "skill"
                elif p == MODEL + "memberOfISCOGroup":
                    member_of[s] = o.value
                elif p in (MODEL + "relatedEssentialSkill", MODEL + "relatedOptionalSkill"):
                    relations.append((s, o.value, p.endswith("EssentialSkill")))
                elif p == SKOS + "broader":
                    broader.setdefault(s, []).append(o.value)
    except SyntaxError as exc:
        raise DataError(f"not valid RDF ({fmt}): {str(exc).splitlines()[0]}", file=name) from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"cannot read: {exc}", file=name) from None
    release = Release(version=version, source=str(path))
    for uri in sorted(types.get(MODEL + "ISCOGroup", ())):
        if uri in notation:
            release.isco[notation[uri]] = uri
    for uri in sorted(types.get(MODEL + "Occupation", ())):
        group = member_of.get(uri, "")
        release.occupations[uri] = {"isco": _isco_code(group) if group.startswith(ISCO) else "",
                                    "code": notation.get(uri, "")}
    for uri in sorted(types.get(MODEL + "Skill", ())):
        release.skills[uri] = skill_type.get(uri, "skill")
    if not release.skills:
        raise DataError("no esco:Skill in the file: not ESCO's SKOS-RDF dump", file=name)
    concepts = set(release.skills) | set(release.occupations) | set(release.isco.values())
    release.labels = {uri: {lang: l for lang, l in by_lang.items() if l.preferred}
                      for uri, by_lang in labels.items() if uri in concepts}
    release.languages = sorted({lang for by_lang in release.labels.values() for lang in by_lang})
    for occupation, skill, essential in relations:
        if occupation in release.occupations and skill in release.skills:
            release.relations.setdefault(occupation, []).append((skill, essential))
    release.broader = {uri: sorted(up) for uri, up in broader.items() if uri in release.skills}
    if "et" not in release.languages:
        release.warnings.append("no Estonian labels: suggestions need them and will be empty")
    return release
