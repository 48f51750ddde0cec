"""Taking unchanged pages over from the previous build. The site stage sees this through
PageBook alone (at the end of the module); the rest is how it decides.

A standard's pages (its folder `standard/S/`, its coverage page, and their twins in the other
language trees) depend only on its own graph, its ELM nodes, the reference graph, the site's code
and templates (the shipped ones and the config's `templates` folder) and the base URI (render.py
renders them from exactly that). The content hash
of those inputs is the key; `.cache/site/records.pickle` in the build holds, by key, the folders
the pages are in. Each key's summary for the shared pages (most of a register's 110 MB) and
what rendering the pages gave (counts, search entries, sitemap IRIs, the standard's links:
~15 MB on a register) are a file of its own in `.cache/site/summaries/`, written once and linked
into each later build that takes its pages over, not pickled again by every build.
A build whose previous build has the same key takes the folders over instead of rendering them.
Never timestamps: a touched but unchanged standard is reused, a changed template re-renders
everything.

The pages no standard owns (e-CF, ESCO, EQF, councils, ontology) are made from the reference
graph, the ELM view's lines no standard owns and the standards' summaries (summary.py); the
hash of those is their key, and their folders are taken over the same way. Most edits of one
standard (a text, an indicator) leave its summary and so these pages unchanged.

The folders are *moved* out of the previous build, not hard-linked: renaming a folder is far
cheaper than creating one and linking its files (README, "site", has the measurements). The
previous build is discarded when the new one is swapped in; the moves are done last, after every
page is written, and undone if one fails, so a failed site stage leaves the previous build whole.

When the shared pages' inputs did change (a competence renamed: the e-CF pages citing it show its
title), they are taken over one page at a time. While a shared page is rendered the graph notes
what it reads (graph.ReadSet: the IRIs whose statements it asked for, and those whose
incoming statements it asked for); `.cache/site/shared-pages.json` keeps that with the page's files
and output. The next build compares the changed standards' old and new summaries line by line; a
page is rendered again when a changed line's subject is among the IRIs whose statements it read,
the line's IRI object among those whose incoming statements it read, or a changed hash IRI's
document among those whose hash IRIs it listed; else its files are moved over. Exact, not a
guess at how far a change reaches: a page is a function of what it read. Anything the
comparison cannot tell (a blank node, a missing record, other code, templates, reference graph
or ELM lines) renders every shared page.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import pickle
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from kutse_rdf import __version__
from kutse_rdf.engine.cache import content_key, link_or_copy
from kutse_rdf.resources import resource_dir
from kutse_rdf.site.graph import ReadSet, SiteGraph, document_of
from kutse_rdf.site.render import Output
from kutse_rdf.site.summary import Summary

CACHE_DIR = Path(".cache") / "site"
SHARED_PAGES = "shared-pages.json"
DIGESTS = "digests.json"  # the build's files hashed as pages' inputs: PageReuse.file_digest
RECORDS = "records.pickle"
SUMMARIES = "summaries"  # a file per key: the summary recorded with its pages (PageReuse.record)


def inputs_digest(base_uri: str, reference: list[bytes], templates: Path | None = None) -> str:
    """Hash of what every page depends on besides its own data: the code, the templates (the
    shipped ones and the user's `templates` folder), the base URI and the reference graph."""
    digest = hashlib.sha256(f"kutse-rdf {__version__}\n{base_uri}\n".encode())
    package = Path(__file__).resolve().parent  # every module of the site package: a page is their output
    for file in sorted(package.glob("*.py")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    for tag, folder in ((b"shipped", resource_dir("site_templates")), (b"user", templates)):
        for file in sorted(p for p in folder.rglob("*") if p.is_file()) if folder else []:
            digest.update(tag + b"\0" + str(file.relative_to(folder)).encode() + b"\0" + file.read_bytes())
    for data in reference:
        digest.update(b"reference\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def standard_key(digest: str, job) -> str:
    h = hashlib.sha256(digest.encode())
    # a unit's cache key names its graph and ELM lines (engine/cache.py: the document, the
    # code, the configuration): with its work's, they stand for the bytes, unread
    keyed = (job.inputs_key.encode(),) if job.inputs_key else (job.graph, job.elm, job.versions)
    for part in (job.iri.encode(), *keyed):
        h.update(len(part).to_bytes(8, "big") + part)
    if job.changes:  # the changes into its versions (a work of one version has none)
        # their hash, made once for all the work's versions (~30 MB of lines on a register)
        h.update(b"changes\0" + (job.changes_digest or hashlib.sha256(job.changes).hexdigest()).encode())
    if job.suggestions:  # its suggested ESCO mappings (only with an imported release)
        h.update(b"suggestions\0" + job.suggestions)
    return h.hexdigest()


def shared_pages_key(digest: str, elm: bytes, standards: list[str], summaries: list[Summary]) -> str:
    """Key of the pages no standard owns: what they are made of (summary.py)."""
    h = hashlib.sha256(b"shared pages\0" + digest.encode())
    parts = [elm]
    for iri, summary in zip(standards, summaries):
        parts += [iri.encode(), summary.shared, summary.links, summary.elm_links]
    for part in parts:
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


@dataclass
class SharedPage:
    """A shared page as rendered: its files (site-relative), its output and what it read."""

    files: list[str]
    output: Output
    reads: ReadSet


@dataclass
class SharedPagesRecord:
    state: str  # hash of all a shared page depends on besides the graph (code, templates, ...)
    standards: dict[str, str]  # the key of each standard whose summary the pages were made of
    pages: dict[str, SharedPage]

    def to_json(self) -> str:
        # IRIs by number: the e-CF pages read thousands of the same competences
        numbers: dict[str, int] = {}

        def n(iris: set[str]) -> list[int]:
            return sorted(numbers.setdefault(i, len(numbers)) for i in iris)

        pages = {iri: {"files": p.files, "output": asdict(p.output), "s": n(p.reads.subjects),
                       "o": n(p.reads.objects), "d": n(p.reads.documents)}
                 for iri, p in self.pages.items()}
        return json.dumps({"state": self.state, "standards": self.standards, "iris": list(numbers),
                           "pages": pages}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "SharedPagesRecord":
        data = json.loads(text)
        iris = data["iris"]
        pages = {iri: SharedPage(p["files"], Output(**p["output"]),
                                 ReadSet({iris[i] for i in p["s"]}, {iris[i] for i in p["o"]},
                                         {iris[i] for i in p["d"]}))
                 for iri, p in data["pages"].items()}
        return cls(data["state"], data["standards"], pages)


def line_nodes(lines: set[bytes]) -> ReadSet | None:
    """The subjects (and their documents) and IRI objects of N-Triples lines, as a ReadSet to
    meet pages' reads; None when a line has a blank node (followed by the pages' descriptions,
    not noted as a read)."""
    changed = ReadSet()
    for line in lines:
        if not line.startswith(b"<"):
            return None
        subject = line[1:line.index(b">")].decode("utf-8")
        changed.subjects.add(subject)
        if "#" in subject:
            changed.documents.add(document_of(subject))
        rest = line.rstrip()[:-1].rstrip()  # without " ."
        last = rest[rest.rfind(b" ") + 1:]  # the object, or a literal's last word (IRIs hold no space)
        if last.startswith(b"_:"):
            return None
        if last.startswith(b"<") and last.endswith(b">"):
            changed.objects.add(last[1:-1].decode("utf-8"))
    return changed


def summary_lines(summary: Summary) -> tuple[set[bytes], set[bytes]]:
    """A summary's lines of the asserted graphs and of the ELM view."""
    return (set((summary.shared + summary.links).splitlines()), set(summary.elm_links.splitlines()))


class PageReuse:
    def __init__(self, previous: Path | None, current: Path, languages: list[str]):
        self.previous = previous
        self.current = current
        self.languages = languages
        (current / CACHE_DIR / SUMMARIES).mkdir(parents=True, exist_ok=True)
        self.records: dict[str, dict] = {}  # this build's, by key (see save)
        self.made: set[str] = set()  # the keys whose summary this build wrote
        self._previous: dict | None = None
        self.digests: dict[str, list] = {}  # this build's file_digest answers, by file
        self._previous_digests: dict | None = None

    def shared_pages(self, state: str) -> SharedPagesRecord | None:
        """The previous build's record of its shared pages, if made in the same state."""
        record = self._previous_shared_pages()
        return record if record is not None and record.state == state else None

    def carry_shared_pages(self, keys: dict[str, str]) -> None:
        """Keep the previous record of the shared pages, taken over whole, for the next build:
        their summaries are unchanged, the standards' keys may not be (an edit no summary shows).
        Without one, the next build renders the shared pages once more."""
        record = self._previous_shared_pages()
        if record is not None:
            record.standards = dict(keys)
            self.write_shared_pages(record)

    def _previous_shared_pages(self) -> SharedPagesRecord | None:
        if self.previous is None:
            return None
        try:
            return SharedPagesRecord.from_json(
                (self.previous / CACHE_DIR / SHARED_PAGES).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):
            return None  # missing or damaged

    def write_shared_pages(self, record: SharedPagesRecord) -> None:
        (self.current / CACHE_DIR / SHARED_PAGES).write_text(record.to_json(), encoding="utf-8")

    def changed_nodes(self, before: dict[str, str], now: dict[str, str],
                      summaries: dict[str, Summary]) -> ReadSet | None:
        """What differs between the summaries the previous shared pages were made of (`before`:
        standard -> key) and this build's (`now`, `summaries`), as nodes to meet pages' reads;
        None when that cannot be told."""
        changed = ReadSet()
        for iri in sorted(before.keys() | now.keys()):
            if before.get(iri) == now.get(iri):
                continue  # same key, same summary
            found = self._summary(before[iri]) if iri in before else (Summary(), b"")
            if found is None:
                return None
            old = found[0]
            new = summaries[iri] if iri in now else Summary()
            for old_lines, new_lines in zip(summary_lines(old), summary_lines(new)):
                nodes = line_nodes(old_lines ^ new_lines)
                if nodes is None:
                    return None
                changed.update(nodes)
        return changed

    def files_exist(self, files: list[str]) -> bool:
        site = self.previous / "site" if self.previous else None
        return site is not None and all((site / f).is_file() for f in files)

    def lookup(self, key: str, folders: list[str] | None = None) -> tuple[Output, Summary, list[str]] | None:
        """The recorded output and summary of pages the previous build has for this key (a
        standard's, in `folders`, or the shared pages', in the folders their record names)."""
        found = self._summary(key)
        if found is None:
            return None  # a missing, damaged or foreign record is a miss, never an error
        summary, kept = found
        record = self._previous_records()[key]
        try:  # a standard's output is in its summary file, the other pages' in the record
            output = Output(**(pickle.loads(kept) if kept else record["output"]))
            folders = record["folders"] if folders is None else folders
        except (KeyError, TypeError, pickle.UnpicklingError, EOFError, ValueError, AttributeError,
                ImportError, IndexError):
            return None
        site = f"{self.previous}/site/"  # strings: ~13,000 checks on a register
        if not all(isinstance(f, str) and os.path.exists(site + f) for f in folders):
            return None
        self.records[key] = record  # kept for the next build
        return output, summary, folders

    def record(self, key: str, output: Output, summary: Summary | None = None,
               folders: list[str] | None = None) -> None:
        """Pages made from a key's inputs, for the next build; a standard's summary in a file
        of its own. Pages without one (the shared and global pages, ~1,700 graph folders on a
        register) are marked so, and need no file."""
        if summary is None:
            self.records[key] = {"output": shallow(output), "folders": folders or [], "owned": 0,
                                 "summary": False}
            return
        # a standard's output (its search entries and URLs: ~15 MB on a register) goes into its
        # summary file, written once and linked by the builds after, not into the records every
        # build writes whole
        self.records[key] = {"folders": folders or [], "owned": summary.owned}
        self.made.add(key)
        write_summary(self.current / CACHE_DIR / SUMMARIES / key, summary, output)

    def save(self) -> None:
        """Write this build's records (those taken over and those made); the summaries of those
        taken over are linked from the previous build's (those made are written by record)."""
        folder = self.current / CACHE_DIR / SUMMARIES
        for key in self.records.keys() - self.made:
            if self.records[key].get("summary") is False:
                continue  # none to keep
            link_or_copy(self.previous / CACHE_DIR / SUMMARIES / key, folder / key)
        (self.current / CACHE_DIR / RECORDS).write_bytes(
            pickle.dumps(self.records, protocol=pickle.HIGHEST_PROTOCOL))
        (self.current / CACHE_DIR / DIGESTS).write_text(json.dumps(self.digests), encoding="utf-8")

    def file_digest(self, path: Path, name: str) -> bytes:
        """The sha256 of a file of the build being assembled (`name`: its path in the build),
        or the key of what it was made of where the build recorded one (store_content_key).
        A build writes each of its data files anew or links the previous build's: a file with
        the inode, size and modification time the previous build recorded for `name` is the one
        it hashed (the change time is no help here: linking changes it). A file system whose
        times have no fraction of a second is always hashed."""
        info = os.stat(path)
        stat = [info.st_ino, info.st_size, info.st_mtime_ns]
        known = self._digests_before().get(name)
        if (info.st_mtime_ns % 1_000_000_000 and isinstance(known, list) and len(known) == 4
                and known[:3] == stat and isinstance(known[3], str)):
            digest = bytes.fromhex(known[3])
        elif (made := content_key(self.current, path)) is not None:  # written anew, keyed
            digest = bytes.fromhex(made)
        else:
            with path.open("rb") as handle:  # the ELM view's is hundreds of MB on a register
                digest = hashlib.file_digest(handle, "sha256").digest()
        self.digests[name] = [*stat, digest.hex()]
        return digest

    def _digests_before(self) -> dict:
        if self._previous_digests is None:
            self._previous_digests = {}
            if self.previous is not None:
                try:
                    data = json.loads((self.previous / CACHE_DIR / DIGESTS).read_text(encoding="utf-8"))
                except (OSError, ValueError, UnicodeDecodeError):
                    data = None  # missing or damaged: every file is hashed
                if isinstance(data, dict):
                    self._previous_digests = data
        return self._previous_digests

    def _previous_records(self) -> dict:
        if self._previous is None:
            self._previous = {}
            if self.previous is not None:
                try:
                    data = pickle.loads((self.previous / CACHE_DIR / RECORDS).read_bytes())
                except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
                        AttributeError, ImportError, IndexError):
                    data = None  # missing or damaged: everything is rendered
                if isinstance(data, dict):
                    self._previous = data
        return self._previous

    def _summary(self, key: str) -> tuple[Summary, bytes] | None:
        """read_summary of what the previous build recorded under `key`; None without a whole
        record."""
        record = self._previous_records().get(key)
        if not isinstance(record, dict) or not isinstance(record.get("owned"), int):
            return None  # (no previous build: no records)
        if record.get("summary") is False:
            return Summary(), b""
        return read_summary(self.previous / CACHE_DIR / SUMMARIES / key, record["owned"])

    def take_over(self, site: Path, standards: list[tuple[str, list[str]]]) -> list[tuple[Path, Path]]:
        """Move the folders of reused standards from the previous build's site into `site`;
        the moves made (source, target), for give_back."""
        moved: list[tuple[Path, Path]] = []
        if self.previous is None or not standards:
            return moved
        try:
            for folder in whole_folders(self.previous / "site", site,
                                        [folder for _, folders in standards for folder in folders]):
                source, target = self.previous / "site" / folder, site / folder
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(source, target)
                moved.append((source, target))
        except BaseException:
            give_back(moved)
            raise
        return moved


def give_back(moved: list[tuple[Path, Path]]) -> None:
    """Undo PageReuse.take_over's moves (the last first)."""
    for source, target in reversed(moved):
        os.rename(target, source)


def write_summary(path: Path, summary: Summary, output: Output | None = None) -> None:
    """A summary as a file: the parts' lengths on the first line, then the parts: the
    summary's three and, when given, the pages' output (pickled fields)."""
    parts = [summary.shared, summary.links, summary.elm_links]
    if output is not None:
        parts.append(pickle.dumps(shallow(output), protocol=pickle.HIGHEST_PROTOCOL))
    path.write_bytes(b" ".join(b"%d" % len(p) for p in parts) + b"\n" + b"".join(parts))


def read_summary(path: Path, owned: int) -> tuple[Summary, bytes] | None:
    """write_summary's file: the summary and the pages' output as pickled (b"" when the file
    has none); None when it is missing or its lengths do not add up."""
    try:
        data = path.read_bytes()
        head, _, body = data.partition(b"\n")
        lengths = [int(n) for n in head.split(b" ")]
    except (OSError, ValueError):
        return None
    if len(lengths) not in (3, 4) or min(lengths) < 0 or sum(lengths) != len(body):
        return None
    ends = list(itertools.accumulate(lengths))
    return Summary(body[:ends[0]], body[ends[0]:ends[1]], body[ends[1]:ends[2]], owned), body[ends[2]:]


def shallow(output: Output) -> dict:
    """Output's fields as a dict (dataclasses.asdict copies every search entry's tuple too)."""
    return {name: getattr(output, name) for name in output.__dataclass_fields__}


def whole_folders(previous: Path, site: Path, paths: list[str]) -> list[str]:
    """The same moves in fewer renames: a folder of `previous` whose every entry is to be moved,
    and which `site` does not have, is moved as one (then perhaps its parent, and so on). On an
    unchanged register that is `standard/`, not a folder per version, competence and language;
    and the previous build, deleted afterwards, keeps no emptied folders."""
    moving = {path.strip("/") for path in paths}
    for depth in range(max((p.count("/") for p in moving), default=0), 0, -1):
        children: dict[str, set[str]] = {}
        for path in moving:
            if path.count("/") == depth:
                parent, _, name = path.rpartition("/")
                children.setdefault(parent, set()).add(name)
        for parent, names in children.items():
            if (site / parent).exists():
                continue
            try:
                whole = set(os.listdir(previous / parent)) == names
            except OSError:
                whole = False
            if whole:
                moving -= {f"{parent}/{name}" for name in names}
                moving.add(parent)
    return sorted(moving)


class PageBook:
    """The site's incremental bookkeeping, for one build: which pages the previous build has for
    the same inputs (taken over, see the module's text), what this build rendered (recorded for
    the next), and at the end the move of the taken-over folders. SiteWriter asks it, per group
    of pages, whether they can be taken over, and tells it what it rendered."""

    def __init__(self, previous: Path | None, current: Path, languages: list[str], base_uri: str,
                 reference: list[bytes], templates: Path | None = None):
        self.reuse = PageReuse(previous, current, languages)
        self.digest = inputs_digest(base_uri, reference, templates)
        self.keys: dict[str, str] = {}  # standard -> key of its pages' inputs
        self.taken_over: list[tuple[str, list[str]]] = []  # (key, folders), moved at the end
        self.moved: list[tuple[Path, Path]] = []  # moved before the end (take_over_so_far)
        self.shared_key = ""

    # -- a standard's pages ----------------------------------------------------------------------
    def standard(self, job, folders: list[str]) -> tuple[Output, Summary] | None:
        """The output and summary of the standard's pages when the previous build has them (in
        `folders`) for the same inputs: they are then taken over."""
        key = self.keys[job.iri] = standard_key(self.digest, job)
        found = self.reuse.lookup(key, folders)
        if found is None:
            return None
        self.taken_over.append((key, folders))
        return found[0], found[1]

    def rendered_standard(self, job, output: Output, summary: Summary) -> None:
        self.reuse.record(self.keys[job.iri], output, summary)

    # -- the shared pages ------------------------------------------------------------------------
    def shared_pages_unchanged(self, elm: bytes, summaries: dict[str, Summary]) -> bool:
        """Whether the previous build has the shared pages for the same inputs (the ELM lines no
        standard owns and the standards' summaries, by standard): then take_over_shared_pages."""
        self.shared_key = shared_pages_key(self.digest, elm, list(summaries), list(summaries.values()))
        self._state = hashlib.sha256(b"shared pages\0" + self.digest.encode() + elm).hexdigest()
        return self.reuse.lookup(self.shared_key) is not None

    def take_over_shared_pages(self) -> Output:
        output, _, folders = self.reuse.lookup(self.shared_key)
        self.taken_over.append((self.shared_key, folders))
        self.reuse.carry_shared_pages(self.keys)
        return output

    def render_shared_pages(self, graph: SiteGraph, renderer, iris: list[str], elm: bytes,
                            ontology_path: str | None, summaries: dict[str, Summary]) -> None:
        """Each shared page rendered by `renderer` while `graph` notes what it reads, or taken
        over from the previous build when none of what it read changed (into renderer.output)."""
        # the templates' one global read of the graph is part of every page's state
        state = hashlib.sha256(f"{self._state}\0{ontology_path}".encode()).hexdigest()
        reuse, out = self.reuse, renderer.out
        previous = reuse.shared_pages(state)
        changed = reuse.changed_nodes(previous.standards, self.keys, summaries) if previous else None
        record = SharedPagesRecord(state, dict(self.keys), {})
        output = renderer.output
        moved: list[str] = []
        for iri in iris:
            old = previous.pages.get(iri) if previous and changed is not None else None
            if old is not None and not old.reads.meets(changed) and reuse.files_exist(old.files):
                moved += old.files
                output.add(old.output)
                record.pages[iri] = old
                continue
            counts = (output.pages, output.resources, output.files, len(output.sitemap), len(output.search))
            graph.reads, renderer.written = ReadSet(), []
            renderer.resource_page(iri)
            record.pages[iri] = SharedPage(
                [str(path.relative_to(out)) for path in renderer.written],
                Output(output.pages - counts[0], output.resources - counts[1], output.files - counts[2],
                       output.sitemap[counts[3]:], output.search[counts[4]:]),
                graph.reads)
        graph.reads = renderer.written = None
        reuse.write_shared_pages(record)
        if moved:
            self.taken_over.append(("shared pages", moved))

    def rendered_shared_pages(self, output: Output, folders: list[str] | None) -> None:
        """Record the shared pages as rendered, to be taken over whole next time; not when
        `folders` is None (their folders hold other pages too)."""
        if folders is not None:
            self.reuse.record(self.shared_key, output, folders=folders)

    # -- pages made from a few known inputs --------------------------------------------------------
    def global_pages(self, name: str, inputs: list[bytes],
                     paths: list[str] | Callable[[], list[str] | None], render: Callable[[], None],
                     output: Output) -> None:
        """Pages made from a few known inputs (the validation report, the query results, the
        sitemap's URLs): taken over when a hash of those inputs is unchanged, else `render` writes
        them (counted in `output`). `paths`, the folders and files they occupy, may be a function
        of those inputs, called only when they are rendered (on a hit the record's are the same);
        when it gives None they are rendered and not recorded (their folders hold other pages)."""
        h = hashlib.sha256(f"{name}\0{self.digest}".encode())
        for part in inputs:
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
        key = h.hexdigest()
        found = self.reuse.lookup(key)
        if found is not None and (callable(paths) or found[2] == paths):
            self.taken_over.append((key, found[2]))
            output.pages += found[0].pages
            output.files += found[0].files
            return
        if callable(paths):
            paths = paths()
        pages, files = output.pages, output.files
        render()
        if paths is not None:
            self.reuse.record(key, Output(pages=output.pages - pages, files=output.files - files),
                              folders=paths)

    def file_digest(self, path: Path, name: str) -> bytes:
        """PageReuse.file_digest: a data file's hash, as an input of the pages made from it."""
        return self.reuse.file_digest(path, name)

    # -- the end ---------------------------------------------------------------------------------
    def take_over_so_far(self, site: Path) -> None:
        """Move the folders taken over so far into `site` (while the build still waits for
        something); give_back moves them back should the build fail after."""
        taken, self.taken_over = self.taken_over, []
        self.moved += self.reuse.take_over(site, taken)

    def give_back(self) -> None:
        moved, self.moved = self.moved, []
        give_back(moved)

    def take_over(self, site: Path) -> None:
        """Save this build's records, then move the folders taken over since take_over_so_far
        into `site`."""
        self.reuse.save()
        self.take_over_so_far(site)
