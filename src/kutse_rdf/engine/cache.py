"""The build's artifact cache: the result of each standard's unit (unit.py), keyed by a content
hash of everything that result depends on — the document's bytes, the configuration, the tool
version and its code, and the declarative files (ontology, shapes, mappings). Never timestamps: a touched
but unchanged file is still a hit, and a changed shape invalidates every entry.

The cache lives in the build folder (`build/.cache/`), so it is swapped in and out with the
build: a new build links the entries it reuses from the previous build's cache and stores the
new ones; entries of standards no longer built are dropped with the old build.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path

from kutse_rdf import __version__
from kutse_rdf.config import Config
from kutse_rdf.resources import resource_dir
from kutse_rdf.engine.unit import UnitResult

CACHE_DIR = ".cache"
# The declarative files a unit's result depends on.
INPUT_FOLDERS = ("ontology", "shapes", "mappings", "queries")  # queries: see query_nt


def link_or_copy(source: Path, target: Path) -> None:
    """`target` as a hard link to `source` (a copy where the file system has none). Its
    folder is made only when missing: a rebuild links ~10,000 files into folders that exist."""
    try:
        os.link(source, target)
        return
    except FileNotFoundError:
        if not source.exists():
            raise
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        shutil.copyfile(source, target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


@contextmanager
def collections_paused() -> Iterator[None]:
    """No cyclic collection while a build reads what its cache holds (the units, the site's
    summaries), and what was read frozen out of the later passes (gc.freeze, as each finished
    stage is; few_collections unfreezes at the end): that is the build's live data, without
    cycles, and the young passes walked each of its objects at least once, collecting nothing
    (on a register's rebuild nine passes, ~0.25 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def environment_key(config: Config) -> str:
    """Everything but the document a unit's result depends on. Naming the engines here also
    checks them (exit 2 on an unknown one) before any worker process starts."""
    from kutse_rdf.graph import reason
    from kutse_rdf.graph import validate

    engines = f"{reason.engine_name()} {validate.engine_name()}"
    digest = hashlib.sha256(
        f"kutse-rdf {__version__}\n{engines}\n{sorted(asdict(config).items())}\n".encode())
    # the code too, not only its version: an edited checkout must not reuse stale entries
    package = Path(__file__).resolve().parents[1]  # all of kutse_rdf
    for file in sorted(package.rglob("*.py")):
        digest.update(str(file.relative_to(package)).encode() + b"\0" + file.read_bytes())
    for name in INPUT_FOLDERS:
        folder = resource_dir(name)
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(folder)).encode() + b"\0" + file.read_bytes())
    from kutse_rdf.esco.store import release_key

    digest.update(f"esco {release_key(config)}\n".encode())  # the imported ESCO release
    if config.queries is not None:  # extra named queries widen what query_nt keeps
        for file in sorted(config.queries.glob("*.rq")):
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def reference_key(environment: str) -> str:
    return hashlib.sha256(f"{environment}\nreference".encode()).hexdigest()


def unit_key(environment: str, path: Path) -> str:
    digest = hashlib.sha256(environment.encode())
    digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


MAGIC = b"kutse-rdf unit 2"  # last bytes of a cache file, after its header's length and hash
DIGEST_SIZE = 32  # sha256 of everything before it: the byte fields, header and its length
BYTE_FIELDS = tuple(f.name for f in fields(UnitResult) if f.type in (bytes, "bytes"))


