"""The configurator: validate a trim's configuration (colour and option packs with their rules),
price it (trim + colour + packs, in the trim's currency) and its deposit (the vehicle-order rule:
`settings.customer_deposit_percent` of the price, rounded half-up to the cent, as
services/ordering/placement.py does).

Rules of a pack: `requires_trims` (the pack is only offered on those trim codes), `requires_packs`
(every one must be chosen too), `excludes_packs` (none may be chosen with it; checked both ways).
A broken rule is a ValidationFailed naming the field ("packs[1]") and the pack and rule broken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlmodel import Session, select

from models import OptionPack, Trim, TrimColour
from models.settings import get_settings
from models.types import CENTS
from services.platform.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class Colour:
    key: str
    label: str
    hex: str
    price: Decimal


@dataclass(frozen=True)
class Pack:
    code: str
    name: str
    price: Decimal
    requires_trims: tuple[str, ...] = ()
    requires_packs: tuple[str, ...] = ()
    excludes_packs: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrimOptions:
    trim_id: int
    trim_code: str
    trim_name: str
    base_price: Decimal
    currency: str
    colours: tuple[Colour, ...]
    packs: tuple[Pack, ...]


@dataclass(frozen=True)
class PackState:
    """What the page shows for one pack given the current choice: may it be ticked, and why not."""

    code: str
    enabled: bool
    reason_code: str | None = None  # i18n key
    reason_params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Quote:
    trim_id: int
    currency: str
    base_price: Decimal
    colour: Colour
    packs: tuple[Pack, ...]
    total: Decimal
    deposit: Decimal


def signature(packs: Sequence[str]) -> str:
    """A configuration's packs as a built car records them: the codes sorted, comma-separated."""
    return ",".join(sorted(packs))


def deposit_for(total: Decimal) -> Decimal:
    """The vehicle-order deposit of a price (the rule of services/ordering/placement.py)."""
    percent = Decimal(get_settings().customer_deposit_percent)
    return (total * percent / 100).quantize(CENTS, rounding=ROUND_HALF_UP)


def _parse(colour: Any, packs: Any) -> tuple[str, list[str]]:
    if not isinstance(colour, str) or not colour.strip():
        raise ValidationFailed("configurator.colour_required", field="colour")
    if packs is None:
        packs = []
    if not isinstance(packs, list | tuple):
        raise ValidationFailed("configurator.packs_not_list", field="packs")
    codes: list[str] = []
    for index, code in enumerate(packs):
        if not isinstance(code, str) or not code.strip():
            raise ValidationFailed("configurator.pack_invalid", field=f"packs[{index}]")
        if code in codes:
            raise ValidationFailed("configurator.pack_duplicate", field=f"packs[{index}]", pack=code)
        codes.append(code)
    return colour.strip(), codes


def pack_states(options: TrimOptions, chosen: Sequence[str]) -> list[PackState]:
    """For each pack: whether it may be ticked next to `chosen`, else the rule that forbids it."""
    by_code = {p.code: p for p in options.packs}
    chosen_set = set(chosen)
    states = []
    for pack in options.packs:
        if pack.requires_trims and options.trim_code not in pack.requires_trims:
            states.append(
                PackState(
                    pack.code,
                    False,
                    "configurator.rule.requires_trim",
                    {"trims": ", ".join(pack.requires_trims)},
                )
            )
            continue
        blocker = next(
            (
                other
                for other in chosen_set - {pack.code}
                if other in by_code
                and (other in pack.excludes_packs or pack.code in by_code[other].excludes_packs)
            ),
            None,
        )
        if blocker is not None:
            states.append(
                PackState(pack.code, False, "configurator.rule.excluded_by", {"other": by_code[blocker].name})
            )
            continue
        missing = [code for code in pack.requires_packs if code not in chosen_set]
        if missing:
            names = ", ".join(by_code[c].name if c in by_code else c for c in missing)
            # still tickable: the page hints what must come with it
            states.append(PackState(pack.code, True, "configurator.rule.needs_pack", {"others": names}))
            continue
        states.append(PackState(pack.code, True))
    return states


