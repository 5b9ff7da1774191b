import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from remontada.errors import DataError
from remontada.evaluation.betting import value_bets
from remontada.evaluation.margins import implied_probabilities, overround, shin_z
from remontada.evaluation.prices import decimal_odds, parse_price

METHODS = ["multiplicative", "additive", "power", "shin", "odds_ratio"]


# ----------------------------------------------------------------------------- prices


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (2.5, "auto", 2.5),
        ("2.50", "auto", 2.5),
        (" 2.50 ", "decimal", 2.5),
        ("5/2", "auto", 3.5),
        ("1/4", "fractional", 1.25),
        ("100/30", "auto", 1 + 100 / 30),
        ("evens", "auto", 2.0),
        ("EVS", "fractional", 2.0),
        ("evs", "american", 2.0),
        ("4", "fractional", 5.0),  # a plain number is the fraction's value: 4/1
        ("+150", "auto", 2.5),
        ("-200", "auto", 1.5),
        ("+100", "auto", 2.0),
        ("-100", "american", 2.0),
        ("150", "american", 2.5),
        (-250, "american", 1.4),
        (150, "auto", 150.0),  # an unsigned number is decimal unless told otherwise
    ],
)
def test_parse_price_reads_every_format(value, fmt, expected):
    assert parse_price(value, fmt) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("value", "fmt", "why"),
    [
        (1.0, "auto", "greater than 1.0"),
        ("0.95", "decimal", "greater than 1.0"),
        ("5/0", "auto", "zero denominator"),
        ("-5/2", "auto", "negative"),
        ("5/-2", "fractional", "negative"),
        ("0/1", "fractional", "pay nothing"),
        ("+50", "auto", r"-100 or less or \+100 or more, got \+50"),
        ("-99.5", "american", r"got -99\.5"),
        (0, "american", r"got \+0"),
        ("abc", "auto", "not a number"),
        ("2.5", "american", "-100 or less"),
        ("5/2", "decimal", "not a number"),
        ("1/2/3", "fractional", "not a fraction"),
        ("", "auto", "missing"),
        ("  ", "decimal", "missing"),
        (float("nan"), "auto", "missing"),
        (None, "auto", "missing"),
        (float("inf"), "decimal", "finite"),
        (True, "auto", "not a number"),
    ],
)
def test_parse_price_rejects_bad_prices_naming_value_and_reason(value, fmt, why):
    with pytest.raises(DataError, match=why) as caught:
        parse_price(value, fmt)
    assert repr(value) in str(caught.value)


def test_unknown_format_is_an_error():
    with pytest.raises(DataError, match="odds format"):
        parse_price("2.0", "german")  # type: ignore[arg-type]


def test_decimal_odds_is_vectorised_and_keeps_the_shape():
    table = [["2.10", "3/1", "+300"], ["evs", "-150", "4.5"]]
    expected = np.array([[2.1, 4.0, 4.0], [2.0, 1 + 100 / 150, 4.5]])
    assert decimal_odds(table) == pytest.approx(expected, rel=1e-15)
    assert decimal_odds(np.array([1.5, 2.0])).dtype == np.float64
    assert decimal_odds(np.array([150, -200]), "american").tolist() == [2.5, 1.5]
    assert decimal_odds(2.5).shape == ()


def test_decimal_odds_masks_bad_entries_with_reasons():
    prices, reasons = decimal_odds(["2.1", "5/0", "", "x", "+50", "1.9", None], errors="mask")
    bad = reasons != ""
    assert bad.tolist() == [False, True, True, True, True, False, True]
    assert prices[~bad].tolist() == [2.1, 1.9]
    assert np.isnan(prices[bad]).all()
    assert "zero denominator" in reasons[1] and "missing" in reasons[2] and "missing" in reasons[6]


def test_decimal_odds_raises_naming_every_bad_position():
    with pytest.raises(DataError, match="2 bad price") as caught:
        decimal_odds([[2.0, 0.5], [1.0, 3.0]])
    message = str(caught.value)
    assert "at 0,1 0.5" in message and "at 1,0 1.0" in message


