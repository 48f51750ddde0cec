"""unit.py's own writers give the bytes the slower general ones give (the build's outputs must
not change when the unit gets faster)."""
from dataclasses import asdict

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kutse_rdf.config import Config
from kutse_rdf.engine.unit import sorted_nt
from kutse_rdf.graph.convert import standard_graph

EX = "https://example.org/"


def rdflib_nt(graph: Graph) -> bytes:
    """What unit.sorted_nt wrote before: rdflib's N-Triples, lines sorted as bytes."""
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").splitlines()) - {b""})
    return b"\n".join(lines) + b"\n"


def test_sorted_nt_writes_what_rdflibs_serializer_writes():
    g = Graph()
    s, p = URIRef(EX + "s"), URIRef(EX + "p")
    for value in [Literal('say "hi"\\ now\nand\r\tthen'), Literal("Õmbleja", lang="et"),
                  Literal(7), Literal("07", datatype=XSD.integer), Literal("x", datatype=XSD.string),
                  Literal("2020-01-01", datatype=XSD.date), URIRef(EX + "ä#b"), BNode("b1")]:
        g.add((s, p, value))
    g.add((BNode("b1"), p, s))
    assert sorted_nt(g) == rdflib_nt(g)
    assert sorted_nt(list(g)) == rdflib_nt(g)


def test_sorted_nt_of_the_seed_graph_equals_rdflibs(seed_standard):
    graph = standard_graph(seed_standard, Config())
    assert sorted_nt(list(graph)) == rdflib_nt(graph)


def test_sorted_nt_writes_a_repeated_triple_once_and_nothing_for_none():
    triple = (URIRef(EX + "s"), URIRef(EX + "p"), Literal("o"))
    assert sorted_nt([triple, triple]) == b'<https://example.org/s> <https://example.org/p> "o" .\n'
    assert sorted_nt([]) == b""


def test_model_json_is_the_dataclass_tree_with_the_cli_lists(seed_standard):
    data = seed_standard.to_json()
    plain = asdict(seed_standard)
    for key in plain.keys() - {"competences", "partial_qualifications", "specialisations",
                               "qualification_competences"}:
        assert data[key] == plain[key]
    first = seed_standard.competences[0]
    assert data["competences"][0]["indicators"] == [i.text for i in first.indicators]
    assert data["competences"][0]["title"] == first.title


def test_a_cache_read_and_added_to_in_place(tmp_path):
    """validate and query read a build's cache and add to it: one folder as both the previous
    and the current cache. An entry loads from where it is and keeps its bytes."""
    from kutse_rdf.engine.cache import ArtifactCache
    from kutse_rdf.engine.unit import UnitResult

    cache = ArtifactCache(tmp_path, tmp_path)
    unit = UnitResult(source_file="a.txt", path="a.txt", key="k1", graph_nt=b"<a> <b> <c> .\n")
    cache.store(unit)
    again = ArtifactCache(tmp_path, tmp_path).load("k1")
    assert again is not None and again.data("graph_nt") == b"<a> <b> <c> .\n"
    assert [p.name for p in (tmp_path / ".cache").iterdir()] == ["k1.unit"]


def test_turtle_and_jsonld_made_chunk_by_chunk_are_the_bytes_made_whole(seed_standard, tmp_path):
    """The merged dumps' lines that no unit owns are serialised per chunk of subjects and cached
    per chunk (dumps.made_pieces): the joined chunks must be what one serialisation gives,
    and a changed subject must leave every other chunk as it was (so they come from the cache)."""
    from kutse_rdf.engine.cache import ArtifactCache
    from kutse_rdf.engine.dumps import cached_pieces, subject_chunks
    from kutse_rdf.graph.ntriples import TURTLE_PREFIXES, Pieces

    whole = sorted_nt(list(standard_graph(seed_standard, Config())))
    nt = b"".join(line for line in whole.splitlines(keepends=True) if b"_:" not in line)
    chunks = subject_chunks(nt, average=4)
    assert len(chunks) > 20 and b"".join(chunks) == nt
    cache = ArtifactCache(tmp_path / "previous", tmp_path / "current")
    assert cached_pieces(nt, cache) == Pieces.of(nt, TURTLE_PREFIXES)
    assert cached_pieces(nt, cache) == Pieces.of(nt, TURTLE_PREFIXES)  # now from the cache
    # a literal of one subject changed: only the chunk holding it differs
    line = next(l for l in nt.splitlines(keepends=True) if b'"@et .' in l)
    renamed = nt.replace(line, line.replace(b'"@et .', b' uus"@et .'), 1)
    assert cached_pieces(renamed, cache) == Pieces.of(renamed, TURTLE_PREFIXES)
    changed = [a for a, b in zip(chunks, subject_chunks(renamed, average=4)) if a != b]
    assert len(subject_chunks(renamed, average=4)) == len(chunks) and len(changed) == 1
    # blank nodes may be nested by a serialiser: such lines are one chunk
    with_blank = b'<https://example.org/a> <https://example.org/p> _:b .\n_:b <https://example.org/p> "x" .\n'
    assert subject_chunks(with_blank, average=1) == [with_blank]
    assert len(subject_chunks(with_blank.replace(b"_:b", b"<https://example.org/b>"), average=1)) == 2
    assert subject_chunks(b"") == []


