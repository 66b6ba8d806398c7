"""Administration routes: every one of them requires the admin role (`AdminUser`)."""
