"""Reports for paying users: the paywall, enforced on the server."""
