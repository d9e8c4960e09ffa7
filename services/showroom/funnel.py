"""The showroom funnel's first step: trim page views, counted on the server per store, trim and
UTC day (no cookie, no visitor id: a counter).

`record_trim_view` is one upsert that adds 1, safe under any number of concurrent viewers on both
databases (INSERT .. ON CONFLICT DO UPDATE SET views = views + 1). The later steps (bookings,
show-ups, orders) are counted from the drives and their orders themselves.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, func, select

from models.showroom import NO_STORE, TrimView
from models.types import utcnow

_VIEWS = TrimView.__table__


def record_trim_view(
    session: Session, trim_id: int, location_id: int | None, *, day: date | None = None
) -> None:
    """Count one view of `trim_id`'s page for store `location_id` (None: no store chosen) on `day`
    (today, UTC); commits."""
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(_VIEWS).values(
        day=day or utcnow().date(), trim_id=trim_id, location_id=location_id or NO_STORE, views=1
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "trim_id", "location_id"], set_={"views": _VIEWS.c.views + 1}
        )
    )
    session.commit()


def trim_views(session: Session, trim_id: int, *, location_id: int | None = None) -> int:
    """All views of `trim_id`'s page counted so far (for one store when given)."""
    query = select(func.coalesce(func.sum(TrimView.views), 0)).where(TrimView.trim_id == trim_id)
    if location_id is not None:
        query = query.where(TrimView.location_id == location_id)
    total = session.exec(query).one()
    session.rollback()
    return int(total)