def test_a_large_graphs_turtle_and_jsonld_files_remake_only_changed_chunks(tmp_path, monkeypatch):
    """The site's folders of the graphs no unit owns (the inferred graph: ~60 MB on the
    benchmark's register) are written by dumps.write_serialisations: the files hold exactly the
    N-Triples' triples, and the next build, after one subject changed, serialises only the chunk
    holding it; the others come from the previous build's cache."""
    import pyoxigraph as ox

    from kutse_rdf.engine import dumps
    from kutse_rdf.engine.cache import ArtifactCache

    made = []
    for name in ("turtle_body", "jsonld_items"):
        real = getattr(dumps, name)
        monkeypatch.setattr(dumps, name, lambda *a, real=real, name=name: made.append(name) or real(*a))
    lines = sorted(f'<https://example.org/s{n}> <http://www.w3.org/2000/01/rdf-schema#label> "s{n}"@et .\n'
                   for n in range(20000))
    nt = "".join(lines).encode()
    assert len(dumps.subject_chunks(nt)) > 10

    def written(build, previous, text: bytes) -> set:
        cache = ArtifactCache(previous, build)
        made.clear()
        dumps.write_serialisations(text, build / "g.ttl", build / "g.jsonld", cache)
        expected = set(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
        for name, rdf_format in (("g.ttl", ox.RdfFormat.TURTLE), ("g.jsonld", ox.RdfFormat.JSON_LD)):
            assert set(ox.parse(path=str(build / name), format=rdf_format)) == expected
        return set(made)

    written(tmp_path / "first", tmp_path / "none", nt)
    assert len(made) == 2 * len(dumps.subject_chunks(nt))
    changed = nt.replace(b'"s123"@et', b'"s123 uus"@et')
    written(tmp_path / "second", tmp_path / "first", changed)
    assert sorted(made) == ["jsonld_items", "turtle_body"]  # the one chunk holding s123


def test_the_changes_graph_serialised_a_work_at_a_time_is_the_same_bytes(tmp_path, monkeypatch):
    """dumps.chunks_of: the changes graph's works are its chunks (each about its own versions'
    resources); the files are the bytes subject_chunks' cuts give, and after one work changed
    only its part is serialised again. A blank node keeps the text whole."""
    from kutse_rdf.engine import dumps
    from kutse_rdf.engine.cache import ArtifactCache

    made = []
    for name in ("turtle_body", "jsonld_items"):
        real = getattr(dumps, name)
        monkeypatch.setattr(dumps, name, lambda *a, real=real, name=name: made.append(name) or real(*a))
    works = [b"".join(sorted(f'<https://example.org/w{w}/v2#change-{n}> <https://example.org/k> '
                             f'"w{w} {n}" .\n'.encode() for n in range(300))) for w in range(5)]
    nt = b"".join(works)

    def files(folder, parts, previous) -> tuple[bytes, bytes]:
        dumps.write_serialisations(nt if parts is None else b"".join(parts), folder / "g.ttl",
                                   folder / "g.jsonld", ArtifactCache(previous, folder), parts)
        return (folder / "g.ttl").read_bytes(), (folder / "g.jsonld").read_bytes()

    whole = files(tmp_path / "whole", None, tmp_path / "none")
    assert files(tmp_path / "parts", works, tmp_path / "none") == whole
    assert len(made) == 2 * (len(dumps.subject_chunks(nt)) + len(works))
    made.clear()
    changed = [works[0], works[1].replace(b'"w1 7"', b'"w1 7 uus"'), *works[2:]]
    files(tmp_path / "again", changed, tmp_path / "parts")
    assert sorted(made) == ["jsonld_items", "turtle_body"]  # the changed work's part alone
    assert dumps.chunks_of(b"_:b <https://example.org/p> _:c .\n", [b"x"]) == [b"_:b <https://example.org/p> _:c .\n"]


def test_shared_lines_join_the_works_lines_and_state_each_line_once():
    """dumps.shared_lines: the reference's and the standards' shared lines sorted once each, then
    each work's graph and changes in the works' order as they are (not sorted again), less a
    line the sorted part holds already (a mapping the reference states about a work's
    resource, say)."""
    from kutse_rdf.engine.dumps import shared_lines, shared_parts
    from kutse_rdf.engine.unit import UnitResult
    from kutse_rdf.engine.works import WorkResult

    def line(s: str, o: str) -> bytes:
        return b'<https://x.example/%s> <https://x.example/p> "%s" .\n' % (s.encode(), o.encode())

    reference = UnitResult(source_file="(reference)", path="", graph_nt=line("b/1", "r") + line("z", "r"))
    unit = UnitResult(source_file="a.txt", path="a.txt", shared_nt=line("council", "c"))
    a = WorkResult("a", "https://x.example/graph/a", "https://x.example/a", [unit], unit,
                   graph_nt=line("a/1", "w") + line("a/2", "w"), changes_nt=line("a/1#c", "x"))
    b = WorkResult("b", "https://x.example/graph/b", "https://x.example/b", [unit], unit,
                   graph_nt=line("b/1", "r") + line("b/1", "w"))
    lines = shared_lines([unit], reference, [b, a])
    assert lines == (line("b/1", "r") + line("council", "c") + line("z", "r")  # sorted, once
                     + line("a/1", "w") + line("a/2", "w") + line("b/1", "w")  # work a, then b
                     + line("a/1#c", "x"))  # the changes
    # the same lines in parts: the sorted ones, each work's graph, each work's changes
    assert shared_parts([unit], reference, [b, a]) == [
        line("b/1", "r") + line("council", "c") + line("z", "r"),
        line("a/1", "w") + line("a/2", "w"), line("b/1", "w"), line("a/1#c", "x")]


def test_the_shared_lines_pieces_are_made_a_work_at_a_time(tmp_path, monkeypatch):
    """dumps.shared_chunks: the merged dumps' shared lines are serialised in the sorted lines'
    subject chunks and then each work's graph and changes as they are: their Turtle and JSON-LD
    hold exactly the lines' triples, and after one work's changes changed only that part is
    serialised again."""
    import pyoxigraph as ox

    from kutse_rdf.engine import dumps
    from kutse_rdf.engine.cache import ArtifactCache
    from kutse_rdf.graph.ntriples import TURTLE_PREFIXES

    made = []
    for name in ("turtle_body", "jsonld_items"):
        real = getattr(dumps, name)
        monkeypatch.setattr(dumps, name, lambda *a, real=real, name=name: made.append(name) or real(*a))

    def lines(subject: str, count: int) -> bytes:
        return b"".join(sorted(b'<https://x.example/%s/%d> <https://x.example/p> "%d" .\n'
                               % (subject.encode(), n, n) for n in range(count)))

    parts = [lines("ecf", 3000), lines("work/a", 40), lines("work/b", 40),
             lines("work/a/v2#change", 60), lines("work/b/v2#change", 60)]
    chunks = dumps.shared_chunks(parts)
    assert b"".join(chunks) == b"".join(parts) and chunks[-4:] == parts[1:]
    assert len(chunks) > 5  # the sorted lines cut by subject
    cache = ArtifactCache(tmp_path / "none", tmp_path / "first")
    pieces = dumps.cached_pieces(b"".join(parts), cache, chunks)
    expected = set(ox.parse(b"".join(parts), format=ox.RdfFormat.N_TRIPLES))
    turtle = dumps.prefix_lines(TURTLE_PREFIXES) + pieces.ttl
    assert set(ox.parse(turtle, format=ox.RdfFormat.TURTLE)) == expected
    assert set(ox.parse(b"[" + pieces.jsonld + b"]", format=ox.RdfFormat.JSON_LD)) == expected
    assert len(made) == 2 * len(chunks)
    made.clear()
    parts[4] = parts[4].replace(b'"7" .', b'"7 uus" .')
    again = dumps.cached_pieces(b"".join(parts), ArtifactCache(tmp_path / "first", tmp_path / "second"),
                                dumps.shared_chunks(parts))
    assert sorted(made) == ["jsonld_items", "turtle_body"]  # work b's changes alone
    assert again.nt == b"".join(parts) and b'"7 uus"' in again.ttl


def test_fields_reader_streams_the_units_fields_as_their_join(tmp_path):
    """FieldsReader: a field of units in memory and in cache files, then a tail, read as the
    bytes of their join whatever the reads' sizes."""
    import io
    import random

    from kutse_rdf.engine.cache import ArtifactCache
    from kutse_rdf.engine.unit import FieldsReader, UnitResult

    cache = ArtifactCache(tmp_path / "build", tmp_path / "build")
    units = []
    for n in range(5):
        unit = UnitResult(source_file=f"{n}.txt", path=f"{n}.txt", key=f"k{n}",
                          query_nt=b"".join(b'<https://x.example/%d> <https://x.example/p> "%d" .\n'
                                            % (n, i) for i in range(n * 300)))
        if n % 2:
            written = unit.query_nt
            cache.store(unit)  # its fields now read from the file
            assert unit.query_nt == b"" and unit.data("query_nt") == written
        units.append(unit)
    expected = b"".join(u.data("query_nt") for u in units) + b"<a:t> <a:p> <a:o> .\n"
    rng = random.Random(5)
    for size in (1, 7, 4096, 1 << 20):
        with FieldsReader(units, "query_nt", b"<a:t> <a:p> <a:o> .\n") as reader:
            got = bytearray()
            while chunk := reader.read(rng.randint(1, size)):
                got += chunk
        assert bytes(got) == expected
    with io.BufferedReader(FieldsReader(units, "query_nt"), 1000) as reader:
        assert reader.read() == expected[:-len(b"<a:t> <a:p> <a:o> .\n")]


def test_link_or_copy_makes_a_missing_folder_and_never_one_for_a_missing_source(tmp_path):
    from kutse_rdf.engine.cache import link_or_copy

    source = tmp_path / "a.nt"
    source.write_bytes(b"<s> <p> <o> .\n")
    link_or_copy(source, tmp_path / "x" / "y" / "a.nt")  # the folders did not exist
    assert (tmp_path / "x" / "y" / "a.nt").stat().st_ino == source.stat().st_ino
    link_or_copy(source, tmp_path / "x" / "b.nt")  # into a folder that exists
    assert (tmp_path / "x" / "b.nt").stat().st_ino == source.stat().st_ino
    (tmp_path / "c.nt").write_bytes(b"old\n")
    link_or_copy(source, tmp_path / "c.nt")  # a file in the way: copied over it
    assert (tmp_path / "c.nt").read_bytes() == source.read_bytes()
    with pytest.raises(FileNotFoundError):
        link_or_copy(tmp_path / "gone.nt", tmp_path / "z" / "gone.nt")
    assert not (tmp_path / "z").exists()


def test_query_lines_filter_each_part_once_and_keep_it_for_the_next_build(tmp_path, monkeypatch):
    """build.query_lines: the lines the queries read, the same without the names' texts, and the
    names, of the joined parts; a rebuild filters only the parts it has not seen (a new
    version's work), the rest come from the previous build's cache."""
    import kutse_rdf.graph.ntriples as ntriples
    from kutse_rdf.build import query_lines
    from kutse_rdf.engine.cache import ArtifactCache

    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    read = frozenset({label, "https://x.example/p"})

    def part(n: int) -> bytes:
        return (b'<https://x.example/%d> <%s> "Nimi %d"@et .\n' % (n, label.encode(), n)
                + b'<https://x.example/%d> <https://x.example/p> <https://x.example/o> .\n' % n
                + b'<https://x.example/%d> <https://x.example/q> "not read" .\n' % n)

    parts = [part(n) for n in range(4)]
    filtered = []
    real = ntriples.with_predicates
    monkeypatch.setattr(ntriples, "with_predicates",
                        lambda nt, wanted: filtered.append(nt) or real(nt, wanted))
    first = ArtifactCache(tmp_path / "one", tmp_path / "one")
    lines, rows, names = query_lines(first, parts, read)
    whole = b"".join(parts)
    assert lines == real(whole, read) and b"not read" not in lines
    assert rows == ntriples.without_label_texts(lines) and b"Nimi" not in rows
    assert names == real(lines, frozenset({label, "http://www.w3.org/2004/02/skos/core#notation"}))
    assert len(filtered) == 8  # the read lines and the names, of each part
    filtered.clear()
    second = ArtifactCache(tmp_path / "one", tmp_path / "two")  # the next build
    changed = [parts[0], part(9), *parts[2:]]
    assert query_lines(second, changed, read)[0] == real(b"".join(changed), read)
    assert filtered == [part(9), real(part(9), read)]  # only the new part


def test_a_cached_standard_unpickles_its_details_when_first_read(seed_standard):
    """model.Standard pickles its details (model.DETAILS: competences, parts, warnings...) as one
    byte string and unpickles them when one is first read: the copy equals the standard, its
    header fields are there at once, and a change made after reading survives another pickle."""
    import copy
    import pickle
    import threading

    from kutse_rdf.model import DETAILS

    copied = pickle.loads(pickle.dumps(seed_standard))
    assert copied.title == "IT-juht, tase 7" and copied.level == 7
    assert not set(DETAILS) & set(vars(copied))  # nothing unpickled yet
    assert len(copied.competences) == 19 and "_details" not in vars(copied)
    assert copied == seed_standard and copied.to_json() == seed_standard.to_json()
    copied.competences.pop()
    again = pickle.loads(pickle.dumps(copied))
    assert len(again.competences) == 18 and again.authors == seed_standard.authors
    assert copy.deepcopy(again) == again
    # read from several threads at once: each sees the details
    shared = pickle.loads(pickle.dumps(seed_standard))
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(len(shared.competences))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [19] * 8
    with pytest.raises(AttributeError):
        copied.no_such_field
