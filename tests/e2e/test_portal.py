"""The portal in a real browser: each role's home with real figures, the guards, the language
switch, the phone layout, the admin's user management and the orders the sweeps parked."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    Location,
    LocationKind,
    OrderAttention,
    Organisation,
    Role,
    SalesOrder,
    StockLevel,
    Trim,
    User,
)
from models.types import utcnow
from services.catalog.lists import Page as CatalogPage
from services.catalog.lists import list_stock
from services.catalog.summary import compute_summary
from services.identity.auth import normalize_email, principal_for, resolve_token
from services.identity.users import set_language
from services.ordering import placement as ordering
from services.platform.formatting import format_money, format_number
from tests.e2e.conftest import DEMO_PASSWORD, RunningPortal
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e

HOMES = {
    "admin": "/admin",
    "manager": "/manager",
    "supplier": "/supplier",
    "dealer": "/dealer",
    "customer": "/showroom",
}


def at(path: str):
    """A URL predicate: the page shows `path` (with or without a trailing slash)."""
    return lambda url: urlparse(url).path.rstrip("/") == path


def sign_in(page: Page, portal: RunningPortal, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{portal.base_url}/login")
    # The demo card appears once the page is connected and its on_load has run.
    expect(page.locator("#demo-logins")).to_be_visible()
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login-submit")


# role -> the session token of its last sign-in through the form, reused while the server still
# accepts it (a logout, a revocation or a deactivation ends it: the next call signs in again).
_TOKENS: dict[str, str] = {}
_TOKEN_KEY = "portal_session"  # state/shared/auth.py: the LocalStorage the portal keeps it in


def _still_valid(portal: RunningPortal, token: str) -> bool:
    with Session(portal.engine) as session:
        return resolve_token(session, token) is not None


def sign_in_as(page: Page, portal: RunningPortal, role: str) -> None:
    """`role`'s demo user signed in on `page` at its home. The first call per role goes through the
    sign-in form; later ones put the same session token in the new context's storage (what a
    returning browser has), which saves a form round per test."""
    token = _TOKENS.get(role)
    if token is not None and _still_valid(portal, token):
        page.goto(f"{portal.base_url}/favicon.svg")  # a light page of the portal's origin
        page.evaluate("([key, value]) => localStorage.setItem(key, value)", [_TOKEN_KEY, token])
        page.goto(f"{portal.base_url}{HOMES[role]}")
        page.wait_for_url(at(HOMES[role]))
        return
    sign_in(page, portal, f"{role}@demo.test")
    page.wait_for_url(at(HOMES[role]))
    stored = page.evaluate("(key) => localStorage.getItem(key)", _TOKEN_KEY)
    if stored:
        _TOKENS[role] = stored


def _set_language(portal: RunningPortal, email: str, language: str) -> None:
    with Session(portal.engine, expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.email_normalized == email)).one()
        set_language(session, principal_for(user, session.get(Organisation, user.organisation_id)), language)


def organisation_of(session: Session, email: str) -> Organisation:
    user = session.exec(select(User).where(User.email_normalized == normalize_email(email))).one()
    return session.get(Organisation, user.organisation_id)


def test_manager_sees_the_network_figures_of_the_database(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    with Session(portal.engine) as session:
        summary = compute_summary(session)
    sign_in_as(page, portal, "manager")
    catalogue = summary["catalogue"]
    expect(page.locator("#kpi-parts")).to_have_text("2,000")
    expect(page.locator("#kpi-parts")).to_have_text(format_number(catalogue["parts"], "en"))
    expect(page.locator("#kpi-suppliers")).to_have_text(format_number(catalogue["suppliers"], "en"))
    expect(page.locator("#kpi-dealers")).to_have_text(format_number(catalogue["dealers"], "en"))
    expect(page.locator("#kpi-part_units_on_hand")).to_have_text(
        format_number(summary["network"]["part_units_on_hand"], "en")
    )
    expect(page.locator("#kpi-vehicle_units_on_hand")).to_have_text(
        format_number(summary["network"]["vehicle_units_on_hand"], "en")
    )
    for currency, amount in summary["network"]["stock_value"].items():
        expect(page.locator("#kpi-stock-value")).to_contain_text(format_money(amount, currency, "en"))
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.locator("#header-role").first).to_have_text("Manager")
    page.screenshot(path=screenshots / "home-manager.png", full_page=True)


def test_supplier_sees_only_its_own_figures_and_stock(page: Page, portal: RunningPortal, screenshots) -> None:
    with Session(portal.engine) as session:
        summary = compute_summary(session)
        organisation = organisation_of(session, "supplier@demo.test")
        own_locations = set(
            session.exec(select(Location.code).where(Location.organisation_id == organisation.id)).all()
        )
    own = summary["by_organisation"][str(organisation.id)]
    sign_in_as(page, portal, "supplier")
    expect(page.locator("#kpi-parts_supplied")).to_have_text(format_number(own["parts_supplied"], "en"))
    expect(page.locator("#kpi-part_units_on_hand")).to_have_text(
        format_number(own["part_units_on_hand"], "en")
    )
    expect(page.locator("#header-organisation").first).to_have_text(organisation.name)
    # Its stock table lists rows of its own plants only.
    expect(page.locator("#stock-table [data-location]").first).to_be_visible()
    shown = set(
        page.locator("#stock-table [data-location]").evaluate_all(
            "cells => cells.map(cell => cell.dataset.location)"
        )
    )
    assert shown and shown <= own_locations, shown - own_locations
    page.screenshot(path=screenshots / "home-supplier.png", full_page=True)

    with Session(portal.engine) as session:
        principal = principal_for(
            session.exec(select(User).where(User.email_normalized == "supplier@demo.test")).one(),
            organisation,
        )
        _, rows = list_stock(session, principal, page=CatalogPage(1, 25))
        first_sku = list_stock(session, principal, page=CatalogPage(1, 1))[0][0]["item_code"]
        _, matching = list_stock(session, principal, page=CatalogPage(1, 25), text=first_sku)
    pages = -(-rows // 25)
    expect(page.locator(".pager-label")).to_have_text(f"Page 1 of {pages} · {rows} rows")
    if pages > 1:
        page.locator(".pager-next").click()
        expect(page.locator(".pager-label")).to_contain_text(f"Page 2 of {pages}")
    page.fill("#stock-search", first_sku)
    expect(page.locator("#stock-table tbody tr")).to_have_count(matching)
    expect(page.locator("#stock-table tbody tr").first).to_contain_text(first_sku)


def test_dealer_sees_its_store_vehicles_and_its_orders(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    with Session(portal.engine) as session:
        summary = compute_summary(session)
        organisation = organisation_of(session, "dealer@demo.test")
        trims = session.exec(select(func.count()).select_from(Trim)).one()
        newest = session.exec(
            select(SalesOrder)
            .where(SalesOrder.buyer_organisation_id == organisation.id)
            .order_by(SalesOrder.created_at.desc(), SalesOrder.id.desc())
        ).first()
    own = summary["by_organisation"][str(organisation.id)]
    sign_in_as(page, portal, "dealer")
    expect(page.locator("#kpi-vehicle_units_on_hand")).to_have_text(
        format_number(own["vehicle_units_on_hand"], "en")
    )
    expect(page.locator("#kpi-part_units_on_hand")).to_have_text(
        format_number(own["part_units_on_hand"], "en")
    )
    # The seeded orders it placed are listed (they were counted but left off the list before).
    expect(page.locator(f'#recent-orders [data-order="{newest.number}"]')).to_be_visible()
    expect(page.locator("#orders-empty")).to_have_count(0)
    expect(page.locator("[data-trim]")).to_have_count(trims)
    shown = sum(
        int(text.split()[0].replace(",", "")) for text in page.locator(".trim-stock").all_inner_texts()
    )
    assert shown == own["vehicle_units_on_hand"]
    page.screenshot(path=screenshots / "home-dealer.png", full_page=True)


def test_customer_browses_the_showroom_with_prices_and_filters(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    with Session(portal.engine) as session:
        trims = session.exec(select(Trim).order_by(Trim.price)).all()
    sign_in_as(page, portal, "customer")
    expect(page.locator("[data-trim]")).to_have_count(len(trims))
    cheapest = trims[0]
    expect(page.locator(f'[data-trim="{cheapest.code}"] .trim-price')).to_have_text(
        format_money(Decimal(cheapest.price), cheapest.currency, "en")
    )
    page.screenshot(path=screenshots / "home-customer.png", full_page=True)

    electric = [trim for trim in trims if trim.powertrain == "bev"]
    page.click("#filter-powertrain")
    page.get_by_role("option", name="Electric").click()
    expect(page.locator("[data-trim]")).to_have_count(len(electric))
    with Session(portal.engine) as session:
        customer = session.exec(select(User).where(User.email_normalized == "customer@demo.test")).one()
        newest = session.exec(
            select(SalesOrder)
            .where(SalesOrder.buyer_user_id == customer.id)
            .order_by(SalesOrder.created_at.desc(), SalesOrder.id.desc())
        ).first()
    page.goto(f"{portal.base_url}/my-orders")
    expect(page.locator(f'#orders-table [data-order="{newest.number}"]')).to_be_visible()
    page.locator(f'#orders-table [data-order="{newest.number}"] a').click()  # a seeded order opens
    expect(page.locator("#order-status")).to_be_visible()


def test_admin_sees_every_user_and_organisation(page: Page, portal: RunningPortal, screenshots) -> None:
    with Session(portal.engine) as session:
        users = session.exec(select(func.count()).select_from(User)).one()
        organisations = session.exec(select(func.count()).select_from(Organisation)).one()
    sign_in_as(page, portal, "admin")
    expect(page.locator(".pager-label")).to_have_text(f"1–{min(25, users)} of {users}")
    expect(page.locator("#users-table tbody tr")).to_have_count(min(25, users))
    expect(page.locator('[data-user="manager@demo.test"]')).to_contain_text("Manager")
    page.screenshot(path=screenshots / "home-admin.png", full_page=True)
    page.goto(f"{portal.base_url}/admin/organisations")
    expect(page.locator("#organisations-table tbody tr")).to_have_count(organisations)


def test_wrong_password_and_unknown_email_get_the_same_message(page: Page, portal: RunningPortal) -> None:
    sign_in(page, portal, "dealer@demo.test", "not-the-password")
    expect(page.locator("#login-error")).to_have_text("The e-mail or password is not correct.")
    sign_in(page, portal, "nobody@demo.test", "not-the-password")
    expect(page.locator("#login-error")).to_have_text("The e-mail or password is not correct.")
    assert at("/login")(page.url)


def test_repeated_failures_are_throttled_alike_for_known_and_unknown_emails(
    page: Page, portal: RunningPortal
) -> None:
    with Session(portal.engine) as session:
        make_user(
            session, Role.DEALER, organisation_of(session, "dealer@demo.test"), email="throttle.me@demo.test"
        )
        session.commit()
    wrong = "The e-mail or password is not correct."
    throttled = "Too many failed sign-ins from here. Please try again in 15 min."
    for email in ("throttle.me@demo.test", "never.there@demo.test"):
        for _ in range(5):
            sign_in(page, portal, email, "wrong-password")
            expect(page.locator("#login-error")).to_have_text(wrong)
        # The sixth try is refused for a while, even with the right password; nothing says
        # whether the account exists.
        sign_in(page, portal, email, PASSWORD)
        expect(page.locator("#login-error")).to_have_text(throttled)
        assert at("/login")(page.url)


def test_supplier_typing_a_manager_address_is_sent_back_home(page: Page, portal: RunningPortal) -> None:
    sign_in_as(page, portal, "supplier")
    page.goto(f"{portal.base_url}/manager")
    page.wait_for_url(at("/supplier"))
    expect(page.get_by_text("You do not have access to that page.")).to_be_visible()
    expect(page.locator("#kpi-parts")).to_have_count(0)


def test_visitor_without_a_session_is_sent_to_login(page: Page, portal: RunningPortal) -> None:
    page.goto(f"{portal.base_url}/admin")
    page.wait_for_url(at("/login"))
    expect(page.locator("#login-submit")).to_be_visible()


def test_root_leads_home_and_logout_ends_the_session(page: Page, portal: RunningPortal) -> None:
    sign_in_as(page, portal, "manager")
    expect(page.locator("#kpi-parts")).to_have_text("2,000")
    page.goto(f"{portal.base_url}/")
    page.wait_for_url(at("/manager"))
    page.click("#logout")
    page.wait_for_url(at("/login"))
    page.goto(f"{portal.base_url}/manager")
    page.wait_for_url(at("/login"))
    page.goto(f"{portal.base_url}/")
    page.wait_for_url(at("/login"))


def test_language_switch_shows_chinese_and_is_kept_for_the_user(
    page: Page, portal: RunningPortal, browser, screenshots
) -> None:
    sign_in_as(page, portal, "manager")
    expect(page.locator("#page-title")).to_have_text("KPI overview")
    try:
        page.click("#language-switch")
        page.get_by_role("option", name="简体中文").click()
        expect(page.locator("#page-title")).to_have_text("关键指标总览")
        expect(page.locator('[data-nav="/catalogue"]').first).to_contain_text("产品目录")
        expect(page.locator("#header-role").first).to_have_text("主机厂经理")
        page.screenshot(path=screenshots / "home-manager-zh.png", full_page=True)
        # The choice is the user's: a new browser signs in to Chinese.
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        other = context.new_page()
        sign_in_as(other, portal, "manager")
        expect(other.locator("#page-title")).to_have_text("关键指标总览")
        context.close()
    finally:
        _set_language(portal, "manager@demo.test", "en")


def test_phone_layout_folds_the_sidebar_into_a_menu(
    phone_page: Page, portal: RunningPortal, screenshots
) -> None:
    sign_in_as(phone_page, portal, "dealer")
    expect(phone_page.locator("#kpi-vehicle_units_on_hand")).not_to_have_text("")
    expect(phone_page.locator("#menu-button")).to_be_visible()
    expect(phone_page.locator('[data-nav="/showroom"]').first).to_be_hidden()  # the folded sidebar
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
    phone_page.screenshot(path=screenshots / "home-dealer-phone.png", full_page=True)
    phone_page.click("#menu-button")
    drawer_link = phone_page.get_by_role("dialog").locator('[data-nav="/showroom"]')
    expect(drawer_link).to_be_visible()
    drawer_link.click()
    phone_page.wait_for_url(at("/showroom"))
    expect(phone_page.get_by_role("dialog")).to_be_hidden()  # the link closed the drawer


def test_admin_creates_a_user_with_field_errors_then_deactivates_it(
    page: Page, portal: RunningPortal
) -> None:
    sign_in_as(page, portal, "admin")
    expect(page.locator('[data-user="manager@demo.test"]')).to_be_visible()
    page.fill("#new-email", "new.buyer@demo.test")
    page.fill("#new-full-name", "New Buyer")
    page.click("#new-role")
    page.get_by_role("option", name="Dealer", exact=True).click()
    page.click("#new-organisation")
    page.get_by_role("option").first.click()
    page.fill("#new-password", "short")
    page.click("#create-user")
    expect(page.locator("#error-password")).to_have_text("The password must have at least 10 characters.")

    page.fill("#new-password", "a-long-enough-password")
    page.click("#create-user")
    expect(page.get_by_text("User new.buyer@demo.test created.")).to_be_visible()
    page.fill("#user-search", "new.buyer")  # the list is paged: find the new user
    row = page.locator('[data-user="new.buyer@demo.test"]')
    expect(row).to_contain_text("Dealer")

    row.get_by_role("button").click()
    page.get_by_role("menuitem", name="Deactivate").click()
    expect(row).to_contain_text("No")
    with Session(portal.engine) as session:
        created = session.exec(select(User).where(User.email_normalized == "new.buyer@demo.test")).one()
        assert created.role == "dealer" and created.is_active is False


def test_language_picked_on_the_login_page_is_kept_for_the_account(page: Page, portal: RunningPortal) -> None:
    page.goto(f"{portal.base_url}/login")
    expect(page.locator("#demo-logins")).to_be_visible()
    try:
        page.click("#language-switch")
        page.get_by_role("option", name="简体中文").click()
        expect(page.locator("#page-title")).to_have_text("登录")
        page.fill("#email", "customer@demo.test")
        page.fill("#password", DEMO_PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(at("/showroom"))
        expect(page.locator("#page-title")).to_have_text("在线展厅")
        with Session(portal.engine) as session:
            customer = session.exec(select(User).where(User.email_normalized == "customer@demo.test")).one()
            assert customer.language == "zh"
    finally:
        _set_language(portal, "customer@demo.test", "en")


def test_admin_sees_a_parked_order_with_its_error_and_retries_it(page: Page, portal: RunningPortal) -> None:
    with Session(portal.engine, expire_on_commit=False) as session:
        dealer = session.exec(select(User).where(User.email_normalized == "dealer@demo.test")).one()
        dealer_org = session.get(Organisation, dealer.organisation_id)
        store = session.exec(
            select(Location).where(
                Location.organisation_id == dealer_org.id, Location.kind == LocationKind.STORE
            )
        ).first()
        stock_row = session.exec(
            select(StockLevel)
            .join(Location, Location.id == StockLevel.location_id)
            .where(
                Location.kind == LocationKind.WAREHOUSE,
                StockLevel.part_id.is_not(None),
                StockLevel.on_hand - StockLevel.reserved > 5,
            )
            .order_by(StockLevel.id)
        ).first()
        session.commit()
        order = ordering.place_order(
            session,
            principal_for(dealer, dealer_org),
            lines=[{"item_kind": "part", "item_id": stock_row.part_id, "quantity": 1}],
            buyer_location_id=store.id,
            idempotency_key="e2e-parked-order",
        ).order
        error = f"ReservationInvariantBroken: stock_level {stock_row.id}: cannot release 1"
        session.add(
            OrderAttention(
                order_id=order.id, failures=5, step="expire_hold", last_error=error, parked_at=utcnow()
            )
        )
        session.commit()

    sign_in_as(page, portal, "admin")
    page.click('[data-nav="/admin/parked-orders"]')
    row = page.locator(f'[data-order="{order.number}"]')
    expect(row).to_contain_text(error)
    expect(row).to_contain_text("Hold expiry")
    expect(row).to_contain_text(dealer_org.name)
    row.locator(".retry-parked-order").click()
    expect(page.get_by_text(f"Order {order.number} goes back to the sweeps.")).to_be_visible()
    expect(row).to_have_count(0)
    expect(page.get_by_text("No order needs attention.")).to_be_visible()
    with Session(portal.engine) as session:
        assert session.get(OrderAttention, order.id) is None
