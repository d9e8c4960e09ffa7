"""/admin/dead-letters: the carrier payloads the ingest could not read (received, carrier, source,
reason, a preview), filtered by carrier and "open only", paged; a row opens the whole payload,
Replay runs it through the ingest again and a toast says what came of it."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    choice_select,
    empty_state,
    header_cell,
    page_heading,
    paged_table,
    section,
    state_badge,
    t,
)
from state.logistics.dead_letters import DeadLettersState
from state.shared import routes

_MONO = "var(--code-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)"


def _state_badge(row) -> rx.Component:
    colour = rx.match(row["state"], ("replayed", "green"), ("failing", "red"), "amber")
    return state_badge(row["state_label"], colour, custom_attrs={"data-state": row["state"]})


def _replay_button(letter_id, *, size: str = "1", element_id: str | None = None) -> rx.Component:
    props = {"id": element_id} if element_id else {"class_name": "dead-letter-replay"}
    return rx.button(
        rx.icon("rotate-cw", size=14),
        t("dead_letters.replay"),
        size=size,
        variant="soft",
        loading=DeadLettersState.replaying,
        on_click=DeadLettersState.replay(letter_id).stop_propagation,
        **props,
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["received"], white_space="nowrap"),
        rx.table.cell(
            rx.vstack(
                rx.text(row["carrier"], size="2", weight="medium"),
                rx.text(row["source"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row["error"], size="2"),
                rx.cond(row["field"] != "", rx.code(row["field"], size="1", variant="ghost")),
                rx.cond(
                    row["replay_error"] != "",
                    rx.text(
                        t("dead_letters.last_replay"), " ", row["replay_error"], size="1", color_scheme="red"
                    ),
                ),
                spacing="1",
            ),
            min_width="12rem",
            max_width="20rem",
        ),
        rx.table.cell(
            rx.code(
                row["preview"],
                size="1",
                variant="ghost",
                white_space="pre-wrap",
                word_break="break-all",
                display="-webkit-box",
                overflow="hidden",
                style={"WebkitLineClamp": "3", "WebkitBoxOrient": "vertical"},
            ),
            min_width="14rem",
            max_width="24rem",
        ),
        rx.table.cell(_state_badge(row)),
        rx.table.cell(
            rx.cond(row["state"] != "replayed", _replay_button(row["id"])),
            white_space="nowrap",
        ),
        on_click=DeadLettersState.view(row["id"]),
        cursor="pointer",
        _hover={"background": rx.color("accent", 2)},
        custom_attrs={"data-dead-letter": row["id"]},
    )


def _filters() -> rx.Component:
    return rx.flex(
        choice_select(
            DeadLettersState.carrier,
            DeadLettersState.carrier_options,
            DeadLettersState.set_carrier,
            "dead-letters-carrier",
            "dead_letters.carrier",
            width=rx.breakpoints(initial="100%", sm="14rem"),
        ),
        rx.text(
            rx.flex(
                rx.switch(
                    checked=DeadLettersState.open_only,
                    on_change=DeadLettersState.set_open_only,
                    id="dead-letters-open-only",
                ),
                t("dead_letters.open_only"),
                gap="2",
                align="center",
            ),
            as_="label",
            size="2",
            padding_bottom="0.4rem",
        ),
        gap="0.75rem",
        wrap="wrap",
        align="end",
        width="100%",
    )


def _payload_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(DeadLettersState.viewed_title),
            rx.dialog.description(DeadLettersState.viewed_error, size="2", color_scheme="gray"),
            rx.box(
                rx.el.pre(
                    DeadLettersState.viewed_payload,
                    id="dead-letter-payload",
                    margin="0",
                    font_family=_MONO,
                    font_size="0.8rem",
                    line_height="1.45",
                    white_space="pre",
                ),
                overflow="auto",
                max_height="60vh",
                padding="0.75rem",
                margin_y="0.75rem",
                border_radius="var(--radius-3)",
                background=rx.color("gray", 2),
                border=f"1px solid {rx.color('gray', 5)}",
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("dead_letters.close"), variant="soft", color_scheme="gray")),
                rx.cond(
                    ~DeadLettersState.viewed_replayed,
                    _replay_button(DeadLettersState.viewed_id, size="2", element_id="dead-letter-replay"),
                ),
                justify="end",
                width="100%",
                spacing="3",
            ),
            max_width=rx.breakpoints(initial="95vw", md="48rem"),
        ),
        open=DeadLettersState.viewing,
        on_open_change=DeadLettersState.set_viewing,
    )


@framed_page(routes.ADMIN_DEAD_LETTERS, on_load=DeadLettersState.load)
def admin_dead_letters() -> rx.Component:
    return rx.vstack(
        page_heading("dead_letters.title", "dead_letters.subtitle"),
        section(
            t("dead_letters.letters"),
            _filters(),
            paged_table(
                DeadLettersState,
                [
                    header_cell("dead_letters.received"),
                    header_cell("dead_letters.carrier"),
                    header_cell("dead_letters.reason"),
                    header_cell("dead_letters.preview"),
                    header_cell("dead_letters.state"),
                    header_cell("dead_letters.action"),
                ],
                _row,
                table_id="dead-letters-table",
                min_width="56rem",
                empty=empty_state("inbox", t("dead_letters.none"), t("dead_letters.none_hint")),
            ),
        ),
        _payload_dialog(),
        spacing="4",
        width="100%",
    )
