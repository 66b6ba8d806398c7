"""Request ids, structured logs, Sentry and metrics: how the owner learns what happens."""
