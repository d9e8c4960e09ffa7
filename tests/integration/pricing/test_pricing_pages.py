"""What the pricing pages rely on, on SQLite and PostgreSQL: the bulk approval inside the band (all or
nothing), the queue and inbox lists (scoped; a supplier never reads our stock cover or competitors'
quotes), and one agreement's history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, select

from models import PriceAgreement, PriceSuggestion, SupplierQuote
from models.db import get_engine
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from services.pricing import approvals, history, queue, suggestions
from tests.pricing_world import REVIEW_AT, REVIEW_DAY, build_world

pytestmark = pytest.mark.usefixtures("any_db_url")


def _session() -> Session:
    return Session(get_engine(), expire_on_commit=False)


def _reprice(world) -> PriceSuggestion:
    with _session() as session:
        suggestions.reprice_agreements(session, on_date=REVIEW_DAY, now=REVIEW_AT)
        return session.exec(
            select(PriceSuggestion).where(PriceSuggestion.agreement_id == world.agreement_id)
        ).one()


def test_bulk_approval_applies_changes_that_need_one_manager():
    world = build_world(agreement={"four_eyes_pct": "5"})  # +3.85 %: one manager is enough
    suggestion = _reprice(world)
    assert suggestion.required_approvals == 1
    with _session() as session:
        done = approvals.approve_within_band(session, world.manager, [suggestion.id], now=REVIEW_AT)
        agreement = session.get(PriceAgreement, world.agreement_id)
    assert [row["status"] for row in done] == ["applied"]
    assert agreement.current_price == Decimal("103.85")


def test_bulk_approval_refuses_the_whole_batch_when_one_needs_four_eyes():
    world = build_world()  # +3.85 % is above the 3 % four-eyes threshold
    suggestion = _reprice(world)
    assert suggestion.required_approvals == 2
    with _session() as session:
        with pytest.raises(ValidationFailed) as refused:
            approvals.approve_within_band(session, world.manager, [suggestion.id], now=REVIEW_AT)
        assert refused.value.code == "pricing.bulk_needs_four_eyes"
        assert refused.value.field == "suggestion_ids"
        stored = session.get(PriceSuggestion, suggestion.id)
        assert (stored.status, stored.approvals) == ("proposed", [])
        with pytest.raises(PermissionDenied):
            approvals.approve_within_band(session, world.supplier_user, [suggestion.id], now=REVIEW_AT)
        with pytest.raises(NotFound):
            approvals.approve_within_band(session, world.other_oem_manager, [suggestion.id], now=REVIEW_AT)
        with pytest.raises(ValidationFailed) as empty:
            approvals.approve_within_band(session, world.manager, [], now=REVIEW_AT)
    assert empty.value.code == "pricing.bulk_none_selected"


def test_the_queue_is_scoped_and_the_supplier_reads_no_cover_or_rival_quotes():
    world = build_world()
    with _session() as session:
        session.add(
            SupplierQuote(
                part_id=world.part_id,
                supplier_id=world.other_supplier_id,
                price=Decimal("90.00"),
                currency="CNY",
                valid_from=REVIEW_DAY.replace(day=1),
            )
        )
        session.commit()
    suggestion = _reprice(world)
    with _session() as session:
        managers = queue.suggestion_queue(session, world.manager, today=REVIEW_DAY)
        supplier = queue.suggestion_queue(session, world.supplier_user, today=REVIEW_DAY)
        rival = queue.suggestion_queue(session, world.other_supplier_user, today=REVIEW_DAY)
        other_oem = queue.suggestion_queue(session, world.other_oem_manager, today=REVIEW_DAY)
    assert [row["id"] for row in managers["rows"]] == [suggestion.id]
    assert managers["rows"][0]["supplier_name"] == "Jiangsu Copper Works"
    assert managers["rows"][0]["money_reporting"] == Decimal(suggestion.money_next_quarter)
    manager_advice = {item["code"] for item in managers["rows"][0]["explanation"]["advice"]}
    assert "pricing.explain.quote_cheaper" in manager_advice
    assert [row["id"] for row in supplier["rows"]] == [suggestion.id]
    assert supplier["rows"][0]["explanation"]["advice"] == []
    assert "stock_cover_days" not in supplier["rows"][0]["explanation"]
    assert rival["rows"] == [] and other_oem["rows"] == []


def test_the_agreement_history_steps_to_the_applied_price():
    world = build_world(agreement={"four_eyes_pct": "5"})
    suggestion = _reprice(world)
    with _session() as session:
        approvals.approve(session, world.manager, suggestion.id, now=REVIEW_AT)
        story = history.agreement_history(session, world.manager, world.agreement_id, today=REVIEW_DAY)
        with pytest.raises(NotFound):
            history.agreement_history(session, world.other_oem_manager, world.agreement_id)
    assert [(point["day"].isoformat(), point["price"]) for point in story["prices"]] == [
        ("2026-01-15", Decimal("100.00")),
        ("2026-05-14", Decimal("103.85")),
    ]
    assert [index["code"] for index in story["indices"]] == ["CU", "HRC"]
    assert story["indices"][0]["points"][0]["month"].isoformat() == "2025-10-01"
    assert sorted(decision["action"] for decision in story["decisions"]) == ["applied", "approved"]
    assert story["suggestions"] == []
