"""Shared fixtures. Stage modules are imported inside fixtures so that a test file of one stage
does not fail to collect while another stage is being built."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The tests' reference graph has the shipped ESCO subset, whatever release the user imported
# (`kutse-rdf esco import`): an empty store folder of their own. test_esco.py sets its own.
os.environ["KUTSE_RDF_ESCO"] = os.path.join(tempfile.gettempdir(), f"kutse-rdf-test-esco-{os.getpid()}")

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_standard():
    from kutse_rdf.reading.parser import parse_file

    return parse_file(SEED)


@pytest.fixture(scope="session")
def pipeline_dataset(tmp_path_factory):
    """make(files) -> the graph `kutse-rdf build` makes of those standard files, as an rdflib
    Dataset (for the reference engines): each standard's named graph, the shared graph, the
    reference graph and the inferred graph, from the build's own units."""
    from rdflib import Dataset, URIRef

    from kutse_rdf.build import cached_units
    from kutse_rdf.config import Config
    from kutse_rdf.engine.dumps import shared_graph_lines
    from kutse_rdf.graph.uris import Uris

    def make(files: list[Path]) -> Dataset:
        config = Config()
        uris = Uris(config.base_uri)
        dataset = Dataset()
        with cached_units(list(files), tmp_path_factory.mktemp("units"), config, jobs=1) as made:
            assert not made.result.failures, made.result.failures
            reference = made.reference()
            graphs = [(URIRef(u.graph_uri), [u.data("graph_nt")]) for u in made.units]
            graphs += [(uris.shared_graph(), [shared_graph_lines(made.units, reference)]),
                       (uris.reference_graph(), [reference.data("graph_nt")]),
                       (uris.inferred_graph(), [reference.data("inferred_shared_nt"),
                                                *(u.data(name) for u in made.units for name in
                                                  ("inferred_nt", "inferred_shared_nt"))])]
            for name, parts in graphs:
                graph = dataset.graph(name)
                for nt in parts:
                    graph.parse(data=nt.decode("utf-8"), format="nt")
        return dataset

    return make
