"""Bookable time slots and their bookings: the example domain of the concurrency patterns."""
