"""Apache Jena's SHACL engine on the project's shapes: it loads them (one sh:message per SPARQL
constraint, apache/jena#3817) and finds what the project finds, on the seed and on the seed with
an undefined competence B.3.25 in a partial qualification: on the data graph the project
validates per standard, and on the whole dataset a registry loads (every standard graph plus the
reference graph), where pySHACL and pyshacl-turbo must agree too.

Jena runs where Java and its jars are installed: Debian's libapache-jena-java (scripts/test
installs it), whose jars come without launchers, so the test starts Jena's `shacl` command class
itself; or an upstream Jena distribution named by $JENA_HOME. Skipped, with the reason, where
neither is there.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kutse_rdf.config import Config
from kutse_rdf.graph import validate
from kutse_rdf.graph.uris import Uris

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
SHAPES = sorted((ROOT / "shapes").glob("*.ttl"))  # the files validate.shapes_graph() reads
KSHAPE = "https://w3id.org/kutse-rdf/shapes#"
STD = "https://w3id.org/kutse-rdf/id/standard/it-juht-tase-7/version/draft/"

DEBIAN_JARS = Path("/usr/share/java")
# What Debian's libapache-jena-java depends on, by the names of the unversioned jars. One SLF4J
# binding only: with all of /usr/share/java/* Jena stops on two bindings that loop.
DEBIAN_DEPENDENCIES = (
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
    "commons-lang3", "dexx.collection", "gson", "guava", "httpclient", "httpcore",
    "jackson-annotations", "jackson-core", "jackson-databind", "jakarta.json-api", "jsonld-java",
    "protobuf", "slf4j-api", "slf4j-nop", "thrift", "titanium-json-ld",
)
XERCES_BUNDLES = "org/apache/jena/ext/xerces/"


def jena_classpath(folder: Path) -> str:
    """The Java class path of Jena's command classes, or skip the test saying what is missing."""
    if shutil.which("java") is None:
        pytest.skip("no java on PATH (Debian: apt-get install default-jre-headless)")
    home = os.environ.get("JENA_HOME")
    if home:
        if not list(Path(home, "lib").glob("jena-shacl*.jar")):
            pytest.skip(f"JENA_HOME={home} has no lib/jena-shacl*.jar")
        return str(Path(home, "lib", "*"))
    jena = sorted(DEBIAN_JARS.glob("jena-*.jar"))
    if not any(j.name.startswith("jena-shacl") for j in jena):
        pytest.skip("Apache Jena is not installed (Debian: apt-get install libapache-jena-java, "
                    "or set JENA_HOME to a Jena distribution)")
    missing = [name for name in DEBIAN_DEPENDENCIES if not (DEBIAN_JARS / f"{name}.jar").exists()]
    if missing:
        pytest.skip(f"jars Jena needs are missing from {DEBIAN_JARS}: {', '.join(missing)}")
    return os.pathsep.join([str(_xerces_bundles(jena, folder)), *map(str, jena),
                            *(str(DEBIAN_JARS / f"{name}.jar") for name in DEBIAN_DEPENDENCIES)])


def _xerces_bundles(jars: list[Path], folder: Path) -> Path:
    """Debian's jena-core moves Jena's copy of Xerces to the package `xerces` but leaves its
    message bundles under org/apache/jena/ext/xerces/, so the first xsd datatype fails ("Couldn't
    load messages"). A folder with the bundles where the moved classes look for them."""
    out = folder / "xerces-bundles"
    for jar in jars:
        with zipfile.ZipFile(jar) as archive:
            for name in archive.namelist():
                if name.startswith(XERCES_BUNDLES) and name.endswith(".properties"):
                    target = out / "xerces" / name.removeprefix(XERCES_BUNDLES)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(name))
    return out


