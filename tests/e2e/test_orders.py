"""Orders in a real browser against the real worker: a dealer's cart checked out and watched until
paid without a reload, a cart the warehouses cannot fill, and a customer's vehicle order with a
deposit.

The accounts here belong to organisations the other e2e tests do not look at (a second dealer, a
new customer), so their order lists stay as those tests expect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    Location,
    LocationKind,
    OrderStatus,
    OrderTransition,
    Organisation,
    OrganisationKind,
    Part,
    Role,
    SalesOrder,
    StockLevel,
    Trim,
    User,
)
from services.identity.auth import normalize_email, principal_for
from services.ordering.cart_pricing import customer_deposit, quote_cart, stores_holding
from services.ordering.gateway import SimulatedGateway
from services.platform.formatting import format_datetime, format_money, format_number
from tests.e2e.conftest import DESKTOP, PHONE, RunningPortal
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e

DEALER_EMAIL = "orders.dealer@example.test"
CUSTOMER_EMAIL = "orders.customer@example.test"
# The simulated bank answers this late, so the page is seen waiting for the payment first.
BANK_DELAY_SECONDS = 1.5
PAID_WITHIN_MS = 30_000  # placement -> allocated through the relay, the worker and the bank


def on_order_page(url: str) -> bool:
    return re.fullmatch(r"/orders/\d+/?", urlparse(url).path) is not None


def sign_in(page: Page, portal: RunningPortal, email: str, home: str) -> None:
    page.goto(f"{portal.base_url}/login")
    expect(page.locator("#demo-logins")).to_be_visible()
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: urlparse(url).path.rstrip("/") == home)


@pytest.fixture(scope="module")
def buyers(portal: RunningPortal) -> Iterator[None]:
    """A dealer of a second dealer organisation and a new customer (password PASSWORD), and a bank
    that answers after BANK_DELAY_SECONDS."""
    with Session(portal.engine) as session:
        demo_dealer = session.exec(
            select(User).where(User.email_normalized == normalize_email("dealer@demo.test"))
        ).one()
        dealer_org = session.exec(
            select(Organisation)
            .where(
                Organisation.kind == OrganisationKind.DEALER, Organisation.id != demo_dealer.organisation_id
            )
            .order_by(Organisation.id)
        ).first()
        consumers = session.exec(
            select(Organisation).where(Organisation.kind == OrganisationKind.CONSUMER)
        ).first()
        make_user(session, Role.DEALER, dealer_org, email=DEALER_EMAIL)
        make_user(session, Role.CUSTOMER, consumers, email=CUSTOMER_EMAIL)
        session.commit()
    bank = SimulatedGateway(portal.engine)
    bank.set_behaviour("approve", delay_seconds=BANK_DELAY_SECONDS)
    yield
    bank.clear_behaviour()


def _warehouse_stock(session: Session, part_id: int) -> dict[int, int]:
    """Free units of the part at each OEM warehouse."""
    rows = session.exec(
        select(StockLevel.location_id, StockLevel.on_hand - StockLevel.reserved)
        .join(Location, Location.id == StockLevel.location_id)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(
            StockLevel.part_id == part_id,
            Location.kind == LocationKind.WAREHOUSE,
            Organisation.kind == OrganisationKind.OEM,
        )
    ).all()
    return dict(rows)


def _parts(session: Session, *, plentiful: int, short: int = 0) -> tuple[list[Part], list[Part]]:
    """CNY parts that every warehouse holds at least 20 of (`plentiful` of them), and parts no
    warehouse holds 1,000 of but some holds a few (`short` of them)."""
    easy, scarce = [], []
    for part in session.exec(select(Part).where(Part.currency == "CNY").order_by(Part.sku)).all():
        stock = _warehouse_stock(session, part.id)
        if len(easy) < plentiful and stock and min(stock.values()) >= 20:
            easy.append(part)
        elif len(scarce) < short and stock and 5 <= max(stock.values()) < 1000:
            scarce.append(part)
        if len(easy) == plentiful and len(scarce) == short:
            return easy, scarce
    raise AssertionError("the demo data has no such parts")


def _add_part(page: Page, sku: str, available: int | None = None) -> None:
    page.fill("#parts-search", sku)
    row = page.locator("#parts-table tbody tr", has_text=sku)
    expect(page.locator("#parts-table tbody tr")).to_have_count(1)
    if available is not None:  # what one order can get: the most free at one OEM warehouse
        expect(row.locator(".part-available")).to_have_text(format_number(available, "en"))
    expect(row.locator(".add-to-cart")).to_have_text("Add to cart")
    row.locator(".add-to-cart").click()
    expect(page.get_by_text("is in your cart.").first).to_be_visible()


def _open_cart(page: Page) -> None:
    page.click('[data-nav="/cart"]')
    expect(page.locator("#cart-lines")).to_be_visible()


def _watch_status(page: Page) -> None:
    """Remember in the page when each status first showed, and mark the document: a reload
    would lose both."""
    page.evaluate("""() => {
        window.__statusSeen = {};
        window.__samePage = true;
        const note = () => {
            const badge = document.querySelector('#order-status');
            if (badge && !(badge.textContent in window.__statusSeen)) {
                window.__statusSeen[badge.textContent] = Date.now();
            }
        };
        note();
        new MutationObserver(note).observe(document.body,
            {subtree: true, childList: true, characterData: true});
    }""")


def _order_id(page: Page) -> int:
    return int(urlparse(page.url).path.rstrip("/").rsplit("/", 1)[1])


def _quoted(portal: RunningPortal, lines: list[tuple[Part, int]]):
    """The server's quote of these part lines for the demo dealer (its market list, tiers and
    promotions): what the cart must show."""
    with Session(portal.engine) as session:
        user = session.exec(select(User).where(User.email_normalized == DEALER_EMAIL)).one()
        dealer = principal_for(user, session.get(Organisation, user.organisation_id))
        quote = quote_cart(session, dealer, [("part", part.id, quantity) for part, quantity in lines])
        session.commit()
    return quote


def test_dealer_checks_out_a_cart_and_sees_it_paid_without_reloading(
    page: Page, browser: Browser, portal: RunningPortal, buyers, screenshots
) -> None:
    with Session(portal.engine) as session:
        (first, second), _ = _parts(session, plentiful=2)
    sign_in(page, portal, DEALER_EMAIL, "/dealer")
    page.click('[data-nav="/catalogue"]')
    _add_part(page, first.sku)
    _add_part(page, second.sku)
    _open_cart(page)

    # The cart lives on the server: another browser (a new device) signed in as the dealer has it.
    other = browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        elsewhere = other.new_page()
        elsewhere.set_default_timeout(20_000)
        sign_in(elsewhere, portal, DEALER_EMAIL, "/dealer")
        elsewhere.goto(f"{portal.base_url}/cart")
        for sku in (first.sku, second.sku):
            expect(elsewhere.locator(f'[data-line="{sku}"]')).to_be_visible()
    finally:
        other.close()

    first_line = page.locator(f'[data-line="{first.sku}"]')
    first_line.locator(".cart-quantity input").fill("2.5")
    expect(first_line.locator(".cart-line-error")).to_have_text("The quantity must be a whole number.")
    expect(first_line.locator(".cart-line-total")).to_have_text("—")
    # Never a silent no-op: "Place order" cannot act with a blocked line, and says why beside it.
    expect(page.locator("#checkout")).to_be_disabled()
    expect(page.locator("#checkout-blocked")).to_have_text("Fix the lines marked in red to place the order.")
    page.screenshot(path=screenshots / "cart-blocked-line.png", full_page=True)
    first_line.locator(".cart-quantity input").fill("3")
    expect(first_line.locator(".cart-line-error")).to_have_count(0)
    expect(page.locator("#checkout-blocked")).to_have_count(0)
    expect(page.locator("#checkout")).to_be_enabled()
    quoted = _quoted(portal, [(first, 3), (second, 1)])  # the dealer's market list prices them
    expect(first_line.locator(".cart-line-total")).to_have_text(
        format_money(quoted.lines[0].line_total, "CNY", "en")
    )
    total = quoted.totals["CNY"]
    expect(page.locator(".cart-total")).to_have_text(format_money(total, "CNY", "en"))
    page.screenshot(path=screenshots / "cart-dealer.png", full_page=True)

    with Session(portal.engine) as session:
        dealer = session.exec(select(User).where(User.email_normalized == DEALER_EMAIL)).one()
        orders_before = session.exec(
            select(func.count())
            .select_from(SalesOrder)
            .where(SalesOrder.buyer_organisation_id == dealer.organisation_id)
        ).one()
    page.dblclick("#checkout")  # an impatient double click places one order
    page.wait_for_url(on_order_page)
    _watch_status(page)
    expect(page.get_by_text("Order SO-").first).to_be_visible()  # the toast
    expect(page.locator("#order-status")).to_have_text("Awaiting payment")
    expect(page.locator("#order-total")).to_have_text(format_money(total, "CNY", "en"))
    page.screenshot(path=screenshots / "order-dealer-pending.png", full_page=True)

    # The worker captures the payment and allocates the stock; the page follows by itself.
    expect(page.locator("#order-status")).to_have_text("Allocated", timeout=PAID_WITHIN_MS)
    assert page.evaluate("window.__samePage") is True, "the page was reloaded"
    expect(page.locator("[data-timeline-status]")).to_have_count(3)
    expect(page.locator("#order-timeline")).to_contain_text("Payment received")
    expect(page.locator("#order-timeline")).to_contain_text("Stock allocated; shipment created")
    expect(page.locator("#order-shipment")).to_be_visible()
    expect(page.locator("#order-payment")).to_have_text("Captured")

    order_id = _order_id(page)
    with Session(portal.engine) as session:
        order = session.get(SalesOrder, order_id)
        assert order.status == OrderStatus.ALLOCATED
        assert order.total == total
        assert (
            session.exec(
                select(func.count())
                .select_from(SalesOrder)
                .where(SalesOrder.buyer_organisation_id == dealer.organisation_id)
            ).one()
            == orders_before + 1
        )
        buyer = session.get(User, order.buyer_user_id)
        zone = buyer.time_zone or session.get(Organisation, buyer.organisation_id).time_zone
        allocated_at = session.exec(
            select(OrderTransition.at).where(
                OrderTransition.order_id == order_id, OrderTransition.to_status == OrderStatus.ALLOCATED
            )
        ).one()
    # Times in the dealer's own zone.
    expect(page.locator("#order-created")).to_have_text(format_datetime(order.created_at, zone, "en"))
    seen_at_ms = page.evaluate("window.__statusSeen['Allocated']")
    assert seen_at_ms - allocated_at.timestamp() * 1000 < 1000, "the page showed the change too late"
    page.screenshot(path=screenshots / "order-dealer-allocated.png", full_page=True)

    # The home's Orders section and the orders list show it.
    page.click('[data-nav="/dealer"]')
    expect(page.locator(f'#recent-orders [data-order="{order.number}"]')).to_contain_text("Allocated")
    page.click('[data-nav="/orders"]')
    expect(page.locator(f'#orders-table [data-order="{order.number}"]')).to_be_visible()


def test_a_cart_the_warehouses_cannot_fill_names_the_short_line_and_reserves_nothing(
    page: Page, portal: RunningPortal, buyers, screenshots
) -> None:
    with Session(portal.engine) as session:
        (plentiful,), (scarce,) = _parts(session, plentiful=1, short=1)
        most = max(_warehouse_stock(session, scarce.id).values())
        reserved_before = session.exec(select(func.sum(StockLevel.reserved))).one()
        orders_before = session.exec(select(func.count()).select_from(SalesOrder)).one()
    asked = most + 1
    sign_in(page, portal, DEALER_EMAIL, "/dealer")
    page.click('[data-nav="/catalogue"]')
    _add_part(page, plentiful.sku)
    _add_part(page, scarce.sku, available=most)
    _open_cart(page)
    scarce_line = page.locator(f'[data-line="{scarce.sku}"]')
    scarce_line.locator(".cart-quantity input").fill(str(asked))
    expect(scarce_line.locator(".cart-line-total")).to_have_text(
        format_money(_quoted(portal, [(scarce, asked)]).lines[0].line_total, "CNY", "en")
    )

    page.click("#checkout")
    expect(page.locator("#cart-error")).to_contain_text(
        f"Not enough stock for line 2 ({scarce.sku}): {most:,} available, {asked:,} requested."
    )
    expect(page.locator("#cart-error")).to_contain_text("Nothing was reserved.")
    expect(scarce_line.locator(".cart-line-short")).to_have_text(
        f"Only {most:,} available ({asked:,} requested)"
    )
    expect(page.locator(f'[data-line="{plentiful.sku}"] .cart-line-short')).to_have_count(0)
    assert urlparse(page.url).path.rstrip("/") == "/cart"
    page.screenshot(path=screenshots / "cart-out-of-stock.png", full_page=True)
    with Session(portal.engine) as session:
        assert session.exec(select(func.sum(StockLevel.reserved))).one() == reserved_before
        assert session.exec(select(func.count()).select_from(SalesOrder)).one() == orders_before


def test_customer_orders_a_vehicle_with_a_deposit_and_sees_it_paid(
    page: Page, browser: Browser, portal: RunningPortal, buyers, screenshots
) -> None:
    with Session(portal.engine) as session:
        trim = session.exec(select(Trim).order_by(Trim.price)).first()
    deposit = customer_deposit(Decimal(trim.price))
    sign_in(page, portal, CUSTOMER_EMAIL, "/showroom")
    page.locator(f'[data-trim="{trim.code}"] .order-with-deposit').click()
    expect(page.locator("#deposit-trim")).to_have_text(trim.name)
    expect(page.locator("#deposit-price")).to_have_text(format_money(trim.price, trim.currency, "en"))
    expect(page.locator("#deposit-amount")).to_have_text(format_money(deposit, trim.currency, "en"))
    expect(page.locator("#deposit-balance")).to_have_text(
        format_money(Decimal(trim.price) - deposit, trim.currency, "en")
    )
    expect(page.get_by_text("In stock at this store")).to_be_visible()
    page.screenshot(path=screenshots / "deposit-dialog.png")

    page.click("#place-deposit-order")
    page.wait_for_url(on_order_page)
    _watch_status(page)
    expect(page.locator("#order-deposit")).to_have_text(format_money(deposit, trim.currency, "en"))
    # A customer reads plain words, not the trade's ("Allocated", "Captured").
    expect(page.locator("#order-status")).to_have_text("Being prepared", timeout=PAID_WITHIN_MS)
    assert page.evaluate("window.__samePage") is True, "the page was reloaded"
    expect(page.locator("#order-timeline")).to_contain_text("Deposit received")
    expect(page.locator("#order-timeline")).to_contain_text("Your car is reserved and being prepared")
    for trade_word in ("Allocated", "Captured", "shipment created"):
        expect(page.locator("body")).not_to_contain_text(trade_word)
    expect(page.locator("#order-shipment")).to_contain_text("set aside for you")
    page.screenshot(path=screenshots / "order-customer.png", full_page=True)

    order_id = _order_id(page)
    with Session(portal.engine) as session:
        order = session.get(SalesOrder, order_id)
        assert (order.status, order.deposit) == (OrderStatus.ALLOCATED, deposit)
        someone_elses = session.exec(
            select(SalesOrder.id).where(SalesOrder.id != order_id).order_by(SalesOrder.id)
        ).first()
    page.click('[data-nav="/my-orders"]')
    expect(page.locator(f'#orders-table [data-order="{order.number}"]')).to_contain_text("Being prepared")

    # Another buyer's order does not open: the customer is sent back to their own list.
    if someone_elses is not None:
        page.goto(f"{portal.base_url}/orders/{someone_elses}")
        expect(page.get_by_text("That order does not exist or is not one of yours.")).to_be_visible()
        page.wait_for_url(lambda url: urlparse(url).path.rstrip("/") == "/my-orders")

    # The same order on a phone.
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.set_default_timeout(20_000)
        sign_in(phone, portal, CUSTOMER_EMAIL, "/showroom")
        phone.goto(f"{portal.base_url}/orders/{order_id}")
        expect(phone.locator("#order-status")).to_have_text("Being prepared")
        expect(phone.locator("[data-timeline-status]")).to_have_count(3)
        phone.screenshot(path=screenshots / "order-customer-phone.png", full_page=True)
    finally:
        context.close()


def test_order_with_deposit_at_a_store_without_the_vehicle_is_disabled_and_says_why(
    page: Page, portal: RunningPortal, buyers, screenshots
) -> None:
    with Session(portal.engine) as session:
        trims = session.exec(select(Trim).order_by(Trim.price)).all()[1:]  # not the other test's
        stores = session.exec(
            select(Location)
            .join(Organisation, Organisation.id == Location.organisation_id)
            .where(Location.kind == LocationKind.STORE, Organisation.kind == OrganisationKind.DEALER)
        ).all()
        trim, empty_store = next(
            (trim, store)
            for trim in trims
            if stores_holding(session, trim.id)
            for store in stores
            if store.id not in stores_holding(session, trim.id)
        )
    sign_in(page, portal, CUSTOMER_EMAIL, "/showroom")
    page.locator(f'[data-trim="{trim.code}"] .order-with-deposit').click()
    expect(page.locator("#deposit-trim")).to_have_text(trim.name)
    expect(page.locator("#place-deposit-order")).to_be_enabled()  # a store with the car is chosen
    page.click("#deposit-store")
    page.get_by_role("option", name=f"{empty_store.name} · {empty_store.city} · not in stock").click()
    expect(page.locator("#place-deposit-order")).to_be_disabled()
    expect(page.locator("#deposit-blocked")).to_have_text(
        "This store has no free vehicle of this trim: choose a store marked in stock."
    )
    page.screenshot(path=screenshots / "deposit-store-without-stock.png")
