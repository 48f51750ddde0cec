"""ESCO releases: reading the CSV package the ESCO portal publishes (release.py), keeping what
the build needs in a local store (store.py), and suggesting competence -> ESCO skill mappings
for curation (suggest.py).

release.py and store.py import only the base modules (config, errors), so the reference graph
(graph/vocab.py) can read the store; suggest.py sits above graph/ (it mints competence URIs).
"""
