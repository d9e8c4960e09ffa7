"""Purchase orders between the carmaker's managers and a supplier: issue, answer, propose, ship, receive.

Every public function that changes something runs in one transaction and commits it (or raises
and writes nothing): the order, its lines' running totals, the timeline entry both sides see, the
stock and the outbox messages go together. Input errors raise ValidationFailed naming the field
(`lines[2].quantity`, `promised_date`, ...); the shipping and receipt forms get every bad
field at once (FieldErrors); illegal state changes raise IllegalTransition (409);
another supplier's order answers NotFound.

Numbers shown to people: `PO-000123` (order), `ASN-000045` (shipping notice), `GR-000067` (receipt).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, select

from models import (
    GoodsReceipt,
    GoodsReceiptLine,
    Location,
    LocationKind,
    Organisation,
    OrganisationKind,
    Part,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    QualityIncident,
    ShippingNotice,
    ShippingNoticeLine,
    StockLevel,
    SupplierControl,
    User,
)
from models.supply import PurchaseOrderLineStatus as LineStatus
from models.supply import PurchaseOrderStatus as Status
from models.supply import ShippingNoticeStatus, Standing
from models.types import utcnow
from services.catalog.lists import Page
from services.identity.auth import Principal
from services.notifications import tell
from services.platform import audit, outbox
from services.platform.errors import (
    FieldCollector,
    FieldError,
    FieldErrors,
    NotFound,
    ValidationFailed,
    field_path,
)
from services.platform.fields import (
    all_or_nothing,
    calendar_date,
    currency_code,
    lot_number,
    not_in_past,
    record_id,
    text_value,
    today_in,
    unit_price,
    whole_quantity,
)
from services.supply import quality, quote, scorecards
from services.supply import states as po_states
from services.supply.access import (
    check_visible,
    is_supplier,
    require_manager,
    require_reader,
    require_supplier,
    scoped_supplier_id,
)
from services.supply.incident_titles import title_fields
from services.supply.numbers import asn_number, incident_number, parse_po_number, po_number, receipt_number

MAX_LINES = 200
MAX_NOTES_LENGTH = 1000  # the order's notes, as the column holds them
# The free texts of answers, proposals, cancellations, blocks and rejections, and a shipping
# notice's carrier and tracking number: longer is refused (text.too_long), never cut.
MAX_REASON_LENGTH = 500
MAX_NOTE_LENGTH = 500
MAX_CARRIER_LENGTH = 80
MAX_TRACKING_LENGTH = 80


# ---------------------------------------------------------------- supplier control and standing


@all_or_nothing
def set_supplier_blocked(
    session: Session, principal: Principal, supplier_id: int, *, blocked: bool, reason: str = ""
) -> dict:
    """Block a supplier from new purchase orders (a reason is required) or lift the block.
    Managers only. Orders already issued are not touched. Returns the supplier's control state."""
    require_manager(principal)
    supplier = _supplier(session, supplier_id)
    reason = text_value(reason, "reason", max_length=MAX_REASON_LENGTH, required=blocked)
    control = session.get(SupplierControl, supplier.id) or SupplierControl(supplier_id=supplier.id)
    before = {"blocked": control.blocked, "reason": control.reason}
    control.blocked = blocked
    control.reason = reason
    control.changed_at = utcnow()
    control.changed_by_user_id = principal.user_id
    session.add(control)
    audit.record(
        session,
        action="supplier.blocked" if blocked else "supplier.unblocked",
        entity="organisation",
        entity_id=supplier.id,
        actor_user_id=principal.user_id,
        organisation_id=supplier.id,
        before=before,
        after={"blocked": blocked, "reason": reason},
    )
    session.commit()
    return {
        "supplier_id": supplier.id,
        "blocked": blocked,
        "reason": reason,
        "changed_at": control.changed_at,
    }


def supplier_standing(session: Session, principal: Principal, supplier_id: int) -> dict:
    """Whether a supplier may receive orders: `blocked` (with reason) and its current standing
    and score (latest rolling-12-month scorecard; None before the first computation)."""
    require_reader(principal)
    check_visible(principal, supplier_id, "supplier.not_found", "supplier_id")
    supplier = _supplier(session, supplier_id)
    control = session.get(SupplierControl, supplier.id)
    current = scorecards.current_standing(session, supplier.id)
    return {
        "supplier_id": supplier.id,
        "supplier_name": supplier.name,
        "blocked": bool(control and control.blocked),
        "blocked_reason": control.reason if control else "",
        **current,
    }


# ---------------------------------------------------------------- issuing


