"""Quality incidents and lot traceability.

An incident opens automatically for every goods-receipt line with rejected units (linked to the
part, lot, order, order line and receipt line) or by a manager for a field complaint. The supplier
acknowledges it (the response time runs from opening to that first acknowledgement), records a
containment action and a root cause, and resolves it with evidence; the manager then accepts
(closed) or reopens it. Every step is one transaction with a timeline entry both sides see.

    open -> acknowledged -> resolved -> closed
    resolved | closed -> reopened (by the manager) -> acknowledged | resolved
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    GoodsReceipt,
    GoodsReceiptLine,
    Location,
    Organisation,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    QualityIncident,
    QualityIncidentEvent,
    ShippingNotice,
    ShippingNoticeLine,
    User,
)
from models.supply import IncidentSource, IncidentStatus
from models.types import utcnow
from services.catalog.lists import Page
from services.identity.auth import Principal
from services.notifications import tell
from services.platform.errors import FieldCollector, NotFound, ValidationFailed
from services.platform.fields import all_or_nothing, lot_number, record_id, text_value, whole_quantity
from services.supply import scorecards
from services.supply.access import (
    check_visible,
    require_manager,
    require_reader,
    require_supplier,
    scoped_supplier_id,
)
from services.supply.incident_titles import FIELD_COMPLAINT, RECEIPT_REJECT, title_fields
from services.supply.numbers import asn_number, incident_number, po_number, receipt_number
from services.supply.states import IllegalTransition

MAX_TITLE_LENGTH = 200  # the incident's title column
MAX_DESCRIPTION_LENGTH = 2000
# The free texts of answers and decisions: longer is refused (text.too_long), never cut.
MAX_NOTE_LENGTH = 2000
MAX_ANALYSIS_LENGTH = 2000  # containment action, root cause
MAX_EVIDENCE_LENGTH = 4000

INCIDENT_TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentStatus.OPEN: frozenset({IncidentStatus.ACKNOWLEDGED}),
    IncidentStatus.ACKNOWLEDGED: frozenset({IncidentStatus.RESOLVED}),
    IncidentStatus.RESOLVED: frozenset({IncidentStatus.CLOSED, IncidentStatus.REOPENED}),
    IncidentStatus.REOPENED: frozenset({IncidentStatus.ACKNOWLEDGED, IncidentStatus.RESOLVED}),
    IncidentStatus.CLOSED: frozenset({IncidentStatus.REOPENED}),
}
# The supplier's move: states in which an incident waits for the supplier.
AWAITING_SUPPLIER: frozenset[str] = frozenset(
    {IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED, IncidentStatus.REOPENED}
)
TRACE_LIMIT = 500


def check_incident_move(current: str, target: str) -> None:
    """Raise IllegalTransition unless an incident may move from `current` to `target`."""
    if target not in INCIDENT_TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition("incident.illegal_transition", field="status", current=current, target=target)


# ---------------------------------------------------------------- opening


def open_receipt_incident(
    session: Session,
    principal: Principal | None,
    *,
    order: PurchaseOrder,
    receipt: GoodsReceipt,
    receipt_line: GoodsReceiptLine,
    order_line: PurchaseOrderLine,
    at: datetime,
) -> QualityIncident:
    """Open the incident for a receipt line with rejects, in the caller's transaction
    (called by `purchasing.receive_goods`; the caller commits)."""
    part = session.get(Part, order_line.part_id)
    incident = QualityIncident(
        supplier_id=order.supplier_id,
        part_id=order_line.part_id,
        lot_number=receipt_line.lot_number,
        purchase_order_id=order.id,
        po_line_id=order_line.id,
        receipt_line_id=receipt_line.id,
        source=IncidentSource.RECEIPT_REJECT,
        status=IncidentStatus.OPEN,
        title="",
        title_key=RECEIPT_REJECT,
        title_params={"sku": part.sku, "count": receipt_line.rejected_quantity},
        description=receipt_line.reject_reason,
        quantity_affected=receipt_line.rejected_quantity,
        opened_at=at,
        opened_by_user_id=principal.user_id if principal else None,
        status_changed_at=at,
    )
    session.add(incident)
    session.flush()
    _event(session, incident, principal, "opened", None, IncidentStatus.OPEN, receipt_line.reject_reason, at)
    _tell_opened(session, incident, part, at)
    return incident


def _tell_opened(session: Session, incident: QualityIncident, part: Part, at: datetime) -> None:
    tell.incident_opened(
        session,
        incident_id=incident.id,
        number=incident_number(incident.id),
        supplier_id=incident.supplier_id,
        sku=part.sku,
        quantity=incident.quantity_affected,
        now=at,
    )


def _tell_answered(session: Session, incident: QualityIncident, step: str, at: datetime) -> None:
    tell.incident_answered(
        session,
        incident_id=incident.id,
        number=incident_number(incident.id),
        supplier_id=incident.supplier_id,
        sku=session.get(Part, incident.part_id).sku,
        step=step,
        now=at,
    )


@all_or_nothing
def report_field_complaint(
    session: Session,
    principal: Principal,
    *,
    part_id: int | None = None,
    sku: str | None = None,
    lot: str,
    description: str,
    quantity_affected: int | str = 0,
    title: str = "",
    now: datetime | None = None,
) -> dict:
    """A manager opens an incident for a problem found in the field (part by id or SKU, the lot,
    a description, how many units). It is linked to the latest receipt of that part's lot, and
    through it to the order, when the lot was received. Returns the incident."""
    require_manager(principal)
    now = now or utcnow()
    # Every bad field at once (FieldErrors): an unknown part does not hide a bad quantity.
    problems = FieldCollector()
    part = None
    if part_id not in (None, ""):
        found_id = problems.check(record_id, part_id, "part_id")
        part = session.get(Part, found_id) if found_id is not None else None
        if found_id is not None and part is None:
            problems.add("part_id", "incident.part_unknown")
    elif sku and str(sku).strip():
        part = session.exec(select(Part).where(Part.sku == str(sku).strip())).first()
        if part is None:
            problems.add("part_id", "incident.part_unknown")
    else:
        problems.add("part_id", "incident.part_required")
    lot = problems.check(lot_number, lot, "lot_number")
    description = problems.check(
        text_value, description, "description", max_length=MAX_DESCRIPTION_LENGTH, required=True
    )
    quantity = problems.check(whole_quantity, quantity_affected, "quantity_affected", allow_zero=True)
    title = problems.check(text_value, title, "title", max_length=MAX_TITLE_LENGTH) or ""
    problems.raise_if_any()
    # No title typed: the system's, kept as a key and its arguments (translated when shown).
    title_key, title_params = (None, {}) if title else (FIELD_COMPLAINT, {"sku": part.sku, "lot": lot})
    source_line = session.exec(
        select(GoodsReceiptLine)
        .where(GoodsReceiptLine.part_id == part.id, GoodsReceiptLine.lot_number == lot)
        .order_by(GoodsReceiptLine.id.desc())
    ).first()
    order_id = None
    if source_line is not None:
        order_id = session.get(GoodsReceipt, source_line.receipt_id).purchase_order_id
    incident = QualityIncident(
        supplier_id=part.supplier_id,
        part_id=part.id,
        lot_number=lot,
        purchase_order_id=order_id,
        po_line_id=source_line.po_line_id if source_line else None,
        receipt_line_id=source_line.id if source_line else None,
        source=IncidentSource.FIELD_COMPLAINT,
        status=IncidentStatus.OPEN,
        title=title,
        title_key=title_key,
        title_params=title_params,
        description=description,
        quantity_affected=quantity,
        opened_at=now,
        opened_by_user_id=principal.user_id,
        status_changed_at=now,
    )
    session.add(incident)
    session.flush()
    _event(session, incident, principal, "opened", None, IncidentStatus.OPEN, description, now)
    _tell_opened(session, incident, part, now)
    scorecards.mark_stale(session, part.supplier_id, reason="incident")
    incident_id = incident.id
    session.commit()
    return get_incident(session, principal, incident_id)


# ---------------------------------------------------------------- the supplier's answers


@all_or_nothing
def acknowledge_incident(
    session: Session, principal: Principal, incident_id: int, *, note: str = "", now: datetime | None = None
) -> dict:
    """The supplier acknowledges an open (or reopened) incident. The first acknowledgement fixes
    the response time (minutes since opening) that the scorecard measures."""
    require_supplier(principal)
    now = now or utcnow()
    note = text_value(note, "note", max_length=MAX_NOTE_LENGTH)
    incident = _incident_for_update(session, principal, incident_id)
    check_incident_move(incident.status, IncidentStatus.ACKNOWLEDGED)
    if incident.acknowledged_at is None:
        incident.acknowledged_at = now
        incident.response_minutes = max(0, round((now - incident.opened_at).total_seconds() / 60))
    _tell_answered(session, incident, "acknowledged", now)
    return _move(
        session, principal, incident, IncidentStatus.ACKNOWLEDGED, "acknowledged", note, now, stale=True
    )


@all_or_nothing
def record_incident_analysis(
    session: Session,
    principal: Principal,
    incident_id: int,
    *,
    containment_action: str | None = None,
    root_cause: str | None = None,
    now: datetime | None = None,
) -> dict:
    """The supplier records (or revises) the containment action and/or root cause of an incident
    it has acknowledged (or that was reopened)."""
    require_supplier(principal)
    now = now or utcnow()
    incident = _incident_for_update(session, principal, incident_id)
    if incident.status not in (IncidentStatus.ACKNOWLEDGED, IncidentStatus.REOPENED):
        raise IllegalTransition("incident.not_in_analysis", field="status", current=incident.status)
    changes = {}
    if containment_action is not None:
        changes["containment_action"] = text_value(
            containment_action, "containment_action", max_length=MAX_ANALYSIS_LENGTH, required=True
        )
    if root_cause is not None:
        changes["root_cause"] = text_value(
            root_cause, "root_cause", max_length=MAX_ANALYSIS_LENGTH, required=True
        )
    if not changes:
        raise ValidationFailed("text.required", field="containment_action")
    for key, value in changes.items():
        setattr(incident, key, value)
    session.add(incident)
    _event(
        session,
        incident,
        principal,
        "analysis",
        incident.status,
        incident.status,
        "\n".join(f"{key}: {value}" for key, value in changes.items()),
        now,
    )
    _tell_answered(session, incident, "analysed", now)
    incident_id = incident.id
    session.commit()
    return get_incident(session, principal, incident_id)


@all_or_nothing
def resolve_incident(
    session: Session,
    principal: Principal,
    incident_id: int,
    *,
    evidence: str,
    containment_action: str | None = None,
    root_cause: str | None = None,
    now: datetime | None = None,
) -> dict:
    """The supplier closes its side with evidence. Containment action and root cause must be on
    record (given now or before): `incident.containment_required` / `incident.root_cause_required`."""
    require_supplier(principal)
    now = now or utcnow()
    evidence = text_value(evidence, "evidence", max_length=MAX_EVIDENCE_LENGTH, required=True)
    incident = _incident_for_update(session, principal, incident_id)
    check_incident_move(incident.status, IncidentStatus.RESOLVED)
    containment = (
        text_value(containment_action, "containment_action", max_length=MAX_ANALYSIS_LENGTH)
        if containment_action is not None
        else incident.containment_action
    )
    cause = (
        text_value(root_cause, "root_cause", max_length=MAX_ANALYSIS_LENGTH)
        if root_cause is not None
        else incident.root_cause
    )
    if not containment:
        raise ValidationFailed("incident.containment_required", field="containment_action")
    if not cause:
        raise ValidationFailed("incident.root_cause_required", field="root_cause")
    incident.containment_action = containment
    incident.root_cause = cause
    incident.evidence = evidence
    incident.resolved_at = now
    _tell_answered(session, incident, "resolved", now)
    return _move(session, principal, incident, IncidentStatus.RESOLVED, "resolved", evidence, now)


# ---------------------------------------------------------------- the manager's decision


@all_or_nothing
def accept_resolution(
    session: Session, principal: Principal, incident_id: int, *, note: str = "", now: datetime | None = None
) -> dict:
    """The manager accepts the supplier's resolution: the incident is closed, and a SCORECARD_STALE
    message asks for the supplier's scores to be recomputed (as after an acknowledgement)."""
    require_manager(principal)
    now = now or utcnow()
    note = text_value(note, "note", max_length=MAX_NOTE_LENGTH)
    incident = _incident_for_update(session, principal, incident_id)
    check_incident_move(incident.status, IncidentStatus.CLOSED)
    incident.closed_at = now
    return _move(session, principal, incident, IncidentStatus.CLOSED, "closed", note, now, stale=True)