@given(
    st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-500, 500)),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["auto", "decimal", "fractional", "american"]),
)
def test_numeric_fast_path_agrees_with_the_one_by_one_parser(values, fmt):
    fast, fast_reasons = decimal_odds(np.array(values, dtype=np.float64), fmt, errors="mask")
    slow, slow_reasons = decimal_odds(np.array(values, dtype=object), fmt, errors="mask")
    np.testing.assert_array_equal(fast, slow)
    assert fast_reasons.tolist() == slow_reasons.tolist()


# -------------------------------------------------------------------- overround removal


@st.composite
def markets(draw, rows=1, max_k=6, margin=(0.0, 0.29)):
    """Decimal odds of `rows` markets with k outcomes and an overround in `margin`."""
    k = draw(st.integers(2, max_k))
    out = []
    for _ in range(rows):
        weights = np.array(draw(st.lists(st.floats(0.02, 1.0), min_size=k, max_size=k)))
        booksum = 1.0 + draw(st.floats(*margin))
        q = weights / weights.sum() * booksum
        assume(q.max() < 0.98)
        out.append(1.0 / q)
    return np.array(out)


@pytest.mark.parametrize("method", METHODS)
@given(odds=st.integers(1, 8).flatmap(lambda n: markets(rows=n)))
def test_rows_sum_to_one_and_keep_the_order_of_the_prices(method, odds):
    p = implied_probabilities(odds, method)
    assert p.shape == odds.shape
    assert np.abs(p.sum(axis=1) - 1) == pytest.approx(0, abs=1e-12)
    assert ((p >= 0) & (p <= 1)).all()
    for row_odds, row_p in zip(odds, p, strict=True):
        order = np.argsort(row_odds, kind="stable")  # shortest price first
        assert (np.diff(row_p[order]) <= 1e-15).all()
        # each row on its own gives the same answer: the batch does not mix rows
        assert implied_probabilities(row_odds, method) == pytest.approx(row_p, abs=1e-14)


@pytest.mark.parametrize("method", ["multiplicative", "power", "shin", "odds_ratio"])
@given(odds=markets())
def test_strictly_shorter_price_strictly_more_likely(method, odds):
    p = implied_probabilities(odds[0], method)
    for i in range(len(p)):
        for j in range(len(p)):
            if odds[0, i] < odds[0, j] * (1 - 1e-9):
                assert p[i] > p[j]


@pytest.mark.parametrize("method", METHODS)
@given(odds=markets(rows=3, margin=(0.0, 0.0)))
def test_with_no_overround_every_method_returns_one_over_odds(method, odds):
    assert implied_probabilities(odds, method) == pytest.approx(1 / odds, abs=1e-12)


def test_overround():
    assert overround([2.0, 2.0]) == pytest.approx(0.0)
    assert overround([[1.9, 1.9], [2.0, 3.4]]) == pytest.approx([2 / 1.9 - 1, 0.5 + 1 / 3.4 - 1])


def test_multiplicative_by_hand():
    # 1/2 + 1/3.4 + 1/4.2 = 1/2 + 5/17 + 5/21 = (357 + 210 + 170) / 714 = 737/714
    odds = [2.0, 3.4, 4.2]
    assert overround(odds) == pytest.approx(23 / 714, rel=1e-14)
    expected = np.array([357, 210, 170]) / 737
    assert implied_probabilities(odds) == pytest.approx(expected, rel=1e-14)


def test_additive_by_hand_and_clipped_for_long_shots():
    # no clipping: every inverse price loses (737/714 - 1)/3 = 23/2142
    odds = [2.0, 3.4, 4.2]
    expected = np.array([1 / 2, 5 / 17, 5 / 21]) - 23 / 2142
    assert implied_probabilities(odds, "additive") == pytest.approx(expected, rel=1e-13)
    # a 25% book over six outcomes: q - 0.25/6 is negative for the two longest
    # shots (and then for 0.05 too), so they get 0 and the other three each lose
    # (0.87 + 0.2 + 0.1 - 1)/3 = 0.17/3
    q = np.array([0.87, 0.2, 0.1, 0.05, 0.02, 0.01])
    p = implied_probabilities(1 / q, "additive")
    assert p == pytest.approx(np.r_[q[:3] - 0.17 / 3, 0, 0, 0], abs=1e-14)


