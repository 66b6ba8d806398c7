"""Development-only helpers (never imported by the app)."""
