"""Shared fixtures: the shipped example workbooks, generated once per test session."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from generator.cli import main as generate_main

# Hypothesis profiles. "ci": the same examples on every run (derandomized), so that CI fails only
# when the code changed; chosen when the CI variable is set (.ci/run sets it). "dev" (default on a
# developer's machine): a fresh random search each run. "long": a random search with 20× the
# examples, for a local hunt before a release (README, developer notes):
#     HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_workbooks.py
_QUIET = dict(deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", derandomize=True, database=None, **_QUIET)
settings.register_profile("dev", **_QUIET)
settings.register_profile("long", **_QUIET)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
settings.load_profile(PROFILE)
_SCALE = {"long": 20}


def how_many(n: int) -> int:
    """How many examples a property test runs: n, or 20 × n under the "long" profile."""
    return n * _SCALE.get(PROFILE, 1)


ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"


def examples() -> list[int]:
    """Years of the example workbooks shipped in inputs/ (2020.xlsx is the seed report)."""
    return sorted(int(p.stem) for p in INPUTS.glob("*.xlsx") if p.stem.isdigit())


def require_tool(name: str) -> str:
    """The path of an external program; skip without it, unless CI demands every tool."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("NIANBAO_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required (NIANBAO_REQUIRE_TOOLS=1) but not installed")
        pytest.skip(f"{name} not installed")
    return path


def require_seed() -> Path:
    """The published seed report, kept in tests/data (see its README): never skipped."""
    from extract import SEED

    assert SEED.is_file(), f"the seed report {SEED} is part of the repository but is missing"
    return SEED


def require_module(name: str):
    """Import a test-only module; skip without it, unless CI demands every tool."""
    if os.environ.get("NIANBAO_REQUIRE_TOOLS") == "1":
        import importlib

        return importlib.import_module(name)
    return pytest.importorskip(name)


@dataclass
class Generated:
    year: int
    docx: Path
    html: Path
    folder: Path


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[int, Generated]:
    """Run `generate --year Y` on every shipped example into a temporary output folder."""
    out: dict[int, Generated] = {}
    for year in examples():
        folder = tmp_path_factory.mktemp(f"out{year}")
        code = generate_main(
            ["--year", str(year), "--input", str(INPUTS / f"{year}.xlsx"), "--output-dir", str(folder)]
        )
        assert code == 0, f"generate --year {year} exited {code}"
        files = sorted((folder / str(year)).iterdir())
        docx = next(p for p in files if p.suffix == ".docx")
        html = next(p for p in files if p.suffix == ".html")
        out[year] = Generated(year, docx, html, folder / str(year))
    return out


# Headless Chromium as root, without the background connections this machine refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    chromium = require_tool("chromium")
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()
