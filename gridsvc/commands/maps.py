"""`gridsvc` commands for maps."""

from ..cli import app  # noqa: F401  (commands register on it)