@all_or_nothing
def issue_purchase_order(
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
    """Issue a purchase order to a supplier (managers only) and return it with `warnings`.
    With `commit=False` the order is only flushed: the caller commits it with its own work (a
    planner's approval issuing several orders at once).

    Each line: `part_id` (or `sku`) of a part that supplier supplies, a whole positive `quantity`,
    a positive `unit_price` (Decimal, 2 decimals) in the order's `currency` (default: the first
    part's), and a `requested_date` not in the past. The ship-to location must be one of the
    manager's organisation's warehouses.

    A blocked supplier raises ValidationFailed(`purchase.supplier_blocked`, field `supplier_id`).
    A supplier whose standing is Poor still gets the order; the result carries the warning
    `purchase.supplier_poor`, kept on the order as `standing_at_issue` and on its timeline.
    """
    require_manager(principal)
    now = now or utcnow()
    today = today_in(principal.time_zone, now)
    # Every bad field is named at once (FieldErrors): an unknown part on one line does not hide
    # a negative quantity on another, nor a bad ship-to or too long notes.
    problems = FieldCollector()
    supplier = _supplier(session, record_id(supplier_id, "supplier_id"))
    control = session.get(SupplierControl, supplier.id)
    if control is not None and control.blocked:
        raise ValidationFailed(
            "purchase.supplier_blocked", field="supplier_id", supplier=supplier.name, reason=control.reason
        )
    location_id = problems.check(record_id, ship_to_location_id, "ship_to_location_id")
    location = session.get(Location, location_id) if location_id is not None else None
    if location_id is not None and (
        location is None
        or location.kind != LocationKind.WAREHOUSE
        or location.organisation_id != principal.organisation_id
    ):
        problems.add("ship_to_location_id", "purchase.ship_to_invalid")
    notes = problems.check(text_value, notes, "notes", max_length=MAX_NOTES_LENGTH)
    if not isinstance(lines, list | tuple) or not lines:
        problems.add("lines", "purchase.lines_required")
        problems.raise_if_any()
    if len(lines) > MAX_LINES:
        problems.add("lines", "purchase.too_many_lines", max=MAX_LINES)
        problems.raise_if_any()

    parts = _parts_for_lines(session, lines, problems)
    clean: list[tuple[Part, int, Decimal, date]] = []
    for index, line in enumerate(lines):
        part = parts[index]
        if part is not None and part.supplier_id != supplier.id:
            problems.add(
                f"lines[{index}].part_id", "purchase.part_not_supplied", sku=part.sku, supplier=supplier.name
            )
        if not isinstance(line, dict):
            continue
        quantity = problems.check(whole_quantity, line.get("quantity"), f"lines[{index}].quantity")
        price = problems.check(unit_price, line.get("unit_price"), f"lines[{index}].unit_price")
        day = problems.check(calendar_date, line.get("requested_date"), f"lines[{index}].requested_date")
        requested = problems.check(not_in_past, day, today, f"lines[{index}].requested_date") if day else None
        if part is not None and None not in (quantity, price, requested):
            clean.append((part, quantity, price, requested))
    problems.raise_if_any()
    currency = currency_code(currency if currency else clean[0][0].currency)

    standing = scorecards.current_standing(session, supplier.id)
    warnings = []
    if standing["standing"] == Standing.POOR:
        warnings.append(
            {
                "code": "purchase.supplier_poor",
                "field": "supplier_id",
                "params": {"supplier": supplier.name, "score": str(standing["score"])},
            }
        )

    order = PurchaseOrder(
        supplier_id=supplier.id,
        buyer_organisation_id=principal.organisation_id,
        ship_to_location_id=location.id,
        currency=currency,
        status=Status.ISSUED,
        issued_at=now,
        issued_by_user_id=principal.user_id,
        status_changed_at=now,
        notes=notes,
        standing_at_issue=standing["standing"] if warnings else None,
    )
    session.add(order)
    session.flush()
    for number, (part, quantity, price, requested) in enumerate(clean, start=1):
        session.add(
            PurchaseOrderLine(
                purchase_order_id=order.id,
                line_no=number,
                part_id=part.id,
                quantity=quantity,
                unit_price=price,
                requested_date=requested,
                status=LineStatus.OPEN,
            )
        )
    po_states.record_event(
        session,
        order,
        principal,
        "issued",
        to_status=Status.ISSUED,
        at=now,
        details={"lines": len(clean), "warnings": [w["code"] for w in warnings]},
    )
    audit.record(
        session,
        action="purchase_order.issued",
        entity="purchase_order",
        entity_id=order.id,
        actor_user_id=principal.user_id,
        organisation_id=supplier.id,
        after={"lines": len(clean), "currency": currency},
    )
    tell.purchase_order_issued(
        session,
        order_id=order.id,
        number=po_number(order.id),
        supplier_id=supplier.id,
        buyer_id=principal.organisation_id,
        lines=len(clean),
        now=now,
    )
    order_id = order.id
    if commit:
        session.commit()
    else:
        session.flush()
    result = get_purchase_order(session, principal, order_id)
    result["warnings"] = warnings
    return result


def _parts_for_lines(session: Session, lines: list[dict], problems: FieldCollector) -> list[Part | None]:
    """Each line's part (by `part_id`, else `sku`), or None with the line's refusal kept in
    `problems` (`purchase.line_invalid`, `purchase.part_required`, `id.invalid`, `purchase.part_unknown`)."""
    ids, skus = set(), set()
    wanted: list[tuple[str, object] | None] = []
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            problems.add(f"lines[{index}]", "purchase.line_invalid")
            wanted.append(None)
        elif line.get("part_id") not in (None, ""):
            part_id = problems.check(record_id, line["part_id"], f"lines[{index}].part_id")
            wanted.append(("id", part_id) if part_id is not None else None)
            if part_id is not None:
                ids.add(part_id)
        elif str(line.get("sku") or "").strip():
            sku = str(line["sku"]).strip()
            skus.add(sku)
            wanted.append(("sku", sku))
        else:
            problems.add(f"lines[{index}].part_id", "purchase.part_required")
            wanted.append(None)
    found = (
        list(session.exec(select(Part).where(or_(Part.id.in_(ids), Part.sku.in_(skus)))))
        if ids or skus
        else []
    )
    by_key = {("id", part.id): part for part in found} | {("sku", part.sku): part for part in found}
    parts: list[Part | None] = []
    for index, key in enumerate(wanted):
        part = by_key.get(key) if key is not None else None
        if key is not None and part is None:
            problems.add(f"lines[{index}].part_id", "purchase.part_unknown")
        parts.append(part)
    return parts


def _supplier(session: Session, supplier_id: int) -> Organisation:
    supplier = session.get(Organisation, supplier_id)
    if supplier is None or supplier.kind != OrganisationKind.SUPPLIER:
        raise NotFound("supplier.not_found", field="supplier_id")
    return supplier


# ---------------------------------------------------------------- the supplier's answers


@all_or_nothing
def respond_to_order(
    session: Session,
    principal: Principal,
    purchase_order_id: int,
    answers: list[dict],
    *,
    now: datetime | None = None,
) -> dict:
    """The supplier answers lines of an issued order, all in one transaction.

    Each answer: `line_id` and `action` — `acknowledge` with a `promised_date` (not in the
    supplier's past), `reject` with a `reason`, or `propose` a different `quantity` and/or
    `promised_date` (with an optional `note`) for the manager to accept or decline.
    When no line is left waiting (open or proposed) the order becomes acknowledged, or cancelled
    when every line was rejected. Only lines still open can be answered.
    """
    require_supplier(principal)
    now = now or utcnow()
    today = today_in(principal.time_zone, now)
    order = _order_for_update(session, principal, purchase_order_id)
    if order.status != Status.ISSUED:
        raise po_states.IllegalTransition(
            "purchase.not_awaiting_answer", field="status", current=order.status
        )
    if not isinstance(answers, list | tuple) or not answers:
        raise ValidationFailed("purchase.answers_required", field="answers")
    lines = {line.id: line for line in _lines(session, order.id)}
    seen: set[int] = set()
    planned = []
    problems = FieldCollector()
    for index, answer in enumerate(answers):
        if not isinstance(answer, dict):
            raise ValidationFailed("purchase.answer_invalid", field=f"answers[{index}]")
        line_id = record_id(answer.get("line_id"), f"answers[{index}].line_id")
        line = lines.get(line_id)
        if line is None:
            raise NotFound("purchase.line_not_found", field=f"answers[{index}].line_id")
        if line_id in seen:
            raise ValidationFailed("purchase.line_answered_twice", field=f"answers[{index}].line_id")
        seen.add(line_id)
        if line.status != LineStatus.OPEN:
            raise po_states.IllegalTransition(
                "purchase.line_not_open",
                field=f"answers[{index}].line_id",
                line=line.line_no,
                current=line.status,
            )
        action = str(answer.get("action") or "")
        if action == "acknowledge":
            promised = problems.check(_date_not_in_past, answer.get("promised_date"), today, index)
            if promised is not None:
                planned.append((line, action, {"promised_date": promised}))
        elif action == "reject":
            reason = problems.check(
                text_value,
                answer.get("reason"),
                f"answers[{index}].reason",
                max_length=MAX_REASON_LENGTH,
                required=True,
            )
            if reason is not None:
                planned.append((line, action, {"reason": reason}))
        elif action == "propose":
            quantity, raw_date = answer.get("quantity"), answer.get("promised_date")
            proposed_quantity = (
                problems.check(whole_quantity, quantity, f"answers[{index}].quantity")
                if quantity not in (None, "")
                else None
            )
            proposed_date = (
                problems.check(_date_not_in_past, raw_date, today, index)
                if raw_date not in (None, "")
                else None
            )
            note = problems.check(
                text_value, answer.get("note"), f"answers[{index}].note", max_length=MAX_NOTE_LENGTH
            )
            if problems.has(f"answers[{index}].quantity") or problems.has(f"answers[{index}].promised_date"):
                continue
            if (proposed_quantity is None or proposed_quantity == line.quantity) and (
                proposed_date is None or proposed_date == line.requested_date
            ):
                problems.add(f"answers[{index}].quantity", "purchase.proposal_unchanged")
                continue
            planned.append(
                (line, action, {"quantity": proposed_quantity, "promised_date": proposed_date, "note": note})
            )
        else:
            problems.add(f"answers[{index}].action", "purchase.action_invalid")
    problems.raise_if_any()  # every bad answer named at once, before anything is written

    for line, action, values in planned:
        if action == "acknowledge":
            po_states.move_line(line, LineStatus.ACKNOWLEDGED)
            line.promised_date = values["promised_date"]
            details = {"line_no": line.line_no, "promised_date": line.promised_date.isoformat()}
            kind = "line_acknowledged"
        elif action == "reject":
            po_states.move_line(line, LineStatus.REJECTED)
            line.reject_reason = values["reason"]
            details = {"line_no": line.line_no, "reason": line.reject_reason}
            kind = "line_rejected"
        else:
            po_states.move_line(line, LineStatus.PROPOSED)
            line.proposed_quantity = values["quantity"]
            line.proposed_date = values["promised_date"]
            line.proposal_note = values["note"]
            details = {
                "line_no": line.line_no,
                "quantity": line.proposed_quantity,
                "promised_date": line.proposed_date.isoformat() if line.proposed_date else None,
                "note": line.proposal_note,
            }
            kind = "line_proposed"
        line.answered_at = now
        session.add(line)
        po_states.record_event(session, order, principal, kind, line_id=line.id, details=details, at=now)
    _settle_answers(session, order, list(lines.values()), principal, now)
    actions = [action for _line, action, _values in planned]
    tell.purchase_order_answered(
        session,
        order_id=order.id,
        number=po_number(order.id),
        supplier_id=order.supplier_id,
        buyer_id=order.buyer_organisation_id,
        acknowledged=actions.count("acknowledge"),
        proposed=actions.count("propose"),
        now=now,
    )
    order_id = order.id
    session.commit()
    return get_purchase_order(session, principal, order_id)


@all_or_nothing
def acknowledge_open_lines(
    session: Session,
    principal: Principal,
    purchase_order_id: int,
    *,
    promised_date: date | str,
    per_line: dict[int, date | str] | None = None,
    now: datetime | None = None,
) -> dict:
    """Acknowledge every line still open on the order, in one transaction: each with its date in
    `per_line` (line id -> date) when given there, else with `promised_date`. All or nothing; every
    bad date is named at once (`answers[<i>].promised_date`, in line order). Raises
    ValidationFailed ("purchase.no_open_lines") when no line is open."""
    require_supplier(principal)
    order = _order_for_update(session, principal, purchase_order_id)
    per_line = {int(key): value for key, value in (per_line or {}).items() if str(key).isdigit()}
    open_ids = [line.id for line in _lines(session, order.id) if line.status == LineStatus.OPEN]
    if not open_ids:
        raise ValidationFailed("purchase.no_open_lines", field="lines")
    answers = [
        {"line_id": line_id, "action": "acknowledge", "promised_date": per_line.get(line_id) or promised_date}
        for line_id in open_ids
    ]
    return respond_to_order(session, principal, order.id, answers, now=now)


def _date_not_in_past(value: object, today: date, index: int) -> date:
    field = f"answers[{index}].promised_date"
    return not_in_past(calendar_date(value, field), today, field)


def acknowledge_line(
    session: Session,
    principal: Principal,
    line_id: int,
    *,
    promised_date: date | str,
    now: datetime | None = None,
) -> dict:
    """Acknowledge one line with a promised date (see `respond_to_order`)."""
    return _answer_one(
        session, principal, line_id, {"action": "acknowledge", "promised_date": promised_date}, now
    )


def reject_line(
    session: Session, principal: Principal, line_id: int, *, reason: str, now: datetime | None = None
) -> dict:
    """Reject one line with a reason (see `respond_to_order`)."""
    return _answer_one(session, principal, line_id, {"action": "reject", "reason": reason}, now)


def propose_line_change(
    session: Session,
    principal: Principal,
    line_id: int,
    *,
    quantity: int | str | None = None,
    promised_date: date | str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> dict:
    """Propose another quantity and/or date for one line (see `respond_to_order`)."""
    return _answer_one(
        session,
        principal,
        line_id,
        {"action": "propose", "quantity": quantity, "promised_date": promised_date, "note": note},
        now,
    )


def _answer_one(
    session: Session, principal: Principal, line_id: int, answer: dict, now: datetime | None
) -> dict:
    require_supplier(principal)
    line = session.get(PurchaseOrderLine, record_id(line_id, "line_id"))
    if line is None:
        raise NotFound("purchase.line_not_found", field="line_id")
    try:
        return respond_to_order(
            session, principal, line.purchase_order_id, [{**answer, "line_id": line.id}], now=now
        )
    except FieldErrors as error:
        # One line answered from its own form: name the form's fields, not `answers[0].x`.
        raise FieldErrors(
            FieldError(item.field.removeprefix("answers[0]."), item.code, item.params)
            for item in error.errors
        ) from None
    except ValidationFailed as error:
        if error.field and error.field.startswith("answers[0]."):
            error.field = error.field.removeprefix("answers[0].")
        raise


@all_or_nothing
def decide_proposal(
    session: Session,
    principal: Principal,
    line_id: int,
    *,
    accept: bool,
    reason: str = "",
    now: datetime | None = None,
) -> dict:
    """The manager accepts a supplier's proposal (the line is acknowledged on the proposed quantity
    and date) or declines it (the line reopens for the supplier to acknowledge or reject)."""
    require_manager(principal)
    now = now or utcnow()
    line = session.get(PurchaseOrderLine, record_id(line_id, "line_id"))
    if line is None:
        raise NotFound("purchase.line_not_found", field="line_id")
    order = _order_for_update(session, principal, line.purchase_order_id)
    session.refresh(line)
    if line.status != LineStatus.PROPOSED:
        raise po_states.IllegalTransition("purchase.no_proposal", field="line_id", current=line.status)
    reason = text_value(reason, "reason", max_length=MAX_REASON_LENGTH)
    details = {
        "line_no": line.line_no,
        "quantity": line.proposed_quantity,
        "promised_date": line.proposed_date.isoformat() if line.proposed_date else None,
        "reason": reason,
    }
    if accept:
        po_states.move_line(line, LineStatus.ACKNOWLEDGED)
        if line.proposed_quantity is not None:
            line.quantity = line.proposed_quantity
        line.promised_date = line.proposed_date or max(
            line.requested_date, today_in(principal.time_zone, now)
        )
        kind = "proposal_accepted"
    else:
        po_states.move_line(line, LineStatus.OPEN)
        kind = "proposal_declined"
    line.proposed_quantity = None
    line.proposed_date = None
    session.add(line)
    po_states.record_event(session, order, principal, kind, line_id=line.id, details=details, at=now)
    _settle_answers(session, order, _lines(session, order.id), principal, now)
    order_id = order.id
    session.commit()
    return get_purchase_order(session, principal, order_id)


def accept_proposal(session: Session, principal: Principal, line_id: int, **kwargs) -> dict:
    """Accept the supplier's proposal on a line (see `decide_proposal`)."""
    return decide_proposal(session, principal, line_id, accept=True, **kwargs)


def decline_proposal(session: Session, principal: Principal, line_id: int, **kwargs) -> dict:
    """Decline the supplier's proposal on a line (see `decide_proposal`)."""
    return decide_proposal(session, principal, line_id, accept=False, **kwargs)


def _settle_answers(
    session: Session,
    order: PurchaseOrder,
    lines: list[PurchaseOrderLine],
    principal: Principal,
    now: datetime,
) -> None:
    if any(line.status in (LineStatus.OPEN, LineStatus.PROPOSED) for line in lines):
        return
    if any(line.status == LineStatus.ACKNOWLEDGED for line in lines):
        po_states.move_order(session, order, Status.ACKNOWLEDGED, principal, at=now)
    else:
        order.cancel_reason = "all lines rejected"
        po_states.move_order(
            session, order, Status.CANCELLED, principal, at=now, details={"reason": "all_lines_rejected"}
        )


# ---------------------------------------------------------------- cancelling and closing


@all_or_nothing
def cancel_purchase_order(
    session: Session,
    principal: Principal,
    purchase_order_id: int,
    *,
    reason: str,
    now: datetime | None = None,
) -> dict:
    """Cancel an order nothing of which has shipped (issued or acknowledged); managers only,
    with a reason. Its open lines are cancelled with it."""
    require_manager(principal)
    reason = text_value(reason, "reason", max_length=MAX_REASON_LENGTH, required=True)
    now = now or utcnow()
    order = _order_for_update(session, principal, purchase_order_id)
    po_states.check_move(order.status, Status.CANCELLED)
    for line in _lines(session, order.id):
        if line.status in (LineStatus.OPEN, LineStatus.PROPOSED, LineStatus.ACKNOWLEDGED):
            po_states.move_line(line, LineStatus.CANCELLED)
            session.add(line)
    order.cancel_reason = reason
    po_states.move_order(session, order, Status.CANCELLED, principal, at=now, details={"reason": reason})
    order_id = order.id
    session.commit()
    return get_purchase_order(session, principal, order_id)


@all_or_nothing
def close_purchase_order(
    session: Session,
    principal: Principal,
    purchase_order_id: int,
    *,
    note: str = "",
    now: datetime | None = None,
) -> dict:
    """Close a received order, or short-close a partly received one (what is missing is no
    longer expected); managers only."""
    require_manager(principal)
    note = text_value(note, "note", max_length=MAX_NOTE_LENGTH)
    now = now or utcnow()
    order = _order_for_update(session, principal, purchase_order_id)
    po_states.check_move(order.status, Status.CLOSED)
    shortfall = sum(
        max(line.quantity - line.accepted_quantity - line.rejected_quantity, 0)
        for line in _lines(session, order.id)
        if line.status == LineStatus.ACKNOWLEDGED
    )
    po_states.move_order(
        session, order, Status.CLOSED, principal, at=now, details={"note": note, "short_quantity": shortfall}
    )
    order_id = order.id
    session.commit()
    return get_purchase_order(session, principal, order_id)


# ---------------------------------------------------------------- shipping notices


@all_or_nothing
def create_shipping_notice(
    session: Session,
    principal: Principal,
    purchase_order_id: int,
    *,
    carrier: str,
    tracking_number: str,
    lines: list[dict],
    shipped_at: datetime | None = None,
) -> dict:
    """The supplier ships (all or part of) an acknowledged order with an advance shipping notice.

    Each line: the order `line_id`, a whole positive `quantity` and its `lot_number`; one order
    line may ship in several lots. Never more than is still open on a line (ordered minus already
    shipped): `purchase.ship_more_than_open` names the line. The order moves to partly shipped or
    shipped. Returns the notice.
    """
    require_supplier(principal)
    shipped_at = shipped_at or utcnow()
    problems = FieldCollector()
    carrier = problems.check(text_value, carrier, "carrier", max_length=MAX_CARRIER_LENGTH, required=True)
    tracking_number = problems.check(
        text_value, tracking_number, "tracking_number", max_length=MAX_TRACKING_LENGTH, required=True
    )
    order = _order_for_update(session, principal, purchase_order_id)
    if order.status not in po_states.SHIPPABLE_STATUSES:
        raise po_states.IllegalTransition("purchase.not_shippable", field="status", current=order.status)
    if not isinstance(lines, list | tuple) or not lines:
        problems.add("lines", "purchase.ship_nothing")
        problems.raise_if_any()
    order_lines = {line.id: line for line in _lines(session, order.id)}
    shipping: dict[int, int] = defaultdict(int)
    clean = []
    for index, item in enumerate(lines):
        if not isinstance(item, dict):
            raise ValidationFailed("purchase.line_invalid", field=field_path("lines", index))
        line = order_lines.get(record_id(item.get("line_id"), field_path("lines", index, "line_id")))
        if line is None:
            raise NotFound("purchase.line_not_found", field=field_path("lines", index, "line_id"))
        if line.status != LineStatus.ACKNOWLEDGED:
            raise ValidationFailed(
                "purchase.line_not_acknowledged",
                field=field_path("lines", index, "line_id"),
                line=line.line_no,
            )
        quantity = problems.check(
            whole_quantity, item.get("quantity"), field_path("lines", index, "quantity")
        )
        lot = problems.check(lot_number, item.get("lot_number"), field_path("lines", index, "lot_number"))
        if quantity is None or lot is None:
            continue
        shipping[line.id] += quantity
        open_quantity = line.quantity - line.shipped_quantity
        if shipping[line.id] > open_quantity:
            problems.add(
                field_path("lines", index, "quantity"),
                "purchase.ship_more_than_open",
                line=line.line_no,
                open=open_quantity,
            )
        clean.append((line, quantity, lot))
    problems.raise_if_any()

    notice = ShippingNotice(
        purchase_order_id=order.id,
        supplier_id=order.supplier_id,
        carrier=carrier,
        tracking_number=tracking_number,
        shipped_at=shipped_at,
        created_by_user_id=principal.user_id,
    )
    session.add(notice)
    session.flush()
    for line, quantity, lot in clean:
        session.add(
            ShippingNoticeLine(notice_id=notice.id, po_line_id=line.id, quantity=quantity, lot_number=lot)
        )
        line.shipped_quantity += quantity
        session.add(line)
    details = {
        "notice_id": notice.id,
        "number": asn_number(notice.id),
        "carrier": carrier,
        "tracking_number": tracking_number,
        "lines": [
            {"line_no": line.line_no, "quantity": quantity, "lot_number": lot}
            for line, quantity, lot in clean
        ],
    }
    target = po_states.status_from_lines(order_lines.values())
    if not po_states.move_order(
        session, order, target, principal, kind="asn_created", details=details, at=shipped_at
    ):
        po_states.record_event(session, order, principal, "asn_created", details=details, at=shipped_at)
    notice_id = notice.id
    session.commit()
    return get_shipping_notice(session, principal, notice_id)


def get_shipping_notice(session: Session, principal: Principal, notice_id: int) -> dict:
    """One shipping notice with its lines (lot, shipped, received so far); scoped like its order."""
    require_reader(principal)
    notice = session.get(ShippingNotice, record_id(notice_id, "notice_id"))
    if notice is None:
        raise NotFound("purchase.notice_not_found", field="notice_id")
    check_visible(principal, notice.supplier_id, "purchase.notice_not_found", "notice_id")
    rows = session.exec(
        select(ShippingNoticeLine, PurchaseOrderLine.line_no, Part.sku, Part.name, Part.name_zh)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == ShippingNoticeLine.po_line_id)
        .join(Part, Part.id == PurchaseOrderLine.part_id)
        .where(ShippingNoticeLine.notice_id == notice.id)
        .order_by(PurchaseOrderLine.line_no, ShippingNoticeLine.id)
    ).all()
    return _notice_dict(notice, rows)


def list_shipping_notices(
    session: Session,
    principal: Principal,
    *,
    page: Page,
    status: str | Iterable[str] | None = None,
    supplier_id: int | None = None,
    oldest_first: bool = False,
) -> tuple[list[dict], int]:
    """Shipping notices, newest first or `oldest_first` (a supplier: its own; the warehouse's
    receiving list asks for the notices in transit or partly received, oldest first).
    `status` is one state or several. Returns (one page of rows, total count)."""
    supplier_id = scoped_supplier_id(principal, supplier_id)
    order = (
        (ShippingNotice.shipped_at, ShippingNotice.id)
        if oldest_first
        else (ShippingNotice.shipped_at.desc(), ShippingNotice.id.desc())
    )
    statement = (
        select(ShippingNotice, Organisation.name, Organisation.name_zh)
        .join(Organisation, Organisation.id == ShippingNotice.supplier_id)
        .order_by(*order)
    )
    if supplier_id is not None:
        statement = statement.where(ShippingNotice.supplier_id == supplier_id)
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        statement = statement.where(ShippingNotice.status.in_(statuses))
    total = session.exec(select(func.count()).select_from(statement.order_by(None).subquery())).one()
    rows = session.exec(statement.offset(page.offset).limit(page.size)).all()
    return [
        {
            "id": notice.id,
            "number": asn_number(notice.id),
            "purchase_order_id": notice.purchase_order_id,
            "purchase_order_number": po_number(notice.purchase_order_id),
            "supplier_id": notice.supplier_id,
            "supplier_name": name,
            "supplier_name_zh": name_zh,
            "carrier": notice.carrier,
            "tracking_number": notice.tracking_number,
            "shipped_at": notice.shipped_at,
            "status": notice.status,
        }
        for notice, name, name_zh in rows
    ], total


def _notice_dict(notice: ShippingNotice, rows) -> dict:
    return {
        "id": notice.id,
        "number": asn_number(notice.id),
        "purchase_order_id": notice.purchase_order_id,
        "purchase_order_number": po_number(notice.purchase_order_id),
        "supplier_id": notice.supplier_id,
        "carrier": notice.carrier,
        "tracking_number": notice.tracking_number,
        "shipped_at": notice.shipped_at,
        "status": notice.status,
        "lines": [
            {
                "id": line.id,
                "po_line_id": line.po_line_id,
                "line_no": line_no,
                "sku": sku,
                "part_name": name,
                "part_name_zh": name_zh,
                "quantity": line.quantity,
                "lot_number": line.lot_number,
                "received_quantity": line.received_quantity,
                "open_quantity": line.quantity - line.received_quantity,
            }
            for line, line_no, sku, name, name_zh in rows
        ],
    }


# ---------------------------------------------------------------- goods receipts


@all_or_nothing
def receive_goods(
    session: Session,
    principal: Principal,
    notice_id: int,
    *,
    lines: list[dict],
    received_at: datetime | None = None,
) -> dict:
    """The OEM warehouse records what arrived on a shipping notice (managers only).

    Each line: the notice line (`notice_line_id`, one lot), whole `accepted_quantity` and
    `rejected_quantity` (at least one positive), and a `reject_reason` when anything is rejected.
    Never more than the lot's quantity still unreceived (`purchase.receive_more_than_shipped`).

    In the same transaction: accepted units are added to `on_hand` at the order's ship-to
    warehouse (a STOCK_CHANGED outbox message), every line with rejects opens a quality incident
    linked to part, lot, order and receipt, the order moves to partly received or received, and
    a SCORECARD_STALE message asks for the supplier's scores to be recomputed.
    Returns the receipt with its lines and the incidents it opened.
    """
    require_manager(principal)
    received_at = received_at or utcnow()
    notice = session.get(ShippingNotice, record_id(notice_id, "notice_id"))
    if notice is None:
        raise NotFound("purchase.notice_not_found", field="notice_id")
    order = _order_for_update(session, principal, notice.purchase_order_id)
    session.refresh(notice)
    if order.status not in po_states.RECEIVABLE_STATUSES:
        raise po_states.IllegalTransition("purchase.not_receivable", field="status", current=order.status)
    problems = FieldCollector()
    if not isinstance(lines, list | tuple) or not lines:
        problems.add("lines", "purchase.receive_nothing")
        problems.raise_if_any()
    notice_lines = {
        line.id: line
        for line in session.exec(select(ShippingNoticeLine).where(ShippingNoticeLine.notice_id == notice.id))
    }
    order_lines = {line.id: line for line in _lines(session, order.id)}
    receiving: dict[int, int] = defaultdict(int)
    clean = []
    for index, item in enumerate(lines):
        if not isinstance(item, dict):
            raise ValidationFailed("purchase.line_invalid", field=field_path("lines", index))
        notice_line = notice_lines.get(
            record_id(item.get("notice_line_id"), field_path("lines", index, "notice_line_id"))
        )
        if notice_line is None:
            raise NotFound("purchase.line_not_found", field=field_path("lines", index, "notice_line_id"))
        accepted_field = field_path("lines", index, "accepted_quantity")
        accepted = problems.check(
            whole_quantity, item.get("accepted_quantity", 0), accepted_field, allow_zero=True
        )
        rejected = problems.check(
            whole_quantity,
            item.get("rejected_quantity", 0),
            field_path("lines", index, "rejected_quantity"),
            allow_zero=True,
        )
        reason = problems.check(
            text_value,
            item.get("reject_reason"),
            field_path("lines", index, "reject_reason"),
            max_length=MAX_REASON_LENGTH,
            required=bool(rejected),
        )
        if accepted is None or rejected is None or reason is None:
            continue
        if accepted + rejected == 0:
            problems.add(accepted_field, "purchase.receive_nothing")
            continue
        receiving[notice_line.id] += accepted + rejected
        still_due = notice_line.quantity - notice_line.received_quantity
        if receiving[notice_line.id] > still_due:
            problems.add(
                accepted_field,
                "purchase.receive_more_than_shipped",
                lot=notice_line.lot_number,
                open=still_due,
            )
        clean.append(
            (notice_line, order_lines[notice_line.po_line_id], accepted, rejected, reason if rejected else "")
        )
    problems.raise_if_any()

    location = session.get(Location, order.ship_to_location_id)
    received_on = received_at.astimezone(ZoneInfo(location.time_zone)).date()
    receipt = GoodsReceipt(
        purchase_order_id=order.id,
        notice_id=notice.id,
        supplier_id=order.supplier_id,
        location_id=location.id,
        received_at=received_at,
        received_on=received_on,
        received_by_user_id=principal.user_id,
    )
    session.add(receipt)
    session.flush()
    stock_added: dict[int, int] = defaultdict(int)
    rejected_rows = []
    for notice_line, order_line, accepted, rejected, reason in clean:
        receipt_line = GoodsReceiptLine(
            receipt_id=receipt.id,
            po_line_id=order_line.id,
            notice_line_id=notice_line.id,
            part_id=order_line.part_id,
            lot_number=notice_line.lot_number,
            accepted_quantity=accepted,
            rejected_quantity=rejected,
            reject_reason=reason,
        )
        session.add(receipt_line)
        notice_line.received_quantity += accepted + rejected
        order_line.accepted_quantity += accepted
        order_line.rejected_quantity += rejected
        if (
            order_line.received_complete_on is None
            and order_line.accepted_quantity + order_line.rejected_quantity >= order_line.quantity
        ):
            order_line.received_complete_on = received_on
        session.add(notice_line)
        session.add(order_line)
        if accepted:
            stock_added[order_line.part_id] += accepted
        if rejected:
            rejected_rows.append((receipt_line, order_line))
    session.flush()

    _add_stock(session, location.id, stock_added)
    incidents = [
        quality.open_receipt_incident(
            session,
            principal,
            order=order,
            receipt=receipt,
            receipt_line=receipt_line,
            order_line=order_line,
            at=received_at,
        )
        for receipt_line, order_line in rejected_rows
    ]
    notice.status = (
        ShippingNoticeStatus.RECEIVED
        if all(line.received_quantity >= line.quantity for line in notice_lines.values())
        else ShippingNoticeStatus.PARTLY_RECEIVED
    )
    session.add(notice)
    details = {
        "receipt_id": receipt.id,
        "number": receipt_number(receipt.id),
        "notice_id": notice.id,
        "accepted": sum(row[2] for row in clean),
        "rejected": sum(row[3] for row in clean),
        "incidents": [incident.id for incident in incidents],
    }
    target = po_states.status_from_lines(order_lines.values())
    if not po_states.move_order(
        session, order, target, principal, kind="goods_received", details=details, at=received_at
    ):
        po_states.record_event(session, order, principal, "goods_received", details=details, at=received_at)
    scorecards.mark_stale(session, order.supplier_id, reason="receipt")
    receipt_id = receipt.id
    session.commit()
    return get_receipt(session, principal, receipt_id)


def _add_stock(session: Session, location_id: int, added: dict[int, int]) -> None:
    if not added:
        return
    # Lock the rows in part order, so two receipts into one warehouse cannot deadlock.
    existing = {
        stock.part_id: stock
        for stock in session.exec(
            select(StockLevel)
            .where(StockLevel.location_id == location_id, StockLevel.part_id.in_(added))
            .order_by(StockLevel.part_id)
            .with_for_update()
        )
    }
    for part_id in sorted(added):
        stock = existing.get(part_id)
        if stock is None:
            session.add(StockLevel(location_id=location_id, part_id=part_id, on_hand=added[part_id]))
        else:
            stock.on_hand += added[part_id]
            session.add(stock)
    outbox.enqueue(
        session,
        outbox.STOCK_CHANGED,
        {"location_id": location_id, "part_ids": sorted(added), "cause": "goods_receipt"},
    )


def get_receipt(session: Session, principal: Principal, receipt_id: int) -> dict:
    """One goods receipt with its lines and the incidents its rejects opened; scoped like its order."""
    require_reader(principal)
    receipt = session.get(GoodsReceipt, record_id(receipt_id, "receipt_id"))
    if receipt is None:
        raise NotFound("purchase.receipt_not_found", field="receipt_id")
    check_visible(principal, receipt.supplier_id, "purchase.receipt_not_found", "receipt_id")
    rows = session.exec(
        select(GoodsReceiptLine, PurchaseOrderLine.line_no, Part.sku, Part.name, Part.name_zh)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == GoodsReceiptLine.po_line_id)
        .join(Part, Part.id == GoodsReceiptLine.part_id)
        .where(GoodsReceiptLine.receipt_id == receipt.id)
        .order_by(GoodsReceiptLine.id)
    ).all()
    incidents = {
        incident.receipt_line_id: incident.id
        for incident in session.exec(
            select(QualityIncident).where(QualityIncident.receipt_line_id.in_([row[0].id for row in rows]))
        )
    }
    return _receipt_dict(receipt, rows, incidents)


