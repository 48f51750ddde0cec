"""The build engine: one unit of work per standard (unit.py), the artifact cache keyed by content
(cache.py) and the merged data dumps written from the units' bytes (dumps.py)."""
