"""Building blocks every domain shares: request and response bases (`schemas`),
pagination, idempotency keys, signed tokens (`signing`), calls to other services
(`http_client`) and shared dependencies."""
