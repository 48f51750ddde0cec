"""The fast engines against the design card's reference engines, on the same inputs.

Reasoning: `reasonable` vs owlrl (reason.py) must give the same inferred graph. Validation:
pyshacl-turbo vs pySHACL (validate.py) must give the same results (focus, path, value, severity,
both messages, source file and line, shape) and the same report graph. Inputs: the seed, the
family fixtures, every shape fixture, the seed with B.3.25 in B.1, five generated standards.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SH, XSD

from kutse_rdf.graph import reason
from kutse_rdf.graph import validate
from kutse_rdf.cli import main
from kutse_rdf.config import Config
from kutse_rdf.graph.convert import standard_graph
from kutse_rdf.errors import InputError
from kutse_rdf.graph.namespaces import KUTSE
from kutse_rdf.reading.parser import parse_file
from kutse_rdf.graph.uris import Uris
from kutse_rdf.graph.vocab import load_reference

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
FAMILY = sorted((ROOT / "tests/fixtures/standards").glob("*.txt")) + sorted(
    (ROOT / "tests/fixtures/multi").glob("*.txt"))
SHAPE_FIXTURES = sorted((ROOT / "tests/fixtures/shapes").glob("*.ttl"))
U = Uris(Config().base_uri)
EX = "http://example.org/"


def make_corpus(n: int, folder: Path) -> list[Path]:
    """benchmarks/make_corpus.py's generator (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "benchmarks/make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_corpus(n, folder)


def b325_seed(folder: Path) -> Path:
    """The seed with line 123 (a B.1 entry of a partial qualification) naming B.3.25."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert "B.3.10. Personaliarendus" in lines[122]
    lines[122] = lines[122].replace("B.3.10. Personaliarendus", "B.3.25. Personaliarendus")
    path = folder / "it-juht-tase-7.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """Standard files by test id: seed, family fixtures, 5 generated, seed with B.3.25."""
    found = {"seed": SEED} | {f"{p.parent.name}/{p.stem}": p for p in FAMILY}
    for path in make_corpus(5, tmp_path_factory.mktemp("corpus")):
        found["corpus-" + path.stem] = path
    found["seed-b325"] = b325_seed(tmp_path_factory.mktemp("b325"))
    return found


STANDARD_IDS = (["seed"] + [f"{p.parent.name}/{p.stem}" for p in FAMILY]
                + [f"corpus-standard-{i:04d}" for i in range(1, 6)])


@pytest.fixture(scope="module")
def reference() -> Graph:
    return load_reference(Config())


def report_of(std, engine: str | None = None) -> validate.ValidationReport:
    """A standard's report, as its unit validates it."""
    return validate.validate_standard(std, U.standard(std), standard_graph(std, Config()),
                                      load_reference(Config()), U, engine)


@pytest.fixture(scope="module")
def reasoners(reference) -> dict[str, reason.Reasoner]:
    schema = reason.reasoning_schema(reference)
    return {name: reason.Reasoner(schema, name) for name in reason.ENGINES}


# --------------------------------------------------------------------------------------------
# Reasoning


@pytest.mark.parametrize("name", STANDARD_IDS)
def test_both_reasoners_infer_the_same_graph(inputs, reasoners, name):
    std = parse_file(inputs[name])
    graph = standard_graph(std, Config())
    fast = set(reasoners["reasonable"].infer_one(graph))
    reference = set(reasoners["owlrl"].infer_one(graph))
    assert fast == reference
    # not trivially equal: every indicator of the document is the object of one inverse link
    indicators = sum(len(c.indicators) for c in std.competences)
    assert indicators > 0
    assert len({t for t in fast if t[1] == KUTSE.isIndicatorOf}) == indicators


def test_both_reasoners_infer_the_same_for_the_reference_graph(reference, reasoners):
    fast = set(reasoners["reasonable"].infer_one(reference))
    assert fast == set(reasoners["owlrl"].infer_one(reference))
    assert len(fast) > 100  # e-CF and ISCO hierarchies both ways