@given(odds=markets(rows=4))
def test_defining_equation_of_the_power_method(odds):
    # p_i = q_i ** kappa with one kappa >= 1 per market
    q = 1 / odds
    kappa = np.log(implied_probabilities(odds, "power")) / np.log(q)
    assert kappa == pytest.approx(np.repeat(kappa[:, :1], q.shape[1], axis=1), rel=1e-10)
    assert (kappa >= 1 - 1e-12).all()


@given(odds=markets(rows=4))
def test_defining_equation_of_the_odds_ratio_method(odds):
    # q_i / (1 - q_i) = c * p_i / (1 - p_i) with one c >= 1 per market
    q = 1 / odds
    p = implied_probabilities(odds, "odds_ratio")
    c = (q / (1 - q)) / (p / (1 - p))
    assert c == pytest.approx(np.repeat(c[:, :1], q.shape[1], axis=1), rel=1e-10)
    assert (c >= 1 - 1e-12).all()


@given(odds=markets(rows=4))
def test_shin_solution_satisfies_shins_equations(odds):
    # Shin (1993): the bookmaker's price for outcome i is
    # q_i = sqrt(z p_i + (1 - z) p_i^2) * sum_j sqrt(z p_j + (1 - z) p_j^2)
    q = 1 / odds
    p = implied_probabilities(odds, "shin")
    z = shin_z(odds)
    assert ((z >= 0) & (z < 1)).all()
    root = np.sqrt(z[:, None] * p + (1 - z[:, None]) * p**2)
    assert root * root.sum(axis=1, keepdims=True) == pytest.approx(q, rel=1e-10)


@pytest.mark.parametrize("method", METHODS)
def test_extreme_long_shots_stay_accurate(method):
    # a heavy favourite and long shots down to 1/1000: Shin's formula is evaluated in a
    # form without cancellation, so even the smallest probability is exact
    odds = np.array([[1.01, 20.0, 200.0, 1000.0], [1.15, 30.0, 150.0, 8.0]])
    p = implied_probabilities(odds, method)
    assert p.sum(axis=1) == pytest.approx(1.0, abs=1e-14)
    assert (np.argsort(-p, axis=1) == np.argsort(odds, axis=1)).all()
    if method == "shin":
        z = shin_z(odds)[:, None]
        root = np.sqrt(z * p + (1 - z) * p**2)
        assert root * root.sum(axis=1, keepdims=True) == pytest.approx(1 / odds, rel=1e-12)


@given(odds=markets(rows=4, max_k=2))
def test_shin_equals_additive_with_two_outcomes(odds):
    # Subtracting Shin's equations (1 - z) p_i^2 + z p_i = q_i^2 / sum(q) for i = 1, 2
    # and using p_1 + p_2 = 1 gives p_1 - p_2 = q_1 - q_2: the additive method.
    assert implied_probabilities(odds, "shin") == pytest.approx(implied_probabilities(odds, "additive"), abs=1e-12)


def test_shin_published_examples():
    # The README of the Python package `shin` (M. Berk, github.com/mberk/shin),
    # solved there to a tolerance of 1e-12.
    p = implied_probabilities([2.6, 2.4, 4.3], "shin")
    assert p == pytest.approx([0.37299406033208965, 0.4047794109200184, 0.2222265287474275], abs=1e-9)
    assert shin_z([2.6, 2.4, 4.3]) == pytest.approx(0.01694251276407055, abs=1e-9)


