"""The database: engine (`engine`), per-request session (`session`), the declarative
base (`base`), the registry of every model Alembic sees (`registry`), PostgreSQL's
error codes (`sqlstate`) and running migrations from code (`migrations`)."""
