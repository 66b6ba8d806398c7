"""Mail: messages rendered from templates, sent over SMTP by background jobs."""