def _receipt_dict(receipt: GoodsReceipt, rows, incidents: dict[int, int]) -> dict:
    return {
        "id": receipt.id,
        "number": receipt_number(receipt.id),
        "purchase_order_id": receipt.purchase_order_id,
        "purchase_order_number": po_number(receipt.purchase_order_id),
        "notice_id": receipt.notice_id,
        "notice_number": asn_number(receipt.notice_id),
        "supplier_id": receipt.supplier_id,
        "location_id": receipt.location_id,
        "received_at": receipt.received_at,
        "received_on": receipt.received_on,
        "lines": [
            {
                "id": line.id,
                "po_line_id": line.po_line_id,
                "line_no": line_no,
                "sku": sku,
                "part_name": name,
                "part_name_zh": name_zh,
                "lot_number": line.lot_number,
                "accepted_quantity": line.accepted_quantity,
                "rejected_quantity": line.rejected_quantity,
                "reject_reason": line.reject_reason,
                "incident_id": incidents.get(line.id),
            }
            for line, line_no, sku, name, name_zh in rows
        ],
        "incident_ids": sorted(incidents.values()),
    }


# ---------------------------------------------------------------- reading orders


def list_purchase_orders(
    session: Session,
    principal: Principal,
    *,
    page: Page,
    status: str | list[str] | None = None,
    supplier_id: int | None = None,
    text: str | None = None,
) -> tuple[list[dict], int]:
    """Purchase orders newest first, with totals per order; a supplier sees only its own.

    `status` filters on one state or a list (the supplier's inbox is `issued`); `text` matches
    the order number. Returns (rows, total count).
    """
    supplier_id = scoped_supplier_id(principal, supplier_id)
    totals = (
        select(
            PurchaseOrderLine.purchase_order_id.label("order_id"),
            func.count().label("lines"),
            func.sum(PurchaseOrderLine.quantity).label("ordered"),
            func.sum(PurchaseOrderLine.shipped_quantity).label("shipped"),
            func.sum(PurchaseOrderLine.accepted_quantity).label("accepted"),
            func.sum(PurchaseOrderLine.rejected_quantity).label("rejected"),
            func.min(func.coalesce(PurchaseOrderLine.promised_date, PurchaseOrderLine.requested_date)).label(
                "next_due"
            ),
        )
        .where(PurchaseOrderLine.status.not_in([LineStatus.REJECTED, LineStatus.CANCELLED]))
        .group_by(PurchaseOrderLine.purchase_order_id)
        .subquery()
    )
    statement = (
        select(
            PurchaseOrder,
            Organisation.name,
            Location.name,
            Organisation.name_zh,
            Location.name_zh,
            totals.c.lines,
            totals.c.ordered,
            totals.c.shipped,
            totals.c.accepted,
            totals.c.rejected,
            totals.c.next_due,
        )
        .join(Organisation, Organisation.id == PurchaseOrder.supplier_id)
        .join(Location, Location.id == PurchaseOrder.ship_to_location_id)
        .outerjoin(totals, totals.c.order_id == PurchaseOrder.id)
        .order_by(PurchaseOrder.issued_at.desc(), PurchaseOrder.id.desc())
    )
    if supplier_id is not None:
        statement = statement.where(PurchaseOrder.supplier_id == supplier_id)
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        statement = statement.where(PurchaseOrder.status.in_(statuses))
    if text and text.strip():
        order_id = parse_po_number(text)
        statement = statement.where(PurchaseOrder.id == (order_id or -1))
    total = session.exec(select(func.count()).select_from(statement.order_by(None).subquery())).one()
    rows = session.exec(statement.offset(page.offset).limit(page.size)).all()
    amounts = _order_totals(session, [row[0].id for row in rows])
    return [
        {
            "id": order.id,
            "number": po_number(order.id),
            "supplier_id": order.supplier_id,
            "supplier_name": supplier_name,
            "supplier_name_zh": supplier_zh,
            "ship_to_location_id": order.ship_to_location_id,
            "ship_to_name": ship_to,
            "ship_to_name_zh": ship_to_zh,
            "status": order.status,
            "issued_at": order.issued_at,
            "currency": order.currency,
            "lines": lines or 0,
            "total": amounts.get(order.id, Decimal("0.00")),
            "quantity_ordered": int(ordered or 0),
            "quantity_shipped": int(shipped or 0),
            "quantity_accepted": int(accepted or 0),
            "quantity_rejected": int(rejected or 0),
            "next_due": _as_date(next_due),
            "standing_at_issue": order.standing_at_issue,
        }
        for (
            order,
            supplier_name,
            ship_to,
            supplier_zh,
            ship_to_zh,
            lines,
            ordered,
            shipped,
            accepted,
            rejected,
            next_due,
        ) in rows
    ], total