# The README of the R package `implied` (J. C. Lindstrøm, github.com/opisthokonta/implied),
# three football 1X2 markets. That version solved with R's uniroot at its default
# tolerance (about 1e-4 on the parameter), so its 7-digit figures are matched to 5e-6;
# `shin` and penaltyblog (below) agree with this module to 1e-12.
R_IMPLIED_ODDS = np.array([[4.20, 3.70, 1.95], [2.45, 3.70, 2.90], [2.05, 3.20, 3.80]])
R_IMPLIED = {
    "multiplicative": [
        [0.2331556, 0.2646631, 0.5021813],
        [0.3988848, 0.2641264, 0.3369888],
        [0.4586948, 0.2938514, 0.2474538],
    ],
    # the package's "wpo" (margin weights proportional to the odds) is the additive method
    "additive": [
        [0.2310332, 0.2632083, 0.5057585],
        [0.4004096, 0.2625166, 0.3370739],
        [0.4666506, 0.2913457, 0.2420036],
    ],
    "shin": [
        [0.2315716, 0.2635742, 0.5048542],
        [0.4000221, 0.2629271, 0.3370508],
        [0.4645882, 0.2919788, 0.2434331],
    ],
    "odds_ratio": [
        [0.2320048, 0.2636415, 0.5043537],
        [0.3996912, 0.2633869, 0.3369219],
        [0.4634406, 0.2919032, 0.2446562],
    ],
    "power": [
        [0.2311414, 0.2630644, 0.5057942],
        [0.4003156, 0.2627189, 0.3369655],
        [0.4667139, 0.2908985, 0.2423876],
    ],
}


@pytest.mark.parametrize("method", sorted(R_IMPLIED))
def test_r_package_implied_readme_examples(method):
    tolerance = 6e-8 if method in ("multiplicative", "additive") else 5e-6  # closed forms: rounding only
    assert implied_probabilities(R_IMPLIED_ODDS, method) == pytest.approx(np.array(R_IMPLIED[method]), abs=tolerance)
    assert overround(R_IMPLIED_ODDS) == pytest.approx([0.02118602, 0.02326112, 0.06346277], abs=6e-9)
    assert shin_z(R_IMPLIED_ODDS) == pytest.approx([0.01061048, 0.01163552, 0.03182353], abs=2e-5)


PEER_MARKETS = [
    [2.7, 2.3, 4.4],
    [1.25, 6.5, 11.0],
    [1.91, 1.91],
    [1.5, 2.6],
    [3.1, 3.25, 2.45],
    [5.0, 4.5, 7.0, 2.2, 9.0],
]


@pytest.mark.parametrize("market", PEER_MARKETS)
@pytest.mark.parametrize("method", METHODS)
def test_agrees_with_penaltyblog(method, market):
    implied = pytest.importorskip("penaltyblog.implied")
    theirs = implied.calculate_implied(market, method=method).probabilities
    # penaltyblog's additive method does not clip negative probabilities; these
    # markets need no clipping, so the definitions agree here.
    assert implied_probabilities(market, method) == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("market", PEER_MARKETS)
def test_penaltyblog_logarithmic_is_the_odds_ratio_method(market):
    # penaltyblog's "logarithmic" subtracts one constant from every log-odds, which is
    # Cheung's odds ratio (c = e^constant); Buchdahl's "logarithmic" is our power method.
    implied = pytest.importorskip("penaltyblog.implied")
    theirs = implied.calculate_implied(market, method="logarithmic").probabilities
    assert implied_probabilities(market, "odds_ratio") == pytest.approx(theirs, abs=1e-9)


def test_bad_markets_raise_naming_the_row():
    odds = np.array([[2.0, 3.4, 4.2], [3.5, 3.5, 3.5], [1.9, 3.6, 4.0], [1.4, 2.5, 5.0]])
    with pytest.raises(DataError) as caught:
        implied_probabilities(odds, "shin")
    message = str(caught.value)
    assert "2 bad market(s)" in message
    assert "row 1: overround" in message and "arbitrage" in message
    assert "row 3: overround" in message and "above 30%" in message
    assert "row 0" not in message and "row 2" not in message


