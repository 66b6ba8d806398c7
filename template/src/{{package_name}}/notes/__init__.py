"""Notes: the plain example domain, owner-scoped CRUD. Copy its shape (docs/adding-a-domain.md)."""