@all_or_nothing
def reopen_incident(
    session: Session, principal: Principal, incident_id: int, *, reason: str, now: datetime | None = None
) -> dict:
    """The manager reopens a resolved (or closed) incident with a reason; it waits for the
    supplier again (the response time already measured stays)."""
    require_manager(principal)
    now = now or utcnow()
    reason = text_value(reason, "reason", max_length=MAX_NOTE_LENGTH, required=True)
    incident = _incident_for_update(session, principal, incident_id)
    check_incident_move(incident.status, IncidentStatus.REOPENED)
    incident.reopened_count += 1
    incident.closed_at = None
    return _move(session, principal, incident, IncidentStatus.REOPENED, "reopened", reason, now)


def _move(
    session: Session,
    principal: Principal,
    incident: QualityIncident,
    target: str,
    kind: str,
    note: str,
    now: datetime,
    stale: bool = False,
) -> dict:
    _event(session, incident, principal, kind, incident.status, target, note, now)
    incident.status = target
    incident.status_changed_at = now
    session.add(incident)
    if stale:
        scorecards.mark_stale(session, incident.supplier_id, reason="incident")
    incident_id = incident.id
    session.commit()
    return get_incident(session, principal, incident_id)


def _event(
    session: Session,
    incident: QualityIncident,
    principal: Principal | None,
    kind: str,
    from_status: str | None,
    to_status: str | None,
    note: str,
    at: datetime,
) -> None:
    session.add(
        QualityIncidentEvent(
            incident_id=incident.id,
            at=at,
            actor_user_id=principal.user_id if principal else None,
            actor_organisation_id=principal.organisation_id if principal else None,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            note=note[:4000],
        )
    )


