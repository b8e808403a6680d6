"""The visits desk's screens."""
