"""The graph of one standard: IRIs minted (uris.py), terms (namespaces.py), reference
vocabularies and mappings (vocab.py), the model as RDF (convert.py), OWL RL (reason.py), SHACL
(validate.py), the ELM view (elm.py) and N-Triples byte helpers (ntriples.py)."""
