"""`gridsvc` commands for wishes."""

from ..cli import app  # noqa: F401  (commands register on it)
