from decimal import Decimal as D

from services.pricing.market_prices import line_price, list_price, round_to_price_point


def test_price_points_per_currency():
    assert round_to_price_point(D("12.30"), "CNY") == D("13.00")
    assert round_to_price_point(D("1234"), "JPY") == D("1240")
    assert round_to_price_point(D("12.30"), "EUR") == D("12.99")
    assert round_to_price_point(D("12.00"), "NOK") == D("12.99")


def test_markup_and_manual_wins():
    assert list_price(D("100"), D("25"), "CNY") == D("125.00")
    assert list_price(D("100"), D("25"), "CNY", manual=D("99.00")) == D("99.00")


def test_best_of_tier_and_promotion():
    assert line_price(D("200.00"), "CNY", tier_pct=D("5"), promo_pct=D("10")) == D("180.00")
    assert line_price(D("1240"), "JPY", tier_pct=D("3")) == D("1203")
