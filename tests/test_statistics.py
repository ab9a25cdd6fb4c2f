"""The outcomes report's statistics against published worked examples, each cited, and against independent
computations written here another way."""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist

import pytest

from aspo.measure.statistics import (
    Z95,
    benjamini_hochberg,
    fisher_exact,
    kaplan_meier,
    km_median,
    newcombe,
    wilson,
)

# Published values are given to 4 decimals (3 for the survival curve): half a unit in the last place.
FOUR = 5e-5
THREE = 5e-4


def wilson_textbook(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's interval in its textbook form, centre ± half-width around the shrunk proportion; the module uses
    another arrangement of the same formula."""
    p = k / n
    shrink = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / shrink
    half = z / shrink * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_z95_is_the_normal_quantile():
    assert Z95 == pytest.approx(NormalDist().inv_cdf(0.975), abs=1e-15)


# Newcombe RG (1998a) "Two-sided confidence intervals for the single proportion: comparison of seven methods",
# Statistics in Medicine 17:857-872, the table of illustrative examples, score method without continuity
# correction (method 3).
@pytest.mark.parametrize("k, n, low, high", [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
])
def test_wilson_matches_newcombe_1998a(k, n, low, high):
    assert wilson(k, n) == pytest.approx((low, high), abs=FOUR)


@pytest.mark.parametrize("k, n", [(81, 263), (15, 148), (1, 29), (3, 7), (50, 100), (999, 1000)])
def test_wilson_matches_the_textbook_form(k, n):
    assert wilson(k, n) == pytest.approx(wilson_textbook(k, n), abs=1e-12)


def test_wilson_at_the_edges():
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(0, 20)[0] == 0.0
    assert wilson(20, 20)[1] == 1.0
    # A wider z gives a wider interval: the z argument is used.
    assert wilson(5, 20, z=2.5758)[0] < wilson(5, 20)[0] < wilson(5, 20)[1] < wilson(5, 20, z=2.5758)[1]
    for k, n in ((-1, 5), (6, 5), (0, -1)):
        with pytest.raises(ValueError):
            wilson(k, n)


# Newcombe RG (1998b) "Interval estimation for the difference between independent proportions: comparison of
# eleven methods", Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score). Examples (a) and (b)
# are also the ones the R package propint (m-Py/propint) tests as "reported in Newcombe 1998"; (d) to (f) are as
# the table is commonly quoted, the paper itself not at hand to check them. Example (c), 6/7 - 2/7, is left to the
# independent computation below: its published limits could not be confirmed here.
@pytest.mark.parametrize("k1, n1, k2, n2, difference, low, high", [
    (56, 70, 48, 80, 0.2000, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.6000, 0.1705, 0.8090),
    (5, 56, 0, 29, 0.0893, -0.0381, 0.1926),
    (0, 10, 0, 20, 0.0000, -0.1611, 0.2775),
    (10, 10, 0, 20, 1.0000, 0.6791, 1.0000),
])
def test_newcombe_matches_newcombe_1998b_table_ii(k1, n1, k2, n2, difference, low, high):
    assert newcombe(k1, n1, k2, n2) == pytest.approx((difference, low, high), abs=FOUR)


@pytest.mark.parametrize("k1, n1, k2, n2", [(6, 7, 2, 7), (56, 70, 48, 80), (3, 40, 12, 35), (0, 5, 5, 5)])
def test_newcombe_matches_an_independent_computation(k1, n1, k2, n2):
    # Method 10 written out from its definition, with the textbook Wilson limits.
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson_textbook(k1, n1), wilson_textbook(k2, n2)
    expected = (p1 - p2, p1 - p2 - math.hypot(p1 - l1, u2 - p2), p1 - p2 + math.hypot(u1 - p1, p2 - l2))
    assert newcombe(k1, n1, k2, n2) == pytest.approx(expected, abs=1e-12)


def test_newcombe_mirrors_when_the_groups_swap_and_needs_both():
    difference, low, high = newcombe(6, 7, 2, 7)
    assert newcombe(2, 7, 6, 7) == pytest.approx((-difference, -high, -low), abs=1e-12)
    # (6/7 − 2/7 computed here, not taken from the paper: 0.5714, 0.0582 to 0.8062.)
    assert (difference, low, high) == pytest.approx((0.5714, 0.0582, 0.8062), abs=FOUR)
    with pytest.raises(ValueError):
        newcombe(1, 0, 1, 5)
    with pytest.raises(ValueError):
        newcombe(1, 5, 0, 0)


def fisher_by_enumeration(a: int, b: int, c: int, d: int) -> Fraction:
    """Fisher's two-sided p written another way: every table with the observed margins, its hypergeometric
    probability from factorials, exactly; the tables no more probable than the observed one summed."""
    rows, cols, total = (a + b, c + d), (a + c, b + d), a + b + c + d
    fixed = math.prod(math.factorial(m) for m in (*rows, *cols))

    def probability(x: int) -> Fraction:
        cells = (x, rows[0] - x, cols[0] - x, rows[1] - cols[0] + x)
        return Fraction(fixed, math.factorial(total) * math.prod(math.factorial(m) for m in cells))

    tables = [probability(x) for x in range(max(0, cols[0] - rows[1]), min(rows[0], cols[0]) + 1)]
    observed = probability(a)
    return sum((p for p in tables if p <= observed), Fraction(0))


def test_fisher_lady_tasting_tea():
    # Fisher RA (1935) The Design of Experiments, ch. II (the lady tasting tea, 8 cups, 4 of each), and Agresti A
    # (2002) Categorical Data Analysis, 2nd ed., §3.5.1, p. 91: two-sided P = 0.486. Exactly 34/70.
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(0.4857, abs=FOUR)
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(34 / 70, rel=1e-12)
    assert fisher_exact(4, 0, 0, 4) == pytest.approx(2 / 70, rel=1e-12)


def test_fisher_convicted_twins():
    # Lange's convictions of like-sex twins, Fisher RA, Statistical Methods for Research Workers (§21.02): 2 of 17
    # dizygotic and 10 of 13 monozygotic twins convicted; Fisher's one-sided probability is 619/1,330,665. The
    # enumeration here reproduces that tail, and its two-sided sum is R's fisher.test(Convictions) 0.0005367
    # (R's ?fisher.test example; R was not run here to confirm it).
    one_sided = sum(Fraction(math.comb(12, x) * math.comb(18, 17 - x), math.comb(30, 17)) for x in range(3))
    assert one_sided == Fraction(619, 1330665)
    assert fisher_exact(2, 15, 10, 3) == pytest.approx(float(fisher_by_enumeration(2, 15, 10, 3)), rel=1e-12)
    assert fisher_exact(2, 15, 10, 3) == pytest.approx(0.0005367, abs=5e-8)


@pytest.mark.parametrize("table", [
    (120, 80, 95, 105),
    (30, 170, 12, 188),
    (0, 250, 7, 243),
    (1, 9, 11, 3),
    (17, 3, 4, 0),
    (150, 150, 149, 151),
])
def test_fisher_matches_an_exact_enumeration(table):
    assert fisher_exact(*table) == pytest.approx(float(fisher_by_enumeration(*table)), rel=1e-12)


def test_fisher_symmetries_and_a_table_at_its_expected_counts():
    a, b, c, d = 12, 5, 3, 9
    p = fisher_exact(a, b, c, d)
    # Swapping rows, swapping columns or transposing tests the same association.
    assert fisher_exact(c, d, a, b) == p
    assert fisher_exact(b, a, d, c) == p
    assert fisher_exact(a, c, b, d) == p
    assert fisher_exact(d, c, b, a) == p
    # The most probable table is as extreme as any.
    assert fisher_exact(5, 5, 5, 5) == 1.0
    assert fisher_exact(20, 10, 40, 20) == 1.0
    assert fisher_exact(0, 0, 0, 0) == 1.0
    with pytest.raises(ValueError):
        fisher_exact(1, -1, 2, 3)


# Benjamini Y, Hochberg Y (1995) "Controlling the false discovery rate: a practical and powerful approach to
# multiple testing", JRSS B 57:289-300, section 4.1: 15 p-values from a study of myocardial infarction; at
# q* = 0.05 the procedure rejects the four smallest.
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719,
           0.6528, 0.7590, 1.000]


def test_benjamini_hochberg_rejects_four_of_the_1995_example():
    adjusted = benjamini_hochberg(BH_1995)
    assert [q <= 0.05 for q in adjusted] == [True] * 4 + [False] * 11
    # Bonferroni (p·m) would reject only three.
    assert sum(p * len(BH_1995) <= 0.05 for p in BH_1995) == 3


def test_benjamini_hochberg_as_r_p_adjust():
    # R: p.adjust(p, "BH") = pmin(1, cummin(m / i * p[order(p, decreasing = TRUE)]))[order(order(...))], by hand:
    # sorted 0.005, 0.01, 0.03, 0.04 give 0.02, 0.02, 0.04, 0.04 from the largest down.
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02], abs=1e-15)
    # Step-up: 0.01·4 and 0.02·4/2 are 0.04, but 0.025·4/3 above them makes all three 1/30.
    assert benjamini_hochberg([0.01, 0.02, 0.025, 0.5]) == pytest.approx([1 / 30] * 3 + [0.5], abs=1e-15)
    assert benjamini_hochberg([0.04, 0.04]) == pytest.approx([0.04, 0.04], abs=1e-15)
    assert benjamini_hochberg([0.3]) == [0.3]
    assert benjamini_hochberg([]) == []
    for wrong in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError):
            benjamini_hochberg([0.1, wrong])


def test_benjamini_hochberg_matches_the_definition():
    # q(i) = min over j >= i of min(1, p(j)·m/j), the minimum taken by brute force.
    ordered = sorted(BH_1995)
    m = len(ordered)
    expected = [min(min(1.0, ordered[j] * m / (j + 1)) for j in range(i, m)) for i in range(m)]
    shuffled = BH_1995[7:] + BH_1995[:7]
    got = benjamini_hochberg(shuffled)
    assert sorted(got) == pytest.approx(expected, abs=1e-15)
    assert [got[i] for i in sorted(range(m), key=shuffled.__getitem__)] == pytest.approx(expected, abs=1e-15)


# Freireich EJ et al. (1963) Blood 21:699-716, remission times (weeks) of the 6-MP group, as used by Kleinbaum DG,
# Klein M, Survival Analysis: A Self-Learning Text (Springer), chapter 2: the Kaplan-Meier table of group 1 and its
# median of 23 weeks. Censored times are marked + in the book.
SIX_MP_EVENTS = [6, 6, 6, 7, 10, 13, 16, 22, 23]
SIX_MP_CENSORED = [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]


def six_mp() -> tuple[list[float], list[bool]]:
    return SIX_MP_EVENTS + SIX_MP_CENSORED, [True] * len(SIX_MP_EVENTS) + [False] * len(SIX_MP_CENSORED)


def test_kaplan_meier_of_the_6mp_group():
    curve = kaplan_meier(*six_mp())
    assert [time for time, _ in curve] == [6, 7, 10, 13, 16, 22, 23]
    # Events before censorings at 6 and 10: with the censorings first, S(6) would be 17/20 = 0.850.
    assert [survival for _, survival in curve] == pytest.approx(
        [0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448], abs=THREE)
    assert km_median(*six_mp()) == 23


def test_kaplan_meier_does_not_depend_on_the_order():
    durations, ended = six_mp()
    pairs = sorted(zip(durations, ended), key=lambda pair: (-pair[0], pair[1]))
    assert kaplan_meier([d for d, _ in pairs], [e for _, e in pairs]) == kaplan_meier(durations, ended)


def test_kaplan_meier_small_cases():
    # By hand: 1 of 5 at 2 (4/5), one censored at 3, then 2 of 3 at 4 (4 and 4.0 are one time: 4/5 · 1/3), and
    # the last censored at 5.
    curve = kaplan_meier([4, 2, 3, 5, 4.0], [True, True, False, False, True])
    assert curve == [(2.0, 0.8), (4.0, float(Fraction(4, 15)))]
    assert kaplan_meier([], []) == []
    assert km_median([], []) is None
    with pytest.raises(ValueError):
        kaplan_meier([1, 2], [True])


def test_km_median_when_survival_is_exactly_a_half_and_when_it_is_never_reached():
    assert km_median([1, 2], [True, True]) == 1
    assert km_median([1, 2, 2, 3, 3, 3], [True] * 6) == 2
    # One event of four, the rest censored: survival stays at 0.75, the median is not reached.
    assert kaplan_meier([1, 2, 3, 4], [True, False, False, False]) == [(1.0, 0.75)]
    assert km_median([1, 2, 3, 4], [True, False, False, False]) is None
    assert km_median([5, 6], [False, False]) is None
