"""Match bands, as translation memories show them: the percent says how much of a past position carries over."""

from __future__ import annotations

# Lowest percent of each band, highest band first. 100 is kept for texts identical after normalise().
BANDS: tuple[tuple[int, str], ...] = (
    (100, "exact"),
    (95, "near exact"),
    (85, "high"),
    (75, "medium"),
    (50, "low"),
)
SHOWN = 50  # below this a match is hidden
REUSABLE = 75  # from here on an analyst would usually reuse the position


def band(percent: int) -> str | None:
    """The band a percent falls in, or None when the match is too weak to show."""
    for lowest, name in BANDS:
        if percent >= lowest:
            return name
    return None
