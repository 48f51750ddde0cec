"""Named queries: the shipped library (queries/*.rq) and a publisher's extra folder.

A query file opens with a header comment: its title, the question in Estonian and English, and
its typed parameters (`# param: NAME TYPE required|optional -- text`). This module reads those
files and finds a query by name or path; it does not run anything (execute.py does), so that
`query --list`, the build's reports and the site can read the library without a store.

A publisher names an extra folder in kutse-rdf.toml (`queries = "FOLDER"`); its *.rq files are
named queries beside the shipped ones. A name the library already has is refused (exit 2), so a
report file name always means the documented query.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from kutse_rdf.errors import InputError
from kutse_rdf.graph.namespaces import PREFIXES
from kutse_rdf.resources import resource_dir

# The project's prefixes (graph/namespaces.py, the one prefix table), declared on one line before
# an ad hoc query (a .rq file, `query -e`, the endpoint): a query's own PREFIX lines come after
# and win. One line, so an error's line number is the user's line number plus one.
PROLOGUE = " ".join(f"PREFIX {name}: <{iri}>" for name, iri in PREFIXES.items())

PARAM_TYPES = ("standard", "iri", "string", "integer", "date")
_HEADER = re.compile(r"^#\s*(title|et|en|param|list|boolean|covers):\s*(.*?)\s*$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)\s+(required|optional)\s*(?:--\s*(.*))?$")


@dataclass
class Param:
    name: str
    type: str  # one of PARAM_TYPES
    required: bool
    description: str = ""


@dataclass
class QueryFile:
    name: str  # file stem, e.g. "shared-competences"
    path: Path
    text: str
    title: str = ""
    question_et: str = ""
    question_en: str = ""
    params: list[Param] = field(default_factory=list)
    declared: bool = False  # the header declares its parameters (library queries do)
    # `# list: VAR ...`: columns holding a GROUP_CONCAT list (items sorted in natural order)
    lists: list[str] = field(default_factory=list)
    # `# boolean: VAR ...`: columns holding booleans (a store that writes them as 1 / 0 is
    # corrected, remote.py)
    booleans: list[str] = field(default_factory=list)
    covers: str = ""  # `# covers: …`: what "covers" means in a coverage query (first line)
    offset: int = 0  # lines put before the user's text (PROLOGUE), taken off error line numbers

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def library(extra: Path | None = None) -> dict[str, QueryFile]:
    """The named queries by name, sorted: the shipped ones and those of the `extra` folder
    (Config.queries). An extra query named like a shipped one is an InputError."""
    queries = read_folder(resource_dir("queries"))
    if extra is not None:
        for name, query in read_folder(extra).items():
            if name in queries:
                raise InputError(f"query {name!r} has the name of a shipped query; "
                                 "rename the file (kutse-rdf query --list shows the names)",
                                 file=str(query.path))
            queries[name] = query
    return dict(sorted(queries.items()))


def read_folder(folder: Path) -> dict[str, QueryFile]:
    """The *.rq files of a folder (not its subfolders) by name."""
    if not folder.is_dir():
        raise InputError("queries folder not found", file=str(folder))
    return {p.stem: read_query(p) for p in sorted(folder.glob("*.rq"))}


def read_query(path: Path) -> QueryFile:
    """Read a query file and its header comment (title, et, en, param lines)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such query file", file=str(path)) from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise InputError(f"cannot read query file: {exc}", file=str(path)) from None
    query = QueryFile(name=path.stem, path=path, text=text)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            query.title = value
        elif key == "et":
            query.question_et = value
        elif key == "en":
            query.question_en = value
        elif key == "covers":
            query.covers = value
        elif key == "list":
            query.lists += value.split()
        elif key == "boolean":
            query.booleans += value.split()
        else:
            param = _PARAM.match(value)
            if not param or param.group(2) not in PARAM_TYPES:
                raise InputError("bad parameter declaration, expected "
                                 f"'# param: NAME {'|'.join(PARAM_TYPES)} required|optional -- text'",
                                 file=str(path), line=number)
            name, kind, need, description = param.groups()
            query.params.append(Param(name, kind, need == "required", description or ""))
            query.declared = True
    return query


def with_prologue(query: QueryFile) -> QueryFile:
    """The query with the project's prefixes declared before it (PROLOGUE)."""
    query.text = PROLOGUE + "\n" + query.text
    query.offset += 1
    return query


def inline_query(text: str) -> QueryFile:
    """A query given on the command line (`query -e`), with the project's prefixes."""
    return with_prologue(QueryFile(name="-e", path=Path("-e"), text=text))


def syntax_error(message: str, offset: int = 0) -> tuple[int | None, str]:
    """(line, one-line text) of a parser's error message ("error at LINE:COLUMN: expected one
    of …", Oxigraph's, often many lines long), lines counted in the user's text."""
    match = re.search(r"at (\d+):(\d+):?\s*(.*)", message, re.DOTALL)
    if not match:
        return None, " ".join(message.split())[:200]
    line, column, rest = int(match.group(1)) - offset, match.group(2), " ".join(match.group(3).split())
    if "Prefix not found" in rest:
        rest = "undefined prefix (declare it with PREFIX; the project's prefixes are declared)"
    elif len(rest) > 120:
        rest = rest[:119] + "…"
    return line, f"SPARQL syntax error at line {line}, column {column}: {rest}"


def find_query(name_or_file: str, extra: Path | None = None) -> QueryFile:
    """A named query (shipped or from the `extra` folder) by name, or a .rq file by path (with
    the project's prefixes declared); unknown names suggest the closest."""
    path = Path(name_or_file)
    if name_or_file.endswith(".rq") or path.is_file():
        return with_prologue(read_query(path))
    queries = library(extra)
    if name_or_file in queries:
        return queries[name_or_file]
    close = difflib.get_close_matches(name_or_file, list(queries), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"unknown query {name_or_file!r}{hint} (kutse-rdf query --list shows all)")


def check_syntax(query: QueryFile) -> None:
    """Parse the query with rdflib's parser (the reference); a syntax error names the line."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(query.text)
    except ParseException as exc:
        line = exc.lineno - query.offset
        raise InputError(f"SPARQL syntax error at line {line}, column {exc.col}: {exc.msg}",
                         file=str(query.path), line=line) from None
    except Exception as exc:  # rdflib raises others for e.g. undefined prefixes
        text = " ".join(str(exc).split())[:200]
        raise InputError(f"SPARQL syntax error: {text}", file=str(query.path)) from None


def report_queries(queries: dict[str, QueryFile] | None = None,
                   ) -> tuple[dict[str, QueryFile], list[str]]:
    """The queries a build reports (those without required parameters) and the names of the
    others; `queries` defaults to the shipped library."""
    queries = library() if queries is None else queries
    skipped = [name for name, q in queries.items() if any(p.required for p in q.params)]
    return {n: q for n, q in queries.items() if n not in skipped}, skipped
