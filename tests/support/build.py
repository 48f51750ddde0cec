"""Build helpers shared by tests/engine/."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox


def assert_answers_equal(store, out: Path) -> None:
    from kutse_rdf import query as q

    whole = ox.Store()
    # what queries read by default: the current versions (data/current.nt)
    whole.bulk_load(path=str(out / "data" / "current.nt"), format=ox.RdfFormat.N_TRIPLES)
    standards = q.standards_in(whole)
    answered = skipped = 0
    for name, query in q.library().items():
        if q.needs_named_graphs(query.text):
            skipped += 1
            continue  # reads every version's graph (valid-on): not the reports' store
        # a standard for a standard parameter, a competence code every standard has otherwise
        params = {p.name: standards[i % len(standards)] if p.type == "standard" else "B.3.1"
                  for i, p in enumerate(query.params) if p.required}
        expected = q.run(whole, query, params)
        answered += bool(expected.rows)
        assert q.run(store, query, params).rows == expected.rows, name
    # (no level conflicts, nothing unrequired, no second version of a standard: changes-between)
    assert answered >= len(q.library()) - skipped - 4