def _order_totals(session: Session, order_ids: list[int]) -> dict[int, Decimal]:
    """Each order's total from its stored lines, through the quote (never a database sum, which
    SQLite would add up as floats)."""
    by_order: dict[int, list[dict]] = defaultdict(list)
    if order_ids:
        for order_id, price, quantity, status in session.exec(
            select(
                PurchaseOrderLine.purchase_order_id,
                PurchaseOrderLine.unit_price,
                PurchaseOrderLine.quantity,
                PurchaseOrderLine.status,
            ).where(PurchaseOrderLine.purchase_order_id.in_(order_ids))
        ):
            by_order[order_id].append({"unit_price": price, "quantity": quantity, "status": status})
    return {order_id: quote.order_total(lines) for order_id, lines in by_order.items()}


def get_purchase_order(session: Session, principal: Principal, purchase_order_id: int) -> dict:
    """One order as both sides see it: header, lines (with open and received quantities),
    shipping notices, receipts, quality incidents and the timeline (oldest first, with actors).
    Another supplier's order raises NotFound."""
    require_reader(principal)
    order = session.get(PurchaseOrder, record_id(purchase_order_id, "purchase_order_id"))
    if order is None:
        raise NotFound("purchase.not_found", field="purchase_order_id")
    check_visible(principal, order.supplier_id, "purchase.not_found", "purchase_order_id")
    supplier = session.get(Organisation, order.supplier_id)
    location = session.get(Location, order.ship_to_location_id)
    line_rows = session.exec(
        select(PurchaseOrderLine, Part.sku, Part.name, Part.unit, Part.name_zh)
        .join(Part, Part.id == PurchaseOrderLine.part_id)
        .where(PurchaseOrderLine.purchase_order_id == order.id)
        .order_by(PurchaseOrderLine.line_no)
    ).all()
    lines = []
    for line, sku, name, unit, name_zh in line_rows:
        received = line.accepted_quantity + line.rejected_quantity
        lines.append(
            {
                "id": line.id,
                "line_no": line.line_no,
                "part_id": line.part_id,
                "sku": sku,
                "part_name": name,
                "part_name_zh": name_zh,
                "unit": unit,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": quote.line_amount(line.unit_price, line.quantity),
                "requested_date": line.requested_date,
                "promised_date": line.promised_date,
                "status": line.status,
                "reject_reason": line.reject_reason,
                "proposed_quantity": line.proposed_quantity,
                "proposed_date": line.proposed_date,
                "proposal_note": line.proposal_note,
                "shipped_quantity": line.shipped_quantity,
                "open_to_ship": (
                    line.quantity - line.shipped_quantity if line.status == LineStatus.ACKNOWLEDGED else 0
                ),
                "accepted_quantity": line.accepted_quantity,
                "rejected_quantity": line.rejected_quantity,
                "received_quantity": received,
                "received_complete_on": line.received_complete_on,
            }
        )
    notice_rows = session.exec(
        select(
            ShippingNoticeLine, PurchaseOrderLine.line_no, Part.sku, Part.name, Part.name_zh, ShippingNotice
        )
        .join(ShippingNotice, ShippingNotice.id == ShippingNoticeLine.notice_id)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == ShippingNoticeLine.po_line_id)
        .join(Part, Part.id == PurchaseOrderLine.part_id)
        .where(ShippingNotice.purchase_order_id == order.id)
        .order_by(ShippingNotice.id, PurchaseOrderLine.line_no, ShippingNoticeLine.id)
    ).all()
    notices: dict[int, tuple[ShippingNotice, list]] = {}
    for notice_line, line_no, sku, name, name_zh, notice in notice_rows:
        notices.setdefault(notice.id, (notice, []))[1].append((notice_line, line_no, sku, name, name_zh))
    receipt_rows = session.exec(
        select(GoodsReceiptLine, PurchaseOrderLine.line_no, Part.sku, Part.name, Part.name_zh, GoodsReceipt)
        .join(GoodsReceipt, GoodsReceipt.id == GoodsReceiptLine.receipt_id)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == GoodsReceiptLine.po_line_id)
        .join(Part, Part.id == GoodsReceiptLine.part_id)
        .where(GoodsReceipt.purchase_order_id == order.id)
        .order_by(GoodsReceipt.id, GoodsReceiptLine.id)
    ).all()
    receipts: dict[int, tuple[GoodsReceipt, list]] = {}
    for receipt_line, line_no, sku, name, name_zh, receipt in receipt_rows:
        receipts.setdefault(receipt.id, (receipt, []))[1].append((receipt_line, line_no, sku, name, name_zh))
    incident_rows = session.exec(
        select(QualityIncident)
        .where(QualityIncident.purchase_order_id == order.id)
        .order_by(QualityIncident.id)
    ).all()
    by_receipt_line = {incident.receipt_line_id: incident.id for incident in incident_rows}
    return {
        "id": order.id,
        "number": po_number(order.id),
        "supplier_id": order.supplier_id,
        "supplier_name": supplier.name,
        "supplier_name_zh": supplier.name_zh,
        "buyer_organisation_id": order.buyer_organisation_id,
        "ship_to_location_id": order.ship_to_location_id,
        "ship_to_name": location.name,
        "ship_to_name_zh": location.name_zh,
        "ship_to_time_zone": location.time_zone,
        "currency": order.currency,
        "status": order.status,
        "issued_at": order.issued_at,
        "status_changed_at": order.status_changed_at,
        "notes": order.notes,
        "standing_at_issue": order.standing_at_issue,
        "cancel_reason": order.cancel_reason,
        "total": quote.order_total(lines),
        "lines": lines,
        "notices": [_notice_dict(notice, rows) for notice, rows in notices.values()],
        "receipts": [_receipt_dict(receipt, rows, by_receipt_line) for receipt, rows in receipts.values()],
        "incidents": [
            {
                "id": incident.id,
                "number": incident_number(incident.id),
                "status": incident.status,
                "lot_number": incident.lot_number,
                **title_fields(incident),
                "opened_at": incident.opened_at,
            }
            for incident in incident_rows
        ],
        "timeline": order_timeline(session, order.id),
    }


