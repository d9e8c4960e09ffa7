"""Stock reservations as conditional updates on `stock_level`, always in the same row order.

A reservation is `reserved += q` on the stock row, allowed only while `on_hand - reserved >= q`;
the database checks and writes in one statement, so two buyers can never both take the last unit
(on PostgreSQL READ COMMITTED re-evaluates the WHERE on the newest row version; SQLite's engine
begins every transaction with BEGIN IMMEDIATE, so writers queue). Rows are touched in ascending
`stock_level.id`, the one lock order used by every writer of stock, so two carts that hold the
same items in opposite order wait for each other instead of deadlocking.

All functions work inside the caller's transaction and never commit. They write with Core UPDATEs
(no ORM synchronisation): a StockLevel object already loaded in the session is stale until refreshed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Update, bindparam, update
from sqlmodel import Session, select

from models import StockLevel


class ReservationInvariantBroken(RuntimeError):
    """The stock rows do not hold what an order says they hold: a bug, never a user error."""


@dataclass(frozen=True)
class Shortfall:
    """A stock row that could not give `requested` units: how many it has free right now."""

    stock_level_id: int
    requested: int
    available: int


def in_lock_order(quantities: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """(stock_level_id, quantity) pairs summed per row and sorted by row id: the global lock order."""
    totals: dict[int, int] = {}
    for stock_level_id, quantity in quantities:
        totals[stock_level_id] = totals.get(stock_level_id, 0) + quantity
    return sorted(totals.items())


def reserve(session: Session, quantities: Iterable[tuple[int, int]]) -> list[Shortfall]:
    """Reserve every (stock_level_id, quantity) pair, or report why not.

    Returns an empty list when every row was reserved. Otherwise returns a Shortfall per row that
    was short (the rows after the first short one are still checked, so the buyer learns every
    short line at once); the caller must then roll back, which undoes the rows that did succeed.
    """
    shortfalls: list[Shortfall] = []
    connection = session.connection()
    for stock_level_id, quantity in in_lock_order(quantities):
        result = connection.execute(_RESERVE, {"row_id": stock_level_id, "quantity": quantity})
        if result.rowcount != 1:
            shortfalls.append(Shortfall(stock_level_id, quantity, _available(session, stock_level_id)))
    return shortfalls


def reserve_statement() -> Update:
    """The conditional reservation of one row as a statement (parameters: `reserve_params`), for
    a caller that runs it inside a larger statement (services/platform/row_writes.py `insert_together`)."""
    return _RESERVE


def reserve_params(stock_level_id: int, quantity: int) -> dict[str, int]:
    return {"row_id": stock_level_id, "quantity": quantity}


def shortfall(session: Session, stock_level_id: int, quantity: int) -> Shortfall:
    """Why `quantity` could not be reserved on the row: what it has free now."""
    return Shortfall(stock_level_id, quantity, _available(session, stock_level_id))


# Built once: reserving runs on every placement.
_STOCK = StockLevel.__table__
_RESERVE = (
    update(_STOCK)
    .where(_STOCK.c.id == bindparam("row_id"), _STOCK.c.on_hand - _STOCK.c.reserved >= bindparam("quantity"))
    .values(reserved=_STOCK.c.reserved + bindparam("quantity"))
)
_COMMIT = (
    update(_STOCK)
    .where(
        _STOCK.c.id == bindparam("row_id"),
        _STOCK.c.reserved >= bindparam("quantity"),
        _STOCK.c.on_hand >= bindparam("quantity"),
    )
    .values(
        on_hand=_STOCK.c.on_hand - bindparam("quantity"), reserved=_STOCK.c.reserved - bindparam("quantity")
    )
)


def release(session: Session, quantities: Iterable[tuple[int, int]]) -> None:
    """Give reserved units back to the free pool (`reserved -= q`), e.g. when an order is cancelled.

    Raises ReservationInvariantBroken if a row holds fewer reserved units than the order says.
    """
    for stock_level_id, quantity in in_lock_order(quantities):
        result = session.exec(
            update(StockLevel)
            .where(StockLevel.id == stock_level_id, StockLevel.reserved >= quantity)
            .values(reserved=StockLevel.reserved - quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise ReservationInvariantBroken(f"stock_level {stock_level_id}: cannot release {quantity}")


def commit(session: Session, quantities: Iterable[tuple[int, int]]) -> None:
    """Turn reserved units into goods leaving stock (`on_hand -= q`, `reserved -= q`) on payment.

    Raises ReservationInvariantBroken if a row holds fewer reserved units than the order says.
    """
    connection = session.connection()
    for stock_level_id, quantity in in_lock_order(quantities):
        result = connection.execute(_COMMIT, {"row_id": stock_level_id, "quantity": quantity})
        if result.rowcount != 1:
            raise ReservationInvariantBroken(f"stock_level {stock_level_id}: cannot commit {quantity}")


def _available(session: Session, stock_level_id: int) -> int:
    row = session.exec(
        select(StockLevel.on_hand, StockLevel.reserved).where(StockLevel.id == stock_level_id)
    ).first()
    return max(0, row[0] - row[1]) if row else 0
