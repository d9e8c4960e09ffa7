"""The agreement formula on hand-checked numbers: averaging, lag, corridor, step limit, rounding to the
currency's minor units, and the validation that names the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.platform.errors import FieldErrors
from services.pricing.formula import (
    MissingIndexValue,
    TermLevels,
    check_formula,
    price_from_formula,
    round_money,
    window_average,
    window_months,
)

D = Decimal
COPPER = {
    date(2025, 10, 1): D("8000"),
    date(2025, 11, 1): D("8200"),
    date(2025, 12, 1): D("8400"),
    date(2026, 1, 1): D("8600"),
    date(2026, 2, 1): D("8800"),
    date(2026, 3, 1): D("8900"),
    date(2026, 4, 1): D("8900"),
}


def test_a_three_month_window_lagged_one_month_ends_the_month_before_the_review():
    assert window_months(date(2026, 5, 14), 3, 1) == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert window_months(date(2026, 1, 15), 3, 1) == [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)]
    assert window_months(date(2026, 3, 31), 1, 0) == [date(2026, 3, 1)]


def test_the_window_average_is_the_plain_mean_of_its_months():
    assert window_average(COPPER, window_months(date(2026, 1, 15), 3, 1)) == D("8200")
    assert window_average(COPPER, window_months(date(2026, 5, 14), 3, 1)).quantize(D("0.0001")) == D(
        "8866.6667"
    )


def test_a_month_missing_from_the_window_is_named_not_guessed():
    with pytest.raises(MissingIndexValue) as missing:
        window_average(COPPER, window_months(date(2026, 6, 1), 3, 0), "CU")
    assert (missing.value.index_code, missing.value.month) == ("CU", date(2026, 5, 1))


def _terms() -> list[TermLevels]:
    copper = TermLevels(
        "CU",
        D("0.35"),
        window_average(COPPER, window_months(date(2026, 1, 15), 3, 1)),
        window_average(COPPER, window_months(date(2026, 5, 14), 3, 1)),
    )
    steel = TermLevels("HRC", D("0.25"), D("500"), D("520"))
    return [copper, steel]


def test_the_formula_on_hand_checked_numbers():
    # 100 x (0.40 + 0.35 x 8866.67/8200 + 0.25 x 520/500) = 100 x (0.40 + 0.378455 + 0.26) = 103.8455
    result = price_from_formula(
        base_price=D("100.00"),
        fixed_share=D("0.40"),
        terms=_terms(),
        current_price=D("100.00"),
        currency="CNY",
    )
    assert result.formula_price == D("103.85")
    assert result.proposed_price == D("103.85")
    assert result.limited_by == ()
    assert result.change_pct == D("3.85")
    copper, steel = result.terms
    assert copper.index_change_pct.quantize(D("0.1")) == D("8.1")
    assert copper.effect_pct.quantize(D("0.1")) == D("2.8")
    assert steel.effect_pct == D("1.00")


def test_at_base_levels_the_formula_gives_back_the_base_price():
    flat = [TermLevels("CU", D("0.6"), D("8200"), D("8200"))]
    result = price_from_formula(
        base_price=D("57.31"), fixed_share=D("0.4"), terms=flat, current_price=D("57.31"), currency="CNY"
    )
    assert result.proposed_price == D("57.31")


def test_the_corridor_caps_the_price_at_its_ceiling_and_floor():
    up = price_from_formula(
        base_price=D("100.00"),
        fixed_share=D("0.40"),
        terms=_terms(),
        current_price=D("100.00"),
        currency="CNY",
        ceiling_price=D("102.50"),
        max_change_pct=D("5"),
    )
    assert (up.formula_price, up.proposed_price, up.limited_by) == (D("103.85"), D("102.50"), ("ceiling",))
    down = price_from_formula(
        base_price=D("100.00"),
        fixed_share=D("0.5"),
        terms=[TermLevels("CU", D("0.5"), D("8000"), D("6000"))],
        current_price=D("100.00"),
        currency="CNY",
        floor_price=D("95.00"),
    )
    assert (down.formula_price, down.proposed_price, down.limited_by) == (D("87.50"), D("95.00"), ("floor",))


def test_the_step_limit_bounds_one_review_and_never_rounds_past_it():
    up = price_from_formula(
        base_price=D("100.00"),
        fixed_share=D("0.40"),
        terms=_terms(),
        current_price=D("99.99"),
        currency="CNY",
        max_change_pct=D("2.5"),
    )
    # 99.99 x 1.025 = 102.48975: rounded toward the current price, 102.48, never 102.49
    assert (up.proposed_price, up.limited_by) == (D("102.48"), ("step_up",))
    down = price_from_formula(
        base_price=D("100.00"),
        fixed_share=D("0.5"),
        terms=[TermLevels("CU", D("0.5"), D("8000"), D("6000"))],
        current_price=D("100.00"),
        currency="CNY",
        floor_price=D("80.00"),
        max_change_pct=D("3"),
    )
    assert (down.proposed_price, down.limited_by) == (D("97.00"), ("step_down",))


def test_both_limits_are_named_when_the_corridor_and_the_step_both_bind():
    result = price_from_formula(
        base_price=D("100.00"),
        fixed_share=D("0.40"),
        terms=_terms(),
        current_price=D("100.00"),
        currency="CNY",
        ceiling_price=D("103.00"),
        max_change_pct=D("1"),
    )
    assert (result.proposed_price, result.limited_by) == (D("101.00"), ("ceiling", "step_up"))


def test_prices_round_to_the_currencys_minor_units():
    assert round_money(D("1000.65"), "JPY") == D("1001.00")
    assert round_money(D("1000.45"), "JPY") == D("1000.00")
    assert round_money(D("10.005"), "CNY") == D("10.01")
    assert round_money(D("10.004"), "EUR") == D("10.00")
    result = price_from_formula(
        base_price=D("1000"),
        fixed_share=D("0.5"),
        terms=[TermLevels("FX-USDJPY", D("0.5"), D("150.00"), D("150.20"))],
        current_price=D("1000"),
        currency="JPY",
    )
    assert result.proposed_price == D("1001.00")  # 1000 x (0.5 + 0.5 x 1.001333) = 1000.67 -> 1001 yen


def test_no_float_reaches_the_money():
    result = price_from_formula(
        base_price=D("100.00"),
        fixed_share=D("0.40"),
        terms=_terms(),
        current_price=D("100.00"),
        currency="CNY",
    )
    assert all(
        isinstance(value, Decimal)
        for value in (result.formula_price, result.proposed_price, result.change_pct)
    )


KNOWN = {"CU", "HRC", "AL"}


def _fields(error: FieldErrors) -> dict[str, str]:
    return {item.field: item.code for item in error.errors}


def test_a_valid_formula_comes_back_clean():
    share, terms = check_formula(
        "0.40",
        [
            {"index": "cu", "weight": "0.35", "window_months": 3, "lag_months": 1},
            {"index": "HRC", "weight": D("0.25")},
        ],
        KNOWN,
    )
    assert share == D("0.40")
    assert [(t.index_code, t.weight, t.window_months, t.lag_months) for t in terms] == [
        ("CU", D("0.35"), 3, 1),
        ("HRC", D("0.25"), 1, 0),
    ]


def test_a_formula_that_does_not_add_up_to_one_is_refused_on_terms():
    with pytest.raises(FieldErrors) as refused:
        check_formula("0.40", [{"index": "CU", "weight": "0.35"}, {"index": "HRC", "weight": "0.15"}], KNOWN)
    assert _fields(refused.value) == {"terms": "pricing.formula_not_one"}
    assert refused.value.params["total"] == "0.9"


def test_a_negative_weight_and_an_unknown_index_are_named_by_their_term():
    with pytest.raises(FieldErrors) as refused:
        check_formula(
            "0.5",
            [{"index": "NICKEL", "weight": "0.6"}, {"index": "CU", "weight": "-0.1"}],
            KNOWN,
        )
    assert _fields(refused.value) == {
        "terms[0].index": "pricing.index_unknown",
        "terms[1].weight": "pricing.weight_negative",
    }


def test_window_lag_share_and_a_float_weight_are_each_refused_with_their_field():
    with pytest.raises(FieldErrors) as refused:
        check_formula(
            "1.2",
            [
                {"index": "CU", "weight": 0.35, "window_months": 0},
                {"index": "CU", "weight": "0.1", "lag_months": -1},
            ],
            KNOWN,
        )
    assert _fields(refused.value) == {
        "fixed_share": "pricing.share_out_of_range",
        "terms[0].weight": "pricing.weight_invalid",
        "terms[0].window_months": "pricing.window_invalid",
        "terms[1].index": "pricing.index_twice",
        "terms[1].lag_months": "pricing.lag_invalid",
    }


def test_a_formula_without_terms_is_refused():
    with pytest.raises(FieldErrors) as refused:
        check_formula("1", [], KNOWN)
    assert _fields(refused.value) == {"terms": "pricing.terms_required"}
