"""The static bilingual site: the build's graph read for pages (graph.py), view models (views.py),
rendering (render.py, jsonld.py, search.py), page reuse between builds (reuse.py, summary.py)
and the stages that write it all (writer.py)."""