def test_units_infer_the_same_with_either_engine(monkeypatch):
    """The build's units (what build, validate and query read) with KUTSE_RDF_REASONER=owlrl
    give the same inferred bytes as with the default engine."""
    from datetime import datetime, timezone

    from kutse_rdf.engine.unit import UnitContext, reference_unit

    inferred = {}
    for engine in reason.ENGINES:
        monkeypatch.setenv(reason.ENGINE_VARIABLE, engine)
        unit = UnitContext(Config(), datetime.now(timezone.utc)).run(SEED)
        inferred[engine] = (unit.inferred_nt + unit.inferred_shared_nt,
                            reference_unit(Config()).inferred_shared_nt)
    assert inferred["reasonable"] == inferred["owlrl"]
    assert b"isRequiredBy" in inferred["owlrl"][0] and inferred["owlrl"][1]


def test_vocabularies_differ_only_in_language_terms(reasoners):
    """owlrl's schema closure mentions more RDF/RDFS/OWL/XSD terms (datatypes, annotation
    properties); `keep` drops statements about those whichever engine runs."""
    difference = reasoners["owlrl"].vocabulary ^ reasoners["reasonable"].vocabulary
    assert all(str(term).startswith(reason._LANGUAGE) for term in difference)


def test_literals_keep_the_spelling_of_the_input():
    """reasonable hands back "x" as "x"^^xsd:string; the inferred triples carry the input's
    own literal terms, as owlrl's do, so they equal owlrl's and never duplicate asserted ones."""
    a, b, p = URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "p")
    data = Graph()
    data.add((a, OWL.sameAs, b))
    literals = [Literal("x"), Literal("x", lang="et"), Literal("s", datatype=XSD.string),
                Literal(7), Literal("2020-01-01", datatype=XSD.date)]
    for literal in literals:
        data.add((a, p, literal))
    schema = Graph()
    schema.add((KUTSE.isIndicatorOf, OWL.inverseOf, KUTSE.hasIndicator))
    fast = reason.Reasoner(schema, "reasonable").infer_one(data)
    assert set(fast) == set(reason.Reasoner(schema, "owlrl").infer_one(data))
    copied = sorted(((str(o), o.language, o.datatype) for s, q, o in fast if (s, q) == (b, p)),
                    key=lambda t: (t[0], t[1] or "", t[2] or ""))
    assert copied == [
        ("2020-01-01", None, XSD.date), ("7", None, XSD.integer), ("s", None, XSD.string),
        ("x", None, None), ("x", "et", None)]


def test_reasoner_engine_from_the_environment(monkeypatch):
    schema = Graph()
    monkeypatch.delenv(reason.ENGINE_VARIABLE, raising=False)
    assert reason.Reasoner(schema).engine == "reasonable"
    monkeypatch.setenv(reason.ENGINE_VARIABLE, "owlrl")
    assert reason.Reasoner(schema).engine == "owlrl"
    assert reason.Reasoner(schema, "reasonable").engine == "reasonable"  # explicit wins
    monkeypatch.setenv(reason.ENGINE_VARIABLE, "hermit")
    with pytest.raises(InputError, match="unknown reasoner 'hermit' .*reasonable, owlrl"):
        reason.Reasoner(schema)


def test_a_reasoner_is_reused_across_units(reasoners, inputs):
    """One Reasoner per process: infer_one leaves no state behind between units."""
    fast = reasoners["reasonable"]
    first = standard_graph(parse_file(inputs["seed"]), Config())
    second = standard_graph(parse_file(inputs["corpus-standard-0002"]), Config())
    alone = set(fast.infer_one(first))
    fast.infer_one(second)
    assert set(fast.infer_one(first)) == alone
    assert not {s for s, _, _ in alone} & {s for s, _, _ in second}


# --------------------------------------------------------------------------------------------
# Validation


def without_detail_messages(report: Graph) -> Graph:
    """The report graph less the messages of nested results (sh:detail, from sh:node). Those
    are each engine's own generated text (pySHACL writes `<iri>`, turbo a prefixed name);
    every top-level result carries the shapes' own messages."""
    out = Graph()
    nested = set(report.objects(None, SH.detail))
    for s, p, o in report:
        if not (s in nested and p == SH.resultMessage):
            out.add((s, p, o))
    return out


def assert_same_reports(fast: validate.ValidationReport, reference: validate.ValidationReport):
    assert fast.results == reference.results
    assert fast.conforms == reference.conforms
    assert isomorphic(without_detail_messages(fast.report_graph),
                      without_detail_messages(reference.report_graph))


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_both_validators_agree_on_every_shape_fixture(fixture):
    data = Graph().parse(fixture)
    fast = validate.validate_graph(data, engine="turbo")
    assert_same_reports(fast, validate.validate_graph(data, engine="pyshacl"))
    # each fixture but the valid one breaks a rule: the comparison is not of two empty lists
    assert bool(fast.results) == (fixture.stem != "valid")


