"""Small building blocks the pages share: translated text, KPI cards, sections, empty states,
tables and pagers."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from services.i18n import KEYS
from state.shared.auth import AuthState


def t(key: str) -> Var:
    """The message `key` in the viewer's language (a Var that follows the language switch).

    An unknown key fails the page's compilation rather than showing the key to a user."""
    if key not in KEYS:
        raise LookupError(f"no message {key!r} in services/i18n/locale")
    return AuthState.tr[key]


def page_heading(title_key: str, subtitle_key: str | None = None, *extra: rx.Component) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(t(title_key), size=rx.breakpoints(initial="6", md="7"), id="page-title"),
            rx.text(t(subtitle_key), color_scheme="gray", size="3") if subtitle_key else rx.fragment(),
            spacing="1",
        ),
        rx.spacer(),
        *extra,
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="0.75rem", align=rx.breakpoints(initial="start", sm="end"),
        width="100%", margin_bottom="1.25rem",
    )


def kpi_card(label: Var | str, value: Var | str, icon: str, *, loading: Var, element_id: str,
             hint: Var | str | None = None) -> rx.Component:
    """One figure with its label; a skeleton while `loading`."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(label, size="2", color_scheme="gray", weight="medium"),
                rx.skeleton(
                    rx.text(value, size=rx.breakpoints(initial="5", sm="6", md="7"), weight="bold",
                            id=element_id, white_space="nowrap"),
                    loading=loading, min_width="4rem",
                ),
                rx.text(hint, size="1", color_scheme="gray") if hint is not None else rx.fragment(),
                spacing="1", min_width="0",
            ),
            rx.spacer(),
            rx.box(rx.icon(icon, size=22), color=rx.color("accent", 10),
                   background=rx.color("accent", 3), padding="0.55rem",
                   border_radius="var(--radius-3)",
                   display=rx.breakpoints(initial="none", sm="block")),
            align="start", width="100%",
        ),
        size="2", width="100%",
    )


def stock_value_card(values: Var, loading: Var) -> rx.Component:
    """The value of the stock on hand, one badge per currency (amounts are never summed across
    currencies)."""
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text(t("kpi.stock_value"), size="2", color_scheme="gray", weight="medium"),
                      rx.spacer(), rx.icon("banknote", size=20, color=rx.color("accent", 10)),
                      width="100%"),
            rx.skeleton(
                rx.flex(
                    rx.foreach(values, lambda value: rx.badge(
                        value, size="3", variant="surface",
                        style={"font-variant-numeric": "tabular-nums"})),
                    rx.cond(values.length() == 0, rx.text("—", color_scheme="gray")),
                    wrap="wrap", gap="0.5rem", id="kpi-stock-value",
                ),
                loading=loading,
            ),
            spacing="3", width="100%",
        ),
        size="2", width="100%",
    )


def kpi_grid(*cards: rx.Component) -> rx.Component:
    return rx.grid(*cards, columns=rx.breakpoints(initial="2", lg="4"),
                   spacing=rx.breakpoints(initial="3", sm="4"), width="100%")


def section(title: Var | str, *children: rx.Component, actions: rx.Component | None = None,
            **props) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(title, size="4"),
                rx.spacer(),
                actions or rx.fragment(),
                width="100%", align="center", gap="0.75rem", wrap="wrap",
            ),
            *children,
            spacing="4", width="100%",
        ),
        size=rx.breakpoints(initial="2", md="3"), width="100%", **props,
    )


def empty_state(icon: str, title: Var | str, hint: Var | str | None = None, **props) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.box(rx.icon(icon, size=28), color=rx.color("gray", 9), background=rx.color("gray", 3),
                   padding="0.9rem", border_radius="9999px"),
            rx.text(title, size="3", weight="medium"),
            rx.text(hint, size="2", color_scheme="gray", text_align="center")
            if hint is not None else rx.fragment(),
            align="center", spacing="2",
        ),
        width="100%", padding_y="2.5rem", **props,
    )


def loading_rows(columns: int, rows: int = 5) -> rx.Component:
    return rx.foreach(
        list(range(rows)),
        lambda _: rx.table.row(*[rx.table.cell(rx.skeleton(rx.text("—"), loading=True))
                                 for _ in range(columns)]),
    )


def header_cell(key: str, align: str = "left") -> rx.Component:
    return rx.table.column_header_cell(t(key), text_align=align, white_space="nowrap")


def number_cell(value: Var | str) -> rx.Component:
    return rx.table.cell(value, text_align="right", style={"font-variant-numeric": "tabular-nums"})


def scroll_table(*children: rx.Component, size: str = "2", min_width: str = "36rem",
                 **props) -> rx.Component:
    """A table that scrolls sideways on a narrow screen (below `min_width`) instead of squeezing
    its columns into unreadable slivers."""
    return rx.box(
        rx.table.root(*children, variant="surface", size=size, width="100%", min_width=min_width,
                      **props),
        overflow_x="auto", width="100%",
    )


def paged_table(state, headers: list[rx.Component], row, *, table_id: str, min_width: str,
                skeleton_rows: int, empty: rx.Component) -> rx.Component:
    """A list page's table: its header, skeleton rows while the first page loads, one `row(item)`
    per item, `empty` when there is none, and the pager under it. `state` is a paged list state
    (rows, total, loading, pager_label, previous_page, next_page, has_previous, has_next)."""
    return rx.fragment(
        scroll_table(
            rx.table.header(rx.table.row(*headers)),
            rx.table.body(rx.cond(state.loading & (state.total == 0), loading_rows(skeleton_rows),
                                  rx.foreach(state.rows, row))),
            id=table_id, size="1", min_width=min_width,
        ),
        rx.cond(~state.loading & (state.total == 0), empty),
        pager(state.pager_label, state.previous_page, state.next_page, state.has_previous, state.has_next),
    )


def pager(label: Var, on_previous, on_next, has_previous: Var, has_next: Var) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", class_name="pager-label"),
        rx.spacer(),
        rx.button(rx.icon("chevron-left", size=16), t("common.previous"), variant="soft",
                  size="2", on_click=on_previous, disabled=~has_previous, class_name="pager-previous"),
        rx.button(t("common.next"), rx.icon("chevron-right", size=16), variant="soft",
                  size="2", on_click=on_next, disabled=~has_next, class_name="pager-next"),
        width="100%", align="center", spacing="2",
    )