def order_timeline(session: Session, purchase_order_id: int) -> list[dict]:
    """The order's timeline entries, oldest first, with the actor's name and organisation
    (the caller has already checked the reader may see this order)."""
    rows = session.exec(
        select(PurchaseOrderEvent, User.full_name, Organisation.name, Organisation.name_zh)
        .outerjoin(User, User.id == PurchaseOrderEvent.actor_user_id)
        .outerjoin(Organisation, Organisation.id == PurchaseOrderEvent.actor_organisation_id)
        .where(PurchaseOrderEvent.purchase_order_id == purchase_order_id)
        .order_by(PurchaseOrderEvent.at, PurchaseOrderEvent.id)
    ).all()
    return [
        {
            "at": event.at,
            "kind": event.kind,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "line_id": event.line_id,
            "details": event.details,
            "actor_name": actor or "",
            "actor_organisation": organisation or "",
            "actor_organisation_zh": organisation_zh or "",
        }
        for event, actor, organisation, organisation_zh in rows
    ]


# ---------------------------------------------------------------- helpers


def _order_for_update(session: Session, principal: Principal, purchase_order_id: int) -> PurchaseOrder:
    order = session.get(
        PurchaseOrder,
        record_id(purchase_order_id, "purchase_order_id"),
        with_for_update=True,
        populate_existing=True,
    )
    if order is None:
        raise NotFound("purchase.not_found", field="purchase_order_id")
    if is_supplier(principal):
        check_visible(principal, order.supplier_id, "purchase.not_found", "purchase_order_id")
    return order


def _lines(session: Session, purchase_order_id: int) -> list[PurchaseOrderLine]:
    return list(
        session.exec(
            select(PurchaseOrderLine)
            .where(PurchaseOrderLine.purchase_order_id == purchase_order_id)
            .order_by(PurchaseOrderLine.line_no)
            .execution_options(populate_existing=True)
        )
    )


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
