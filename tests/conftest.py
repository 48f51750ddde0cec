"""Shared fixtures. Stage modules are imported inside fixtures so that a test file of one stage
does not fail to collect while another stage is being built."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "standards" / "it-juht-tase-7.txt"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_standard():
    from kutse_rdf.reading.parser import parse_file

    return parse_file(SEED)
