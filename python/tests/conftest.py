"""Shared fixtures of the Python package's tests: the repository root, the CLI binary (for
comparing error messages), and whether a missing peer (pymrio, SciPy) is a failure
(PLENTY_REQUIRE_PEERS=1, as in CI) or a skip."""

import importlib
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def require(module: str):
    """Imports a peer module; in CI (PLENTY_REQUIRE_PEERS=1) its absence fails the test."""
    if os.environ.get("PLENTY_REQUIRE_PEERS") == "1":
        return importlib.import_module(module)
    return pytest.importorskip(module)


@pytest.fixture
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture
def cli():
    """The `plenty` binary the Rust tests built, if any (PLENTY_BIN names another)."""
    candidates = [os.environ.get("PLENTY_BIN")]
    target = os.environ.get("CARGO_TARGET_DIR") or str(ROOT / "target")
    candidates.append(os.path.join(target, "debug", "plenty"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    if os.environ.get("PLENTY_REQUIRE_PEERS") == "1":
        pytest.fail("the plenty binary is missing: build it (cargo build -p plenty-cli) or set PLENTY_BIN")
    pytest.skip("the plenty binary is not built")
