"""Where the declarative files live: ontology/, shapes/, queries/, mappings/, site_templates/,
standards/. In a source checkout (and an editable install) they are the top-level folders; in a
wheel they are copied to kutse_rdf/_data/ (see pyproject.toml)."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
NAMES = ("ontology", "shapes", "queries", "mappings", "site_templates", "standards")


def resource_dir(name: str) -> Path:
    if name not in NAMES:
        raise ValueError(f"unknown resource folder {name!r}")
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parents[1] / name
