"""Debian's Chromium for the browser tests, driven by Playwright (it never downloads a browser)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# As root, without a sandbox; no background traffic (the machine has no network but loopback).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def need_chromium() -> None:
    """Skip when the user asked (KUTSE_RDF_SKIP_BROWSER=1); fail, saying what to install, when
    Chromium is missing: a browser test must not pass by not running."""
    if os.environ.get("KUTSE_RDF_SKIP_BROWSER") == "1":
        pytest.skip("KUTSE_RDF_SKIP_BROWSER=1")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (or set KUTSE_RDF_SKIP_BROWSER=1)")
