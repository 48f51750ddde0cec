"""Taking a standard's pages over from the previous build.

A standard's pages (its folder `standard/S/`, its coverage page, and their twins in the other
language trees) depend only on its own graph, its ELM nodes, the reference graph, the site's code
and templates and the base URI (site_render.py renders them from exactly that). The content hash
of those inputs is the key; `.cache/site/KEY.json` in the build records what rendering them gave
(counts, search entries, sitemap IRIs). A build whose previous build has the same key takes the
folders over instead of rendering them. Never timestamps: a touched but unchanged standard is
reused, a changed template re-renders everything.

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
from pathlib import Path

from kutse_rdf import __version__
from kutse_rdf.resources import resource_dir
from kutse_rdf.site_render import Output

CACHE_DIR = Path(".cache") / "site"
CODE = ("site_render.py", "site_graph.py", "site_views.py", "site_jsonld.py", "site_search.py")


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


class PageReuse:
    def __init__(self, previous: Path | None, current: Path, languages: list[str]):
        self.previous = previous
        self.current = current
        self.languages = languages
        (current / CACHE_DIR).mkdir(parents=True, exist_ok=True)

    def lookup(self, key: str, folders: list[str]) -> Output | None:
        """The recorded output of a standard whose pages the previous build has for this key."""
        if self.previous is None:
            return None
        record = self.previous / CACHE_DIR / f"{key}.json"
        site = self.previous / "site"
        if not record.is_file() or not all((site / folder).is_dir() for folder in folders):
            return None
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            output = Output(**data)
        except (ValueError, TypeError, UnicodeDecodeError):
            return None  # a damaged or foreign record is a miss, never an error
        self._write(key, data)
        return output

    def record(self, key: str, output: Output) -> None:
        self._write(key, {"pages": output.pages, "resources": output.resources, "files": output.files,
                          "sitemap": output.sitemap, "search": output.search})

    def _write(self, key: str, data: dict) -> None:
        (self.current / CACHE_DIR / f"{key}.json").write_text(
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
