"""Order pieces the pages share: the status badge and the orders table (lists and the dealer home)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from portal.components.ui import PHONE_ONLY, WIDE_ONLY, data_table, empty_state, header_cell, number_cell, t
from state.ordering.orders import STATUS_COLOURS


def status_badge(status: Var | str, label: Var | str, size: str = "2", **props) -> rx.Component:
    """An order status in its colour: amber waiting, blue paid, green allocated, red cancelled."""
    return rx.badge(
        label,
        color_scheme=rx.match(
            status, *[(value.value, colour) for value, colour in STATUS_COLOURS.items()], "gray"
        ),
        variant="soft",
        size=size,
        radius="full",
        custom_attrs={"data-status": status},
        **props,
    )


def _order_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(row["number"], href=row["href"], weight="medium"),
            # On a phone the total stands under the number instead of in its own column.
            rx.text(row["total"], size="1", class_name="phone-total", **PHONE_ONLY),
            white_space="nowrap",
        ),
        rx.table.cell(status_badge(row["status"], row["status_label"], size="1")),
        rx.table.cell(row["created"], white_space="nowrap", **WIDE_ONLY),
        rx.table.cell(row["location"], **WIDE_ONLY),
        number_cell(row["lines"], wide_only=True),
        rx.table.cell(
            row["total"],
            text_align="right",
            white_space="nowrap",
            style={"font-variant-numeric": "tabular-nums"},
            **WIDE_ONLY,
        ),
        custom_attrs={"data-order": row["number"]},
    )


def orders_table(
    rows: Var,
    loading: Var,
    element_id: str,
    *,
    empty_icon: str = "clipboard-list",
    empty_hint: Var | str | None = None,
) -> rx.Component:
    """Orders newest first; skeleton rows while loading, and an empty state ("#orders-empty", one
    list per page) only when there truly are none."""
    return rx.vstack(
        data_table(
            [
                header_cell("orders.number"),
                header_cell("orders.status"),
                header_cell("orders.placed", wide_only=True),
                header_cell("orders.deliver_to", wide_only=True),
                header_cell("orders.lines", "right", wide_only=True),
                header_cell("orders.total", "right", wide_only=True),
            ],
            rows,
            _order_row,
            table_id=element_id,
            loading=loading,
            skeleton_rows=3,
            empty=empty_state(
                empty_icon,
                t("orders.none"),
                empty_hint if empty_hint is not None else t("orders.none_hint"),
                id="orders-empty",
            ),
            size="2",
            min_width="44rem",
            phone_min_width="0",
        ),
        spacing="3",
        width="100%",
    )