@pytest.mark.parametrize("method", METHODS)
def test_masked_mode_keeps_the_good_rows(method):
    odds = np.array([[2.0, 3.4, 4.2], [3.5, 3.5, 3.5], [np.nan, 3.0, 3.0], [0.9, 3.0, 3.0], [1.4, 2.5, 5.0]])
    p, reasons = implied_probabilities(odds, method, errors="mask")
    assert (reasons != "").tolist() == [False, True, True, True, True]
    assert "arbitrage" in reasons[1]
    assert "missing price in column 0" in reasons[2]
    assert "not a finite number above 1.0" in reasons[3]
    assert "above 30%" in reasons[4]
    assert p[0] == pytest.approx(implied_probabilities(odds[0], method), abs=1e-15)
    assert np.isnan(p[1:]).all()
    z, z_reasons = shin_z(odds, errors="mask")
    assert z_reasons.tolist() == reasons.tolist() and not np.isnan(z[0]) and np.isnan(z[1:]).all()


def test_threshold_for_an_absurd_margin_can_be_changed():
    with pytest.raises(DataError, match="31.43% is above 30%"):
        implied_probabilities([1.4, 2.5, 5.0])
    assert implied_probabilities([1.4, 2.5, 5.0], max_overround=0.5).sum() == pytest.approx(1.0)


def test_market_shape_and_method_are_checked():
    with pytest.raises(DataError, match="at least two outcomes"):
        implied_probabilities([1.5])
    with pytest.raises(DataError, match="method"):
        implied_probabilities([2.0, 2.0], "logit")  # type: ignore[arg-type]


def test_shin_z_is_zero_for_a_fair_book_and_grows_with_the_margin():
    assert shin_z([[2.0, 2.0], [1.5, 3.0]]) == pytest.approx([0.0, 0.0], abs=1e-15)
    z = shin_z([[1.95, 1.95], [1.9, 1.9], [1.8, 1.8]])
    assert (np.diff(z) > 0).all()


# ------------------------------------------------------------------------ value betting

# Three-way markets; hand-computed expected values p * o - 1 in the comments.
PROBS = np.array([[0.5, 0.3, 0.2], [0.4, 0.3, 0.3], [0.6, 0.25, 0.15], [0.2, 0.3, 0.5]])
PRICES = np.array([[2.2, 3.0, 5.0], [2.0, 3.5, 3.0], [1.5, 4.0, 6.0], [4.0, 3.0, 2.5]])
# row 0: +0.10, -0.10, 0.00 -> back 0 at 2.2 (won)
# row 1: -0.20, +0.05, -0.10 -> back 1 at 3.5 (lost)
# row 2: -0.10,  0.00, -0.10 -> no bet (0 is not an edge)
# row 3: -0.20, -0.10, +0.25 -> back 2 at 2.5 (won)
RESULTS = np.array([0, 0, 1, 2])


def test_flat_stakes_by_hand():
    result = value_bets(PROBS, PRICES, outcome=RESULTS)
    bets = result.bets
    assert bets["match"].tolist() == [0, 1, 3]
    assert bets["selection"].tolist() == [0, 1, 2]
    assert bets["price"].tolist() == [2.2, 3.5, 2.5]
    assert bets["stake"].tolist() == [1.0, 1.0, 1.0]
    assert bets["won"].tolist() == [True, False, True]
    assert bets["profit"].tolist() == pytest.approx([1.2, -1.0, 1.5])
    assert bets["cumulative_profit"].tolist() == pytest.approx([1.2, 0.2, 1.7])
    assert bets["expected_value"].tolist() == pytest.approx([0.1, 0.05, 0.25])
    s = result.summary
    assert (s.bets, s.staked) == (3, 3.0)
    assert s.profit == pytest.approx(1.7)
    assert s.roi == pytest.approx(1.7 / 3)
    assert s.final_bankroll is None
    assert s.max_drawdown == pytest.approx(1.0)  # from +1.2 down to +0.2


