"""The configurator in Chromium: a visitor configures a trim and is asked to sign in to order; a
customer picks the colour and packs of a car standing built at a store, sees the price, the deposit
and "in stock" follow each click, orders it and lands on the order page with the configured deposit;
the page on a 390 px phone.

The customer is a new account of its own, and the car is one no other e2e test orders."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from models import (
    BuiltVehicle,
    Location,
    OrderConfiguration,
    Organisation,
    OrganisationKind,
    Role,
    StockLevel,
)
from services.platform.formatting import format_money
from services.showroom.configurator import load_options, pack_states, quote
from services.showroom.configured_orders import options_at_store
from tests.e2e.conftest import PHONE, RunningPortal
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e

CUSTOMER_EMAIL = "configurator.customer@example.test"


def _sign_in(page: Page, portal: RunningPortal) -> None:
    page.goto(f"{portal.base_url}/login")
    expect(page.locator("#demo-logins")).to_be_visible()
    page.fill("#email", CUSTOMER_EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: urlparse(url).path.rstrip("/") == "/showroom")


@pytest.fixture(scope="module")
def car(portal: RunningPortal) -> dict:
    """A free built car with packs at a store that has a unit of its trim free, and a new customer."""
    with Session(portal.engine) as session:
        rows = session.exec(
            select(BuiltVehicle, Location, StockLevel)
            .join(Location, Location.id == BuiltVehicle.location_id)
            .join(
                StockLevel,
                (StockLevel.location_id == BuiltVehicle.location_id)
                & (StockLevel.trim_id == BuiltVehicle.trim_id),
            )
            .where(BuiltVehicle.reserved_order_id.is_(None), BuiltVehicle.packs != "")
            .order_by(BuiltVehicle.id.desc())
        ).all()
        built, store, _ = next((b, loc, s) for b, loc, s in rows if s.on_hand - s.reserved >= 1)
        consumers = session.exec(
            select(Organisation).where(Organisation.kind == OrganisationKind.CONSUMER)
        ).first()
        make_user(session, Role.CUSTOMER, consumers, email=CUSTOMER_EMAIL)
        session.commit()
        options = load_options(session, built.trim_id)
        at_store = options_at_store(session, options, store.id)  # the store's market prices the car
        found = {
            "id": built.id,
            "vin": built.vin,
            "trim_id": built.trim_id,
            "colour": built.colour_key,
            "packs": built.packs.split(","),
            "store_id": store.id,
            "store": store.name,
            "options": options,
            "store_options": at_store,
        }
        session.commit()  # end the read: the app writes to the same SQLite file
    return found


def _money(amount, car: dict, key: str = "options") -> str:
    return format_money(amount, car[key].currency, "en")


def test_a_visitor_configures_and_is_asked_to_sign_in(page: Page, portal: RunningPortal, car: dict) -> None:
    options = car["options"]
    page.goto(f"{portal.base_url}/showroom/trims/{car['trim_id']}")
    expect(page.locator("#trim-name")).to_have_text(options.trim_name)
    page.click("#trim-configure")
    page.wait_for_url(re.compile(rf"/showroom/trims/{car['trim_id']}/configure"))
    expect(page.locator("#config-trim-name")).to_have_text(options.trim_name)
    first = quote(options, options.colours[0].key, [])
    expect(page.locator("#config-total")).to_have_text(_money(first.total, car))
    expect(page.locator("#config-deposit")).to_have_text(_money(first.deposit, car))
    # a pack a rule blocks is disabled, with the rule said beside it
    blocked = [s for s in pack_states(options, []) if not s.enabled]
    for state in blocked:
        expect(page.locator(f"#pack-{state.code}")).to_be_disabled()
        expect(page.locator(f'[data-pack="{state.code}"] .pack-reason')).to_contain_text("only available on")
    # a rule between packs: with the sport pack ticked, the comfort pack is blocked, and the price follows
    page.click("#pack-sport")
    expect(page.locator("#pack-comfort")).to_be_disabled()
    expect(page.locator('[data-pack="comfort"] .pack-reason')).to_have_text("Not with Sport pack.")
    sporty = quote(options, options.colours[0].key, ["sport"])
    expect(page.locator("#config-total")).to_have_text(_money(sporty.total, car))
    page.click("#pack-sport")
    expect(page.locator("#pack-comfort")).to_be_enabled()
    expect(page.locator("#config-order")).to_have_count(0)
    expect(page.locator("#config-sign-in")).to_be_visible()


def test_a_customer_orders_the_car_built_in_that_configuration(
    page: Page, portal: RunningPortal, car: dict, screenshots
) -> None:
    options = car["store_options"]  # priced in the store's market, as the page shows it there
    _sign_in(page, portal)
    page.goto(f"{portal.base_url}/showroom/trims/{car['trim_id']}/configure?dealer={car['store_id']}")
    expect(page.locator("#config-trim-name")).to_have_text(options.trim_name)

    page.click(f"#colour-{car['colour']}")
    expect(page.locator(f"#colour-{car['colour']}")).to_have_attribute("aria-pressed", "true")
    for code in car["packs"]:
        page.click(f"#pack-{code}")
        expect(page.locator(f"#pack-{code}")).to_have_attribute("data-state", "checked")
    chosen = quote(options, car["colour"], car["packs"])
    expect(page.locator("#config-total")).to_have_text(_money(chosen.total, car, "store_options"))
    expect(page.locator("#config-deposit")).to_have_text(_money(chosen.deposit, car, "store_options"))
    expect(page.locator("#config-delivery")).to_have_text(
        re.compile(rf"In stock at {re.escape(car['store'])}")
    )
    page.screenshot(path=str(screenshots / "configurator-1280.png"), full_page=True)

    # One more pack: nothing stands built like that, so the plant builds it; then back.
    states = {s.code: s for s in pack_states(options, car["packs"])}
    extra = next(
        (
            p.code
            for p in options.packs
            if p.code not in car["packs"] and states[p.code].enabled and not p.requires_packs
        ),
        None,
    )
    if extra is not None:
        page.click(f"#pack-{extra}")
        more = quote(options, car["colour"], [*car["packs"], extra])
        expect(page.locator("#config-total")).to_have_text(_money(more.total, car, "store_options"))
        expect(page.locator("#config-delivery")).to_contain_text("Built for you at the plant")
        page.click(f"#pack-{extra}")
        expect(page.locator("#config-delivery")).to_contain_text("In stock at")

    page.click("#config-order")
    page.wait_for_url(re.compile(r"/orders/\d+/?$"))
    expect(page.locator("#order-deposit")).to_have_text(_money(chosen.deposit, car, "store_options"))
    expect(page.locator("#order-total")).to_have_text(_money(chosen.total, car, "store_options"))
    colour = next(c for c in options.colours if c.key == car["colour"])
    expect(page.locator("#order-colour")).to_have_text(colour.label)
    expect(page.locator("#order-delivery")).to_contain_text(f"Already built (VIN {car['vin']})")
    page.screenshot(path=str(screenshots / "configured-order-1280.png"), full_page=True)
    order_id = int(urlparse(page.url).path.rstrip("/").rsplit("/", 1)[1])
    with Session(portal.engine) as session:
        configuration = session.exec(
            select(OrderConfiguration).where(OrderConfiguration.order_id == order_id)
        ).one()
        assert (configuration.colour_key, configuration.from_plant) == (car["colour"], False)
        assert sorted(p["code"] for p in configuration.packs) == sorted(car["packs"])
        assert session.get(BuiltVehicle, car["id"]).reserved_order_id == order_id


def test_the_configurator_fits_a_phone(
    browser: Browser, portal: RunningPortal, car: dict, screenshots
) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.set_default_timeout(20_000)
        _sign_in(phone, portal)
        phone.goto(f"{portal.base_url}/showroom/trims/{car['trim_id']}/configure")
        expect(phone.locator("#config-trim-name")).to_be_visible()
        swatch = phone.locator(".colour-swatch").nth(1)
        swatch.tap()
        expect(swatch).to_have_attribute("aria-pressed", "true")
        expect(phone.locator("#config-order")).to_be_visible()
        assert phone.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        phone.screenshot(path=str(screenshots / "configurator-390.png"), full_page=True)
    finally:
        context.close()
