"""Build helpers shared by tests/engine/."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox


def assert_answers_equal(store, out: Path) -> None:
    from kutse_rdf import query as q

    whole = ox.Store()
    whole.bulk_load(path=str(out / "data" / "all.nt"), format=ox.RdfFormat.N_TRIPLES)
    standards = q.standards_in(whole)
    answered = 0
    for name, query in q.library().items():
        params = {p.name: standards[i % len(standards)]
                  for i, p in enumerate(query.params) if p.required}
        expected = q.run(whole, query, params)
        answered += bool(expected.rows)
        assert q.run(store, query, params).rows == expected.rows, name
    assert answered >= len(q.library()) - 3  # (no level conflicts, nothing unrequired, ...)