def _incident_for_update(session: Session, principal: Principal, incident_id: int) -> QualityIncident:
    incident = session.get(
        QualityIncident, record_id(incident_id, "incident_id"), with_for_update=True, populate_existing=True
    )
    if incident is None:
        raise NotFound("incident.not_found", field="incident_id")
    check_visible(principal, incident.supplier_id, "incident.not_found", "incident_id")
    return incident


# ---------------------------------------------------------------- reading


def list_incidents(
    session: Session,
    principal: Principal,
    *,
    page: Page,
    status: str | list[str] | None = None,
    supplier_id: int | None = None,
    awaiting_supplier: bool = False,
) -> tuple[list[dict], int]:
    """Incidents newest first (a supplier: its own). `awaiting_supplier` keeps those waiting for
    the supplier's move (open, acknowledged, reopened). Returns (rows, total)."""
    supplier_id = scoped_supplier_id(principal, supplier_id)
    statement = (
        select(QualityIncident, Part.sku, Part.name, Organisation.name, Part.name_zh, Organisation.name_zh)
        .join(Part, Part.id == QualityIncident.part_id)
        .join(Organisation, Organisation.id == QualityIncident.supplier_id)
        .order_by(QualityIncident.opened_at.desc(), QualityIncident.id.desc())
    )
    if supplier_id is not None:
        statement = statement.where(QualityIncident.supplier_id == supplier_id)
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        statement = statement.where(QualityIncident.status.in_(statuses))
    if awaiting_supplier:
        statement = statement.where(QualityIncident.status.in_(AWAITING_SUPPLIER))
    total = session.exec(select(func.count()).select_from(statement.order_by(None).subquery())).one()
    rows = session.exec(statement.offset(page.offset).limit(page.size)).all()
    return [
        _incident_row(incident, sku, part_name, supplier_name, part_zh, supplier_zh)
        for incident, sku, part_name, supplier_name, part_zh, supplier_zh in rows
    ], total


