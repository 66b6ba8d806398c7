"""Users and server-side sessions: who is calling, and what they may do."""
