"""The key-accounts desk's screens."""