def get_incident(session: Session, principal: Principal, incident_id: int) -> dict:
    """One incident with its links (order, receipt line), answers and timeline; another
    supplier's incident raises NotFound."""
    require_reader(principal)
    incident = session.get(QualityIncident, record_id(incident_id, "incident_id"))
    if incident is None:
        raise NotFound("incident.not_found", field="incident_id")
    check_visible(principal, incident.supplier_id, "incident.not_found", "incident_id")
    part = session.get(Part, incident.part_id)
    supplier = session.get(Organisation, incident.supplier_id)
    receipt_id = None
    if incident.receipt_line_id is not None:
        receipt_line = session.get(GoodsReceiptLine, incident.receipt_line_id)
        receipt_id = receipt_line.receipt_id if receipt_line else None
    events = session.exec(
        select(QualityIncidentEvent, User.full_name, Organisation.name, Organisation.name_zh)
        .outerjoin(User, User.id == QualityIncidentEvent.actor_user_id)
        .outerjoin(Organisation, Organisation.id == QualityIncidentEvent.actor_organisation_id)
        .where(QualityIncidentEvent.incident_id == incident.id)
        .order_by(QualityIncidentEvent.at, QualityIncidentEvent.id)
    ).all()
    return {
        **_incident_row(incident, part.sku, part.name, supplier.name, part.name_zh, supplier.name_zh),
        "description": incident.description,
        "po_line_id": incident.po_line_id,
        "receipt_line_id": incident.receipt_line_id,
        "receipt_id": receipt_id,
        "receipt_number": receipt_number(receipt_id) if receipt_id else None,
        "containment_action": incident.containment_action,
        "root_cause": incident.root_cause,
        "evidence": incident.evidence,
        "resolved_at": incident.resolved_at,
        "closed_at": incident.closed_at,
        "reopened_count": incident.reopened_count,
        "timeline": [
            {
                "at": event.at,
                "kind": event.kind,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "note": event.note,
                "actor_name": actor or "",
                "actor_organisation": organisation or "",
                "actor_organisation_zh": organisation_zh or "",
            }
            for event, actor, organisation, organisation_zh in events
        ],
    }


