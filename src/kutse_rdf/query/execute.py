"""Running a query: Oxigraph (the engine) and rdflib (the reference), and the answer they give.

Oxigraph runs every query: rdflib's SPARQL is far slower on joins, too slow for a register of
hundreds of standards. rdflib stays the reference engine (run_reference): the tests check that
both give the same rows for every library query.

A parameter must be a variable of the SELECT clause (Oxigraph's substitution keeps it in the
answer) and bound by a triple pattern of the query, so that both engines' binding semantics
give the same answer.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

import pyoxigraph as ox

from kutse_rdf.errors import InputError
from kutse_rdf.query.named import QueryFile, syntax_error
from kutse_rdf.graph.namespaces import XSD
from kutse_rdf.query.params import bind_params
from kutse_rdf.query.tables import sort_list

NUMERIC_TYPES = (str(XSD.integer), str(XSD.decimal), str(XSD.double), str(XSD.float))

TSV = ox.QueryResultsFormat.TSV
JSON = ox.QueryResultsFormat.JSON
KEPT_FORMATS = (TSV, JSON)  # the formats an answer is kept in: both give back the exact terms


class Result:
    """A query's answer: SELECT rows of pyoxigraph terms (None = unbound), or an ASK boolean, or
    CONSTRUCT/DESCRIBE triples.

    Oxigraph's SELECT answer is kept as it wrote it (in Rust): SPARQL TSV by default (the
    cheapest of its formats to write and to read back), or JSON when that is what the caller
    prints. The CLI's JSON and CSV and the build's reports are written from it by Oxigraph too,
    far faster than Python's writers from terms, and `rows` makes Python terms only when first
    read. A Result made from rows (the reference engine) keeps no answer and is only compared."""

    def __init__(self, variables: Iterable[str] = (), rows: list[tuple[Any, ...]] | None = None,
                 boolean: bool | None = None, triples: list[Any] | None = None,
                 answer: bytes | None = None, answer_format: ox.QueryResultsFormat = TSV):
        self.variables = list(variables)
        self.boolean = boolean
        self.triples = triples
        self.answer = answer
        self.answer_format = answer_format
        self._rows = rows

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            # tuple(solution) is the row in SELECT order, cheaper than solution[name] per cell
            self._rows = [] if self.answer is None else list(map(tuple, self._solutions()))
        return self._rows

    def serialize(self, fmt: ox.QueryResultsFormat) -> bytes:
        """The SELECT answer in a W3C results format, written by Oxigraph."""
        if fmt == self.answer_format and self.answer is not None:
            return self.answer
        return self._solutions().serialize(format=fmt)

    def _solutions(self) -> ox.QuerySolutions:
        if self.answer is None:
            raise ValueError("only Oxigraph's answers are written (this one was made from rows)")
        return ox.parse_query_results(self.answer, format=self.answer_format)


def run(store: ox.Store, query: QueryFile, params: dict[str, str] | None = None,
        keep: ox.QueryResultsFormat = TSV) -> Result:
    """Run a query on the store with user parameters (text, bound as terms); a SELECT's answer
    is kept in `keep` (TSV or JSON: JSON when it is what will be printed)."""
    bindings = bind_params(query, params or {}, store)
    return run_bound(store, query, bindings, keep)


def run_bound(store: ox.Store, query: QueryFile, bindings: dict[str, Any],
              keep: ox.QueryResultsFormat = TSV) -> Result:
    """Run a query with its parameters already terms (bind_params)."""
    if keep not in KEPT_FORMATS:
        raise ValueError(f"an answer is kept as TSV or JSON, not {keep}")
    substitutions = {ox.Variable(k): v for k, v in bindings.items()}
    try:
        answer = store.query(query.text, substitutions=substitutions or None)
    except SyntaxError as exc:
        line, message = syntax_error(str(exc), query.offset)
        raise InputError(message, file=str(query.path), line=line) from None
    except RuntimeError as exc:  # Oxigraph substitutes only variables the SELECT projects
        names = ", ".join(f"?{k}" for k in bindings)
        raise InputError(f"cannot bind {names}: a parameter must be a variable of the SELECT "
                         f"clause ({exc})", file=str(query.path)) from None
    if isinstance(answer, ox.QuerySolutions):
        # evaluated here (written out), so that its cost and its errors are the run's
        result = Result(variables=[v.value for v in answer.variables],
                        answer=answer.serialize(format=keep), answer_format=keep)
        return sorted_lists(result, query.lists) if query.lists else result
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    return Result(triples=list(answer))


def sorted_lists(result: Result, lists: list[str]) -> Result:
    """The answer with the items of its list columns (GROUP_CONCAT, in an order SPARQL leaves
    open) in natural order, written again as SPARQL TSV so that every output agrees."""
    columns = [i for i, name in enumerate(result.variables) if name in lists]
    if not columns:
        return result
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        cells = list(row)
        for i in columns:
            term = cells[i]
            if isinstance(term, ox.Literal) and term.language is None:
                cells[i] = ox.Literal(sort_list(term.value), datatype=term.datatype)
        lines.append("\t".join("" if t is None else str(t) for t in cells))
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    if result.answer_format != TSV:
        tsv = ox.parse_query_results(tsv, format=TSV).serialize(format=result.answer_format)
    return Result(variables=result.variables, answer=tsv, answer_format=result.answer_format)


def run_reference(dataset: Any, query: QueryFile, bindings: dict[str, Any]) -> Result:
    """The same query with rdflib over a Dataset whose default graph is the union of its graphs
    (the reference engine, used by the tests). Bindings are pyoxigraph terms."""
    from rdflib import BNode, Literal, URIRef, Variable

    def to_rdflib(term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        lang = term.language
        return Literal(term.value, lang=lang, datatype=None if lang else URIRef(term.datatype.value))

    init = {Variable(k): to_rdflib(v) for k, v in bindings.items()}
    answer = dataset.query(query.text, initBindings=init)
    if answer.type == "ASK":
        return Result(boolean=bool(answer.askAnswer))
    if answer.type != "SELECT":
        return Result(triples=list(answer))
    variables = [str(v) for v in answer.vars]
    rows = [tuple(_from_rdflib(row[i]) for i in range(len(variables))) for row in answer]
    return Result(variables=variables, rows=rows)


def _from_rdflib(term: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
    return ox.Literal(str(term), datatype=datatype)


def canonical(term: Any) -> Any:
    """A comparable form of a term: numbers by value (engines write 60 or 60.0), others as
    N-Triples text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC_TYPES:
        try:
            return ("number", Decimal(term.value))
        except InvalidOperation:
            pass
    return str(term)
