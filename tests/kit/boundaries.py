"""The real DataV boundary files, kept beside the repository in ../shared/data/boundaries (too
large to commit); a test that needs one is skipped, naming the path, where they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kit import REPO

BOUNDARIES = REPO.parent / "shared" / "data" / "boundaries"


def boundary_file(name: str) -> Path:
    """The path of boundary file `name` (e.g. "110000.json"); skips the test when it is absent."""
    path = BOUNDARIES / name
    if not path.exists():
        pytest.skip(f"real boundary data not found at {path}")
    return path