def _incident_row(
    incident: QualityIncident,
    sku: str,
    part_name: str,
    supplier_name: str,
    part_name_zh: str | None = None,
    supplier_name_zh: str | None = None,
) -> dict:
    return {
        "id": incident.id,
        "number": incident_number(incident.id),
        "supplier_id": incident.supplier_id,
        "supplier_name": supplier_name,
        "supplier_name_zh": supplier_name_zh,
        "part_id": incident.part_id,
        "sku": sku,
        "part_name": part_name,
        "part_name_zh": part_name_zh,
        "lot_number": incident.lot_number,
        "purchase_order_id": incident.purchase_order_id,
        "purchase_order_number": (
            po_number(incident.purchase_order_id) if incident.purchase_order_id else None
        ),
        "source": incident.source,
        "status": incident.status,
        **title_fields(incident),
        "quantity_affected": incident.quantity_affected,
        "opened_at": incident.opened_at,
        "acknowledged_at": incident.acknowledged_at,
        "response_minutes": incident.response_minutes,
        "awaiting_supplier": incident.status in AWAITING_SUPPLIER,
    }


def lot_trace(session: Session, principal: Principal, lot: str) -> dict:
    """Everything a lot touched: the order lines it shipped against, the shipping-notice lines that
    carried it, the receipt lines that took it in (accepted and rejected) and the incidents opened
    on it. A supplier sees only its own lots (another supplier's lot reads as unknown);
    managers see every supplier's lot of that number. Each list holds at most TRACE_LIMIT rows."""
    require_reader(principal)
    lot = lot_number(lot, "lot_number")
    supplier_id = scoped_supplier_id(principal, None)

    def scoped(statement, supplier_column):
        return statement.where(supplier_column == supplier_id) if supplier_id is not None else statement

    shipped = session.exec(
        scoped(
            select(
                ShippingNoticeLine,
                ShippingNotice,
                PurchaseOrderLine,
                Part.sku,
                Organisation.name,
                Organisation.name_zh,
            )
            .join(ShippingNotice, ShippingNotice.id == ShippingNoticeLine.notice_id)
            .join(PurchaseOrderLine, PurchaseOrderLine.id == ShippingNoticeLine.po_line_id)
            .join(Part, Part.id == PurchaseOrderLine.part_id)
            .join(Organisation, Organisation.id == ShippingNotice.supplier_id)
            .where(ShippingNoticeLine.lot_number == lot),
            ShippingNotice.supplier_id,
        )
        .order_by(ShippingNotice.shipped_at, ShippingNoticeLine.id)
        .limit(TRACE_LIMIT)
    ).all()
    received = session.exec(
        scoped(
            select(GoodsReceiptLine, GoodsReceipt, Part.sku, Location.name, Location.name_zh)
            .join(GoodsReceipt, GoodsReceipt.id == GoodsReceiptLine.receipt_id)
            .join(Part, Part.id == GoodsReceiptLine.part_id)
            .join(Location, Location.id == GoodsReceipt.location_id)
            .where(GoodsReceiptLine.lot_number == lot),
            GoodsReceipt.supplier_id,
        )
        .order_by(GoodsReceipt.received_at, GoodsReceiptLine.id)
        .limit(TRACE_LIMIT)
    ).all()
    incidents = session.exec(
        scoped(
            select(
                QualityIncident, Part.sku, Part.name, Organisation.name, Part.name_zh, Organisation.name_zh
            )
            .join(Part, Part.id == QualityIncident.part_id)
            .join(Organisation, Organisation.id == QualityIncident.supplier_id)
            .where(QualityIncident.lot_number == lot),
            QualityIncident.supplier_id,
        )
        .order_by(QualityIncident.opened_at, QualityIncident.id)
        .limit(TRACE_LIMIT)
    ).all()

    order_lines: dict[int, dict] = {}
    for _notice_line, notice, order_line, sku, supplier_name, supplier_zh in shipped:
        order_lines.setdefault(
            order_line.id,
            {
                "purchase_order_id": order_line.purchase_order_id,
                "purchase_order_number": po_number(order_line.purchase_order_id),
                "po_line_id": order_line.id,
                "line_no": order_line.line_no,
                "sku": sku,
                "supplier_id": notice.supplier_id,
                "supplier_name": supplier_name,
                "supplier_name_zh": supplier_zh,
                "quantity": order_line.quantity,
                "promised_date": order_line.promised_date,
            },
        )
    return {
        "lot_number": lot,
        "purchase_order_lines": list(order_lines.values()),
        "shipping_notice_lines": [
            {
                "notice_id": notice.id,
                "notice_number": asn_number(notice.id),
                "po_line_id": notice_line.po_line_id,
                "purchase_order_id": notice.purchase_order_id,
                "sku": sku,
                "quantity": notice_line.quantity,
                "received_quantity": notice_line.received_quantity,
                "carrier": notice.carrier,
                "tracking_number": notice.tracking_number,
                "shipped_at": notice.shipped_at,
                "supplier_name": supplier_name,
                "supplier_name_zh": supplier_zh,
            }
            for notice_line, notice, _order_line, sku, supplier_name, supplier_zh in shipped
        ],
        "receipt_lines": [
            {
                "receipt_id": receipt.id,
                "receipt_number": receipt_number(receipt.id),
                "purchase_order_id": receipt.purchase_order_id,
                "sku": sku,
                "location_name": location_name,
                "location_name_zh": location_zh,
                "received_at": receipt.received_at,
                "accepted_quantity": line.accepted_quantity,
                "rejected_quantity": line.rejected_quantity,
                "reject_reason": line.reject_reason,
            }
            for line, receipt, sku, location_name, location_zh in received
        ],
        "incidents": [
            _incident_row(incident, sku, part_name, supplier_name, part_zh, supplier_zh)
            for incident, sku, part_name, supplier_name, part_zh, supplier_zh in incidents
        ],
        "found": bool(shipped or received or incidents),
    }
