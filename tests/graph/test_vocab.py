"""Reference vocabularies (e-CF 4.0/3.0, proficiency levels, EQF, ESCO subset) and the curated
SSSOM mappings.

Expected values were read from ../shared/reference/*.tsv and the seed standard and written here;
when ../shared/reference is present (beside the clone, as in CI) every row is cross-checked too.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kutse_rdf.graph import vocab
from kutse_rdf.config import Config
from kutse_rdf.errors import DataError
from kutse_rdf.graph.namespaces import ECF3, ECF4, ECF_LEVEL, EQF, EQF_SCHEME, ESCO, ESCO_ISCO, KUTSE

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "reference"
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
KUTSEID = "https://w3id.org/kutse-rdf/id/"
STD = KUTSEID + "standard/it-juht-tase-7/"

# From ecf-4.0.tsv: code -> (title, levels)
ECF4_SAMPLE = {
    "A.1": ("IS and Business Strategy Alignment", [4, 5]),
    "A.8": ("Sustainability Management", [3, 4]),
    "A.10": ("User Experience", [2, 3, 4]),
    "B.3": ("Testing", [1, 2, 3, 4]),
    "C.5": ("Systems Management", [1, 2, 3]),
    "D.7": ("Data Science and Analytics", [2, 3, 4, 5]),
    "D.10": ("Information and Knowledge Management", [3, 4, 5]),
    "E.9": ("Information Systems Governance", [4, 5]),
}
# From ecf-3.0.tsv: code -> (title, 4.0 counterpart, match)
ECF3_SAMPLE = {
    "A.1": ("IS and Business Strategy Alignment", "A.1", "exact"),
    "A.8": ("Sustainable Development", "A.8", "close"),
    "B.6": ("Systems Engineering", "B.6", "close"),
    "D.5": ("Sales Proposal Development", "D.5", "broad"),
    "D.6": ("Channel Management", "D.5", "broad"),
    "D.7": ("Sales Management", "D.5", "broad"),
    "D.12": ("Digital Marketing", "D.6", "exact"),
    "E.9": ("IS Governance", "E.9", "exact"),
}
# Every e-CF code the seed cites (A.2 work parts and B.3 competences, read from the document).
SEED_ECF = ["A.1", "A.2", "A.3", "A.5", "A.7", "A.8", "A.9", "C.4", "D.1", "D.2", "D.4", "D.9",
            "D.10", "D.11", "E.2", "E.3", "E.4", "E.5", "E.7", "E.8", "E.9"]
PARTIALS = ["it-arendusjuht-tase-7", "it-haldusjuht-tase-7",
            "it-meeskonna-ja-partnerlusjuht-tase-7", "andmehaldusejuht-tase-7",
            "infoturbejuht-tase-7"]


@pytest.fixture(scope="module")
def ref():
    return vocab.load_reference()


def shared_rows(name: str) -> list[dict]:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


# --- e-CF ---------------------------------------------------------------------------------------

def test_ecf_4_has_41_competences_in_five_areas():
    comps = vocab.ecf_competences("4.0")
    assert len(comps) == 41
    per_area = {a: sum(c.area == a for c in comps) for a in "ABCDE"}
    assert per_area == {"A": 10, "B": 6, "C": 5, "D": 11, "E": 9}
    assert vocab.ecf_areas() == {"A": "Plan", "B": "Build", "C": "Run", "D": "Enable", "E": "Manage"}


def test_ecf_3_has_40_competences():
    comps = vocab.ecf_competences("3.0")
    assert len(comps) == 40
    per_area = {a: sum(c.area == a for c in comps) for a in "ABCDE"}
    assert per_area == {"A": 9, "B": 6, "C": 4, "D": 12, "E": 9}
    assert all(c.counterpart and c.match in {"exact", "close", "broad"} for c in comps)


@pytest.mark.parametrize("code", sorted(ECF4_SAMPLE))
def test_ecf_4_sample_titles_levels_and_uris(code, ref):
    title, levels = ECF4_SAMPLE[code]
    comp = {c.code: c for c in vocab.ecf_competences("4.0")}[code]
    assert (comp.title, comp.levels) == (title, levels)
    uri = URIRef(f"https://w3id.org/kutse-rdf/ecf/4.0/{code}")
    assert comp.uri == str(uri)
    area = URIRef("https://w3id.org/kutse-rdf/ecf/4.0/" + code[0])
    assert (uri, SKOS.prefLabel, Literal(title, lang="en")) in ref
    assert (uri, SKOS.notation, Literal(code)) in ref
    assert (uri, SKOS.broader, area) in ref
    assert (uri, KUTSE.ecfArea, area) in ref
    assert (uri, SKOS.inScheme, URIRef("https://w3id.org/kutse-rdf/ecf/4.0/")) in ref
    assert {str(p) for p in ref.objects(uri, KUTSE.proficiencyLevel)} == {
        f"https://w3id.org/kutse-rdf/ecf/level/e-{n}" for n in levels}


@pytest.mark.parametrize("code", sorted(ECF3_SAMPLE))
def test_ecf_3_sample_titles_and_crosswalk(code, ref):
    title, target, match = ECF3_SAMPLE[code]
    comp = {c.code: c for c in vocab.ecf_competences("3.0")}[code]
    assert (comp.title, comp.counterpart, comp.match) == (title, target, match)
    predicate = {"exact": SKOS.exactMatch, "close": SKOS.closeMatch, "broad": SKOS.broadMatch}[match]
    assert (ECF3[code], predicate, ECF4[target]) in ref
    assert (ECF3[code], SKOS.broader, ECF3[code[0]]) in ref


def test_every_ecf_4_competence_has_contiguous_levels_and_full_skos(ref):
    for comp in vocab.ecf_competences("4.0"):
        assert comp.levels, comp.code
        assert comp.levels == list(range(comp.levels[0], comp.levels[-1] + 1))
        assert set(comp.levels) <= {1, 2, 3, 4, 5}
    for version, ns in (("4.0", ECF4), ("3.0", ECF3)):
        scheme = URIRef(ns)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ref
        areas = set(ref.subjects(SKOS.topConceptOf, scheme))
        assert areas == {ns[a] for a in "ABCDE"}
        members = set(ref.subjects(SKOS.inScheme, scheme)) - areas
        assert len(members) == (41 if version == "4.0" else 40)


@pytest.mark.parametrize("code", SEED_ECF)
def test_every_ecf_code_the_seed_cites_resolves_in_4_0(code, ref):
    assert (ECF4[code], SKOS.inScheme, URIRef(ECF4)) in ref


def test_the_seed_cites_exactly_those_codes():
    text = SEED.read_text(encoding="utf-8")
    cited = set()
    for match in re.finditer(r"e-CF kompetents(?:id)? ([A-E]\.\d+)(?: ja ([A-E]\.\d+))?", text):
        cited.update(c for c in match.groups() if c)
    assert cited == set(SEED_ECF)


def test_ecf_versions_are_checked():
    from kutse_rdf.errors import InputError

    with pytest.raises(InputError):
        vocab.ecf_competences("2.0")


def test_ecf_against_shared_reference():
    comps = {c.code: c for c in vocab.ecf_competences("4.0")}
    rows = shared_rows("ecf-4.0.tsv")
    assert len(rows) == len(comps)
    for row in rows:
        comp = comps[row["code"]]
        assert (comp.area, comp.title) == (row["area"], row["title"])
        assert comp.levels == list(range(int(row["min_level"]), int(row["max_level"]) + 1))
    comps3 = {c.code: c for c in vocab.ecf_competences("3.0")}
    rows = shared_rows("ecf-3.0.tsv")
    assert len(rows) == len(comps3)
    for row in rows:
        comp = comps3[row["code"]]
        assert (comp.area, comp.title) == (row["area"], row["title"])
        assert comp.counterpart == row["same_as_4.0"].split(" ")[0]


# --- levels and EQF -----------------------------------------------------------------------------

def test_proficiency_levels_relate_to_eqf(ref):
    expected = {1: {3}, 2: {4, 5}, 3: {6}, 4: {7}, 5: {8}}
    for n, eqf in expected.items():
        level = ECF_LEVEL[f"e-{n}"]
        assert (level, SKOS.inScheme, URIRef(ECF_LEVEL)) in ref
        assert {str(o) for o in ref.objects(level, KUTSE.correspondingEqfLevel)} == {
            f"http://data.europa.eu/snb/eqf/{m}" for m in eqf}


def test_eqf_levels_1_to_8(ref):
    levels = set(ref.subjects(SKOS.inScheme, EQF_SCHEME))
    assert levels == {URIRef(f"http://data.europa.eu/snb/eqf/{n}") for n in range(1, 9)}
    assert str(EQF_SCHEME) == "http://data.europa.eu/snb/eqf/25831c2"
    for level in levels:
        assert {o.language for o in ref.objects(level, SKOS.prefLabel)} == {"en", "et"}
    assert (EQF["7"], SKOS.notation, Literal("7")) in ref
    assert (EQF["7"], SKOS.prefLabel, Literal("EQF level 7", lang="en")) in ref


def test_level_consistency_check_of_the_contract_works_on_the_reference(ref):
    # docs/graph-model.md: E citing competence at eqf:N is consistent when some level of E
    # corresponds to eqf:N. A.1 is defined at e-4, e-5 -> EQF 7 and 8.
    eqf = {str(q) for p in ref.objects(ECF4["A.1"], KUTSE.proficiencyLevel)
           for q in ref.objects(p, KUTSE.correspondingEqfLevel)}
    assert eqf == {"http://data.europa.eu/snb/eqf/7", "http://data.europa.eu/snb/eqf/8"}


# --- ESCO subset --------------------------------------------------------------------------------

def test_esco_isco_chain_and_types(ref):
    chain = ["C1330", "C133", "C13", "C1"]
    for child, parent in zip(chain, chain[1:]):
        assert (ESCO_ISCO[child], SKOS.broader, ESCO_ISCO[parent]) in ref
    assert (ESCO_ISCO.C1330, SKOS.prefLabel,
            Literal("Information and communications technology service managers", lang="en")) in ref
    occupations = set(ref.subjects(RDF.type, ESCO.Occupation))
    skills = set(ref.subjects(RDF.type, ESCO.Skill))
    assert len(occupations) == 9 and len(skills) == 21  # esco.tsv rows
    cio = URIRef("http://data.europa.eu/esco/occupation/82f90e87-de92-4678-adae-61d3e5f7e1e4")
    assert (cio, SKOS.prefLabel, Literal("chief information officer", lang="en")) in ref
    assert (cio, ESCO.memberOfISCOGroup, ESCO_ISCO.C1330) in ref
    ciso = URIRef("http://data.europa.eu/esco/occupation/276ba420-ef09-4a0e-b215-2c2e2f80ad28")
    assert (ciso, ESCO.memberOfISCOGroup, ESCO_ISCO.C2529) in ref
    for occupation in occupations:
        assert ref.value(occupation, ESCO.memberOfISCOGroup) is not None


def test_esco_against_shared_reference(ref):
    for row in shared_rows("esco.tsv"):
        uri = URIRef(row["uri"])
        assert (uri, SKOS.prefLabel, Literal(row["preferred_label_en"], lang="en")) in ref, uri
        kind = {"isco-group": ESCO.ISCOGroup, "occupation": ESCO.Occupation, "skill": ESCO.Skill}
        assert (uri, RDF.type, kind[row["kind"]]) in ref


# --- mappings -----------------------------------------------------------------------------------

def test_mappings_load_with_subjects_from_the_seed(ref):
    mappings = vocab.load_mappings()
    assert {m.source_file for m in mappings} == {"it-juht-occupations.sssom.tsv",
                                                 "it-juht-skills.sssom.tsv"}
    subjects = {m.subject for m in mappings}
    qualifications = {STD + "qualification"} | {STD + "partial/" + p for p in PARTIALS}
    assert qualifications <= subjects  # the kutse and each of its five osakutsed
    competences = {STD + f"competence/B.3.{n}" for n in range(1, 20)}
    assert subjects <= qualifications | competences
    for m in mappings:
        assert m.predicate in {str(SKOS.exactMatch), str(SKOS.closeMatch), str(SKOS.broadMatch),
                               str(SKOS.narrowMatch), str(SKOS.relatedMatch),
                               str(KUTSE.qualifiesFor)}
        assert (URIRef(m.subject), URIRef(m.predicate), URIRef(m.object)) in ref
        # every object is in the local ESCO subset, under the label the row gives
        assert (URIRef(m.object), SKOS.prefLabel, Literal(m.object_label, lang="en")) in ref, m.line
        assert 0 < m.confidence <= 1 and m.comment and m.author and m.date == "2026-11-27"
        assert m.justification == "https://w3id.org/semapv/vocab/ManualMappingCuration"


def test_occupation_mappings_point_to_occupations(ref):
    by_subject = {}
    for m in vocab.load_mappings():
        by_subject.setdefault(m.subject, []).append(m)
    cdo = "http://data.europa.eu/esco/occupation/e297ec12-4712-40a4-ad98-ba004cacb205"
    assert any(m.object == cdo and m.predicate == str(KUTSE.qualifiesFor)
               for m in by_subject[STD + "partial/andmehaldusejuht-tase-7"])
    # a credential is not an occupation: no qualification is a close (or exact) match of one
    qualifications = {s for s in by_subject if "/competence/" not in s}
    assert not [m for s in qualifications for m in by_subject[s]
                if m.predicate in (str(SKOS.closeMatch), str(SKOS.exactMatch), str(SKOS.broadMatch),
                                   str(SKOS.narrowMatch))]
    ciso = "http://data.europa.eu/esco/occupation/276ba420-ef09-4a0e-b215-2c2e2f80ad28"
    assert any(m.object == ciso for m in by_subject[STD + "partial/infoturbejuht-tase-7"])


def test_mappings_follow_the_base_uri():
    config = Config(base_uri="https://data.example.ee/kutse/")
    mappings = vocab.load_mappings(config)
    assert all(m.subject.startswith("https://data.example.ee/kutse/standard/it-juht-tase-7/")
               for m in mappings)
    graph = vocab.load_reference(config)
    subject = URIRef("https://data.example.ee/kutse/standard/it-juht-tase-7/competence/B.3.14")
    assert set(graph.objects(subject, SKOS.closeMatch)) == {
        URIRef("http://data.europa.eu/esco/skill/69cfc5ed-6569-4aca-a4cc-fd782ba51d9c")}
    assert not any(str(s).startswith(KUTSEID) for s in graph.subjects())


def test_load_reference_returns_independent_graphs():
    first = vocab.load_reference()
    n = len(first)
    first.remove((None, None, None))
    assert len(vocab.load_reference()) == n
    assert len(vocab.vocabulary_graph()) < n  # mappings add triples


HEADER = """# curie_map:
#   kutseid: https://w3id.org/kutse-rdf/id/
#   skos: http://www.w3.org/2004/02/skos/core#
#   semapv: https://w3id.org/semapv/vocab/
#   ESCO.SKILL: http://data.europa.eu/esco/skill/
# mapping_set_id: https://example.org/test
# license: https://spdx.org/licenses/EUPL-1.2.html
subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence
"""
GOOD = "kutseid:standard/s/competence/B.3.1\tskos:closeMatch\tESCO.SKILL:x\tsemapv:ManualMappingCuration\t0.5\n"


def write(tmp_path, body, header=HEADER):
    path = tmp_path / "t.sssom.tsv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path):
    (m,) = vocab.read_mapping_file(write(tmp_path, GOOD), "https://b.example/")
    assert (m.subject, m.object, m.line) == ("https://b.example/standard/s/competence/B.3.1",
                                             "http://data.europa.eu/esco/skill/x", 9)


@pytest.mark.parametrize("row,line,message", [
    (GOOD + GOOD.replace("ESCO.SKILL:x", "ESCO.OCC:y"), 10, "prefix 'ESCO.OCC'"),
    (GOOD.replace("skos:closeMatch", "owl:sameAs"), 9, "not a SKOS mapping relation"),
    (GOOD.replace("\t0.5", ""), 9, "row has 4 cells"),
    (GOOD.replace("\t0.5", "\t1.5"), 9, "confidence"),
    (GOOD.replace("semapv:ManualMappingCuration", ""), 9, "empty mapping_justification"),
    (GOOD.replace("kutseid:standard", "kutseid standard"), 9, "neither a CURIE"),
])
def test_malformed_rows_name_file_and_line(tmp_path, row, line, message):
    path = write(tmp_path, row)
    with pytest.raises(DataError) as info:
        vocab.read_mapping_file(path)
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert message in str(info.value)
    assert info.value.exit_code == 1


def test_exact_match_from_a_competence_to_esco_is_refused(tmp_path):
    """skos:exactMatch is transitive: two standards' competences mapped exactly to one ESCO
    skill would become exact matches of each other."""
    path = write(tmp_path, GOOD + GOOD.replace("skos:closeMatch", "skos:exactMatch"))
    with pytest.raises(DataError) as info:
        vocab.read_mapping_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}:10: skos:exactMatch from a standard's competence to ESCO")
    assert "use skos:closeMatch or skos:narrowMatch" in message and "\n" not in message
    assert info.value.exit_code == 1
    # a rejected exactMatch (predicate_modifier Not) is a decision, not a triple: accepted
    header = HEADER.replace("\tconfidence\n", "\tconfidence\tpredicate_modifier\n")
    rejected = GOOD.replace("skos:closeMatch", "skos:exactMatch").replace("\t0.5\n", "\t0.5\tNot\n")
    assert vocab.read_mapping_file(write(tmp_path, rejected, header))[0].rejected
    # a full IRI under another base is a competence too
    other = GOOD.replace("skos:closeMatch", "skos:exactMatch").replace(
        "kutseid:standard/s/competence/B.3.1", "https://data.example.ee/kutse/standard/s/competence/B.3.1")
    with pytest.raises(DataError, match=r":9: skos:exactMatch from a standard's competence"):
        vocab.read_mapping_file(write(tmp_path, other))


def test_exact_match_elsewhere_is_still_accepted(tmp_path):
    # e.g. an e-CF 3.0 concept to ESCO, or a competence to something that is not ESCO
    header = HEADER.replace("#   ESCO.SKILL:", "#   ecf3: https://w3id.org/kutse-rdf/ecf/3.0/\n#   ESCO.SKILL:")
    rows = (GOOD.replace("skos:closeMatch", "skos:exactMatch")
            .replace("kutseid:standard/s/competence/B.3.1", "ecf3:A.1")
            + GOOD.replace("skos:closeMatch", "skos:exactMatch").replace("ESCO.SKILL:x", "ecf3:A.1"))
    assert len(vocab.read_mapping_file(write(tmp_path, rows, header))) == 2


def test_missing_column_names_the_header_line(tmp_path):
    header = HEADER.replace("\tobject_id", "")
    path = write(tmp_path, GOOD.replace("\tESCO.SKILL:x", ""), header)
    with pytest.raises(DataError, match=r"t\.sssom\.tsv:8: missing column\(s\) object_id"):
        vocab.read_mapping_file(path)


def test_missing_curie_map_is_an_error(tmp_path):
    path = write(tmp_path, GOOD, HEADER.split("# mapping_set_id")[0].replace("curie_map", "curies")
                 + "subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\n")
    with pytest.raises(DataError, match="no curie_map"):
        vocab.read_mapping_file(path)


def test_mapping_subjects_and_ecf_citations_resolve_in_the_seed_graph(seed_standard):
    """End to end with the parser and converter: each mapping subject is a concept the seed's
    graph defines with the label the mapping row gives, and each e-CF code it cites resolves
    in the scheme of the version the standard uses."""
    from kutse_rdf.graph.convert import standard_graph

    config = Config()
    graph = standard_graph(seed_standard, config)
    ref = vocab.load_reference(config)
    # a mapping names a version-independent resource: its label is the seed's (the current
    # version's, here the draft's) label of that resource
    for m in vocab.load_mappings(config):
        held = URIRef(m.subject.replace(STD, STD + "version/draft/"))
        assert (held, SKOS.prefLabel, Literal(m.subject_label, lang="et")) in graph, m.line
    version = str(graph.value(URIRef(STD + "version/draft"), KUTSE.ecfVersion))
    scheme = URIRef({"4.0": ECF4, "3.0": ECF3}[version])
    cited = set(graph.objects(None, KUTSE.citesEcf))
    assert {str(c).rsplit("/", 1)[1] for c in cited} == set(SEED_ECF)
    for concept in cited:
        assert (concept, SKOS.inScheme, scheme) in ref, concept


def test_callers_cannot_corrupt_the_cache():
    first = vocab.ecf_competences("4.0")
    first[0].levels.append(99)
    first.clear()
    assert vocab.ecf_competences("4.0")[0].levels == [4, 5]
    vocab.load_mappings()[0].extra["x"] = "y"
    assert vocab.load_mappings()[0].extra == {}
