"""The test kit: one helper per job.

- `kit.commands`: running the `gridsvc` command (in process, or as a real process)
- `kit.boundaries`: the real boundary files beside the repository
- `kit.catalog`: canned catalog items and the starter catalog
- tests/servers.py: real `gridsvc serve` processes
- tests/wishkit.py: canned wish, organisation and demand steps through the API

(servers.py and wishkit.py keep their places: tests on other branches import them.) Scratch
databases (`scratch_db`), the demo city loaded once per session (`demo_db_url`,
`demo_sqlite_template`), a shared pair of servers (`server_pair`) and the `client`/`people`
fixtures live in tests/conftest.py.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
