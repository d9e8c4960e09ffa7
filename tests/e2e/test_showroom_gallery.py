"""The showroom's pictures in Chromium: each card's picture fills its panel edge to edge, and a
trim's page has a gallery of the trim in each of its paints, the big picture following the chosen
one (every picture served by the app). Desktop and 390 px."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models import Trim, TrimColour
from tests.e2e.conftest import RunningPortal


def test_each_cards_picture_fills_the_width_of_its_card(
    page: Page, portal: RunningPortal, screenshots
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{portal.base_url}/showroom")
    pictures = page.locator(".trim-card-picture")
    expect(pictures.first).to_be_visible()
    widths = page.evaluate(
        """() => [...document.querySelectorAll('.trim-card-picture')].map(picture => {
            const card = picture.closest('.rt-Card');
            return [picture.getBoundingClientRect().width, card.getBoundingClientRect().width];
        })"""
    )
    assert widths, "no trim cards"
    for picture, card in widths:
        assert abs(picture - card) <= 2, f"a card's picture is {picture:.0f}px wide in a {card:.0f}px card"
    page.screenshot(path=screenshots / "showroom-cards-1440.png")


def test_a_trims_gallery_shows_the_trim_in_each_paint(page: Page, portal: RunningPortal, screenshots) -> None:
    with Session(portal.engine) as session:
        trim = session.exec(select(Trim).order_by(Trim.price.desc())).first()
        colours = session.exec(
            select(TrimColour.key).where(TrimColour.trim_id == trim.id).order_by(TrimColour.position)
        ).all()
    assert len(colours) >= 2
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{portal.base_url}/showroom/trims/{trim.id}")
    thumbnails = page.locator(".gallery-colour")
    expect(thumbnails).to_have_count(len(colours))
    image = page.locator("#trim-image")
    expect(image).to_have_attribute("src", f"/vehicles/{_model_code(portal, trim)}/{colours[0]}.svg")
    expect(thumbnails.first).to_have_attribute("aria-pressed", "true")

    page.locator(f'.gallery-colour[data-colour="{colours[-1]}"]').click()
    expect(image).to_have_attribute("src", f"/vehicles/{_model_code(portal, trim)}/{colours[-1]}.svg")
    expect(page.locator(f'.gallery-colour[data-colour="{colours[-1]}"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(thumbnails.first).to_have_attribute("aria-pressed", "false")
    # The picture is the app's own file, and it loaded.
    assert page.evaluate("document.querySelector('#trim-image').naturalWidth") > 0
    expect(page.locator("#gallery-caption")).to_contain_text("Colour:")
    page.screenshot(path=screenshots / "trim-gallery-1280.png")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(thumbnails).to_have_count(len(colours))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.screenshot(path=screenshots / "trim-gallery-390.png")


def _model_code(portal: RunningPortal, trim: Trim) -> str:
    from models import VehicleModel

    with Session(portal.engine) as session:
        return session.get(VehicleModel, trim.model_id).code
