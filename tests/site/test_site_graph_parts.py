"""SiteGraph.from_parts loads each N-Triples text on its own (a register's shared pages read
~150 MB of them), except where a blank node's label could be split across two loads."""
from kutse_rdf.site.graph import SiteGraph

BASE = "https://example.org/id/"
A = b"<https://example.org/id/standard/a> <http://www.w3.org/2004/02/skos/core#prefLabel> \"A\"@et .\n"
B = b"<https://example.org/id/standard/b> <http://www.w3.org/2004/02/skos/core#prefLabel> \"B\"@et .\n"
ELM = b"<https://example.org/id/standard/a> <http://purl.org/dc/terms/title> \"A\"@et .\n"


def test_parts_load_as_their_union():
    graph = SiteGraph.from_parts(BASE, [A, b"", B, A], [ELM, b""])
    assert len(graph.store) == 2  # the repeated text is one statement, the empty one nothing
    assert len(graph.elm) == 1
    assert {str(q.subject.value) for q in graph.store} == {BASE + "standard/a", BASE + "standard/b"}
    assert len(SiteGraph.from_parts(BASE, [A, B], ELM).elm) == 1  # the ELM view as one text


def test_a_blank_node_named_in_two_parts_stays_one_node():
    # Oxigraph gives a blank node label a new node per load: parts naming one are loaded joined
    first = b"_:n <http://www.w3.org/2004/02/skos/core#prefLabel> \"N\"@et .\n"
    second = b"<https://example.org/id/standard/a> <http://purl.org/dc/terms/relation> _:n .\n"
    graph = SiteGraph.from_parts(BASE, [first, second], b"")
    nodes = {q.subject for q in graph.store if q.object.value == "N"}
    linked = {q.object for q in graph.store if q.predicate.value.endswith("relation")}
    assert len(nodes) == 1 and nodes == linked


def test_split_elm_takes_each_versions_run_and_no_more():
    """The ELM view's lines by the version whose pages show them (writer.split_elm): version 1's
    run stops where version 10's begins though one IRI begins the other, and lines about a
    resource no version owns go to the shared pages."""
    from kutse_rdf.site.writer import split_elm

    v1, v10 = "https://x.example/standard/a/version/1", "https://x.example/standard/a/version/10"
    lines = [b'<%s> <https://x.example/p> "a" .\n' % v1.encode(),
             b'<%s#k> <https://x.example/p> "b" .\n' % v1.encode(),
             b'<%s/sub> <https://x.example/p> "c" .\n' % v1.encode(),
             b'<%s#k> <https://x.example/p> "d" .\n' % v10.encode(),
             b'<https://x.example/skill/1> <https://x.example/p> "e" .\n']
    parts, rest = split_elm(b"".join(lines), {v1, v10})
    assert b"".join(parts[v1]) == b"".join(lines[:3])
    assert b"".join(parts[v10]) == lines[3]
    assert rest == [lines[4]]


def test_changes_by_work_tells_each_line_its_work():
    """writer.changes_by_work: the changes graph's lines by work, each line's work the one
    Uris gives its subject's document, though it is worked out once a run of lines: a slug that
    begins another's, a subject that is no version's and a version IRI without a key are each
    their own."""
    from kutse_rdf.graph.uris import Uris
    from kutse_rdf.site.writer import changes_by_work

    uris = Uris(BASE)

    def work_of(iri: str) -> str:  # as SiteWriter.gather_standards has it
        version = uris.version_of(iri)
        return str(uris.work(version[0])) if version else iri

    def line(subject: str) -> bytes:
        return f"<{BASE}{subject}> <https://example.org/p> \"x\" .\n".encode()

    lines = [line("standard/a/version/1#change-1"), line("standard/a/version/1/competence/B.1"),
             line("standard/a/version/2#change-2"),
             line("standard/a/version//x"),  # no version key: not a version's
             line("standard/a-b/version/1#change-1"),  # another work, which "a" begins
             line("standard/a/version/3"), line("standard/b/version/1#change-1"),
             line("standard/b"), line("standard/b/version/2/competence/B.2")]
    found = changes_by_work(b"".join(lines), work_of)
    # nothing kept from one call to the next (a register's changes graph is ~30 MB a build)
    assert changes_by_work(b"".join(lines), work_of) is not found
    expected: dict[str, list[bytes]] = {}
    for one in lines:  # line by line, as it was done before
        expected.setdefault(work_of(one[1:one.index(b">")].decode().partition("#")[0]), []).append(one)
    assert found == expected
    assert list(found) == [BASE + "standard/a", BASE + "standard/a/version//x", BASE + "standard/a-b",
                           BASE + "standard/b"]
    assert found[BASE + "standard/a"] == [lines[0], lines[1], lines[2], lines[5]]
