"""/dealers (public): the dealer locator. A city or postcode (the offline table) or the browser's
position; stores nearest first with km, today's and the week's hours in the store's zone, an
open-now badge, on the offline map; each store links to its trims and test-drive booking."""

from __future__ import annotations

import reflex as rx

from portal.components.geo_map import geo_map
from portal.components.public_frame import showroom_page
from portal.components.ui import empty_state, page_heading, t
from portal.pages.showroom.trim import place_form
from state.shared import routes
from state.showroom.dealer_locator import DealerLocatorState


class _LocatorForm:
    place = DealerLocatorState.place
    set_place = DealerLocatorState.set_place
    search = DealerLocatorState.search
    place_error = DealerLocatorState.error
    suggestions = DealerLocatorState.suggestions
    pick_suggestion = DealerLocatorState.pick_suggestion


def _week(day) -> rx.Component:
    return rx.hstack(
        rx.text(day["day"], size="1", weight=rx.cond(day["today"], "bold", "regular"), min_width="2.5rem"),
        rx.text(day["hours"], size="1", weight=rx.cond(day["today"], "bold", "regular")),
        spacing="2",
        color=rx.cond(day["today"], rx.color("gray", 12), rx.color("gray", 11)),
    )


def _trim_link(trim) -> rx.Component:
    return rx.hstack(
        rx.link(trim["name"], href=trim["href"], size="2", class_name="dealer-trim"),
        rx.link(
            rx.button(
                rx.icon("calendar-plus", size=13), t("showroom.book_test_drive"), size="1", variant="soft"
            ),
            href=trim["book"],
            class_name="book-test-drive",
        ),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def _dealer(dealer) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.hstack(
                        rx.cond(
                            dealer["highlighted"], rx.icon("map-pin", size=16, color=rx.color("tomato", 9))
                        ),
                        rx.text(dealer["name"], size="3", weight="bold", class_name="dealer-name"),
                        align="center",
                        spacing="1",
                    ),
                    rx.text(
                        dealer["city"],
                        rx.cond(
                            dealer["distance"] != "",
                            rx.text.span(" · ", dealer["distance"], class_name="dealer-km"),
                        ),
                        size="2",
                        color_scheme="gray",
                    ),
                    spacing="0",
                    min_width="0",
                ),
                rx.spacer(),
                rx.cond(
                    dealer["open_now"],
                    rx.badge(
                        t("showroom.open_now"), color_scheme="grass", variant="soft", class_name="open-now"
                    ),
                    rx.badge(t("showroom.closed_now"), color_scheme="gray", variant="soft"),
                ),
                align="start",
                gap="2",
                width="100%",
            ),
            rx.text(dealer["today"], size="2", class_name="dealer-today"),
            rx.text(dealer["local_time"], size="1", color_scheme="gray"),
            rx.accordion.root(
                rx.accordion.item(
                    header=rx.text(t("showroom.this_week"), size="2"),
                    content=rx.vstack(rx.foreach(dealer["week"], _week), spacing="0"),
                    value="week",
                ),
                collapsible=True,
                type="single",
                variant="ghost",
                width="100%",
            ),
            rx.cond(
                dealer["trims"].length() > 0,
                rx.vstack(
                    rx.text(t("showroom.test_drive_trims"), size="1", color_scheme="gray"),
                    rx.foreach(dealer["trims"], _trim_link),
                    spacing="1",
                    width="100%",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        on_click=DealerLocatorState.choose(dealer["location_id"]),
        cursor="pointer",
        border=rx.cond(dealer["highlighted"], f"2px solid {rx.color('tomato', 8)}", "none"),
        custom_attrs={"data-dealer": dealer["location_id"]},
        class_name="dealer-card",
    )


def _search_bar() -> rx.Component:
    return rx.card(
        rx.vstack(
            place_form(_LocatorForm, "dealer-place"),
            rx.flex(
                rx.button(
                    rx.cond(
                        DealerLocatorState.locating, rx.spinner(size="1"), rx.icon("locate-fixed", size=16)
                    ),
                    t("showroom.use_my_location"),
                    variant="soft",
                    on_click=DealerLocatorState.locate,
                    disabled=DealerLocatorState.locating,
                    id="use-my-location",
                ),
                rx.cond(
                    DealerLocatorState.origin_label != "",
                    rx.text(
                        t("showroom.sorted_from"),
                        " ",
                        rx.text.strong(DealerLocatorState.origin_label, id="dealer-origin"),
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                gap="3",
                align="center",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@showroom_page(routes.DEALERS, on_load=DealerLocatorState.load)
def dealers() -> rx.Component:
    return rx.vstack(
        page_heading("showroom.dealers_title", "showroom.dealers_subtitle"),
        _search_bar(),
        rx.grid(
            rx.box(
                geo_map(DealerLocatorState.figure, loading=DealerLocatorState.loading, height="420px"),
                position=rx.breakpoints(initial="static", lg="sticky"),
                top="5rem",
                min_width="0",
            ),
            rx.cond(
                DealerLocatorState.dealers.length() == 0,
                rx.cond(
                    DealerLocatorState.loading,
                    rx.skeleton(rx.box(height="12rem"), loading=True),
                    empty_state("map-pin-off", t("showroom.no_dealers")),
                ),
                rx.vstack(
                    rx.foreach(DealerLocatorState.dealers, _dealer),
                    spacing="3",
                    width="100%",
                    id="dealer-list",
                ),
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
