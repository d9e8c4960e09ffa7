"""Market price lists in a real browser: a part's cost rises 2 %, the repricing run proposes the new
list price for one manager's approval; the manager approves it on /manager/pricing/markets and the
dealer's cart shows the new price in the dealer's market currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from models import Location, MarketPrice, MarketPriceStatus, Part, PriceAgreement, User
from services.identity.auth import principal_for
from services.ordering import carts
from services.platform.formatting import format_money
from services.pricing import market_lists
from tests.e2e.conftest import DESKTOP, RunningPortal
from tests.e2e.test_portal import at, organisation_of, sign_in_as

pytestmark = pytest.mark.e2e

DEALER_EMAIL = "dealer@demo.test"


def _pending_change(portal: RunningPortal) -> tuple[str, int, Decimal, str]:
    """Raise one listed part's cost 2 % and reprice the dealer's market: (SKU, change id, new price,
    currency). The part is one without a price agreement (its cost is its purchase price), priced
    high enough that whole-yuan rounding keeps the change inside the one-manager band."""
    with Session(portal.engine, expire_on_commit=False) as session:
        dealer_org = organisation_of(session, DEALER_EMAIL)
        country = session.exec(
            select(Location.country).where(Location.organisation_id == dealer_org.id)
        ).first()
        market = market_lists.market_of_country(session, country)
        listed = session.exec(
            select(Part, MarketPrice)
            .join(MarketPrice, MarketPrice.part_id == Part.id)
            .where(
                MarketPrice.market_id == market.id,
                MarketPrice.status == MarketPriceStatus.ACTIVE,
                MarketPrice.list_price > 800,
                MarketPrice.manual.is_(False),
                Part.id.not_in(select(PriceAgreement.part_id)),  # costed at its own purchase price
            )
            .order_by(Part.id)
        ).first()
        part, price = listed
        part.list_price = (Decimal(part.list_price) * Decimal("1.02")).quantize(Decimal("0.01"))
        session.add(part)
        session.commit()
        market_lists.reprice_markets(session, market_ids=[market.id])
        change = session.exec(
            select(MarketPrice).where(
                MarketPrice.market_id == market.id,
                MarketPrice.part_id == part.id,
                MarketPrice.status == MarketPriceStatus.PENDING,
            )
        ).one()
        assert change.required_approvals == 1 and change.list_price != price.list_price
        user = session.exec(select(User).where(User.email_normalized == DEALER_EMAIL)).one()
        carts.add_to_cart(session, principal_for(user, dealer_org), "part", part.sku)
        session.commit()
        return part.sku, change.id, Decimal(change.list_price), market.currency


def test_a_manager_approves_a_list_price_change_and_the_dealers_cart_shows_it(
    page: Page, browser: Browser, portal: RunningPortal
) -> None:
    sku, change_id, new_price, currency = _pending_change(portal)

    sign_in_as(page, portal, "manager")
    page.goto(f"{portal.base_url}/manager/pricing/markets")
    page.wait_for_url(at("/manager/pricing/markets"))
    row = page.locator(f'#market-changes-table [data-change="{change_id}"]')
    expect(row).to_be_visible()
    row.locator(".market-change-approve").click()
    expect(page.get_by_text("Approved: the new list price is in force.")).to_be_visible()
    expect(row).to_have_count(0)

    dealer = browser.new_context(viewport=DESKTOP, locale="en-US").new_page()
    try:
        sign_in_as(dealer, portal, "dealer")
        dealer.goto(f"{portal.base_url}/cart")
        line = dealer.locator(f'[data-line="{sku}"]')
        expect(line).to_contain_text(format_money(new_price, currency, "en"))
    finally:
        dealer.context.close()
