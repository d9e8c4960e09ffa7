"""One supplier's scorecard: the supplier's own (/supplier/scorecard) and the manager's drill-in
(/manager/suppliers/<id>) with block and unblock; it reloads when a recompute finishes."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.score_card import chart, criterion_tile, score_block
from portal.components.ui import (
    back_link,
    choice_select,
    counted_text,
    dialog_actions,
    labelled,
    missing_notice,
    scroll_table,
    section,
    t,
)
from services.supply import purchasing
from state.shared import routes
from state.supply.scorecards import ScorecardState as Card

# --------------------------------------------------------------------------- one supplier's card


def _explain_row(row) -> rx.Component:
    links = row["links"].to(list[str])
    return rx.table.row(
        rx.foreach(
            row["cells"].to(list[str]),
            lambda cell, index: rx.table.cell(
                rx.cond(
                    links[index] != "",
                    rx.link(cell, href=links[index], weight="medium"),
                    rx.text(cell, size="2"),
                ),
                white_space="nowrap",
                text_align=Card.explain_aligns[index],
                style={"font-variant-numeric": "tabular-nums"},
            ),
        ),
        background=rx.cond(row["bad"], rx.color("red", 2), "transparent"),
        custom_attrs={"data-explain-row": row["cells"].to(list[str])[0]},
    )


def _explanation() -> rx.Component:
    head = Card.explain_head
    return rx.cond(
        Card.criterion != "",
        section(
            head["title"],
            rx.cond(
                Card.explaining,
                rx.center(rx.spinner(), width="100%", padding="1rem"),
                rx.vstack(
                    rx.text(head["formula"], size="2", color=rx.color("gray", 11)),
                    rx.flex(
                        rx.badge(
                            t("scorecard.criterion_score"), ": ", head["score"], size="2", variant="surface"
                        ),
                        rx.badge(head["weight"], size="2", variant="surface"),
                        rx.badge(head["range"], size="2", variant="surface"),
                        gap="0.5rem",
                        wrap="wrap",
                    ),
                    rx.text(head["figures"], size="2", weight="medium", id="explain-figures"),
                    rx.text(head["count"], size="1", color_scheme="gray"),
                    rx.cond(
                        Card.explain_rows.length() > 0,
                        scroll_table(
                            rx.table.header(
                                rx.table.row(
                                    rx.foreach(
                                        Card.explain_columns,
                                        lambda column, index: rx.table.column_header_cell(
                                            column,
                                            white_space="nowrap",
                                            text_align=Card.explain_aligns[index],
                                        ),
                                    )
                                )
                            ),
                            rx.table.body(rx.foreach(Card.explain_rows, _explain_row)),
                            id="explain-table",
                            size="1",
                            min_width="56rem",
                        ),
                        rx.text(t("scorecard.nothing_moved"), size="2", color_scheme="gray"),
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
            actions=rx.icon_button(
                rx.icon("x", size=16),
                variant="ghost",
                on_click=Card.close_explanation,
                aria_label=t("common.cancel"),
            ),
            id="explanation",
        ),
    )


def _block_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.cond(Card.blocked, rx.icon("lock-open", size=16), rx.icon("lock", size=16)),
                rx.cond(Card.blocked, t("scorecard.unblock"), t("scorecard.block")),
                color_scheme=rx.cond(Card.blocked, "grass", "red"),
                variant="soft",
                id="block-toggle",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(rx.cond(Card.blocked, t("scorecard.unblock"), t("scorecard.block"))),
            rx.dialog.description(
                rx.cond(Card.blocked, t("scorecard.unblock_hint"), t("scorecard.block_hint")),
                size="2",
                margin_bottom="1rem",
            ),
            rx.form(
                rx.vstack(
                    labelled(
                        "purchase.reason",
                        counted_text(
                            purchasing.MAX_REASON_LENGTH,
                            name="reason",
                            element_id="block-reason",
                            error=Card.error["reason"],
                            error_id="error-block-reason",
                        ),
                    ),
                    dialog_actions("common.save", "block-submit"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=Card.set_blocked,
                reset_on_submit=False,
            ),
            max_width="28rem",
        ),
        open=Card.block_open,
        on_open_change=Card.set_block_open,
    )


def _card_body(manager: bool) -> rx.Component:
    head = Card.head
    actions = (
        rx.hstack(
            rx.link(
                rx.button(rx.icon("file-plus", size=16), t("purchase.new_order"), variant="soft"),
                href=head["issue_href"],
            ),
            _block_dialog(),
            spacing="2",
            wrap="wrap",
        )
        if manager
        else rx.fragment()
    )
    return rx.vstack(
        back_link(routes.MANAGER_SUPPLIERS, "scorecard.back") if manager else rx.fragment(),
        rx.flex(
            rx.vstack(
                rx.heading(
                    head["name"] if manager else t("scorecard.my_title"),
                    size=rx.breakpoints(initial="6", md="7"),
                    id="page-title",
                ),
                rx.text(
                    t("scorecard.manager_card_subtitle" if manager else "scorecard.card_subtitle"),
                    color_scheme="gray",
                    size="3",
                    id="page-subtitle",
                ),
                spacing="1",
            ),
            rx.spacer(),
            actions,
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="0.75rem",
            width="100%",
            align=rx.breakpoints(initial="start", sm="end"),
        ),
        rx.cond(
            Card.blocked,
            rx.callout(
                head["blocked_text"], icon="ban", color_scheme="red", width="100%", id="blocked-callout"
            ),
        ),
        rx.grid(
            rx.card(
                score_block(
                    head["score"],
                    head["standing"],
                    head["colour"],
                    head["period"],
                    head["computed"],
                    "card-score",
                ),
                width="100%",
            ),
            rx.card(
                rx.vstack(
                    rx.text(t("scorecard.period"), size="2", color_scheme="gray", weight="medium"),
                    choice_select(
                        Card.period, Card.period_options, Card.set_period, "period-select", width="100%"
                    ),
                    rx.text(
                        t("scorecard.period_score"), ": ", Card.period_score, size="2", id="period-score"
                    ),
                    spacing="2",
                    width="100%",
                ),
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        rx.grid(
            rx.foreach(
                Card.cards,
                lambda card: criterion_tile(card, Card.explain(card["name"]), Card.criterion == card["name"]),
            ),
            columns=rx.breakpoints(initial="1", sm="2", md="3", lg="5"),
            spacing="3",
            width="100%",
            id="criteria",
        ),
        _explanation(),
        section(t("scorecard.trend_title"), chart(Card.figure, Card.loading), id="trend"),
        spacing="4",
        width="100%",
    )


def _card_page(manager: bool) -> rx.Component:
    return rx.box(
        rx.cond(
            Card.loading,
            rx.center(rx.spinner(size="3"), width="100%", min_height="40vh"),
            rx.cond(
                Card.missing,
                rx.vstack(
                    back_link(routes.MANAGER_SUPPLIERS, "scorecard.back"),
                    missing_notice("supplier.not_found"),
                    spacing="3",
                ),
                _card_body(manager),
            ),
        ),
        on_unmount=Card.stop_watching,
        width="100%",
    )


@framed_page(routes.SUPPLIER_SCORECARD, on_load=Card.load)
def supplier_scorecard() -> rx.Component:
    return _card_page(manager=False)


@framed_page(routes.MANAGER_SUPPLIER, on_load=Card.load)
def manager_supplier() -> rx.Component:
    return _card_page(manager=True)
