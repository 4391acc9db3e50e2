"""The version of tally, readable by any layer without importing the package's front door."""

__version__ = "0.1.0"
"""The version of this release of tally (as in pyproject.toml)."""
