"""`gridsvc` commands for catalog."""

from ..cli import app  # noqa: F401  (commands register on it)
