"""Each SHACL shape (shapes/*.ttl) against a fixture that must violate it.

Every fixture in tests/fixtures/shapes/ is valid.ttl with one change; the test asserts the focus
node, path, value, severity and both messages of the result, and that no other rule fired
(unless the change necessarily breaks a second rule, listed in `also`). A shape that appears in
no row of CASES fails test_every_shape_has_a_failing_fixture.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS

from kutse_rdf.graph import validate
from kutse_rdf.graph.namespaces import KUTSE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shapes"
KSHAPE = "https://w3id.org/kutse-rdf/shapes#"
STD = "https://example.org/id/standard/t"
T = STD + "/"
KUTSE_NS = "https://w3id.org/kutse-rdf/ontology#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
ECF4 = "https://w3id.org/kutse-rdf/ecf/4.0/"
ORPHAN_PATH = "(" + "|".join([
    f"^{KUTSE_NS}requiresCompetence", f"{KUTSE_NS}requiresCompetence", f"^{KUTSE_NS}option",
    f"{KUTSE_NS}isPartialQualificationOf",
    *(SKOS_NS + p for p in ("broader", "narrower", "related", "topConceptOf")),
    *(f"^{SKOS_NS}{p}" for p in ("broader", "narrower", "related", "hasTopConcept"))]) + ")"


def case(fixture, shape, focus, path, value, severity, en, et, line, also=()):
    return pytest.param(fixture, shape, focus, path, value, severity, en, et, line, also,
                        id=fixture)


CASES = [
    # --- the standard
    case("standard-ecfversion-missing", "Standard-ecfVersion-count", STD, KUTSE_NS + "ecfVersion",
         None, "violation",
         "The standard must state exactly one e-CF version (kutse:ecfVersion).",
         "Kutsestandardil peab olema täpselt üks e-CF versioon (kutse:ecfVersion).", 1),
    case("standard-ecfversion-unknown", "Standard-ecfVersion-known", STD, KUTSE_NS + "ecfVersion",
         "5.0", "violation",
         'Unknown e-CF version; known versions are "4.0" and "3.0".',
         'Tundmatu e-CF versioon; lubatud on "4.0" ja "3.0".', 1),
    # --- levels
    case("level-missing", "Level-count", T + "competence/B.3.1", KUTSE_NS + "hasLevel", None,
         "violation", "Must have exactly one EQF level (kutse:hasLevel).",
         "Peab olema täpselt üks EKR/EQF tase (kutse:hasLevel).", 20),
    case("level-not-eqf", "Level-is-eqf", T + "partial/p", KUTSE_NS + "hasLevel",
         "https://example.org/level/7", "violation",
         "The level is not an EQF level concept (http://data.europa.eu/snb/eqf/1 … 8).",
         "Tase ei ole EQF taseme mõiste (http://data.europa.eu/snb/eqf/1 … 8).", 10),
    # --- partial qualifications
    case("partial-no-competence", "PartialQualification-has-competence", T + "partial/p",
         f"({KUTSE_NS}requiresCompetence|{KUTSE_NS}hasCompetenceChoice)", None, "violation",
         "The partial qualification requires no competence, not even as a choice.",
         "Osakutse ei nõua ühtegi kompetentsi, ka mitte valikuna.", 10),
    case("partial-no-qualification", "PartialQualification-one-qualification", T + "partial/p",
         KUTSE_NS + "isPartialQualificationOf", None, "violation",
         "The partial qualification must belong to exactly one qualification.",
         "Osakutse peab kuuluma täpselt ühte kutsesse.", 10),
    case("partial-two-qualifications", "PartialQualification-one-qualification", T + "partial/p",
         KUTSE_NS + "isPartialQualificationOf", None, "violation",
         "The partial qualification must belong to exactly one qualification.",
         "Osakutse peab kuuluma täpselt ühte kutsesse.", 10),
    case("partial-of-non-qualification", "PartialQualification-of-qualification", T + "partial/p",
         KUTSE_NS + "isPartialQualificationOf", T + "competence/B.3.1", "violation",
         "The partial qualification belongs to something that is not a qualification "
         "(kutse:Qualification).",
         "Osakutse kuulub millessegi, mis ei ole kutse (kutse:Qualification).", 10),
    case("partial-level-above", "PartialQualification-level-not-above", T + "partial/p",
         KUTSE_NS + "hasLevel", "http://data.europa.eu/snb/eqf/8", "violation",
         "The partial qualification's level (EQF 8) is above its qualification's (EQF 7).",
         "Osakutse tase (EKR 8) on kõrgem kui kutse tase (EKR 7).", 10),
    case("partial-broader", "PartialQualification-no-broader", T + "partial/p",
         SKOS_NS + "broader", None, "violation",
         "A partial qualification is part of the qualification, not a kind of it: no "
         "skos:broader (kutse:isPartialQualificationOf says part of).",
         "Osakutse on kutse osa, mitte selle liik: skos:broader ei sobi (kasuta "
         "kutse:isPartialQualificationOf).", 10),
    case("credential-not-awardable", "Credential-awardable", T + "qualification",
         KUTSE_NS + "awardable", None, "violation",
         "Typed as a credential (schema:EducationalOccupationalCredential), but the document "
         "does not make it awardable (kutse:awardable true).",
         "Kutsetunnistusena (schema:EducationalOccupationalCredential) tüübitud, kuid dokument "
         "ei tee seda omistatavaks (kutse:awardable true).", 1),
    case("partial-undefined-competence", "RequiredCompetence-exists", T + "partial/p",
         KUTSE_NS + "requiresCompetence", T + "competence/B.3.25", "violation",
         "Requires competence B.3.25, which is not a competence of this standard.",
         "Nõutud kompetentsi B.3.25 selles kutsestandardis ei ole.", 10),
    # --- competences
    case("competence-no-notation", "Competence-notation", T + "competence/B.3.1",
         SKOS_NS + "notation", None, "violation",
         "A competence must have exactly one notation (skos:notation, e.g. B.3.5).",
         "Kompetentsil peab olema täpselt üks tähis (skos:notation, nt B.3.5).", 20),
    case("competence-no-et-label", "Competence-prefLabel-et", T + "competence/B.3.1",
         SKOS_NS + "prefLabel", None, "violation",
         "A competence must have exactly one Estonian name (skos:prefLabel @et).",
         "Kompetentsil peab olema täpselt üks eestikeelne nimetus (skos:prefLabel @et).", 20),
    case("competence-two-et-labels", "Competence-prefLabel-et", T + "competence/B.3.1",
         SKOS_NS + "prefLabel", None, "violation",
         "A competence must have exactly one Estonian name (skos:prefLabel @et).",
         "Kompetentsil peab olema täpselt üks eestikeelne nimetus (skos:prefLabel @et).", 20,
         also=("Skos-unique-prefLabel",)),
    case("competence-no-indicator", "Competence-indicator", T + "competence/B.3.1",
         KUTSE_NS + "hasIndicator", None, "violation",
         "The competence has no performance indicator.",
         "Kompetentsil ei ole ühtegi tegevusnäitajat.", 20),
    case("competence-not-required", "Competence-required", T + "competence/B.3.2",
         f"(^{KUTSE_NS}requiresCompetence|^{KUTSE_NS}option)", None, "warning",
         "The competence is required neither by the qualification nor by any partial "
         "qualification or specialisation, not even as an option.",
         "Kompetentsi ei nõua kutse, ükski osakutse ega spetsialiseerumine, ka mitte valikuna.",
         30),
    # --- choice groups of B.1
    case("choice-minimum-zero", "CompetenceChoice-minimum", T + "qualification#choice-1",
         KUTSE_NS + "minimum", "0", "violation",
         "A choice must have exactly one minimum, an integer of at least 1 (kutse:minimum).",
         "Valikul peab olema täpselt üks miinimum, täisarv vähemalt 1 (kutse:minimum).", 5),
    case("choice-no-option", "CompetenceChoice-option", T + "qualification#choice-1",
         KUTSE_NS + "option", None, "violation", "The choice has no option (kutse:option).",
         "Valikus ei ole ühtegi kompetentsi (kutse:option).", 5),
    case("choice-minimum-above-options", "CompetenceChoice-minimum-at-most-options",
         T + "qualification#choice-1", KUTSE_NS + "minimum", "2", "violation",
         "The choice asks for at least 2 competences but offers 1.",
         "Valik nõuab vähemalt 2 kompetentsi, kuid pakub 1.", 5),
    case("choice-undefined-option", "CompetenceChoice-option-exists",
         T + "qualification#choice-1", KUTSE_NS + "option", T + "competence/B.3.25",
         "violation", "Offers competence B.3.25, which is not a competence of this standard.",
         "Valikus olevat kompetentsi B.3.25 selles kutsestandardis ei ole.", 5),
    case("competence-level-mismatch", "Competence-level-consistent", T + "competence/B.3.1",
         KUTSE_NS + "citesEcf", ECF4 + "A.1", "warning",
         "The competence's level EQF 6 matches no proficiency level at which e-CF A.1 is defined.",
         "Kompetentsi tasemele EKR 6 ei vasta ükski e-CF kompetentsi A.1 oskustase.", 20),
    case("competence-ecf-unknown", "EcfCitation-exists", T + "competence/B.3.1",
         KUTSE_NS + "citesEcf", ECF4 + "A.99", "violation",
         "Cites an e-CF competence that does not exist in the e-CF framework.",
         "Viidatud e-CF kompetentsi ei ole e-CF raamistikus.", 20),
    case("workpart-ecf-unknown", "EcfCitation-exists", T + "work-part/A.2.1",
         KUTSE_NS + "citesEcf", ECF4 + "F.1", "violation",
         "Cites an e-CF competence that does not exist in the e-CF framework.",
         "Viidatud e-CF kompetentsi ei ole e-CF raamistikus.", 5),
    case("standard-ecf-other-version", "EcfCitation-version", STD, None,
         "https://w3id.org/kutse-rdf/ecf/3.0/A.1", "violation",
         "Cites e-CF 3.0/A.1 from another e-CF version than the standard's e-CF 4.0.",
         "Viidatud e-CF kompetents 3.0/A.1 ei ole kutsestandardis märgitud e-CF 4.0 versioonist.",
         1),
    # --- authors
    case("author-affiliation-literal", "Author-affiliation", STD + "#author-mari-maasikas",
         "https://schema.org/affiliation", "Näidis OÜ", "violation",
         "An author's organisation (schema:affiliation) must be an organisation with a name "
         "(schema:Organization, schema:name).",
         "Koostaja organisatsioon (schema:affiliation) peab olema nimega organisatsioon "
         "(schema:Organization, schema:name).", 50),
    # --- SKOS quality
    case("skos-duplicate-preflabel", "Skos-unique-prefLabel", T + "qualification",
         SKOS_NS + "prefLabel", None, "violation",
         "More than one preferred label in one language (skos:prefLabel; SKOS S14).",
         "Ühes keeles on mitu eelistatud nimetust (skos:prefLabel; SKOS S14).", 1),
    case("skos-preflabel-altlabel", "Skos-prefLabel-altLabel-disjoint", T + "qualification",
         SKOS_NS + "prefLabel", "T, tase 7", "violation",
         "The same label is both preferred and alternative (skos:prefLabel and skos:altLabel; "
         "SKOS S13).",
         "Sama nimetus on nii eelistatud kui ka alternatiivne (skos:prefLabel ja skos:altLabel; "
         "SKOS S13).", 1),
    case("empty-preflabel", "Empty-prefLabel", T + "partial/p", SKOS_NS + "prefLabel", "",
         "violation", "Empty label (skos:prefLabel).", "Tühi nimetus (skos:prefLabel).", 10),
    case("empty-altlabel", "Empty-altLabel", T + "qualification", SKOS_NS + "altLabel", "  ",
         "violation", "Empty label (skos:altLabel).", "Tühi nimetus (skos:altLabel).", 1),
    case("empty-label", "Empty-label", T + "competence/B.3.1/indicator/1",
         "http://www.w3.org/2000/01/rdf-schema#label", " \t ", "violation",
         "Empty text (rdfs:label).", "Tühi tekst (rdfs:label).", 23),
    case("empty-title", "Empty-title", STD, "http://purl.org/dc/terms/title", "", "violation",
         "Empty title (dct:title).", "Tühi pealkiri (dct:title).", 1),
    case("skos-exactmatch-clash", "Skos-exactMatch-clash", T + "competence/B.3.1",
         SKOS_NS + "broadMatch", "http://data.europa.eu/esco/skill/x", "violation",
         f"http://data.europa.eu/esco/skill/x is both skos:exactMatch and {SKOS_NS}broadMatch "
         "(SKOS S46).",
         f"http://data.europa.eu/esco/skill/x on korraga skos:exactMatch ja {SKOS_NS}broadMatch "
         "(SKOS S46).", 20, also=("Competence-no-exactMatch-to-esco",)),
    case("competence-exactmatch-esco", "Competence-no-exactMatch-to-esco", T + "competence/B.3.1",
         SKOS_NS + "exactMatch", "http://data.europa.eu/esco/skill/x", "violation",
         "skos:exactMatch from a competence to ESCO (http://data.europa.eu/esco/skill/x): use "
         "skos:closeMatch or skos:narrowMatch.",
         "skos:exactMatch kompetentsist ESCO-sse (http://data.europa.eu/esco/skill/x): kasuta "
         "skos:closeMatch või skos:narrowMatch.", 20),
    case("skos-mapping-class", "Skos-mapping-between-concepts", KUTSE_NS + "Competence",
         SKOS_NS + "closeMatch", "http://data.europa.eu/esco/model#Skill", "violation",
         f"{SKOS_NS}closeMatch http://data.europa.eu/esco/model#Skill relates a class, not two "
         "concepts (class alignments belong in an SSSOM class-mapping set).",
         f"{SKOS_NS}closeMatch http://data.europa.eu/esco/model#Skill seob klassi, mitte kahte "
         "mõistet (klasside vastavused kuuluvad SSSOM klassivastavuste faili).", None),
    case("level-two-en-preferred-labels", "Level-unique-prefLabel",
         "http://data.europa.eu/snb/eqf/7", SKOS_NS + "prefLabel", None, "violation",
         "The level concept has more than one preferred label in one language (skos:prefLabel; "
         "SKOS S14, across the published graphs).",
         "Taseme mõistel on ühes keeles mitu eelistatud nimetust (skos:prefLabel; SKOS S14, üle "
         "kõigi avaldatud graafide).", None),
    case("skos-orphan", "Orphan", T + "loose", ORPHAN_PATH, None, "warning",
         "The concept is linked to no other concept (orphan; qSKOS).",
         "Mõiste ei ole seotud ühegi teise mõistega (orb; qSKOS).", 40),
]


def run(name: str) -> validate.ValidationReport:
    return validate.validate_graph(Graph().parse(FIXTURES / f"{name}.ttl"))


def test_valid_fixture_conforms_without_any_result():
    report = run("valid")
    assert report.conforms
    assert report.results == []


@pytest.mark.parametrize("fixture,shape,focus,path,value,severity,en,et,line,also", CASES)
def test_shape_fails_on_its_fixture(fixture, shape, focus, path, value, severity, en, et, line,
                                    also):
    report = run(fixture)
    mine = [r for r in report.results if r.shape == KSHAPE + shape]
    assert len(mine) == 1, [(r.shape, r.message_en) for r in report.results]
    result = mine[0]
    assert (result.focus, result.path, result.value) == (focus, path, value)
    assert result.severity == severity
    assert result.message_en == en
    assert result.message_et == et
    assert (result.source_file, result.source_line) == ("t.txt", line)
    others = {r.shape.removeprefix(KSHAPE) for r in report.results} - {shape}
    assert others == set(also)
    assert report.conforms == (severity != "violation" and not also)


def test_duplicate_notation_is_reported_once_on_the_scheme():
    report = run("skos-duplicate-notation")
    [result] = report.results
    assert result.shape == KSHAPE + "Skos-unique-notation"
    assert (result.focus, result.path, result.value, result.severity) == (
        STD, None, "B.3.1", "violation")
    assert result.message_en == (f"Notation B.3.1 is used by two concepts of the scheme: "
                                 f"{T}competence/B.3.1 and {T}competence/B.3.2.")
    assert result.message_et == (f"Tähis B.3.1 on skeemis kahel mõistel: {T}competence/B.3.1 "
                                 f"ja {T}competence/B.3.2.")
    assert (result.source_file, result.source_line) == ("t.txt", 1)
    assert not report.conforms


def shape_rules() -> set[str]:
    """Every rule of shapes/*.ttl: a shape with a severity of its own."""
    graph = validate.shapes_graph()
    return {str(s).removeprefix(KSHAPE) for s in graph.subjects(SH.severity, None)}


def test_every_shape_has_a_failing_fixture():
    covered = {c.values[1] for c in CASES} | {"Skos-unique-notation"}
    assert shape_rules() == covered


def test_every_rule_has_messages_in_estonian_and_english():
    # a SPARQL constraint carries one of them as kshape:message (see the next test)
    graph = validate.shapes_graph()
    for rule in shape_rules():
        node = URIRef(KSHAPE + rule)
        holders = [node, *graph.objects(node, SH.sparql)]
        languages = sorted(m.language for h in holders
                           for p in (SH.message, validate.KSHAPE.message)
                           for m in graph.objects(h, p))
        assert languages == ["en", "et"], rule


SHAPES_FILES = sorted((Path(validate.__file__).parents[3] / "shapes").rglob("*.ttl"))


@pytest.mark.parametrize("file", SHAPES_FILES, ids=lambda f: f.name)
def test_a_sparql_constraint_has_one_sh_message(file):
    # Apache Jena refuses a SPARQL constraint with two (apache/jena#3817): "More than one match".
    graph = Graph().parse(file)
    for constraint in set(graph.objects(None, SH.sparql)):
        messages = list(graph.objects(constraint, SH.message))
        assert len(messages) <= 1, (file.name, str(constraint), messages)


def test_other_language_messages_use_only_the_placeholders_of_the_sh_message():
    # validate.restore_languages reads the values off the sh:message text; it can fill in no other
    graph = validate.shapes_graph()
    placeholder = validate._PLACEHOLDER
    others = list(graph.subject_objects(validate.KSHAPE.message))
    assert len(others) == 10
    for constraint, other in others:
        [message] = graph.objects(constraint, SH.message)
        assert set(placeholder.findall(other)) <= set(placeholder.findall(message)), constraint
        assert other.language != message.language


def test_a_message_is_filled_in_with_the_values_read_off_another():
    values = validate._template_values("Notation {?value} is used by {?first} and {?second}.",
                                       "Notation A.1 is used by x and y and z.")
    assert values == {"value": "A.1", "first": "x", "second": "y and z"}
    assert validate._fill("{?first} ja {?second}: {?value} ({?other})", values) == \
        "x ja y and z: A.1 ({?other})"
    assert validate._template_values("Notation {?value}.", "Other text") is None


def test_report_graph_keeps_the_language_of_sparql_messages():
    # pySHACL fills {?code} in and drops the tag; validate.restore_languages puts it back.
    report = run("partial-undefined-competence")
    messages = set(report.report_graph.objects(None, SH.resultMessage))
    assert messages == {
        Literal("Requires competence B.3.25, which is not a competence of this standard.",
                lang="en"),
        Literal("Nõutud kompetentsi B.3.25 selles kutsestandardis ei ole.", lang="et"),
    }


def test_the_estonian_message_is_added_whether_or_not_the_engine_kept_the_tag():
    shapes = validate.shapes_graph()
    constraint = URIRef(KSHAPE + "RequiredCompetence-exists-query")
    english = "Requires competence B.3.25, which is not a competence of this standard."
    for message in (Literal(english), Literal(english, lang="en")):
        report = Graph()
        result = URIRef("urn:x-test:result")
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.sourceConstraint, constraint))
        report.add((result, SH.resultMessage, message))
        validate.restore_languages(report, shapes)
        validate.restore_languages(report, shapes)  # a second pass adds nothing
        assert set(report.objects(result, SH.resultMessage)) == {
            Literal(english, lang="en"),
            Literal("Nõutud kompetentsi B.3.25 selles kutsestandardis ei ole.", lang="et")}


# --- the reference graph handed in separately, as a build's unit does


def split_valid() -> tuple[Graph, Graph]:
    """valid.ttl's standard as data; its reference triples, typed and with unrelated concepts,
    as a full reference graph."""
    full = Graph().parse(FIXTURES / "valid.ttl")
    reference = Graph()
    for node in [URIRef("http://data.europa.eu/snb/eqf/7"),
                 URIRef("http://data.europa.eu/snb/eqf/8"), URIRef(ECF4 + "A.1"),
                 URIRef("https://w3id.org/kutse-rdf/ecf/level/e-4"),
                 URIRef("https://w3id.org/kutse-rdf/ecf/level/e-5")]:
        for triple in list(full.triples((node, None, None))):
            full.remove(triple)
            reference.add(triple)
        reference.add((node, RDF.type, SKOS.Concept))  # typed, and no orphan check wanted here
    reference.add((URIRef(ECF4 + "A.6"), RDF.type, SKOS.Concept))
    reference.add((URIRef(ECF4 + "A.6"), SKOS.prefLabel, Literal("")))  # never copied
    return full, reference


def test_reference_triples_come_from_the_reference_graph():
    data, reference = split_valid()
    assert not validate.validate_graph(data).conforms  # levels and e-CF unknown without it
    report = validate.validate_graph(data, reference)
    assert report.conforms and report.results == []


def test_needed_reference_takes_only_what_the_shapes_read():
    data, reference = split_valid()
    needed = validate.needed_reference(reference, data)
    assert (None, RDF.type, None) not in needed
    assert (URIRef(ECF4 + "A.6"), None, None) not in needed
    assert (URIRef("https://w3id.org/kutse-rdf/ecf/level/e-4"), KUTSE.correspondingEqfLevel,
            URIRef("http://data.europa.eu/snb/eqf/7")) in needed


def test_two_labels_of_a_level_in_the_reference_are_found_per_standard():
    """S14 on the level concepts: their labels come along from the reference graph."""
    data, reference = split_valid()
    eqf7 = URIRef("http://data.europa.eu/snb/eqf/7")
    reference.add((eqf7, SKOS.prefLabel, Literal("EQF level 7", lang="en")))
    assert validate.validate_graph(data, reference).results == []
    reference.add((eqf7, SKOS.prefLabel, Literal("Level 7", lang="en")))
    report = validate.validate_graph(data, reference)
    assert [(r.shape, r.focus) for r in report.results] == [
        (KSHAPE + "Level-unique-prefLabel", str(eqf7))]


def test_a_partial_qualification_with_only_a_choice_is_no_orphan():
    """Without skos:broader (part of is not kind of), isPartialQualificationOf links it."""
    graph = Graph().parse(FIXTURES / "valid.ttl")
    partial = URIRef(T + "partial/p")
    graph.remove((partial, SKOS.broader, None))
    graph.remove((partial, KUTSE.requiresCompetence, None))
    choice = URIRef(T + "partial/p#choice-1")
    graph.add((partial, KUTSE.hasCompetenceChoice, choice))
    graph.add((choice, RDF.type, KUTSE.CompetenceChoice))
    graph.add((choice, KUTSE.minimum, Literal(1)))
    graph.add((choice, KUTSE.option, URIRef(T + "competence/B.3.1")))
    graph.add((choice, KUTSE.choiceKind, KUTSE.optional))
    assert validate.validate_graph(graph).results == []


def test_the_ecf_citation_check_reads_the_scheme_the_standard_links():
    graph = Graph().parse(FIXTURES / "valid.ttl")
    graph.add((URIRef(STD), KUTSE.ecfScheme, URIRef(ECF4)))
    assert validate.validate_graph(graph).results == []
    graph.set((URIRef(STD), KUTSE.ecfScheme, URIRef("https://w3id.org/kutse-rdf/ecf/3.0/")))
    report = validate.validate_graph(graph)
    assert [(r.shape, r.value) for r in report.results] == [
        (KSHAPE + "EcfCitation-version", ECF4 + "A.1")]


def test_level_mismatch_found_through_the_reference_graph():
    data, reference = split_valid()
    competence = URIRef(T + "competence/B.3.1")
    data.set((competence, KUTSE.hasLevel, URIRef("http://data.europa.eu/snb/eqf/8")))
    reference.add((URIRef("http://data.europa.eu/snb/eqf/8"), SKOS.inScheme,
                   URIRef("http://data.europa.eu/snb/eqf/25831c2")))
    report = validate.validate_graph(data, reference)
    # A.1 is defined at e-4 and e-5, and e-5 is EQF 8: consistent, no warning
    assert report.results == []
    reference.remove((URIRef("https://w3id.org/kutse-rdf/ecf/level/e-5"), None, None))
    report = validate.validate_graph(data, reference)
    assert [(r.shape, r.severity) for r in report.results] == [
        (KSHAPE + "Competence-level-consistent", "warning")]


# --- what the rules cover: the standards' concepts; the reference vocabularies conform as shipped


def test_the_shipped_reference_vocabularies_conform_to_every_rule():
    # A whole dataset validated with these shapes (as a registry's own engine does) gives the
    # results of its standards and nothing more: nothing fires on the reference graph, though
    # the ESCO subset has no ESCO hierarchy (not an orphan: kshape:Orphan covers the standards).
    from kutse_rdf.graph.vocab import load_reference

    for engine in validate.ENGINES:
        report = validate.validate_graph(load_reference(), engine=engine)
        assert [(r.shape, r.focus) for r in report.results] == [], engine


def test_a_reference_concept_linked_to_nothing_is_no_orphan():
    esco = URIRef("http://data.europa.eu/esco/occupation/x")
    graph = Graph()
    graph.add((esco, RDF.type, SKOS.Concept))
    graph.add((esco, SKOS.prefLabel, Literal("ICT director", lang="en")))
    assert validate.validate_graph(graph).results == []


def test_orphan_covers_every_class_the_converter_makes_a_concept():
    from kutse_rdf.config import Config
    from kutse_rdf.graph.convert import standard_graph
    from kutse_rdf.model import CompetenceRef, Specialisation
    from kutse_rdf.reading.parser import parse_file

    std = parse_file(Path(__file__).parents[2] / "standards" / "it-juht-tase-7.txt")
    std.specialisations.append(Specialisation("Eriala", [CompetenceRef("B.3.1", None, 1)], 1))
    graph = standard_graph(std, Config())
    concept_classes = {cls for s in graph.subjects(RDF.type, SKOS.Concept)
                       for cls in graph.objects(s, RDF.type)} - {SKOS.Concept}
    targets = set(validate.shapes_graph().objects(URIRef(KSHAPE + "Orphan"), SH.targetClass))
    assert concept_classes == targets == {KUTSE.Qualification, KUTSE.PartialQualification,
                                          KUTSE.Specialisation, KUTSE.Competence}
