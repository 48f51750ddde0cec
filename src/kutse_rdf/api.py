"""A Python API over a build, for notebooks and scripts.

    import kutse_rdf
    graph = kutse_rdf.open("build")                  # a `kutse-rdf build` output folder
    graph.standards                                  # [Standard(iri, slug, title), ...]
    rows = graph.query("competence-table", standard="IT-juht, tase 7")
    rows[0]["notation"], rows[0]["competenceLabel"]  # plain values; labels beside IRIs
    rows.to_pandas()                                 # a DataFrame (pip install kutse-rdf[analysis])
    graph.query("SELECT ?s WHERE { ?s a kutse:OccupationalStandard }")  # own SPARQL

Queries run with Oxigraph on the build's data/all.trig, as `kutse-rdf query --data` does. A
library query is named as in `kutse-rdf query --list`; anything else is SPARQL text, with the
project's prefixes declared. Parameters are keyword arguments; a standard may be given by slug,
IRI or title (either language, exact or an unambiguous prefix).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from kutse_rdf.errors import InputError

__all__ = ["Build", "Rows", "Standard", "open_build"]


@dataclass(frozen=True)
class Standard:
    """An occupational standard of the build."""
    iri: str
    slug: str   # e.g. it-juht-tase-7
    title: str  # its Estonian title, e.g. "IT-juht, tase 7"


class Rows(list):
    """A query's answer: a list of dicts (column -> plain value: IRI, text or number as text;
    None when unbound), with a label column VARLabel beside each IRI column, in the language
    asked for. `columns` keeps the order."""

    def __init__(self, columns: list[str], rows: list[dict[str, Any]]):
        super().__init__(rows)
        self.columns = columns

    def to_pandas(self):
        """The rows as a pandas DataFrame (pandas is the optional extra
        `pip install kutse-rdf[analysis]`). Whole numbers become integers, decimals floats."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas needs pandas: pip install 'kutse-rdf[analysis]'") from None
        frame = pd.DataFrame(list(self), columns=self.columns)
        for name in frame.columns:
            converted = pd.to_numeric(frame[name], errors="coerce")
            if frame[name].notna().any() and converted[frame[name].notna()].notna().all():
                frame[name] = converted
        return frame


class Build:
    """The graph of a `kutse-rdf build` output folder (open_build)."""

    def __init__(self, build_dir: str | Path = "build", lang: str = "et"):
        from kutse_rdf import query as q

        self.path = Path(build_dir)
        self.lang = lang
        self._data = q.BuildData(self.path / "data" / "all.trig")

    def query(self, name_or_sparql: str, lang: str | None = None, **params: Any) -> Rows:
        """Run a library query (by name) or SPARQL text; keyword arguments are its parameters.
        Returns Rows (dicts, labels beside IRIs in `lang`, default the Build's). An ASK gives
        one row {"boolean": True/False}."""
        from kutse_rdf import query as q

        library = q.library()
        if name_or_sparql in library:
            chosen = library[name_or_sparql]
        else:
            chosen = q.inline_query(name_or_sparql)
            chosen.name = "query"
        q.check_syntax(chosen)
        store = self._data.store_for(chosen.text)
        result = q.run(store, chosen, {k: str(v) for k, v in params.items()})
        if result.boolean is not None:
            return Rows(["boolean"], [{"boolean": result.boolean}])
        if result.triples is not None:
            raise InputError("query() answers SELECT and ASK queries, not CONSTRUCT / DESCRIBE")
        columns, table = q.labelled(result.variables, result.rows, store, lang or self.lang)
        plain = [dict(zip(columns, (cell if cell != "" else None for cell in row)))
                 for row in table]
        return Rows(columns, plain)

    @property
    def standards(self) -> list[Standard]:
        """The standards of the build, by slug."""
        rows = self.query("SELECT ?standard ?title WHERE { ?standard a kutse:OccupationalStandard "
                          "OPTIONAL { ?standard skos:prefLabel ?title FILTER(lang(?title) = 'et') } }")
        found = {r["standard"]: r["title"] or r["standardLabel"] for r in rows}
        # a version's IRI is B/standard/SLUG/version/KEY: its work's slug
        return sorted((Standard(iri, iri.rstrip("/").rsplit("/version/", 1)[0].rsplit("/", 1)[-1],
                                title)
                       for iri, title in found.items()), key=lambda s: s.slug)

    def competences(self, standard: str) -> Rows:
        """The competence table of one standard (slug, IRI or title): code, title, group,
        level, e-CF codes, number of indicators (the library's competence-table)."""
        return self.query("competence-table", standard=standard)

    def __iter__(self) -> Iterator[Standard]:
        return iter(self.standards)

    def __repr__(self) -> str:
        return f"<kutse_rdf build {str(self.path)!r}>"


def open_build(build_dir: str | Path = "build", lang: str = "et") -> Build:
    """The graph of a build folder (`kutse-rdf build --out DIR`), for queries from Python.
    A folder without data/all.trig is an InputError (run kutse-rdf build first)."""
    return Build(build_dir, lang)
