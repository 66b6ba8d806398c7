"""This folder's tests run in an isolated environment (tests/fixtures.py)."""

from tests.fixtures import isolated_env  # noqa: F401  (an autouse fixture, found by name)
