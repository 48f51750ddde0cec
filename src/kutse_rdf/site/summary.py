"""What a standard's graph contributes to the pages no standard owns (e-CF, ESCO, EQF, councils,
the ontology, home): its *summary*, cut out of its N-Triples while its own pages are rendered.

The shared pages show a resource's statements, what points at it, and links (label, notation,
kind, scheme, order) to the things involved. So of a standard S's graph they need:

- `shared`: every statement whose subject S does not own (a council described in S's graph);
- `links`: every statement of S's own resources that points at a page S does not own (a
  competence `kutse:citesEcf` an e-CF concept, `kutse:hasLevel` an EQF level; not at hash IRIs
  such as `kutse:Competence`: what points at a section is never shown), plus, for every resource
  of S such a statement or a shared one mentions and for S itself, the statements that make its
  link (LINK_PROPERTIES), and S's `kutse:describesQualification` (a standard's name in English
  is its qualification's, views.Views.standard_name);
- `elm_links`: the same for S's lines of the ELM view (the view's lines about resources no
  standard owns go to the shared pages whole, see writer.split_elm).

Of a register's versions only each work's current one cites the shared pages (as the home and
coverage pages list the current ones): an e-CF competence's page lists the competences of the
current versions that cite it, not the same competence once per version under one standard's
name. A superseded version's summary keeps its `shared` lines and the links they need, and its
statements pointing at ESCO concepts: such a concept has a page only while something points at
it, and the version's own pages link it.

Anything else of S (indicators, knowledge, texts) is only on S's own pages. A linked resource
whose statements have none of LINK_PROPERTIES keeps its first statement, so that it is still
"described" (it gets a link) as in the whole graph. The shared pages made from the summaries are
the same as made from the whole graph of the current versions (a test and a `diff -r` of a
500-standard site checked it before versions).
`owned` counts S's own distinct statements: the VoID triple count is that of the whole graph.
"""
from __future__ import annotations

from dataclasses import dataclass

from kutse_rdf.graph.namespaces import ESCO_ROOT, PROJECT
from kutse_rdf.graph.uris import owned_by
from kutse_rdf.site.graph import EXTERNAL_FOLDERS, LABEL_PROPERTIES, RDF, SKOS, K

LINK_PROPERTIES = frozenset(p.encode() for p in (*LABEL_PROPERTIES, SKOS.notation, RDF.type,
                                                  SKOS.inScheme, K.order))


@dataclass
class Summary:
    shared: bytes = b""
    links: bytes = b""
    elm_links: bytes = b""
    owned: int = 0  # S's own distinct statements (subject in S's folder)


def page_prefixes(base_uri: str) -> tuple[bytes, ...]:
    """IRIs that can have a site page start with one of these (see SiteGraph.path_of)."""
    return tuple(p.encode() for p in (base_uri, PROJECT, *EXTERNAL_FOLDERS))


def summarise(standard: str, graph: bytes, elm: bytes, base_uri: str, current: bool = True) -> Summary:
    """S's summary; a version that is not its work's current one (`current` False) cites
    nothing on the shared pages: its statements pointing at them are left out (its `shared`
    lines and what they link stay), but for those pointing at ESCO concepts, which have a page
    only while something points at them (SiteGraph.esco_linked) and which S's pages link."""
    # Plain byte operations on the N-Triples lines (one statement a line, `<s> <p> <o> .` or
    # `<s> <p> "literal" .`): this runs in the main process for every standard rendered, beside
    # the workers, so it is kept to byte operations.
    is_own = owned_by(standard)  # of a line's subject, or of an IRI with its `<`
    prefixes = page_prefixes(base_uri)
    esco = ESCO_ROOT.encode()

    shared: list[bytes] = []
    keep: dict[bytes, None] = {}  # lines of `links`, in order, once
    keep_elm: dict[bytes, None] = {}
    linked: set[bytes] = {standard.encode()}
    lines = graph.splitlines(keepends=True)
    view = elm.splitlines(keepends=True)
    own_lines: list[bytes] = []
    names = b"<%s> <%s> <" % (standard.encode(), str(K.describesQualification).encode())
    for rows, kept, is_elm in ((lines, keep, False), (view, keep_elm, True)):
        for line in rows:
            # an IRI object is the line's last `<…>` after a space (IRIs hold no `<`; a typed
            # literal's datatype comes after `^^`, and literals hold no raw line break)
            obj = line.rfind(b"<") if line.endswith(b"> .\n") else -1
            if obj > 0 and line[obj - 1] != 32:  # b" "
                obj = -1
            if not is_own(line):
                if not is_elm and line.strip():
                    shared.append(line)
                if obj > 0 and is_own(line[obj:]):
                    linked.add(line[obj + 1:-4])
                continue
            if not is_elm:
                own_lines.append(line)
                if current and line.startswith(names) and obj > 0:
                    kept[line] = None
                    linked.add(line[obj + 1:-4])
            if (obj > 0 and not is_own(line[obj:]) and line.startswith(prefixes, obj + 1)
                    and b"#" not in line[obj:] and (current or line.startswith(esco, obj + 1))):
                kept[line] = None
                linked.add(line[1:line.index(b">")])
    for rows, kept in ((lines, keep), (view, keep_elm)):
        first: dict[bytes, bytes] = {}
        described: set[bytes] = set()
        for line in rows:
            if not is_own(line):
                continue
            end = line.index(b">")
            subject = line[1:end]
            if subject in linked:
                first.setdefault(subject, line)
                if line[end + 3:line.index(b">", end + 3)] in LINK_PROPERTIES or line in kept:
                    kept[line] = None
                    described.add(subject)
        for subject, line in first.items():
            if subject not in described:
                kept[line] = None
    return Summary(b"".join(shared), b"".join(keep), b"".join(keep_elm), len(set(own_lines)))
