"""Leads and the step from a completed test drive to a vehicle order.

A lead is a booker (by e-mail) of one of the dealer's stores, with their drives. A completed drive
turns into the existing customer vehicle order (services/ordering/placement.place_order: the
store's stock, a deposit, the order's own payment flow), placed for the customer account with the
visitor's e-mail; the order keeps `test_drive_id`. One order per drive: the placement's
idempotency key is the drive's, so a second click finds the first order, and the unique
`sales_order.test_drive_id` is the guarantee. Only the store's own dealer staff may (anyone else:
404).
"""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Location, Organisation, Role, SalesOrder, Trim, User
from models.accounts import OrganisationKind
from models.showroom import TestDrive, TestDriveStatus
from services.identity.access import require_role
from services.identity.auth import Principal, normalize_email, principal_for
from services.ordering.placement import PlacedOrder, place_order
from services.platform.errors import DomainError, NotFound, ValidationFailed

LEADS_PAGE_SIZE = 20


class AlreadyOrdered(DomainError):
    """The drive already has its order (HTTP 409); `order_id` and `number` name it."""

    status = 409


def _own_store_ids(session: Session, principal: Principal) -> list[int]:
    require_role(principal, Role.DEALER)
    return list(
        session.exec(
            select(Location.id).where(
                Location.organisation_id == principal.organisation_id, Location.kind == "store"
            )
        ).all()
    )


def list_leads(
    session: Session,
    principal: Principal,
    *,
    search: str = "",
    status: str = "",
    page: int = 1,
    page_size: int = LEADS_PAGE_SIZE,
) -> dict:
    """The dealer's bookers (by e-mail, newest drive first), each with their drives and, per drive,
    the order it became. `search` matches name or e-mail; `status` keeps bookers with a drive in it."""
    stores = _own_store_ids(session, principal)
    if status and status not in set(TestDriveStatus):
        raise ValidationFailed("test_drive.status_invalid", field="status")
    email = func.lower(TestDrive.visitor_email)
    where = [TestDrive.location_id.in_(stores or [-1])]
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        where.append(email.like(pattern) | func.lower(TestDrive.visitor_name).like(pattern))
    if status:
        where.append(TestDrive.status == status)
    grouped = (
        select(email.label("email"), func.max(TestDrive.starts_at).label("last"))
        .where(*where)
        .group_by(email)
    )
    total = session.exec(select(func.count()).select_from(grouped.subquery())).one()
    page = max(1, int(page))
    emails = [
        row[0]
        for row in session.exec(
            grouped.order_by(func.max(TestDrive.starts_at).desc(), email)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
    ]
    rows = session.exec(
        select(TestDrive, Trim.code, Trim.name, SalesOrder.id, SalesOrder.number, Trim.name_zh)
        .join(Trim, Trim.id == TestDrive.trim_id)
        .join(SalesOrder, SalesOrder.test_drive_id == TestDrive.id, isouter=True)
        .where(TestDrive.location_id.in_(stores or [-1]), email.in_(emails or [""]))
        .order_by(TestDrive.starts_at.desc(), TestDrive.id.desc())
    ).all()
    session.commit()
    leads: dict[str, dict] = {key: {"email": key, "name": "", "phone": "", "drives": []} for key in emails}
    for drive, code, trim_name, order_id, number, trim_name_zh in rows:
        lead = leads[drive.visitor_email.lower()]
        lead["name"] = lead["name"] or drive.visitor_name
        lead["phone"] = lead["phone"] or drive.visitor_phone
        lead["drives"].append(
            {
                "id": drive.id,
                "status": drive.status,
                "trim": code,
                "trim_name": trim_name,
                "trim_name_zh": trim_name_zh or "",
                "starts_at": drive.starts_at.isoformat(),
                "order_id": order_id,
                "order_number": number,
            }
        )
    return {"total": total, "page": page, "page_size": page_size, "leads": list(leads.values())}


def order_from_drive(session: Session, principal: Principal, drive_id: object) -> PlacedOrder:
    """Place the vehicle order (with its deposit) that a completed drive led to, for the customer
    account with the visitor's e-mail, at the drive's store; returns the placement (the caller
    hands it to workers.dispatch.start_processing).

    Raises NotFound (not the dealer's drive), DomainError "test_drive.order_needs_completed",
    ValidationFailed "test_drive.order_needs_account" (field visitor_email) when no customer account
    has that e-mail, AlreadyOrdered when the drive has its order already, and the placement's own
    errors (e.g. OutOfStock). Nothing is written when it raises."""
    stores = _own_store_ids(session, principal)
    drive = (
        session.get(TestDrive, drive_id)
        if isinstance(drive_id, int) and not isinstance(drive_id, bool)
        else None
    )
    if drive is None or drive.location_id not in stores:
        session.rollback()
        raise NotFound("test_drive.not_found", field="id")
    existing = session.exec(
        select(SalesOrder.id, SalesOrder.number).where(SalesOrder.test_drive_id == drive.id)
    ).first()
    if existing is not None:
        session.rollback()
        raise AlreadyOrdered(
            "test_drive.already_ordered", field="id", order_id=existing[0], number=existing[1]
        )
    if drive.status != TestDriveStatus.COMPLETED:
        session.rollback()
        raise DomainError("test_drive.order_needs_completed", field="id")
    found = session.exec(
        select(User, Organisation)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(
            User.email_normalized == normalize_email(drive.visitor_email),
            User.role == Role.CUSTOMER,
            User.is_active,
            Organisation.kind == OrganisationKind.CONSUMER,
        )
    ).first()
    if found is None:
        email = drive.visitor_email
        session.rollback()
        raise ValidationFailed("test_drive.order_needs_account", field="visitor_email", email=email)
    customer = principal_for(*found)
    trim_id, store_id, the_drive = drive.trim_id, drive.location_id, drive.id
    session.rollback()
    placed = place_order(
        session,
        customer,
        lines=[{"item_kind": "trim", "item_id": trim_id, "quantity": 1}],
        buyer_location_id=store_id,
        idempotency_key=f"test-drive-{the_drive}",
    )
    order_id, number = placed.order.id, placed.order.number
    try:
        claimed = session.execute(
            update(SalesOrder)
            .where(SalesOrder.id == order_id, SalesOrder.test_drive_id.is_(None))
            .values(test_drive_id=the_drive)
        ).rowcount
        session.commit()
    except IntegrityError:
        session.rollback()
        claimed = 0
    if placed.replayed or not claimed:
        raise AlreadyOrdered("test_drive.already_ordered", field="id", order_id=order_id, number=number)
    return placed
