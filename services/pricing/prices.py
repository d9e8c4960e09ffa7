"""The price in force for a part from a supplier on a date, and purchase orders issued at it.

The price in force on a day is, for a part under an active agreement with that supplier, the agreed
price of the latest approved or applied suggestion effective on or before that day (approved ones
count from their effective date even before `apply_due` has run), else the agreement's base price
P0. Without an agreement it is the part's list price when the supplier is the part's own supplier,
else None. A purchase order's line keeps the price it was issued at (services/supply stores it on
the line), so a later change never reprices an issued order.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from models import AgreementStatus, Part, PriceAgreement, PriceSuggestion, SuggestionStatus
from models.types import utcnow
from services.identity.auth import Principal
from services.platform.errors import ValidationFailed, field_path
from services.platform.fields import record_id, today_in, unit_price
from services.supply import purchasing
from services.supply.access import require_manager


def price_in_force(session: Session, part_id: int, supplier_id: int, on_date: date) -> Decimal | None:
    """The unit price in force for `part_id` from `supplier_id` on `on_date` (see the module's rule)."""
    return prices_in_force(session, supplier_id, [part_id], on_date).get(part_id)


def prices_in_force(
    session: Session, supplier_id: int, part_ids: Collection[int], on_date: date
) -> dict[int, Decimal]:
    """part id -> the unit price in force from `supplier_id` on `on_date` (the module's rule) for each
    of `part_ids` that has one; three queries however many parts (the purchase-order page's lines)."""
    ids = sorted({int(part_id) for part_id in part_ids})
    if not ids:
        return {}
    agreements = {}  # part -> (agreement id, base price): the first active agreement, as by id
    for agreement_id, part_id, base_price in session.exec(
        select(PriceAgreement.id, PriceAgreement.part_id, PriceAgreement.base_price)
        .where(
            PriceAgreement.part_id.in_(ids),
            PriceAgreement.supplier_id == supplier_id,
            PriceAgreement.status == AgreementStatus.ACTIVE,
        )
        .order_by(PriceAgreement.id)
    ):
        agreements.setdefault(part_id, (agreement_id, Decimal(base_price)))
    agreed: dict[int, Decimal] = {}  # agreement -> its latest agreed price effective by then
    if agreements:
        for agreement_id, price in session.exec(
            select(PriceSuggestion.agreement_id, PriceSuggestion.agreed_price)
            .where(
                PriceSuggestion.agreement_id.in_(sorted(a for a, _ in agreements.values())),
                PriceSuggestion.status.in_([SuggestionStatus.APPROVED, SuggestionStatus.APPLIED]),
                PriceSuggestion.effective_date <= on_date,
                PriceSuggestion.agreed_price.is_not(None),
            )
            .order_by(PriceSuggestion.agreement_id, PriceSuggestion.effective_date, PriceSuggestion.id)
        ):
            agreed[agreement_id] = Decimal(price)  # the last one per agreement wins
    out = {part_id: agreed.get(agreement_id, base) for part_id, (agreement_id, base) in agreements.items()}
    rest = [part_id for part_id in ids if part_id not in out]
    if rest:
        for part_id, list_price in session.exec(
            select(Part.id, Part.list_price).where(Part.id.in_(rest), Part.supplier_id == supplier_id)
        ):
            out[part_id] = Decimal(list_price)
    return out


def issue_purchase_order_at_prices_in_force(
    session: Session,
    principal: Principal,
    *,
    supplier_id: int,
    ship_to_location_id: int,
    lines: list[dict],
    currency: str | None = None,
    notes: str = "",
    now: datetime | None = None,
    commit: bool = True,
) -> dict:
    """Issue a purchase order (services/supply/purchasing.py `issue_purchase_order`) whose lines are
    priced at the price in force on the order's date, in the manager's time zone.

    A line may leave `unit_price` out (it is filled in); a line that gives one under an agreement
    must give the price in force (`pricing.price_not_in_force`, field `lines[2].unit_price`), so an
    order never silently departs from the agreement. A part with no price in force from that
    supplier must carry its own `unit_price`."""
    require_manager(principal)
    now = now or utcnow()
    on_date = today_in(principal.time_zone, now)
    supplier = record_id(supplier_id, "supplier_id")
    priced = []
    for position, line in enumerate(lines if isinstance(lines, list | tuple) else []):
        if not isinstance(line, dict):
            priced.append(line)
            continue
        part_id = line.get("part_id")
        if part_id in (None, "") and line.get("sku"):
            part_id = session.exec(select(Part.id).where(Part.sku == str(line["sku"]).strip())).first()
        in_force = (
            price_in_force(
                session, record_id(part_id, field_path("lines", position, "part_id")), supplier, on_date
            )
            if part_id not in (None, "")
            else None
        )
        given = line.get("unit_price")
        if given in (None, "") and in_force is not None:
            line = {**line, "unit_price": str(in_force)}
        elif (
            given not in (None, "")
            and in_force is not None
            and _agreed(session, part_id, supplier)
            and unit_price(given, field_path("lines", position, "unit_price")) != in_force
        ):
            raise ValidationFailed(
                "pricing.price_not_in_force",
                field=field_path("lines", position, "unit_price"),
                price=str(in_force),
            )
        priced.append(line)
    return purchasing.issue_purchase_order(
        session,
        principal,
        supplier_id=supplier,
        ship_to_location_id=ship_to_location_id,
        lines=priced if isinstance(lines, list | tuple) else lines,
        currency=currency,
        notes=notes,
        now=now,
        commit=commit,
    )


def _agreed(session: Session, part_id: object, supplier_id: int) -> bool:
    return (
        session.exec(
            select(PriceAgreement.id).where(
                PriceAgreement.part_id == int(part_id),
                PriceAgreement.supplier_id == supplier_id,
                PriceAgreement.status == AgreementStatus.ACTIVE,
            )
        ).first()
        is not None
    )