def toggle(options: TrimOptions, chosen: Sequence[str], code: str) -> list[str]:
    """The choice after clicking pack `code`: ticking adds it with the packs it needs (unless a rule
    forbids it: then nothing changes); unticking drops it and every chosen pack that needs it."""
    by_code = {p.code: p for p in options.packs}
    if code not in by_code:
        return list(chosen)
    if code in chosen:
        dropped = {code}
        while True:
            more = {c for c in chosen if c in by_code and dropped & set(by_code[c].requires_packs)}
            if more <= dropped:
                break
            dropped |= more
        return [c for c in chosen if c not in dropped]
    state = next(s for s in pack_states(options, chosen) if s.code == code)
    if not state.enabled:
        return list(chosen)
    wanted = [c for c in by_code[code].requires_packs if c in by_code and c not in chosen]
    return [*chosen, *wanted, code]


def quote(options: TrimOptions, colour: Any, packs: Any) -> Quote:
    """Validate the configuration and price it; ValidationFailed names the field and the rule."""
    colour_key, codes = _parse(colour, packs)
    found = next((c for c in options.colours if c.key == colour_key), None)
    if found is None:
        raise ValidationFailed("configurator.colour_unknown", field="colour", colour=colour_key)
    by_code = {p.code: p for p in options.packs}
    for index, code in enumerate(codes):
        if code not in by_code:
            raise ValidationFailed("configurator.pack_unknown", field=f"packs[{index}]", pack=code)
    chosen = [by_code[c] for c in codes]
    for index, pack in enumerate(chosen):
        where = f"packs[{index}]"
        if pack.requires_trims and options.trim_code not in pack.requires_trims:
            raise ValidationFailed(
                "configurator.rule.requires_trim",
                field=where,
                pack=pack.name,
                trims=", ".join(pack.requires_trims),
            )
        for needed in pack.requires_packs:
            if needed not in codes:
                name = by_code[needed].name if needed in by_code else needed
                raise ValidationFailed(
                    "configurator.rule.requires_pack", field=where, pack=pack.name, other=name
                )
        for other in chosen:
            if other.code != pack.code and (
                other.code in pack.excludes_packs or pack.code in other.excludes_packs
            ):
                raise ValidationFailed(
                    "configurator.rule.excludes_pack", field=where, pack=pack.name, other=other.name
                )
    total = (options.base_price + found.price + sum((p.price for p in chosen), Decimal("0"))).quantize(CENTS)
    return Quote(
        options.trim_id, options.currency, options.base_price, found, tuple(chosen), total, deposit_for(total)
    )


def load_options(session: Session, trim_id: Any) -> TrimOptions:
    """The trim's colours and packs; NotFound "configurator.trim_not_found" for an unknown trim."""
    if not isinstance(trim_id, int) or isinstance(trim_id, bool):
        raise NotFound("configurator.trim_not_found", field="trim_id")
    trim = session.get(Trim, trim_id)
    if trim is None:
        raise NotFound("configurator.trim_not_found", field="trim_id")
    colours = session.exec(
        select(TrimColour).where(TrimColour.trim_id == trim_id).order_by(TrimColour.position, TrimColour.id)
    ).all()
    packs = session.exec(
        select(OptionPack).where(OptionPack.trim_id == trim_id).order_by(OptionPack.position, OptionPack.id)
    ).all()
    return TrimOptions(
        trim.id,
        trim.code,
        trim.name,
        Decimal(trim.price),
        trim.currency,
        tuple(Colour(c.key, c.label, c.hex, Decimal(c.price)) for c in colours),
        tuple(
            Pack(
                p.code,
                p.name,
                Decimal(p.price),
                tuple(p.requires_trims),
                tuple(p.requires_packs),
                tuple(p.excludes_packs),
            )
            for p in packs
        ),
    )
