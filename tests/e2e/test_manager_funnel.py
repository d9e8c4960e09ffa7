"""The managers' funnel in Chromium on the demo data: every dealer store's row with the figures the
service computes, the network's funnel and trend, sorting, a click on a dealer, the phone layout."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Page, expect
from sqlmodel import Session

from services.identity.auth import principal_for
from services.showroom import funnel
from tests.e2e.conftest import RunningPortal
from tests.e2e.test_portal import _set_language, at, organisation_of, sign_in_as


def _demo_figures(portal: RunningPortal) -> list[funnel.DealerFunnel]:
    from models import User  # noqa: PLC0415

    with Session(portal.engine) as session:
        user = session.query(User).filter(User.email_normalized == "manager@demo.test").one()
        manager = principal_for(user, organisation_of(session, "manager@demo.test"))
        return funnel.network_funnel(session, manager, weeks=12, today=datetime.now(UTC).date()).dealers


def test_the_manager_sees_every_dealer_store_the_network_funnel_and_one_dealer_on_a_click(
    page: Page, portal: RunningPortal, screenshots
):
    dealers = _demo_figures(portal)
    busiest = max(dealers, key=lambda d: d.views)
    sign_in_as(page, portal, "manager")
    page.locator('[data-nav="/manager/funnel"]').first.click()
    page.wait_for_url(at("/manager/funnel"))
    expect(page.locator("#page-title")).to_have_text("Dealer funnel")
    rows = page.locator("#funnel-dealers tbody tr[data-store]")
    expect(rows).to_have_count(len(dealers), timeout=60_000)
    # Sorted by views, most first: the busiest store leads, with the service's figures.
    first = rows.first
    expect(first).to_have_attribute("data-store", str(busiest.location_id))
    expect(first).to_contain_text(busiest.store_name)
    expect(first).to_contain_text(f"{busiest.views:,}")
    expect(page.locator("#network-funnel-chart .funnellayer .trace")).to_have_count(1)
    expect(page.locator("#network-funnel-chart")).to_contain_text("Trim page views")
    expect(page.locator("#network-funnel-trend .scatterlayer .trace")).to_have_count(3)
    expect(page.locator("#funnel-charts")).to_contain_text("The whole network")
    page.screenshot(path=screenshots / "manager-funnel.png", full_page=True)

    # Sorting by dealer name: alphabetical, the other way on a second click.
    page.locator('[data-sort="dealer_name"]').click()
    names = sorted(d.dealer_name.casefold() for d in dealers)
    expect(rows.first.locator(".funnel-dealer")).to_have_text(
        next(d.dealer_name for d in dealers if d.dealer_name.casefold() == names[0])
    )
    page.locator('[data-sort="dealer_name"]').click()
    expect(rows.first.locator(".funnel-dealer")).to_have_text(
        next(d.dealer_name for d in dealers if d.dealer_name.casefold() == names[-1])
    )

    # A click on a dealer: its own funnel and trend; the button goes back to the network.
    row = page.locator(f'#funnel-dealers tr[data-store="{busiest.location_id}"]')
    row.locator(".funnel-dealer").click()
    expect(page.locator("#funnel-charts")).to_contain_text(f"{busiest.dealer_name} · {busiest.store_name}")
    expect(page.locator("#network-funnel-chart")).to_contain_text(str(busiest.views))  # Plotly: no grouping
    page.locator("#funnel-show-network").click()
    expect(page.locator("#funnel-charts")).to_contain_text("The whole network")

    # The phone: the page itself does not scroll sideways (the table scrolls in its box).
    page.set_viewport_size({"width": 390, "height": 844})
    # The charts follow the narrower window (Plotly's resize handler): nothing sticks out to the right.
    page.wait_for_function(
        """() => ['#network-funnel-chart', '#network-funnel-trend'].every((id) => {
            const svg = document.querySelector(id + ' .main-svg');
            return svg && svg.getBoundingClientRect().right <= window.innerWidth;
        })"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshots / "manager-funnel-390.png", full_page=True)


def test_the_manager_home_links_to_the_funnel_and_a_dealer_is_turned_away(page: Page, portal: RunningPortal):
    sign_in_as(page, portal, "manager")
    page.locator("#open-dealer-funnel").click()
    page.wait_for_url(at("/manager/funnel"))
    try:  # in Chinese: the title, the period and the table's headers
        page.click("#language-switch")
        page.get_by_role("option", name="简体中文").click()
        expect(page.locator("#page-title")).to_have_text("经销商试驾漏斗")
        expect(page.locator("#funnel-period")).to_have_text("最近 12 周")
        expect(page.locator('[data-sort="show_up_rate"]')).to_have_text("预约转到店")
        expect(page.locator("#funnel-period-label")).to_contain_text("年")
    finally:
        _set_language(portal, "manager@demo.test", "en")
    page.locator("#logout").click()
    page.wait_for_url(at("/login"))
    sign_in_as(page, portal, "dealer")
    page.goto(f"{portal.base_url}/manager/funnel")
    page.wait_for_url(at("/dealer"))
    expect(page.locator("#funnel-dealers")).to_have_count(0)
