"""Realistic demo data across the desks, for trying the app and for benchmarks."""
