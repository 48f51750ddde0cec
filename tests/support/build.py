"""Build helpers shared by tests/engine/."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox


def assert_answers_equal(store, out: Path) -> None:
    """Every query the build reports answers the same on `store` (the build's query store) as
    on the whole of the current versions."""
    from kutse_rdf import query as q

    whole = ox.Store()
    # what queries read by default: the current versions (data/current.nt)
    whole.bulk_load(path=str(out / "data" / "current.nt"), format=ox.RdfFormat.N_TRIPLES)
    reported, _ = q.report_queries()
    answered = 0
    for name, query in reported.items():
        expected = q.run(whole, query, {})
        answered += bool(expected.rows)
        assert q.run(store, query, {}).rows == expected.rows, name
    # (no level conflicts, nothing unrequired, no e-CF area untouched)
    assert answered >= len(reported) - 4
