"""The complaints desk's screens."""
