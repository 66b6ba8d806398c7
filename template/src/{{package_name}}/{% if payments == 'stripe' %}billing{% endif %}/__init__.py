"""Payments through Stripe: its webhook turns checkouts and cancellations into plan changes."""
