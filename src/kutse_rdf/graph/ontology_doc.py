"""HTML documentation of the kutse ontology (ontology/kutse.ttl), rendered by pyLODE.

pyLODE is a test/site extra (pylode 3.3.4; 3.4.1 fails at import). Importing it configures the
root logger at DEBUG level (pylode.profiles.supermodel), which would flood stderr of the command
that asked for the page, so the logging configuration is put back afterwards.
"""
from __future__ import annotations

import logging
from pathlib import Path

from rdflib import Graph
from kutse_rdf.errors import InputError
from kutse_rdf.graph.namespaces import DCTERMS, OWL, RDF, RDFS
from kutse_rdf.resources import resource_dir


def ontology_path() -> Path:
    return resource_dir("ontology") / "kutse.ttl"


def render_ontology_html(out_path: Path | str, ontology: Path | None = None) -> Path:
    """Write the pyLODE (OntPub profile) page of the ontology to `out_path`; return the path."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub
    except ImportError:
        raise InputError("pyLODE is not installed: pip install 'pylode==3.3.4'") from None
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    graph = Graph().parse(ontology or ontology_path(), format="turtle")
    # pyLODE takes whichever title it meets last; keep the page title English and stable.
    for s in list(graph.subjects(RDF.type, OWL.Ontology)):
        for prop in (DCTERMS.title, RDFS.label):
            for title in list(graph.objects(s, prop)):
                if getattr(title, "language", None) not in (None, "en"):
                    graph.remove((s, prop, title))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    html = OntPub(ontology=graph).make_html()
    out.write_text(html, encoding="utf-8")
    return out
