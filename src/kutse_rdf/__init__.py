"""kutse-rdf: Estonian occupational standards (kutsestandardid) as linked data."""

__version__ = "0.1.0"
