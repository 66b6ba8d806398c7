"""Background jobs on the app's own PostgreSQL (pgqueuer): enqueued in the transaction
of the write that causes them, run by `<package> worker` with retries."""
