"""Widgets, models and helpers every desk's window code shares."""
