"""The configurator's rules, prices and deposit (pure: no database)."""

from decimal import Decimal

import pytest

from services.platform.errors import ValidationFailed
from services.showroom.configurator import Colour, Pack, TrimOptions, deposit_for, pack_states, quote, toggle


def options(trim_code: str = "taishan-20td") -> TrimOptions:
    return TrimOptions(
        trim_id=7,
        trim_code=trim_code,
        trim_name="Taishan 2.0 TD",
        base_price=Decimal("245000.00"),
        currency="CNY",
        colours=(
            Colour("pearl_white", "Pearl White", "#f4f4f0", Decimal("0.00")),
            Colour("obsidian", "Obsidian Black", "#111318", Decimal("4500.00")),
        ),
        packs=(
            Pack("tow", "Tow bar", Decimal("6800.00"), requires_trims=("taishan-20td",)),
            Pack("winter", "Winter pack", Decimal("3200.00")),
            Pack("sport", "Sport pack", Decimal("9900.00"), excludes_packs=("comfort",)),
            Pack("comfort", "Comfort pack", Decimal("7400.00")),
            Pack("hud", "Head-up display", Decimal("2500.00"), requires_packs=("sport",)),
        ),
    )


def test_price_is_trim_plus_colour_plus_packs_in_the_trims_currency():
    q = quote(options(), "obsidian", ["tow", "winter"])
    assert q.currency == "CNY"
    assert q.total == Decimal("245000.00") + Decimal("4500.00") + Decimal("6800.00") + Decimal("3200.00")
    assert [p.code for p in q.packs] == ["tow", "winter"]


def test_deposit_is_the_vehicle_order_rule(monkeypatch):
    q = quote(options(), "pearl_white", [])
    assert q.deposit == deposit_for(q.total)
    # 10 % by default, half-up to the cent
    assert deposit_for(Decimal("100.05")) == Decimal("10.01")


def test_a_pack_for_another_trim_is_refused_naming_pack_and_rule():
    with pytest.raises(ValidationFailed) as failed:
        quote(options("taishan-phev"), "pearl_white", ["winter", "tow"])
    assert failed.value.code == "configurator.rule.requires_trim"
    assert failed.value.field == "packs[1]"
    assert failed.value.params["pack"] == "Tow bar"
    assert failed.value.params["trims"] == "taishan-20td"


def test_excluded_packs_are_refused_either_way_round():
    for packs in (["sport", "comfort"], ["comfort", "sport"]):
        with pytest.raises(ValidationFailed) as failed:
            quote(options(), "pearl_white", packs)
        assert failed.value.code == "configurator.rule.excludes_pack"
        assert failed.value.field == "packs[0]"


def test_a_required_pack_must_come_along():
    with pytest.raises(ValidationFailed) as failed:
        quote(options(), "pearl_white", ["hud"])
    assert failed.value.code == "configurator.rule.requires_pack"
    assert failed.value.params == {"pack": "Head-up display", "other": "Sport pack"}
    assert quote(options(), "pearl_white", ["hud", "sport"]).total == Decimal("257400.00")


@pytest.mark.parametrize(
    ("colour", "packs", "field", "code"),
    [
        (None, [], "colour", "configurator.colour_required"),
        ("pink", [], "colour", "configurator.colour_unknown"),
        ("obsidian", "tow", "packs", "configurator.packs_not_list"),
        ("obsidian", ["tow", 3], "packs[1]", "configurator.pack_invalid"),
        ("obsidian", ["tow", "tow"], "packs[1]", "configurator.pack_duplicate"),
        ("obsidian", ["winter", "roof"], "packs[1]", "configurator.pack_unknown"),
    ],
)
def test_bad_input_names_the_field(colour, packs, field, code):
    with pytest.raises(ValidationFailed) as failed:
        quote(options(), colour, packs)
    assert (failed.value.field, failed.value.code) == (field, code)


def test_pack_states_disable_with_the_reason():
    states = {s.code: s for s in pack_states(options("taishan-phev"), ["sport"])}
    assert not states["tow"].enabled and states["tow"].reason_code == "configurator.rule.requires_trim"
    assert not states["comfort"].enabled
    assert states["comfort"].reason_params == {"other": "Sport pack"}
    assert states["winter"].enabled and states["winter"].reason_code is None
    assert states["hud"].enabled and states["hud"].reason_code is None  # sport is chosen
    hint = {s.code: s for s in pack_states(options(), [])}["hud"]
    assert hint.enabled and hint.reason_code == "configurator.rule.needs_pack"


def test_ticking_a_pack_brings_what_it_needs_and_unticking_drops_what_needs_it():
    trim = options()
    assert toggle(trim, ["winter"], "hud") == ["winter", "sport", "hud"]
    quote(trim, "obsidian", toggle(trim, [], "hud"))  # the result always passes the rules
    assert toggle(trim, ["winter", "sport", "hud"], "sport") == ["winter"]
    assert toggle(trim, ["winter", "sport", "hud"], "hud") == ["winter", "sport"]
    # a pack a rule forbids is not ticked, and an unknown one changes nothing
    assert toggle(trim, ["sport"], "comfort") == ["sport"]
    assert toggle(options("taishan-phev"), [], "tow") == []
    assert toggle(trim, ["winter"], "roof_box") == ["winter"]
