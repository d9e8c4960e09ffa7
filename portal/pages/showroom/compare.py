"""/showroom/compare?trims=1,2,3 (public): up to three trims side by side, the specs aligned in
rows, a row whose values differ marked."""

from __future__ import annotations

import reflex as rx

from portal.components.public_frame import showroom_page
from portal.components.ui import empty_state, page_heading, t
from state.shared import routes
from state.showroom.compare import CompareState


def _head(column) -> rx.Component:
    return rx.table.column_header_cell(
        rx.vstack(
            rx.image(
                src=column["image"], alt=column["model"], height="5rem", width="100%", object_fit="contain"
            ),
            rx.text(column["model"], size="1", color_scheme="gray"),
            rx.link(column["name"], href=column["href"], weight="bold", size="3", class_name="compare-name"),
            rx.link(
                rx.button(
                    rx.icon("x", size=14),
                    t("showroom.compare_remove"),
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                ),
                href=column["without"],
                class_name="compare-remove",
            ),
            spacing="1",
            align="start",
        ),
        min_width="10rem",
        vertical_align="top",
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.text(row["label"], weight="medium", size="2"),
                rx.cond(
                    row["differs"], rx.badge(t("showroom.compare_differs"), color_scheme="amber", size="1")
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            min_width="8rem",
        ),
        rx.foreach(
            row["values"],
            lambda value: rx.table.cell(
                rx.text(value, size="2", weight=rx.cond(row["differs"], "bold", "regular")),
            ),
        ),
        background=rx.cond(row["differs"], rx.color("amber", 2), "transparent"),
        custom_attrs={"data-differs": rx.cond(row["differs"], "true", "false")},
        class_name="compare-row",
    )


@showroom_page(routes.COMPARE, on_load=CompareState.load)
def compare() -> rx.Component:
    return rx.vstack(
        page_heading("showroom.compare_title", "showroom.compare_subtitle"),
        rx.cond(
            CompareState.loading & (CompareState.columns.length() == 0),
            rx.skeleton(rx.box(height="16rem", width="100%"), loading=True),
            rx.cond(
                CompareState.columns.length() == 0,
                empty_state(
                    "columns-3",
                    t("showroom.compare_empty"),
                    rx.link(t("showroom.back_to_showroom"), href=routes.SHOWROOM),
                    id="compare-empty",
                ),
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(""), rx.foreach(CompareState.columns, _head)
                            )
                        ),
                        rx.table.body(rx.foreach(CompareState.rows, _row)),
                        variant="surface",
                        width="100%",
                        id="compare-table",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
            ),
        ),
        rx.link(
            rx.hstack(rx.icon("plus", size=14), t("showroom.compare_more"), spacing="1", align="center"),
            href=routes.SHOWROOM,
            size="2",
        ),
        spacing="4",
        width="100%",
    )
