"""The public showroom in Chromium, as a visitor who never signs in: browse, open a trim, compare
three trims (a fourth refused), find the nearest dealer from a postcode on the offline map (no
request leaves the app; the topojson comes from /topojson/), and the 390 px phone layout."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func
from sqlmodel import Session, select

from models import Location, LocationKind, Trim, TrimViewCount
from models.showroom import ShowroomStore
from services.showroom import places
from services.showroom.locator import nearest_dealers, resolve_origin
from tests.e2e.conftest import DESKTOP, RunningPortal


def _no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390


def _postcode_with_a_store(portal: RunningPortal) -> tuple[str, str]:
    """A postcode of a city with a test-drive store, and the name of the store nearest to it."""
    with Session(portal.engine) as session:
        cities = session.exec(
            select(Location.city)
            .join(ShowroomStore, ShowroomStore.location_id == Location.id)
            .where(Location.kind == LocationKind.STORE)
        ).all()
        place = next(
            places.find_city(city) for city in cities if (p := places.find_city(city)) and p.postcodes
        )
        postcode = place.postcodes[0]
        nearest = nearest_dealers(session, resolve_origin(postcode=postcode), limit=1)[0]
    return postcode, nearest.name


def test_a_visitor_browses_opens_a_trim_and_compares_three(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    page.goto(f"{portal.base_url}/showroom")
    expect(page.locator("#public-sign-in")).to_be_visible()
    cards = page.locator("#trim-grid [data-trim]")
    expect(cards.first).to_be_visible()
    with Session(portal.engine) as session:
        trims = session.exec(select(Trim).order_by(Trim.price, Trim.code)).all()
    expect(cards).to_have_count(len(trims))
    expect(page.locator("#currency-note")).to_contain_text("CNY")
    page.screenshot(path=str(screenshots / "showroom-public-1280.png"), full_page=True)

    for card in range(3):
        cards.nth(card).locator(".compare-toggle").click()
    expect(page.locator("#compare-count")).to_have_text("3")
    cards.nth(3).locator(".compare-toggle").click()
    expect(page.get_by_text("You can compare at most 3 trims: remove one first.")).to_be_visible()
    expect(page.locator("#compare-count")).to_have_text("3")

    page.locator("#compare-open").click()
    page.wait_for_url(lambda url: "/showroom/compare?trims=" in url)
    expect(page.locator("#compare-table .compare-name")).to_have_text([trim.name for trim in trims[:3]])
    price_row = page.locator(".compare-row").first
    expect(price_row).to_have_attribute("data-differs", "true")
    page.screenshot(path=str(screenshots / "showroom-compare-1280.png"), full_page=True)

    page.locator(".compare-name").first.click()
    page.wait_for_url(lambda url: f"/showroom/trims/{trims[0].id}" in url)
    expect(page.locator("#trim-name")).to_have_text(trims[0].name)
    with Session(portal.engine) as session:  # the visit was counted, on the server, for that trim
        counted = session.exec(
            select(func.sum(TrimViewCount.views)).where(TrimViewCount.trim_id == trims[0].id)
        )
        assert (counted.one() or 0) >= 1
    expect(page.locator("#public-sign-in")).to_be_visible()


def test_a_trim_page_lists_the_dealers_nearest_first_with_booking_links(
    page: Page, portal: RunningPortal
) -> None:
    postcode, nearest = _postcode_with_a_store(portal)
    with Session(portal.engine) as session:
        trim = session.exec(select(Trim).order_by(Trim.price)).first()
    page.goto(f"{portal.base_url}/showroom/trims/{trim.id}")
    expect(page.locator("#trim-name")).to_have_text(trim.name)
    page.fill("#trim-place", "Atlantis")
    page.click("#trim-place-submit")
    expect(page.locator("#trim-place-error")).to_have_text("The city Atlantis is not in our list of places.")
    page.fill("#trim-place", postcode)
    page.click("#trim-place-submit")
    expect(page.locator("#trim-place-error")).to_have_count(0)
    first = page.locator(".trim-offer").first
    expect(first.locator(".offer-km")).to_be_visible()
    book = page.locator(".trim-offer .book-test-drive").first
    href = book.get_attribute("href")
    assert href.startswith(f"/test-drive/book?trim={trim.id}&dealer=")


def test_the_dealer_locator_finds_the_nearest_from_a_postcode_offline(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    app_host = urlparse(portal.base_url).netloc
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    with page.expect_response(lambda response: "/topojson/" in response.url and response.ok):
        page.goto(f"{portal.base_url}/dealers")
    expect(page.locator('[data-map="geo"] g.geo')).to_have_count(1)
    assert (
        page.locator('[data-map="geo"] .countries path').count() > 0
        or page.locator('[data-map="geo"] .geo path').count() > 10
    )

    postcode, nearest = _postcode_with_a_store(portal)
    page.fill("#dealer-place", "Atlantis")
    page.click("#dealer-place-submit")
    expect(page.locator("#dealer-place-error")).to_have_text(
        "The city Atlantis is not in our list of places."
    )
    expect(page.locator(".place-suggestion").first).to_be_visible()

    page.fill("#dealer-place", postcode)
    page.click("#dealer-place-submit")
    first = page.locator(".dealer-card").first
    expect(first.locator(".dealer-name")).to_have_text(nearest)
    expect(first.locator(".dealer-km")).to_contain_text("km")
    expect(first.locator(".dealer-today")).to_contain_text("time")
    expect(page.locator("#dealer-origin")).to_be_visible()
    page.screenshot(path=str(screenshots / "dealers-1280.png"), full_page=True)

    outside = [
        url
        for url in requests
        if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).netloc != app_host
    ]
    assert outside == []
    assert any("/topojson/" in url for url in requests)


def test_the_visitor_pages_fit_a_390px_phone(phone_page: Page, portal: RunningPortal, screenshots) -> None:
    page = phone_page
    postcode, nearest = _postcode_with_a_store(portal)
    page.goto(f"{portal.base_url}/showroom")
    expect(page.locator("#trim-grid [data-trim]").first).to_be_visible()
    _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "showroom-public-390.png"), full_page=True)
    page.goto(f"{portal.base_url}/dealers?place={postcode}")
    expect(page.locator(".dealer-card").first.locator(".dealer-name")).to_have_text(nearest)
    expect(page.locator('[data-map="geo"] g.geo')).to_have_count(1)
    _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "dealers-390.png"), full_page=True)
    with Session(portal.engine) as session:
        ids = [trim.id for trim in session.exec(select(Trim).order_by(Trim.price).limit(3)).all()]
    page.goto(f"{portal.base_url}/showroom/compare?trims={','.join(map(str, ids))}")
    expect(page.locator("#compare-table .compare-name")).to_have_count(3)
    _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "compare-390.png"), full_page=True)
    page.goto(f"{portal.base_url}/showroom/trims/{ids[0]}")
    expect(page.locator("#trim-name")).to_be_visible()
    _no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "trim-390.png"), full_page=True)


def test_the_browsers_location_sorts_the_dealers_and_a_refusal_is_explained(
    browser: Browser, portal: RunningPortal
) -> None:
    shanghai = places.find_city("Shanghai")
    with Session(portal.engine) as session:
        nearest = nearest_dealers(session, resolve_origin(near=f"{shanghai.latitude},{shanghai.longitude}"))[
            0
        ]
    allowed = browser.new_context(
        viewport=DESKTOP,
        locale="en-US",
        geolocation={"latitude": shanghai.latitude, "longitude": shanghai.longitude},
        permissions=["geolocation"],
    )
    try:
        page = allowed.new_page()
        page.goto(f"{portal.base_url}/dealers")
        expect(page.locator(".dealer-card").first).to_be_visible()
        page.click("#use-my-location")
        expect(page.locator("#dealer-origin")).to_have_text("your location")
        expect(page.locator(".dealer-card").first.locator(".dealer-name")).to_have_text(nearest.name)
    finally:
        allowed.close()
    refused = browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        page = refused.new_page()
        page.goto(f"{portal.base_url}/dealers")
        expect(page.locator(".dealer-card").first).to_be_visible()
        page.click("#use-my-location")
        expect(page.locator("#dealer-place-error")).to_have_text(
            "Location access was refused: type a city or postcode instead."
        )
    finally:
        refused.close()
