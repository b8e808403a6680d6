"""The customer-files desk's screens."""