def jena_validate(classpath: str, data: Graph, folder: Path) -> set[tuple]:
    """Jena's `shacl validate` on `data` with the shapes files: (focus, shape, severity, value)
    of each result."""
    shapes = folder / "shapes.ttl"
    shapes.write_bytes(b"\n".join(f.read_bytes() for f in SHAPES))
    data_file = folder / "data.nt"
    data.serialize(data_file, format="nt", encoding="utf-8")
    run = subprocess.run(
        ["java", "-XX:TieredStopAtLevel=1", "-cp", classpath, "shacl.shacl", "validate",
         "--shapes", str(shapes), "--data", str(data_file)],
        capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0 and "ValidationReport" in run.stdout, run.stderr or run.stdout
    report = Graph().parse(data=run.stdout, format="turtle")
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)),
             str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1].lower(),
             _text(report.value(r, SH.value)))
            for top in report.subjects(RDF.type, SH.ValidationReport)
            for r in report.objects(top, SH.result)}


def _text(node) -> str | None:
    return None if node is None else str(node)


def found(results) -> set[tuple]:
    return {(r.focus, r.shape, r.severity, r.value) for r in results}


def seed(broken: bool, folder: Path) -> Path:
    """The seed's file, or a copy with line 123 (a B.1 entry of a partial qualification) naming
    B.3.25, which the standard does not define."""
    if not broken:
        return SEED
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert "B.3.10. Personaliarendus" in lines[122]
    lines[122] = lines[122].replace("B.3.10. Personaliarendus", "B.3.25. Personaliarendus")
    copy = folder / SEED.name
    copy.write_text("\n".join(lines), encoding="utf-8")
    return copy


EXPECTED = {
    False: set(),
    True: {(STD + "partial/it-meeskonna-ja-partnerlusjuht-tase-7",
            KSHAPE + "RequiredCompetence-exists", "violation", STD + "competence/B.3.25")},
}


@pytest.fixture(scope="module")
def classpath(tmp_path_factory) -> str:
    return jena_classpath(tmp_path_factory.mktemp("jena"))


@pytest.fixture(scope="module")
def made(tmp_path_factory, pipeline_dataset):
    """broken -> (the project's validation results, the dataset kutse-rdf build makes), both
    from the build's own units."""
    from kutse_rdf.build import cached_units

    def make(broken: bool):
        folder = tmp_path_factory.mktemp("seed")
        path = seed(broken, folder)
        with cached_units([path], folder / "build", Config(), jobs=1) as units:
            [unit] = units.units
            report = validate.ValidationReport.from_json(unit.validation_report())
        return report, pipeline_dataset([path])
    return make


@pytest.mark.parametrize("broken", [False, True], ids=["seed", "seed-with-B.3.25"])
def test_jena_finds_what_the_project_finds(classpath, made, broken, tmp_path):
    report, dataset = made(broken)
    assert found(report.results) == EXPECTED[broken]

    # the data graph the project validates: the standard's graph with what it says about its
    # council and authors' organisations (published in the shared graph), and the reference
    # triples the shapes read (validate.validate_graph)
    uris = Uris(Config().base_uri)
    graph = dataset.graph(URIRef(uris.graph_prefix + "it-juht-tase-7/version/draft"))
    data = Graph()
    data += graph
    data += dataset.graph(uris.shared_graph())
    data += validate.needed_reference(dataset.graph(uris.reference_graph()), graph)
    assert jena_validate(classpath, data, tmp_path) == EXPECTED[broken]

    # the whole dataset, reference vocabularies included
    whole = Graph()
    for named in dataset.graphs():
        whole += named
    assert jena_validate(classpath, whole, tmp_path) == EXPECTED[broken]


@pytest.mark.parametrize("engine", validate.ENGINES)
@pytest.mark.parametrize("broken", [False, True], ids=["seed", "seed-with-B.3.25"])
def test_the_python_engines_find_the_same_in_the_whole_dataset(made, engine, broken):
    _, dataset = made(broken)
    whole = Graph()
    for named in dataset.graphs():
        whole += named
    assert found(validate.validate_graph(whole, engine=engine).results) == EXPECTED[broken]
