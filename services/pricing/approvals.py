"""Deciding on price suggestions: managers approve or reject, the supplier accepts or counters, and
approved prices apply on their effective date.

Rules (each checked before anything is written; every decision is a PriceDecision row and an
audit entry with the price before and after, in the same transaction):
- A change inside the agreement's automatic band is approved by the re-pricing itself.
- Up to the four-eyes threshold one manager approves; above it two different managers must. The
  same manager approving twice is refused (`pricing.already_approved`, 409).
- Only managers of the agreement's buying organisation approve or reject. A supplier's user never
  approves (`pricing.supplier_cannot_approve`, 403): its own increase above all. Anyone else's
  agreement answers NotFound (`pricing.suggestion_not_found`), exactly like a missing one.
- The supplier of the agreement sees the proposed change and accepts it (recorded, not an
  approval) or counters with a price and a reason: the suggestion becomes `countered`, earlier
  approvals are void (they approved another price) and the approvals needed are recomputed for
  the counter price. Managers then approve the counter (it becomes the agreed price) or reject.
- An approved suggestion applies on its effective date (never before its approval day): the
  agreement's current price becomes the agreed price. `apply_due` (beat, and after every
  re-pricing) does it; approving on or after the effective date applies at once.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from models import DecisionAction, Part, PriceAgreement, PriceDecision, PriceSuggestion, SuggestionStatus
from models.types import utcnow
from services.identity.auth import Principal
from services.platform import audit, outbox
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.platform.fields import all_or_nothing, record_id, text_value, today_in, unit_price
from services.pricing import agreements as agreement_rules
from services.pricing.formula import HUNDRED, round_money
from services.pricing.market_lists import MARKET_LISTS_CHANGED
from services.pricing.suggestions import required_approvals, suggestion_dict
from services.supply.access import is_supplier, require_manager, require_reader, require_supplier

OPEN = (SuggestionStatus.PROPOSED, SuggestionStatus.COUNTERED)


class SuggestionConflict(DomainError):
    """The suggestion is not in a state that allows this (decided, superseded, already approved)."""

    status = 409


def _load(
    session: Session, principal: Principal, suggestion_id: object
) -> tuple[PriceSuggestion, PriceAgreement]:
    require_reader(principal)
    number = record_id(suggestion_id, "suggestion_id")
    suggestion = session.exec(
        select(PriceSuggestion).where(PriceSuggestion.id == number).with_for_update()
    ).first()
    agreement = session.get(PriceAgreement, suggestion.agreement_id) if suggestion else None
    if suggestion is None or agreement is None or not agreement_rules.can_see(principal, agreement):
        raise NotFound("pricing.suggestion_not_found", field="suggestion_id")
    return suggestion, agreement


def _decide(
    session: Session,
    principal: Principal,
    suggestion: PriceSuggestion,
    agreement: PriceAgreement,
    action: DecisionAction,
    after_price: Decimal,
    reason: str,
    now: datetime,
) -> None:
    session.add(
        PriceDecision(
            suggestion_id=suggestion.id,
            agreement_id=agreement.id,
            actor_user_id=principal.user_id if principal else None,
            actor_organisation_id=principal.organisation_id if principal else None,
            action=action,
            before_price=agreement.current_price,
            after_price=after_price,
            reason=reason,
            at=now,
        )
    )
    audit.record(
        session,
        action=f"pricing.suggestion_{action}",
        entity="price_suggestion",
        entity_id=suggestion.id,
        actor_user_id=principal.user_id if principal else None,
        organisation_id=agreement.buyer_organisation_id,
        before={"price": str(agreement.current_price), "status": suggestion.status},
        after={"price": str(after_price), "reason": reason},
    )


def _result(
    session: Session, principal: Principal, suggestion: PriceSuggestion, agreement: PriceAgreement
) -> dict:
    return suggestion_dict(suggestion, agreement, session.get(Part, agreement.part_id), principal.language)


def _approve_loaded(
    session: Session,
    principal: Principal,
    suggestion: PriceSuggestion,
    agreement: PriceAgreement,
    reason: str,
    now: datetime,
) -> None:
    """Add this manager's approval to an open suggestion (not committed); completes it and applies
    it when the approvals needed are there and its effective date has come."""
    approvals = list(suggestion.approvals or [])
    if principal.user_id in approvals:
        raise SuggestionConflict("pricing.already_approved", field="suggestion_id")
    approvals.append(principal.user_id)
    suggestion.approvals = approvals
    price = Decimal(suggestion.counter_price or suggestion.proposed_price)
    _decide(session, principal, suggestion, agreement, DecisionAction.APPROVED, price, reason, now)
    if len(approvals) >= max(suggestion.required_approvals, 1):
        suggestion.status = SuggestionStatus.APPROVED
        suggestion.agreed_price = price
        suggestion.decided_at = now
        today = today_in(principal.time_zone, now)
        suggestion.effective_date = max(suggestion.effective_date, today)
        session.add(suggestion)
        if suggestion.effective_date <= today:
            _apply(session, suggestion, agreement, now)


@all_or_nothing
def approve(
    session: Session,
    principal: Principal,
    suggestion_id: object,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> dict:
    """One manager's approval. When it completes the approvals needed, the suggestion is approved
    (agreed price: the proposal, or the supplier's counter) and applies at once if its effective
    date has come. Raises PermissionDenied for suppliers and other roles, NotFound for another
    organisation's suggestion, SuggestionConflict when it is not open or this manager already approved."""
    if principal is not None and is_supplier(principal):
        # Checked first: a supplier cannot approve any price change, its own increase above all.
        raise PermissionDenied("pricing.supplier_cannot_approve", field="suggestion_id")
    require_manager(principal)
    now = now or utcnow()
    reason = text_value(reason, "reason", max_length=1000)
    suggestion, agreement = _load(session, principal, suggestion_id)
    if suggestion.status not in OPEN:
        raise SuggestionConflict(
            "pricing.suggestion_not_open", field="suggestion_id", status=suggestion.status
        )
    _approve_loaded(session, principal, suggestion, agreement, reason, now)
    session.add(suggestion)
    session.commit()
    return _result(session, principal, suggestion, agreement)


MAX_BULK = 200


@all_or_nothing
def approve_within_band(
    session: Session,
    principal: Principal,
    suggestion_ids: object,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> list[dict]:
    """Approve several open suggestions at once, in one transaction: each must need at most one
    manager's approval (the automatic or single-approval band). All or nothing: a suggestion needing
    two managers (`pricing.bulk_needs_four_eyes`), one not open (`pricing.suggestion_not_open`) or
    already approved by this manager, or one the caller may not see (NotFound) refuses the whole
    batch, field `suggestion_ids`, and nothing is approved. Returns the approved suggestions."""
    if principal is not None and is_supplier(principal):
        raise PermissionDenied("pricing.supplier_cannot_approve", field="suggestion_ids")
    require_manager(principal)
    now = now or utcnow()
    reason = text_value(reason, "reason", max_length=1000)
    if not isinstance(suggestion_ids, list | tuple) or not suggestion_ids:
        raise ValidationFailed("pricing.bulk_none_selected", field="suggestion_ids")
    if len(suggestion_ids) > MAX_BULK:
        raise ValidationFailed("pricing.bulk_too_many", field="suggestion_ids", max=MAX_BULK)
    numbers = sorted({record_id(value, "suggestion_ids") for value in suggestion_ids})
    loaded = []
    for number in numbers:  # ascending ids: the same lock order as every other batch
        try:
            suggestion, agreement = _load(session, principal, number)
        except NotFound:
            raise NotFound("pricing.suggestion_not_found", field="suggestion_ids", id=number) from None
        sku = session.get(Part, agreement.part_id).sku
        if suggestion.status not in OPEN:
            raise SuggestionConflict(
                "pricing.suggestion_not_open", field="suggestion_ids", status=suggestion.status, sku=sku
            )
        if suggestion.required_approvals > 1:
            raise ValidationFailed("pricing.bulk_needs_four_eyes", field="suggestion_ids", sku=sku)
        if principal.user_id in (suggestion.approvals or []):
            raise SuggestionConflict("pricing.already_approved", field="suggestion_ids", sku=sku)
        loaded.append((suggestion, agreement))
    for suggestion, agreement in loaded:
        _approve_loaded(session, principal, suggestion, agreement, reason, now)
        session.add(suggestion)
    session.commit()
    return [_result(session, principal, suggestion, agreement) for suggestion, agreement in loaded]


@all_or_nothing
def reject(
    session: Session, principal: Principal, suggestion_id: object, *, reason: str, now: datetime | None = None
) -> dict:
    """A manager rejects an open suggestion, with a reason (`reason` required). The price stays."""
    if principal is not None and is_supplier(principal):
        raise PermissionDenied("pricing.supplier_cannot_approve", field="suggestion_id")
    require_manager(principal)
    now = now or utcnow()
    reason = text_value(reason, "reason", max_length=1000, required=True)
    suggestion, agreement = _load(session, principal, suggestion_id)
    if suggestion.status not in OPEN:
        raise SuggestionConflict(
            "pricing.suggestion_not_open", field="suggestion_id", status=suggestion.status
        )
    _decide(
        session,
        principal,
        suggestion,
        agreement,
        DecisionAction.REJECTED,
        agreement.current_price,
        reason,
        now,
    )
    suggestion.status = SuggestionStatus.REJECTED
    suggestion.decided_at = now
    session.add(suggestion)
    session.commit()
    return _result(session, principal, suggestion, agreement)


@all_or_nothing
def supplier_respond(
    session: Session,
    principal: Principal,
    suggestion_id: object,
    *,
    accept: bool,
    counter_price: object = None,
    reason: str = "",
    now: datetime | None = None,
) -> dict:
    """The agreement's supplier accepts an open suggestion, or counters it with `counter_price` and a
    `reason` (both required to counter). Another supplier's suggestion answers NotFound."""
    require_supplier(principal)
    now = now or utcnow()
    suggestion, agreement = _load(session, principal, suggestion_id)
    if suggestion.status not in OPEN:
        raise SuggestionConflict(
            "pricing.suggestion_not_open", field="suggestion_id", status=suggestion.status
        )
    if accept:
        reason = text_value(reason, "reason", max_length=1000)
        suggestion.supplier_response = "accepted"
        _decide(
            session,
            principal,
            suggestion,
            agreement,
            DecisionAction.SUPPLIER_ACCEPTED,
            suggestion.proposed_price,
            reason,
            now,
        )
    else:
        price = round_money(unit_price(counter_price, "counter_price"), agreement.currency)
        reason = text_value(reason, "reason", max_length=1000, required=True)
        if price == Decimal(suggestion.proposed_price):
            raise ValidationFailed("pricing.counter_same_price", field="counter_price")
        suggestion.supplier_response = "countered"
        suggestion.counter_price = price
        suggestion.counter_reason = reason
        suggestion.status = SuggestionStatus.COUNTERED
        suggestion.approvals = []
        change = (price / Decimal(agreement.current_price) - 1) * HUNDRED
        # A counter is never applied without a manager, however small.
        suggestion.required_approvals = max(required_approvals(agreement, change), 1)
        _decide(
            session, principal, suggestion, agreement, DecisionAction.SUPPLIER_COUNTERED, price, reason, now
        )
    session.add(suggestion)
    session.commit()
    return _result(session, principal, suggestion, agreement)


def _apply(session: Session, suggestion: PriceSuggestion, agreement: PriceAgreement, now: datetime) -> None:
    before = Decimal(agreement.current_price)
    after = Decimal(suggestion.agreed_price)
    session.add(
        PriceDecision(
            suggestion_id=suggestion.id,
            agreement_id=agreement.id,
            action=DecisionAction.APPLIED,
            before_price=before,
            after_price=after,
            at=now,
        )
    )
    audit.record(
        session,
        action="pricing.price_applied",
        entity="price_agreement",
        entity_id=agreement.id,
        organisation_id=agreement.buyer_organisation_id,
        before={"price": str(before)},
        after={
            "price": str(after),
            "suggestion_id": suggestion.id,
            "effective_date": suggestion.effective_date.isoformat(),
        },
    )
    agreement.current_price = after
    suggestion.status = SuggestionStatus.APPLIED
    session.add(agreement)
    session.add(suggestion)
    # A part's cost moved: the market lists follow (one coalesced repricing run per relay batch).
    outbox.enqueue(session, MARKET_LISTS_CHANGED, {"agreement_id": agreement.id})


def apply_due(session: Session, *, today: date | None = None, now: datetime | None = None) -> int:
    """Apply every approved suggestion whose effective date has come (oldest first, so the latest
    wins); commits. Idempotent: an applied suggestion is not applied again. Returns how many."""
    now = now or utcnow()
    today = today or now.date()
    due = list(
        session.exec(
            select(PriceSuggestion)
            .where(
                PriceSuggestion.status == SuggestionStatus.APPROVED, PriceSuggestion.effective_date <= today
            )
            .order_by(PriceSuggestion.effective_date, PriceSuggestion.id)
            .with_for_update(skip_locked=True)
        )
    )
    for suggestion in due:
        agreement = session.get(PriceAgreement, suggestion.agreement_id)
        _apply(session, suggestion, agreement, now)
    session.commit()
    return len(due)
