"""What changed between two versions of a standard, on the model (between `reading` and `graph`).

lineage.py matches the competences of two versions (which old competence is which new one, and
why); diff.py computes every change between two Standard models; render.py prints a diff as
text, JSON or Markdown. graph/changes.py writes the same changes as RDF.
"""
from kutse_rdf.history.diff import Diff, diff
from kutse_rdf.history.lineage import Lineage, Match, lineage

__all__ = ["Diff", "diff", "Lineage", "Match", "lineage"]
