"""SPARQL: the named query library (queries/*.rq), its parameters and the stores it runs on."""
