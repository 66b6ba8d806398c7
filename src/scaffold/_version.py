"""scaffold's version: its own module, so that no module imports the package root for it."""

__version__ = "0.2.0"
