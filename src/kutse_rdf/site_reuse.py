"""Taking a standard's pages over from the previous build.

A standard's pages (its folder `standard/S/`, its coverage page, and their twins in the other
language trees) depend only on its own graph, its ELM nodes, the reference graph, the site's code
and templates and the base URI (site_render.py renders them from exactly that). The content hash
of those inputs is the key; `.cache/site/KEY.json` in the build records what rendering them gave
(counts, search entries, sitemap IRIs, the standard's links) and `KEY.nt` its summary for the
shared pages.
A build whose previous build has the same key takes the folders over instead of rendering them.
Never timestamps: a touched but unchanged standard is reused, a changed template re-renders
everything.

The pages no standard owns (e-CF, ESCO, EQF, councils, ontology) are made from the reference
graph, the ELM view's lines no standard owns and the standards' summaries (site_summary.py); the
hash of those is their key, and their folders are taken over the same way. Most edits of one
standard (a text, an indicator) leave its summary and so these pages unchanged.

The folders are *moved* out of the previous build, not hard-linked: on the shared disk this was
measured on, creating a folder costs 100-500 µs (linking a file ~10 µs, renaming a folder
~30 µs), and a standard has ~60 folders, so linking 499 unchanged standards took longer than the
rebuild's whole budget, and deleting the old build's copies as long again (README, "site"). The
previous build is discarded when the new one is swapped in; the moves are done last, after every
page is written, and undone if one fails, so a failed site stage leaves the previous build whole.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from kutse_rdf import __version__
from kutse_rdf.resources import resource_dir
from kutse_rdf.site_render import Output
from kutse_rdf.site_summary import Summary

CACHE_DIR = Path(".cache") / "site"
CODE = ("site_render.py", "site_graph.py", "site_views.py", "site_jsonld.py", "site_search.py",
        "site_summary.py")


def inputs_digest(base_uri: str, reference: list[bytes]) -> str:
    """Hash of what every standard's pages depend on besides the standard itself."""
    digest = hashlib.sha256(f"kutse-rdf {__version__}\n{base_uri}\n".encode())
    package = Path(__file__).resolve().parent
    for name in CODE:
        digest.update(name.encode() + b"\0" + (package / name).read_bytes())
    templates = resource_dir("site_templates")
    for file in sorted(p for p in templates.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(templates)).encode() + b"\0" + file.read_bytes())
    for data in reference:
        digest.update(b"reference\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def standard_key(digest: str, job) -> str:
    h = hashlib.sha256(digest.encode())
    for part in (job.iri.encode(), job.graph, job.elm):
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


def shared_pages_key(digest: str, elm: bytes, standards: list[str], summaries: list[Summary]) -> str:
    """Key of the pages no standard owns: what they are made of (site_summary.py)."""
    h = hashlib.sha256(b"shared pages\0" + digest.encode())
    parts = [elm]
    for iri, summary in zip(standards, summaries):
        parts += [iri.encode(), summary.shared, summary.links, summary.elm_links]
    for part in parts:
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


class PageReuse:
    def __init__(self, previous: Path | None, current: Path, languages: list[str]):
        self.previous = previous
        self.current = current
        self.languages = languages
        (current / CACHE_DIR).mkdir(parents=True, exist_ok=True)

    def lookup(self, key: str, folders: list[str] | None = None) -> tuple[Output, Summary, list[str]] | None:
        """The recorded output and summary of pages the previous build has for this key (a
        standard's, in `folders`, or the shared pages', in the folders their record names)."""
        if self.previous is None:
            return None
        record = self.previous / CACHE_DIR / f"{key}.json"
        site = self.previous / "site"
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            text = (self.previous / CACHE_DIR / f"{key}.nt").read_bytes()
            output = Output(**data["output"])
            sizes = data["sizes"]
            shared, links = text[:sizes[0]], text[sizes[0]:sizes[0] + sizes[1]]
            summary = Summary(shared, links, text[sizes[0] + sizes[1]:], data["owned"])
            folders = data["folders"] if folders is None else folders
        except (OSError, ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):
            return None  # a missing, damaged or foreign record is a miss, never an error
        if not all(isinstance(f, str) and (site / f).exists() for f in folders):
            return None
        for name in (f"{key}.json", f"{key}.nt"):  # kept for the next build: a link is cheaper
            try:                                   # than a new file (see above)
                os.link(self.previous / CACHE_DIR / name, self.current / CACHE_DIR / name)
            except FileExistsError:
                pass
            except OSError:
                self._write(key, data, text)
        return output, summary, folders

    def record(self, key: str, output: Output, summary: Summary | None = None,
               folders: list[str] | None = None) -> None:
        summary = summary or Summary()
        self._write(key, {"output": asdict(output), "folders": folders or [], "owned": summary.owned,
                          "sizes": [len(summary.shared), len(summary.links)]},
                    summary.shared + summary.links + summary.elm_links)

    def _write(self, key: str, data: dict, text: bytes) -> None:
        # the record's summary (N-Triples) beside it as is: as a JSON string it would cost an
        # escape per quote
        folder = self.current / CACHE_DIR
        (folder / f"{key}.nt").write_bytes(text)
        (folder / f"{key}.json").write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    def take_over(self, site: Path, standards: list[tuple[str, list[str]]]) -> None:
        """Move the folders of reused standards from the previous build's site into `site`."""
        if self.previous is None or not standards:
            return
        moved: list[tuple[Path, Path]] = []
        try:
            for _, folders in standards:
                for folder in folders:
                    source, target = self.previous / "site" / folder, site / folder
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(source, target)
                    moved.append((source, target))
        except BaseException:
            for source, target in reversed(moved):
                os.rename(target, source)
            raise