def test_kelly_stakes_compound_by_hand():
    result = value_bets(PROBS, PRICES, outcome=RESULTS, stake="kelly", kelly_fraction=0.25)
    # full Kelly (p o - 1)/(o - 1): 0.1/1.2 = 1/12, 0.05/2.5 = 0.02, 0.25/1.5 = 1/6; a quarter of each
    bankroll_after = [1 + 1.2 / 48, (1 + 1.2 / 48) * (1 - 0.005), (1 + 1.2 / 48) * (1 - 0.005) * (1 + 1.5 / 24)]
    stakes = [1 / 48, 0.005 * bankroll_after[0], bankroll_after[1] / 24]
    assert result.bets["stake"].tolist() == pytest.approx(stakes, rel=1e-14)
    assert result.bets["profit"].tolist() == pytest.approx([stakes[0] * 1.2, -stakes[1], stakes[2] * 1.5], rel=1e-14)
    assert result.bets["cumulative_profit"].tolist() == pytest.approx(np.array(bankroll_after) - 1, rel=1e-13)
    s = result.summary
    assert s.final_bankroll == pytest.approx(1.0836171875, rel=1e-14)
    assert s.profit == pytest.approx(0.0836171875, rel=1e-12)
    assert s.staked == pytest.approx(sum(stakes), rel=1e-14)
    assert s.roi == pytest.approx(0.0836171875 / sum(stakes), rel=1e-12)
    assert s.max_drawdown == pytest.approx(0.005, rel=1e-12)  # one loss of 0.5% of the peak bankroll


def test_edge_labels_ties_and_missing_prices():
    only_big = value_bets(PROBS, PRICES, outcome=RESULTS, edge=0.2, selections=("home", "draw", "away"))
    assert only_big.bets["match"].tolist() == [3]
    assert only_big.bets["selection"].tolist() == ["away"]
    # equal expected values: the first selection; a missing price is never backed
    tie = value_bets([[0.5, 0.5], [0.5, 0.5]], [[2.2, 2.2], [np.nan, 2.1]], outcome=[1, 1])
    assert tie.bets["selection"].tolist() == [0, 1]
    assert tie.summary.profit == pytest.approx(-1 + 1.1)


def test_no_bets():
    result = value_bets([[0.5, 0.5]], [[1.9, 1.9]], outcome=[0], stake="kelly")
    assert result.bets.empty
    assert (result.summary.bets, result.summary.staked, result.summary.profit) == (0, 0.0, 0.0)
    assert math.isnan(result.summary.roi)
    assert result.summary.final_bankroll == 1.0 and result.summary.max_drawdown == 0.0


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"model_probs": [[0.5, 0.6]]}, "sum to 1"),
        ({"model_probs": [[1.5, -0.5]]}, "not in"),
        ({"odds": [[1.0, 2.0]]}, "above 1.0"),
        ({"odds": [[2.0, 2.0, 2.0]]}, "must be the same"),
        ({"outcome": [2]}, "selection index"),
        ({"outcome": [0.5]}, "selection index"),
        ({"outcome": [0, 1]}, "one winner per match"),
        ({"edge": -0.1}, "edge"),
        ({"stake": "martingale"}, "stake"),
        ({"kelly_fraction": 0.0}, "kelly_fraction"),
        ({"selections": ("home",)}, "labels"),
    ],
)
def test_value_bets_rejects_bad_input(kwargs, why):
    arguments = {"model_probs": [[0.5, 0.5]], "odds": [[2.1, 2.1]], "outcome": [0]} | kwargs
    with pytest.raises(DataError, match=why):
        value_bets(**arguments)


@given(odds=markets(rows=12, max_k=3), data=st.data())
def test_kelly_bankroll_is_the_starting_one_plus_the_profit(odds, data):
    k = odds.shape[1]
    q = odds ** -data.draw(st.floats(0.8, 1.2))  # a model that disagrees with the market
    probs = q / q.sum(axis=1, keepdims=True)
    outcome = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=12, max_size=12)))
    s = value_bets(probs, odds, outcome=outcome, stake="kelly", kelly_fraction=1.0).summary
    assert s.final_bankroll is not None and s.final_bankroll > 0
    assert s.final_bankroll == pytest.approx(1 + s.profit, rel=1e-12)
    assert 0 <= s.max_drawdown < 1
