"""Rates as the desks' reports give them: a share of a count, and how it is printed."""

from __future__ import annotations


def rate(part: int, whole: int) -> float | None:
    """``part`` of ``whole``; None when there was nothing to measure."""
    return part / whole if whole else None


def percent(rate: float | None) -> str:
    """85.7% — or a dash when there was nothing to measure."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
