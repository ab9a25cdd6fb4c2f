"""The statistics of the outcomes report: proportions with intervals, their differences, exact tests, false discovery
control and time in stage."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

#: The normal quantile of a two-sided 95% interval: NormalDist().inv_cdf(0.975).
Z95 = 1.959963984540054

# R's fisher.test and SciPy count a table as extreme when its probability is within this relative margin above
# the observed one's (their guard against rounding); kept here, in exact arithmetic, so p-values agree with theirs.
_FISHER_TOLERANCE = Fraction(1, 10**7)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for successes out of n, without continuity correction; (0.0, 1.0) when n is 0."""
    if n < 0 or not 0 <= successes <= max(n, 0):
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return 0.0, 1.0
    # The form (2k + z² ± z·sqrt(z² + 4k(n−k)/n)) / 2(n + z²) avoids cancelling p(1−p) near 0 and 1.
    z2 = z * z
    centre = 2 * successes + z2
    spread = z * math.sqrt(z2 + 4 * successes * (n - successes) / n)
    denominator = 2 * (n + z2)
    # At 0 or n successes the bound is exactly 0 or 1; rounding in sqrt(z²) could otherwise leave a speck.
    low = 0.0 if successes == 0 else max(0.0, (centre - spread) / denominator)
    high = 1.0 if successes == n else min(1.0, (centre + spread) / denominator)
    return low, high


def newcombe(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> tuple[float, float, float]:
    """p1 − p2 with Newcombe's hybrid score interval (method 10 of Newcombe 1998), from the two Wilson intervals:
    (difference, low, high)."""
    if n1 == 0 or n2 == 0:
        raise ValueError(f"a difference of proportions needs both groups non-empty, got n1={n1}, n2={n2}")
    p1, p2 = k1 / n1, k2 / n2
    low1, high1 = wilson(k1, n1, z)
    low2, high2 = wilson(k2, n2, z)
    difference = p1 - p2
    low = difference - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    high = difference + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)
    return difference, low, high


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test for [[a, b], [c, d]]: the probability, with the margins fixed, of
    the tables no more probable than the observed one (within a relative 1e-7, as R and SciPy count)."""
    if min(a, b, c, d) < 0:
        raise ValueError(f"a 2x2 table counts, so none is negative: {[[a, b], [c, d]]}")
    row1, col1, col2 = a + b, a + c, b + d

    def weight(x: int) -> int:
        # A table with x in its first cell has probability comb(col1, x)·comb(col2, row1 − x) / comb(N, row1);
        # the denominator is shared, so the numerators compare and sum exactly as integers.
        return math.comb(col1, x) * math.comb(col2, row1 - x)

    observed = weight(a)
    limit = observed * (1 + _FISHER_TOLERANCE)
    extreme = sum(w for x in range(max(0, row1 - col2), min(row1, col1) + 1) if (w := weight(x)) <= limit)
    return min(1.0, extreme / math.comb(col1 + col2, row1))


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values) in the input order, as R's p.adjust(method="BH"): the i-th
    smallest of m becomes the least p(j)·m/j over j ≥ i, capped at 1, so larger p never get smaller q."""
    m = len(p_values)
    for p in p_values:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"a p-value is between 0 and 1, got {p}")
    adjusted = [0.0] * m
    running = 1.0
    order = sorted(range(m), key=lambda index: p_values[index])
    # From the largest p down, so each q is the running minimum of the step-up thresholds at its rank and above.
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * m / rank)
        adjusted[index] = running
    return adjusted


def kaplan_meier(durations: Sequence[float], ended: Sequence[bool]) -> list[tuple[float, float]]:
    """The Kaplan–Meier survival curve: (time, survival just after it) at each distinct time with at least one
    event, sorted. ended[i] is False for a censored duration; a censoring at an event's time still counts as at
    risk then (events before censorings)."""
    return [(time, float(survival)) for time, survival in _survival(durations, ended)]


def km_median(durations: Sequence[float], ended: Sequence[bool]) -> float | None:
    """The Kaplan–Meier median: the smallest time at which survival is at most 0.5. None when the curve never
    gets there (the median is not reached: too few have ended to say), and for no durations at all."""
    return next((time for time, survival in _survival(durations, ended) if survival <= Fraction(1, 2)), None)


def _survival(durations: Sequence[float], ended: Sequence[bool]) -> list[tuple[float, Fraction]]:
    """The Kaplan–Meier curve in exact fractions, so that a survival of exactly one half is seen as such."""
    if len(durations) != len(ended):
        raise ValueError(f"{len(durations)} durations but {len(ended)} event flags")
    events: dict[float, int] = {}
    leaving: dict[float, int] = {}
    for time, event in zip(durations, ended):
        leaving[time] = leaving.get(time, 0) + 1
        if event:
            events[time] = events.get(time, 0) + 1
    curve = []
    at_risk = len(durations)
    survival = Fraction(1)
    for time in sorted(leaving):
        if time in events:
            survival *= Fraction(at_risk - events[time], at_risk)
            curve.append((float(time), survival))
        # Those censored at this time were at risk for its events, and leave only now.
        at_risk -= leaving[time]
    return curve
