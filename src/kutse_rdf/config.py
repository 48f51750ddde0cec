"""Build configuration: base URI and the e-CF version per standard.

Read from `kutse-rdf.toml` in the working directory (or `--config FILE`), then overridden by
command-line options. Example:

    base_uri = "https://data.example.ee/kutse/"
    ecf_default_version = "4.0"
    queries = "my-queries"   # extra named queries (*.rq), relative to this file
    templates = "my-templates"  # site templates that replace the shipped ones of the same name
    esco = "esco-store"      # where `kutse-rdf esco import` keeps the release (default: the
                             # user's cache, $XDG_CACHE_HOME/kutse-rdf/esco), relative to this file
    [ecf_version]            # per standard, by file name without extension
    "vana-standard" = "3.0"
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kutse_rdf.errors import InputError

DEFAULT_BASE_URI = "https://w3id.org/kutse-rdf/id/"
DEFAULT_CONFIG_FILE = "kutse-rdf.toml"
ECF_VERSIONS = ("4.0", "3.0")


@dataclass
class Config:
    base_uri: str = DEFAULT_BASE_URI
    ecf_default_version: str = "4.0"
    ecf_version: dict[str, str] = field(default_factory=dict)  # file stem -> version
    queries: Path | None = None  # a folder of extra named queries (query/named.py)
    templates: Path | None = None  # a folder of site templates overriding the shipped ones by name
    esco: Path | None = None  # the store of the imported ESCO release (esco/store.py)

    def ecf_version_for(self, source_file: str, stated: str | None) -> str:
        """The e-CF version a standard's citations refer to: a per-standard override first,
        then what the document states, then the default."""
        stem = Path(source_file).stem
        return self.ecf_version.get(stem) or stated or self.ecf_default_version


@dataclass(frozen=True)
class ServeLimits:
    """What one SPARQL query of `kutse-rdf serve` may cost (options of the command)."""
    query_timeout: float = 30.0     # seconds, then the query's worker process is killed
    max_result_mb: float = 64.0     # serialized answer; a larger one is refused, not cut
    max_memory_mb: float = 2048.0   # address space of a query worker process
    allow_service: bool = False     # SERVICE (federated query) makes outbound requests


def load_config(path: str | None = None, base_uri: str | None = None) -> Config:
    config = Config()
    file = Path(path) if path else Path(DEFAULT_CONFIG_FILE)
    if path and not file.is_file():
        raise InputError("config file not found", file=str(file))
    if file.is_file():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"config file is not valid TOML: {exc}", file=str(file)) from None
        unknown = set(data) - {"base_uri", "ecf_default_version", "ecf_version", "queries",
                               "templates", "esco"}
        if unknown:
            raise InputError(f"unknown config keys: {', '.join(sorted(unknown))}", file=str(file))
        config.base_uri = data.get("base_uri", config.base_uri)
        config.ecf_default_version = str(data.get("ecf_default_version", config.ecf_default_version))
        config.ecf_version = {k: str(v) for k, v in data.get("ecf_version", {}).items()}
        if "queries" in data:
            config.queries = config_folder("queries", data["queries"], file)
        if "templates" in data:
            config.templates = config_folder("templates", data["templates"], file)
        if "esco" in data:  # need not exist yet: `esco import` makes it
            if not isinstance(data["esco"], str) or not data["esco"].strip():
                raise InputError("esco must be a folder name (a string)", file=str(file))
            config.esco = (file.parent / data["esco"]).resolve()
    if base_uri:
        config.base_uri = base_uri
    if not config.base_uri.startswith(("http://", "https://")):
        raise InputError(f"base URI must be an http(s) URI: {config.base_uri!r}")
    if not config.base_uri.endswith("/"):
        config.base_uri += "/"
    for version in [config.ecf_default_version, *config.ecf_version.values()]:
        if version not in ECF_VERSIONS:
            raise InputError(f"unknown e-CF version {version!r} (known: {', '.join(ECF_VERSIONS)})")
    return config


def config_folder(setting: str, value: object, config_file: Path) -> Path:
    """A folder setting (`queries`, `templates`), relative to the config file's own folder."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{setting} must be a folder name (a string)", file=str(config_file))
    folder = (config_file.parent / value).resolve()
    if not folder.is_dir():
        raise InputError(f"{setting} folder not found: {folder}", file=str(config_file))
    return folder


def engine_choice(what: str, engines: tuple[str, ...], variable: str,
                  engine: str | None = None) -> str:
    """The engine asked for, else the environment variable, else the first (the fast one);
    an unknown name is a usage error (exit 2)."""
    name = engine or os.environ.get(variable) or engines[0]
    if name not in engines:
        raise InputError(f"unknown {what} {name!r} ({variable}); use one of: {', '.join(engines)}")
    return name
