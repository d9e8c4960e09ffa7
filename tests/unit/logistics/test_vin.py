"""VINs: the check digit agrees with known valid VINs, and the ones the portal makes are valid."""

from __future__ import annotations

import pytest

from services.logistics.vin import build_vin, check_digit, is_valid, plant_and_serial

# Published valid VINs: NHTSA's own example, the all-ones VIN, and two well-known real ones.
KNOWN_VALID = ["1M8GDM9AXKP042788", "11111111111111111", "1HGCM82633A004352", "JH4KA7561PC008269"]


@pytest.mark.parametrize("vin", KNOWN_VALID)
def test_the_check_digit_matches_known_valid_vins(vin):
    assert check_digit(vin) == vin[8]
    assert is_valid(vin)


def test_a_changed_character_breaks_the_check_digit():
    assert not is_valid("1M8GDM9AXKP042789")
    assert not is_valid("1HGCM82633A00435")  # 16 characters
    assert not is_valid("1HGCM82633A0O4352")  # the letter O is never in a VIN


def test_the_portal_makes_valid_unique_vins_without_i_o_q():
    vins = set()
    for order_id in (1, 2, 999_999, 1_000_000, 5_000_123):
        plant, serial = plant_and_serial(order_id)
        vin = build_vin(trim_code="TR-AURA-LR", model_year=2026, plant=plant, serial=serial)
        assert len(vin) == 17 and is_valid(vin) and not set("IOQ") & set(vin)
        assert vin.startswith("LAP") and vin[9] == "T"  # 2026's model-year code
        vins.add(vin)
    assert len(vins) == 5
