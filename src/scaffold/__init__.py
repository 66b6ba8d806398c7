"""scaffold: generate web apps that are production-ready on day one."""

__version__ = "0.1.0"
