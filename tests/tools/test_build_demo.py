"""tools/build_demo.py, the generator of the demo city, lives outside the package and still writes
the package's fixture byte for byte."""

from __future__ import annotations

import subprocess
import sys

from tests.kit import REPO
from tests.kit.boundaries import boundary_file

DEMO = REPO / "gridsvc" / "fixtures" / "demo"


def test_the_generator_is_not_in_the_package():
    assert (REPO / "tools" / "build_demo.py").exists()
    assert not (REPO / "gridsvc" / "fixtures" / "build_demo.py").exists()


def test_the_generator_rewrites_the_fixture_byte_for_byte(tmp_path):
    source = boundary_file("610200.json")
    r = subprocess.run([sys.executable, str(REPO / "tools" / "build_demo.py"), "--source", str(source),
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "invalid 0, not covered by parent 0" in r.stdout
    for name in ("areas.geojson", "people.json"):
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
