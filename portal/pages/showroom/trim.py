"""/showroom/trims/[trim_id] (public): one trim's photo, specs and price, and the stores that have
it for a test drive and in stock, nearest first from the place the visitor gives."""

from __future__ import annotations

import reflex as rx

from portal.components.public_frame import showroom_page
from portal.components.ui import empty_state, section, t
from state.shared import routes
from state.showroom.compare import CompareState
from state.showroom.trim_page import TrimPageState


def _spec(icon: str, label_key: str, value) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=18, color=rx.color("accent", 10)),
        rx.vstack(
            rx.text(t(label_key), size="1", color_scheme="gray"),
            rx.text(value, size="3", weight="medium"),
            spacing="0",
        ),
        align="center",
        spacing="2",
        min_width="9rem",
    )


def _thumbnail(row) -> rx.Component:
    return rx.tooltip(
        rx.box(
            rx.image(src=row["image"], alt=row["label"], width="100%", height="2.6rem", object_fit="contain"),
            rx.box(
                width="0.9rem",
                height="0.9rem",
                border_radius="9999px",
                background=row["hex"],
                border=f"1px solid {rx.color('gray', 7)}",
                margin_x="auto",
                margin_top="0.2rem",
            ),
            on_click=TrimPageState.show_colour(row["key"]),
            cursor="pointer",
            padding="0.35rem",
            border_radius="var(--radius-3)",
            border=rx.cond(
                row["selected"], f"2px solid {rx.color('accent', 9)}", f"2px solid {rx.color('gray', 4)}"
            ),
            background=rx.color("gray", 1),
            width="4.6rem",
            role="button",
            aria_label=row["label"],
            aria_pressed=rx.cond(row["selected"], "true", "false"),
            class_name="gallery-colour",
            custom_attrs={"data-colour": row["key"]},
        ),
        content=row["label"],
    )


