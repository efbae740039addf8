"""The test kit: one helper per job.

- `commands`: running the `gridsvc` command (in process, or as a real process)
- `servers`: real `gridsvc serve` processes
- `boundaries`: the real boundary files beside the repository
- `catalog`: canned catalog items and the starter catalog
- `wishes`: canned wish, organisation and demand steps through the API

Scratch databases, the demo city template and the `client`/`people` fixtures live in
tests/conftest.py.
"""
