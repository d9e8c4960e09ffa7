"""Order pieces the pages share: the status badge and the orders table (lists and the dealer home)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from portal.components.ui import empty_state, header_cell, loading_rows, number_cell, scroll_table, t
from state.ordering.orders import STATUS_COLOURS


def status_badge(status: Var | str, label: Var | str, size: str = "2", **props) -> rx.Component:
    """An order status in its colour: amber waiting, blue paid, green allocated, red cancelled."""
    return rx.badge(
        label,
        color_scheme=rx.match(status, *[(value.value, colour) for value, colour in STATUS_COLOURS.items()],
                              "gray"),
        variant="soft", size=size, radius="full", custom_attrs={"data-status": status}, **props,
    )


def _order_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["number"], href=row["href"], weight="medium"), white_space="nowrap"),
        rx.table.cell(status_badge(row["status"], row["status_label"], size="1")),
        rx.table.cell(row["created"], white_space="nowrap"),
        rx.table.cell(row["location"]),
        number_cell(row["lines"]),
        rx.table.cell(row["total"], text_align="right", white_space="nowrap",
                      style={"font-variant-numeric": "tabular-nums"}),
        custom_attrs={"data-order": row["number"]},
    )


def orders_table(rows: Var, loading: Var, element_id: str, *, empty_icon: str = "clipboard-list",
                 empty_hint: Var | str | None = None) -> rx.Component:
    """Orders newest first; skeleton rows while loading, and an empty state ("#orders-empty", one
    list per page) only when there truly are none."""
    return rx.vstack(
        scroll_table(
            rx.table.header(rx.table.row(
                header_cell("orders.number"), header_cell("orders.status"),
                header_cell("orders.placed"), header_cell("orders.deliver_to"),
                header_cell("orders.lines", "right"), header_cell("orders.total", "right"),
            )),
            rx.table.body(rx.cond(loading & (rows.length() == 0), loading_rows(6, 3),
                                  rx.foreach(rows, _order_row))),
            id=element_id, size="2", min_width="44rem",
        ),
        rx.cond(~loading & (rows.length() == 0),
                empty_state(empty_icon, t("orders.none"), empty_hint if empty_hint is not None
                            else t("orders.none_hint"), id="orders-empty")),
        spacing="3", width="100%",
    )


def choice(value: Var, options: Var, on_change, element_id: str, label_key: str | None = None,
           min_width: str = "11rem", **trigger_props) -> rx.Component:
    """A labelled select over [{"value", "label"}] options."""
    select = rx.select.root(
        rx.select.trigger(id=element_id, min_width=min_width, **trigger_props),
        rx.select.content(rx.foreach(options, lambda option: rx.select.item(option["label"],
                                                                          value=option["value"]))),
        value=value, on_change=on_change,
    )
    if label_key is None:
        return select
    return rx.vstack(rx.text(t(label_key), size="1", color_scheme="gray", weight="medium"), select,
                     spacing="1", width=trigger_props.get("width"))