class ArtifactCache:
    """One file per unit, `KEY.unit`: the unit's byte fields one after the other, then a header
    (the unit without those bytes, pickled, with each field's offset and length), its length,
    the sha256 of all that and MAGIC. Loading an entry checks the hash and unpickles the header
    only; later stages read or copy the byte ranges they need (UnitResult.data / copy).

    The hash is checked once: a build that ended records each entry's inode, size and
    modification and change times (VERIFIED, record_verified), and the next build trusts an
    entry whose four are the same (any write sets the change time, and no program can set it
    back). A file system whose times have no fraction of a second is always checked."""

    def __init__(self, previous: Path, current: Path):
        """`previous`: the build being replaced (read only); `current`: the build being
        assembled. The same folder for a command that reads a build's cache and adds to it
        (build.cached_units)."""
        self.previous_build = previous
        self.previous = previous / CACHE_DIR
        self.current = current / CACHE_DIR
        self.current.mkdir(parents=True, exist_ok=True)
        self.hits = 0
        self.verified = self._verified()  # entry name -> its stat when last checked
        self.lock = threading.Lock()
        self.warnings: list[str] = []  # damaged entries, one line each

    def __getstate__(self) -> dict:  # sent to worker processes, which only store
        return {**self.__dict__, "lock": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, lock=threading.Lock())

    def load(self, key: str) -> UnitResult | None:
        source = self.previous / f"{key}.unit"
        target = self.current / source.name
        known = stat_key(source)
        try:
            result = read_header(source, check=known is None or self.verified.get(source.name) != known)
        except FileNotFoundError:
            return None
        except Exception as exc:  # a damaged or foreign entry is a miss, never an error
            self.damaged(source, str(exc) if isinstance(exc, ValueError) else
                         f"unreadable: {type(exc).__name__}")
            return None
        if not isinstance(result, UnitResult) or result.key != key:
            self.damaged(source, "its header names another entry")
            return None
        if target != source:  # not when a command reads and adds to a build's own cache
            link_or_copy(source, target)
        result.pack = str(target)
        with self.lock:
            self.hits += 1
        return result

    def has(self, key: str) -> bool:
        """Whether the previous build left an entry for `key` (load may still find it damaged)."""
        return (self.previous / f"{key}.unit").is_file()

    def load_all(self, keys: list[str]) -> list[UnitResult | None]:
        """load() of each key, in threads: checking an entry's hash reads all of it (~1.5 MB a
        standard), and hashlib releases the GIL while it hashes."""
        if len(keys) < 8:
            return [self.load(key) for key in keys]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            return list(pool.map(self.load, keys))

    def _verified(self) -> dict[str, list[int]]:
        try:
            record = json.loads((self.previous / VERIFIED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}

    def damaged(self, path: Path, why: str) -> None:
        self.warnings.append(f"kutse-rdf: {path}: warning: damaged cache entry ({why}); "
                             "rebuilt, not used")

    def load_record(self, name: str) -> dict | None:
        """A small JSON record the previous build left (None when missing or damaged)."""
        try:
            data = json.loads((self.previous / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def store_record(self, name: str, data: dict) -> None:
        (self.current / name).write_text(json.dumps(data), encoding="utf-8")

    def load_pieces(self, name: str) -> dict[str, tuple[bytes, ...]]:
        """Byte pieces by key that the previous build kept in one file (store_pieces); empty
        when missing or damaged."""
        try:
            data = pickle.loads((self.previous / name).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
                ImportError, IndexError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {key: value for key, value in data.items() if isinstance(key, str)
                and isinstance(value, tuple) and all(isinstance(v, bytes) for v in value)}

    def store_pieces(self, name: str, pieces: dict[str, tuple[bytes, ...]]) -> None:
        """Pieces for the next build, in one file (hundreds of small files cost a rebuild more
        than writing them together)."""
        (self.current / name).write_bytes(pickle.dumps(pieces, protocol=pickle.HIGHEST_PROTOCOL))

    def load_bytes(self, folder: str, key: str) -> bytes | None:
        """A piece the previous build stored under folder/KEY (None when missing); kept for
        the next build. No hash check: the key is a content hash and the piece is rewritten
        whole (store_bytes)."""
        source, target = self.previous / folder / key, self.current / folder / key
        try:
            data = source.read_bytes()
            if not target.is_file():
                link_or_copy(source, target)  # the same bytes: linked, not written again
        except OSError:
            return None
        return data

    def store_bytes(self, folder: str, key: str, data: bytes) -> None:
        target = self.current / folder / key
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # the dumps' thread and the site may make the same piece at once: a part file each
        partial = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.part")
        partial.write_bytes(data)
        os.replace(partial, target)

    def store(self, result: UnitResult) -> None:
        """Write the unit's entry; its byte fields are then read from there (memory freed)."""
        target = self.current / f"{result.key}.unit"
        sections: dict[str, tuple[int, int]] = {}
        digest = hashlib.sha256()
        with target.open("wb") as handle:
            offset = 0
            for name in BYTE_FIELDS:
                value = getattr(result, name)
                handle.write(value)
                digest.update(value)
                sections[name] = (offset, len(value))
                offset += len(value)
            for name in BYTE_FIELDS:
                setattr(result, name, b"")
            result.pack, result.sections = "", sections
            header = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            header += len(header).to_bytes(8, "big")
            digest.update(header)
            handle.write(header + digest.digest() + MAGIC)
        result.pack = str(target)


def content_digest(path: Path, length: int) -> bytes:
    """sha256 of the first `length` bytes of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while length > 0:
            chunk = handle.read(min(length, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            length -= len(chunk)
    return digest.digest()


VERIFIED = "verified.json"  # in the cache folder: see ArtifactCache
CONTENT_KEY = "content-{}.json"  # in the cache folder, by the file's path in the build: see store_content_key


def store_content_key(root: Path, path: Path, key: str) -> None:
    """Record that the file `path`, just written whole into the build `root`, holds what `key`
    names: a hash of what it was made of (units' keys, the lines no unit owns), not of its
    bytes. The site keys a graph's folder by its file's content (PageReuse.file_digest), and
    the ELM view and the inferred graph are ~250 MB a register's rebuild would hash again."""
    info = os.stat(path)
    _content_record(root, path).write_text(
        json.dumps([info.st_ino, info.st_size, info.st_mtime_ns, key]), encoding="utf-8")


def content_key(root: Path, path: Path) -> str | None:
    """store_content_key's key for `path` while it is the file then written (the same inode,
    size and modification time); None otherwise."""
    try:
        record = json.loads(_content_record(root, path).read_text(encoding="utf-8"))
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if (isinstance(record, list) and len(record) == 4 and isinstance(record[3], str)
            and re.fullmatch(r"[0-9a-f]{64}", record[3])
            and record[:3] == [info.st_ino, info.st_size, info.st_mtime_ns]):
        return record[3]
    return None


def _content_record(root: Path, path: Path) -> Path:
    return root / CACHE_DIR / CONTENT_KEY.format(path.relative_to(root).as_posix().replace("/", "-"))


def stat_key(path: Path) -> list[int] | None:
    """What says a file is the one checked before: inode, size, modification and change time
    (None where the times have no fraction of a second: a write in the same second would keep
    them)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if info.st_ctime_ns % 1_000_000_000 == 0:
        return None
    return [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def unlink_entries(build: Path) -> None:
    """Remove a replaced build's links to its cache entries (the next build's share them)."""
    for entry in (build / CACHE_DIR).glob("*.unit"):
        try:
            entry.unlink()
        except OSError:
            pass  # removed with the rest of the folder


def record_verified(out: Path) -> None:
    """After a build has replaced `out`: every entry of its cache was checked or written by it;
    their stat_key for the next build. Made after the previous build's links to them are removed
    (unlink_entries: removing a link changes an entry's change time). A build killed before this
    leaves no record, and the next checks every hash."""
    folder = out / CACHE_DIR
    record = {}
    for entry in sorted(folder.glob("*.unit")):
        key = stat_key(entry)
        if key is not None:
            record[entry.name] = key
    partial = folder / f"{VERIFIED}.part"
    partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(partial, folder / VERIFIED)


def read_header(path: Path, check: bool = True) -> UnitResult:
    """The unit of a cache file, once the file's content hash is checked (a damaged entry
    raises ValueError: a single altered byte of a literal or IRI must not reach a build);
    `check` False: an entry known to be the one checked before (ArtifactCache)."""
    tail_length = 8 + DIGEST_SIZE + len(MAGIC)
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size < tail_length:
            raise ValueError("not a unit cache file")
        handle.seek(size - tail_length)
        tail = handle.read()
        if not tail.endswith(MAGIC):
            raise ValueError("not a unit cache file")
        length = int.from_bytes(tail[:8], "big")
        if length > size - tail_length:
            raise ValueError("its header is longer than the file")
        handle.seek(size - tail_length - length)
        header = handle.read(length)
    if check and content_digest(path, size - DIGEST_SIZE - len(MAGIC)) != tail[8:8 + DIGEST_SIZE]:
        raise ValueError("its content hash differs")
    return pickle.loads(header)
