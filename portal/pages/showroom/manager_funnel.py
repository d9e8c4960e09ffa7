"""/manager/funnel: every dealer store's test-drive funnel over a period, sortable; the network's (or
one store's, on a click) funnel chart and weekly conversion trend."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.funnel import funnel_chart
from portal.components.ui import choice_select, data_table, empty_state, page_heading, section, t
from state.shared import routes
from state.showroom.manager_funnel import COLUMNS, DealerRow, ManagerFunnelState


def _chart(figure, element_id: str) -> rx.Component:
    return funnel_chart(figure, element_id, ManagerFunnelState.loading)


def _header(key: str, label_key: str, numeric: bool) -> rx.Component:
    """A column header that sorts by its column (again: the other way), with the direction shown."""
    active = ManagerFunnelState.sort_column == key
    arrow = rx.cond(
        active,
        rx.icon(rx.cond(ManagerFunnelState.descending, "arrow-down", "arrow-up"), size=14),
        rx.icon("arrow-up-down", size=14, color=rx.color("gray", 8)),
    )
    return rx.table.column_header_cell(
        rx.button(
            t(label_key),
            arrow,
            variant="ghost",
            size="1",
            color_scheme=rx.cond(active, "accent", "gray"),
            on_click=ManagerFunnelState.sort_by(key),
            custom_attrs={"data-sort": key},
        ),
        text_align="right" if numeric else "left",
        white_space="nowrap",
        aria_sort=rx.cond(active, rx.cond(ManagerFunnelState.descending, "descending", "ascending"), "none"),
    )


def _number(value) -> rx.Component:
    return rx.table.cell(value, text_align="right", style={"font-variant-numeric": "tabular-nums"})


def _row(row: DealerRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                row["dealer_name"],
                on_click=ManagerFunnelState.choose_store(row["id"]),
                cursor="pointer",
                weight="medium",
                class_name="funnel-dealer",
            ),
            min_width="11rem",
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row["store_name"], size="2"),
                rx.text(row["city"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            min_width="10rem",
        ),
        _number(row["views"]),
        _number(row["bookings"]),
        _number(row["show_ups"]),
        _number(row["orders"]),
        _number(row["booking_rate"]),
        _number(row["show_up_rate"]),
        _number(row["order_rate"]),
        background=rx.cond(row["selected"], rx.color("accent", 3), "transparent"),
        custom_attrs={"data-store": row["id"]},
    )


def _filters() -> rx.Component:
    return rx.flex(
        choice_select(
            ManagerFunnelState.weeks,
            ManagerFunnelState.period_options,
            ManagerFunnelState.set_weeks,
            "funnel-period",
            "manager_funnel.period_label",
            min_width="10rem",
        ),
        choice_select(
            ManagerFunnelState.trim,
            ManagerFunnelState.trim_options,
            ManagerFunnelState.set_trim,
            "funnel-trim",
            "manager_funnel.trim_label",
            min_width="12rem",
        ),
        gap="0.75rem",
        wrap="wrap",
        align="end",
    )


def _charts() -> rx.Component:
    return section(
        ManagerFunnelState.chart_title,
        rx.grid(
            _chart(ManagerFunnelState.funnel_figure, "network-funnel-chart"),
            _chart(ManagerFunnelState.trend_figure, "network-funnel-trend"),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="1rem",
            width="100%",
        ),
        actions=rx.cond(
            ManagerFunnelState.selected_store != "",
            rx.button(
                rx.icon("globe", size=14),
                t("manager_funnel.show_network"),
                variant="soft",
                size="1",
                on_click=ManagerFunnelState.show_network,
                id="funnel-show-network",
            ),
        ),
        id="funnel-charts",
    )


@framed_page(routes.NETWORK_FUNNEL, on_load=ManagerFunnelState.load)
def manager_funnel() -> rx.Component:
    return rx.vstack(
        page_heading("manager_funnel.title", "manager_funnel.subtitle", _filters()),
        rx.cond(
            ManagerFunnelState.empty & ~ManagerFunnelState.loading,
            section(
                t("manager_funnel.table_title"),
                empty_state("filter", t("manager_funnel.empty"), t("manager_funnel.empty_hint")),
            ),
            rx.vstack(
                _charts(),
                section(
                    t("manager_funnel.table_title"),
                    rx.text(
                        ManagerFunnelState.period_label,
                        size="2",
                        color_scheme="gray",
                        id="funnel-period-label",
                    ),
                    data_table(
                        [_header(*column) for column in COLUMNS],
                        ManagerFunnelState.rows,
                        _row,
                        table_id="funnel-dealers",
                        loading=ManagerFunnelState.loading,
                        min_width="66rem",
                        size="1",
                    ),
                    rx.text(t("manager_funnel.click_hint"), size="1", color_scheme="gray"),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )
