"""kutse-rdf: Estonian occupational standards (kutsestandardid) as linked data."""

__version__ = "0.1.0"


def open(build_dir="build", lang="et"):  # noqa: A001 (kutse_rdf.open, like io.open)
    """The graph of a `kutse-rdf build` folder for queries from Python: see kutse_rdf.api."""
    from kutse_rdf.api import open_build

    return open_build(build_dir, lang)