@pytest.mark.parametrize("name", STANDARD_IDS + ["seed-b325"])
def test_both_validators_agree_on_standards(inputs, name):
    std = parse_file(inputs[name])
    fast, reference = report_of(std, "turbo"), report_of(std, "pyshacl")
    assert_same_reports(fast, reference)
    assert (fast.source_file, fast.subject) == (reference.source_file, reference.subject)


def test_b325_under_turbo(inputs):
    """The undefined B.3.25 of line 123: one violation at that line, both messages tagged."""
    std = parse_file(inputs["seed-b325"])
    report = report_of(std, "turbo")
    [result] = report.results
    assert (result.severity, result.source_line, result.value) == (
        "violation", 123,
        "https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/version/draft/competence/B.3.25")
    assert result.message_en == ("Requires competence B.3.25, which is not a competence of this "
                                 "standard.")
    assert result.message_et == "Nõutud kompetentsi B.3.25 selles kutsestandardis ei ole."
    # the SPARQL messages lose their tags in turbo as in pySHACL; restore_languages restores them
    messages = set(report.report_graph.objects(None, SH.resultMessage))
    assert {m.language for m in messages} == {"en", "et"}


def test_turbo_leaves_the_data_graph_as_it_was(reference):
    """The reference triples are lent to the standard's graph for the call only."""
    graph = standard_graph(parse_file(SEED), Config())
    before = set(graph)
    lent = set(validate.needed_reference(reference, graph)) - before
    assert lent  # EQF levels and e-CF competences the seed cites
    report = validate.validate_graph(graph, reference, "turbo")
    assert report.conforms  # with the reference triples: no unknown level or e-CF code
    assert set(graph) == before


def test_shapes_are_compiled_once_per_process():
    assert validate.compiled_shapes() is validate.compiled_shapes()


def test_validator_engine_from_the_environment(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv(validate.ENGINE_VARIABLE, raising=False)
    assert validate.engine_name() == "turbo"
    monkeypatch.setenv(validate.ENGINE_VARIABLE, "pyshacl")
    assert validate.engine_name() == "pyshacl"
    monkeypatch.setenv(validate.ENGINE_VARIABLE, "shaclex")
    code = main(["validate", str(SEED), "--out", str(tmp_path / "build")])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.strip() == ("kutse-rdf: unknown SHACL engine 'shaclex' (KUTSE_RDF_SHACL); "
                           "use one of: turbo, pyshacl")


# --------------------------------------------------------------------------------------------
# Reports as plain data (worker processes, the on-disk cache)


def test_report_json_round_trip(inputs):
    std = parse_file(inputs["seed-b325"])
    report = report_of(std)
    data = json.loads(json.dumps(report.to_json()))  # plain JSON types only
    again = validate.ValidationReport.from_json(data)
    assert again.results == report.results and again.results
    assert (again.conforms, again.source_file, again.title, again.subject) == (
        False, "it-juht-tase-7.txt", "IT-juht, tase 7",
        "https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/version/draft")
    assert isomorphic(again.report_graph, report.report_graph)
    assert again.violations == report.violations


def test_write_reports_from_rebuilt_reports(inputs, tmp_path):
    """Reports rebuilt one by one (fresh blank nodes each) merge into the same files."""
    reports = []
    for name in ("seed-b325", "corpus-standard-0002"):
        std = parse_file(inputs[name])
        reports.append(report_of(std))
    rebuilt = [validate.ValidationReport.from_json(json.loads(json.dumps(r.to_json())))
               for r in reports]
    for folder, written in (("direct", reports), ("rebuilt", rebuilt)):
        validate.write_report_files([r.to_json() for r in written],
                                    [r.turtle_body() for r in written], tmp_path / folder)
    direct_json = (tmp_path / "direct/validation.json").read_text(encoding="utf-8")
    assert (tmp_path / "rebuilt/validation.json").read_text(encoding="utf-8") == direct_json
    direct = Graph().parse(tmp_path / "direct/validation.ttl")
    merged = Graph().parse(tmp_path / "rebuilt/validation.ttl")
    assert isomorphic(merged, direct)
    assert len(set(merged.subjects(RDF.type, SH.ValidationReport))) == 2
    assert len(set(merged.objects(None, SH.result))) == sum(len(r.results) for r in reports)