def _gallery() -> rx.Component:
    """The big picture in the chosen paint, and a thumbnail per paint under it."""
    trim = TrimPageState.trim
    return rx.vstack(
        rx.center(
            rx.image(
                src=TrimPageState.shown_image,
                alt=trim["model"],
                width="100%",
                max_height="17rem",
                object_fit="contain",
                id="trim-image",
            ),
            background=rx.color("accent", 2),
            border_radius="var(--radius-4)",
            padding="1rem",
            width="100%",
        ),
        rx.cond(
            TrimPageState.gallery.length() > 0,
            rx.vstack(
                rx.text(
                    t("showroom.gallery_colour"),
                    " ",
                    rx.foreach(
                        TrimPageState.gallery,
                        lambda row: rx.cond(row["selected"], rx.text.strong(row["label"])),
                    ),
                    size="2",
                    color_scheme="gray",
                    id="gallery-caption",
                ),
                rx.flex(
                    rx.foreach(TrimPageState.gallery, _thumbnail), gap="2", wrap="wrap", id="trim-gallery"
                ),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="3",
        flex="1 1 20rem",
        min_width="0",
    )


def _summary() -> rx.Component:
    trim = TrimPageState.trim
    picked = CompareState.picked_ids.contains(trim["id"])
    return rx.flex(
        _gallery(),
        rx.vstack(
            rx.text(trim["model"], size="3", color_scheme="gray", weight="medium"),
            rx.heading(trim["name"], size=rx.breakpoints(initial="6", md="8"), as_="h1", id="trim-name"),
            rx.text(trim["description"], size="2", color_scheme="gray"),
            rx.flex(
                rx.badge(trim["body"], variant="outline"),
                rx.badge(trim["powertrain"], variant="soft", color_scheme="teal"),
                gap="2",
                wrap="wrap",
            ),
            rx.flex(
                _spec("battery-charging", "showroom.powertrain", trim["powertrain"]),
                rx.cond(trim["range"] != "", _spec("route", "showroom.compare_range", trim["range"])),
                rx.cond(trim["efficiency"] != "", _spec("gauge", "showroom.efficiency", trim["efficiency"])),
                _spec("zap", "showroom.compare_power", trim["power"]),
                gap="4",
                wrap="wrap",
                id="trim-specs",
            ),
            rx.vstack(
                rx.text(trim["price"], size="7", weight="bold", id="trim-price"),
                rx.text(trim["currency_note"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            rx.flex(
                rx.link(
                    rx.button(rx.icon("sliders-horizontal", size=16), t("configurator.configure"), size="3"),
                    href=TrimPageState.configure_href,
                    id="trim-configure",
                ),
                rx.button(
                    rx.cond(picked, rx.icon("check", size=16), rx.icon("columns-3", size=16)),
                    rx.cond(picked, t("showroom.compare_remove"), t("showroom.compare_add")),
                    variant="soft",
                    color_scheme="gray",
                    size="3",
                    on_click=CompareState.toggle(trim["id"]),
                    id="trim-compare",
                ),
                gap="3",
                wrap="wrap",
            ),
            spacing="3",
            flex="1 1 20rem",
            min_width="0",
        ),
        gap="5",
        wrap="wrap",
        width="100%",
    )


def _offer(offer) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(offer["name"], size="3", weight="bold"),
                    rx.cond(
                        offer["open_now"],
                        rx.badge(t("showroom.open_now"), color_scheme="grass", variant="soft"),
                        rx.badge(t("showroom.closed_now"), color_scheme="gray", variant="soft"),
                    ),
                    rx.cond(offer["highlighted"], rx.badge(t("showroom.your_dealer"), color_scheme="tomato")),
                    align="center",
                    wrap="wrap",
                    spacing="2",
                ),
                rx.text(
                    offer["city"],
                    rx.cond(
                        offer["distance"] != "", rx.text.span(" · ", offer["distance"], class_name="offer-km")
                    ),
                    size="2",
                    color_scheme="gray",
                ),
                rx.text(offer["hours_today"], size="1", color_scheme="gray"),
                rx.flex(
                    rx.cond(
                        offer["bookable"],
                        rx.badge(rx.icon("key-round", size=12), offer["demo_cars"], color_scheme="indigo"),
                    ),
                    rx.cond(
                        offer["in_stock"],
                        rx.badge(rx.icon("warehouse", size=12), offer["available"], color_scheme="grass"),
                    ),
                    gap="2",
                    wrap="wrap",
                ),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            rx.cond(
                offer["bookable"],
                rx.link(
                    rx.button(rx.icon("calendar-plus", size=15), t("showroom.book_test_drive"), size="2"),
                    href=offer["book_href"],
                    class_name="book-test-drive",
                ),
            ),
            align="center",
            gap="3",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-dealer": offer["location_id"]},
        class_name="trim-offer",
    )


def place_form(state, element_id: str) -> rx.Component:
    """A city-or-postcode field with its search button, the error and the suggestions under it."""
    return rx.vstack(
        rx.form(
            rx.flex(
                rx.input(
                    value=state.place,
                    on_change=state.set_place,
                    placeholder=t("showroom.place_placeholder"),
                    aria_label=t("showroom.place_label"),
                    id=element_id,
                    size="3",
                    flex="1 1 14rem",
                    max_length=100,
                ),
                rx.button(
                    rx.icon("search", size=16),
                    t("common.search"),
                    size="3",
                    type="submit",
                    id=f"{element_id}-submit",
                ),
                gap="2",
                wrap="wrap",
                width="100%",
            ),
            on_submit=state.search,
            width="100%",
        ),
        rx.cond(
            state.place_error != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert", size=16)),
                rx.callout.text(
                    rx.text(state.place_error, id=f"{element_id}-error"),
                    rx.flex(
                        rx.text(t("showroom.did_you_mean"), size="2"),
                        rx.foreach(
                            state.suggestions,
                            lambda place: rx.button(
                                place,
                                size="1",
                                variant="soft",
                                on_click=state.pick_suggestion(place),
                                class_name="place-suggestion",
                            ),
                        ),
                        gap="2",
                        wrap="wrap",
                        align="center",
                        margin_top="0.5rem",
                    ),
                ),
                color_scheme="amber",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _offers() -> rx.Component:
    return section(
        t("showroom.where_to_see"),
        rx.text(t("showroom.where_to_see_hint"), size="2", color_scheme="gray"),
        place_form(TrimPageState, "trim-place"),
        rx.cond(
            TrimPageState.offers.length() == 0,
            empty_state("map-pin-off", t("showroom.no_offers")),
            rx.vstack(rx.foreach(TrimPageState.offers, _offer), spacing="2", width="100%", id="trim-offers"),
        ),
    )


@showroom_page(routes.TRIM, on_load=TrimPageState.load)
def trim_page() -> rx.Component:
    return rx.cond(
        TrimPageState.missing,
        empty_state(
            "car",
            t("showroom.trim_missing"),
            rx.link(t("showroom.back_to_showroom"), href=routes.SHOWROOM),
            id="trim-missing",
        ),
        rx.cond(
            TrimPageState.loading & (TrimPageState.trim.length() == 0),
            rx.skeleton(rx.box(height="24rem", width="100%"), loading=True),
            rx.vstack(
                rx.link(
                    rx.hstack(
                        rx.icon("arrow-left", size=14),
                        t("showroom.back_to_showroom"),
                        spacing="1",
                        align="center",
                    ),
                    href=routes.SHOWROOM,
                    size="2",
                ),
                _summary(),
                _offers(),
                spacing="5",
                width="100%",
            ),
        ),
    )
