"""The dealer's cart, kept on the server per user: it survives logout, a new tab and another
device. Each change is one small transaction on the user's own lines and returns the whole cart,
so a tab that shows the cart shows what the database holds (another tab's additions included).

The cart holds items and quantities as typed; prices and checks are the quote's and placement's
(services/ordering/cart_pricing.py, placement.py), exactly as before the cart moved here.
Only dealers have a cart (customers order one vehicle with a deposit; others do not buy).
"""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import CartLine, Part, Role, Trim
from services.identity.auth import Principal
from services.ordering.cart_pricing import ITEM_KINDS, find_item
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from services.platform.fields import all_or_nothing

MAX_CART_LINES = 100  # what one order may hold (services.ordering.placement.MAX_LINES)
QUANTITY_LENGTH = 12  # as typed; longer text is no quantity anyway


def _require_dealer(principal: Principal) -> None:
    if principal.role != Role.DEALER:
        raise PermissionDenied("order.place_denied")


def cart_lines(session: Session, principal: Principal) -> list[dict]:
    """The user's cart in the order the lines were added: {"kind", "item_id", "code", "name",
    "quantity"} (quantity as typed). Items since removed from the catalogue drop out."""
    _require_dealer(principal)
    rows = session.exec(
        select(CartLine, Part.sku, Part.name, Trim.code, Trim.name, Part.name_zh, Trim.name_zh)
        .outerjoin(Part, (CartLine.item_kind == "part") & (Part.id == CartLine.item_id))
        .outerjoin(Trim, (CartLine.item_kind == "trim") & (Trim.id == CartLine.item_id))
        .where(CartLine.user_id == principal.user_id)
        .order_by(CartLine.added_at, CartLine.id)
    ).all()
    lines = []
    for line, sku, part_name, trim_code, trim_name, part_zh, trim_zh in rows:
        code, name, name_zh = (
            (sku, part_name, part_zh) if line.item_kind == "part" else (trim_code, trim_name, trim_zh)
        )
        if code is None:
            continue
        lines.append(
            {
                "kind": line.item_kind,
                "item_id": line.item_id,
                "code": code,
                "name": name,
                "name_zh": name_zh or "",
                "quantity": line.quantity,
            }
        )
    return lines


def _line(session: Session, principal: Principal, kind: str, item_id: int) -> CartLine | None:
    return session.exec(
        select(CartLine).where(
            CartLine.user_id == principal.user_id, CartLine.item_kind == kind, CartLine.item_id == item_id
        )
    ).first()


@all_or_nothing
def add_to_cart(session: Session, principal: Principal, kind: str, code: str) -> tuple[dict, list[dict]]:
    """One more of the part (SKU) or trim (code): a new line with quantity 1, or the line's
    quantity plus one (1 when what was typed is no number). Returns (the item, the cart).

    Raises PermissionDenied for a non-dealer, NotFound "order.item_unknown" for no such item,
    ValidationFailed "order.too_many_lines" when the cart already holds MAX_CART_LINES lines."""
    _require_dealer(principal)
    if kind not in ITEM_KINDS:
        raise NotFound("order.item_unknown", field="item", line=1, item=str(code)[:40])
    item = find_item(session, principal, kind, code)
    line = _line(session, principal, item.kind, item.id)
    if line is None:
        count = session.exec(select(func.count()).where(CartLine.user_id == principal.user_id)).one()
        if count >= MAX_CART_LINES:
            raise ValidationFailed("order.too_many_lines", field="lines", max=MAX_CART_LINES)
        session.add(CartLine(user_id=principal.user_id, item_kind=item.kind, item_id=item.id, quantity="1"))
    else:
        typed = line.quantity.strip()
        line.quantity = str(int(typed) + 1) if typed.isdigit() and len(typed) < 9 else "1"
        session.add(line)
    try:
        session.commit()
    except IntegrityError:  # the same item added at the same moment from another tab: add once more
        session.rollback()
        return add_to_cart(session, principal, kind, code)
    added = {
        "kind": item.kind,
        "item_id": item.id,
        "code": item.code,
        "name": item.name,
        "name_zh": item.name_zh,
    }
    return added, cart_lines(session, principal)


@all_or_nothing
def set_cart_quantity(
    session: Session, principal: Principal, kind: str, item_id: int, text: str
) -> list[dict]:
    """Keep the quantity as typed (checked by the cart and at checkout, not here). A line no
    longer in the cart (removed in another tab) is left out. Returns the cart."""
    _require_dealer(principal)
    line = _line(session, principal, str(kind), int(item_id))
    if line is not None:
        line.quantity = str(text).strip()[:QUANTITY_LENGTH]
        session.add(line)
        session.commit()
    return cart_lines(session, principal)


@all_or_nothing
def remove_from_cart(session: Session, principal: Principal, kind: str, item_id: int) -> list[dict]:
    """Take the line out (nothing when it is not there). Returns the cart."""
    _require_dealer(principal)
    session.exec(
        delete(CartLine).where(
            CartLine.user_id == principal.user_id,
            CartLine.item_kind == str(kind),
            CartLine.item_id == int(item_id),
        )
    )
    session.commit()
    return cart_lines(session, principal)


@all_or_nothing
def clear_cart(session: Session, principal: Principal) -> None:
    """Empty the user's cart (after its order was placed)."""
    _require_dealer(principal)
    session.exec(delete(CartLine).where(CartLine.user_id == principal.user_id))
    session.commit()
