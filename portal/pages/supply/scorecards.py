"""Scorecards: the supplier's own card (/supplier/scorecard), the manager's ranking of every
supplier with the quality-vs-delivery scatter (/manager/suppliers), one supplier's card with block
and unblock (/manager/suppliers/<id>), and the scoring settings (/manager/scorecard-settings)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.score_card import chart, criterion_tile, score_block, standing_badge
from portal.components.ui import (
    back_link,
    choice_select,
    dialog_actions,
    empty_state,
    field_error,
    header_cell,
    labelled,
    missing_notice,
    number_cell,
    page_heading,
    paged_table,
    scroll_table,
    section,
    state_badge,
    t,
)
from state.shared import routes
from state.supply.scorecards import RankingState as Ranking
from state.supply.scorecards import ScorecardSettingsState as Settings
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
        background=rx.cond(row["bad"] == "yes", rx.color("red", 2), "transparent"),
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
    head = Card.head
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.cond(head["blocked"] == "yes", rx.icon("lock-open", size=16), rx.icon("lock", size=16)),
                rx.cond(head["blocked"] == "yes", t("scorecard.unblock"), t("scorecard.block")),
                color_scheme=rx.cond(head["blocked"] == "yes", "grass", "red"),
                variant="soft",
                id="block-toggle",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(rx.cond(head["blocked"] == "yes", t("scorecard.unblock"), t("scorecard.block"))),
            rx.dialog.description(
                rx.cond(head["blocked"] == "yes", t("scorecard.unblock_hint"), t("scorecard.block_hint")),
                size="2",
                margin_bottom="1rem",
            ),
            rx.form(
                rx.vstack(
                    labelled(
                        "purchase.reason",
                        rx.text_area(name="reason", id="block-reason", max_length=500),
                        Card.error["reason"],
                        "error-block-reason",
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
                rx.text(t("scorecard.card_subtitle"), color_scheme="gray", size="3"),
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
            head["blocked"] == "yes",
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
    return rx.cond(
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
    )


@framed_page(routes.SUPPLIER_SCORECARD, on_load=Card.load)
def supplier_scorecard() -> rx.Component:
    return _card_page(manager=False)


@framed_page(routes.MANAGER_SUPPLIER, on_load=Card.load)
def manager_supplier() -> rx.Component:
    return _card_page(manager=True)


# --------------------------------------------------------------------------- the ranking


def _ranking_row(row) -> rx.Component:
    return rx.table.row(
        number_cell(row["rank"]),
        rx.table.cell(
            rx.hstack(
                rx.link(row["name"], href=row["href"], weight="medium"),
                rx.cond(
                    row["blocked"] == "yes",
                    rx.badge(t("scorecard.blocked"), color_scheme="red", variant="solid", size="1"),
                ),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(row["country"]),
        number_cell(rx.text(row["score"], weight="bold")),
        rx.table.cell(state_badge(row["standing"], row["colour"])),
        number_cell(row["on_time"]),
        number_cell(row["fill_rate"]),
        number_cell(row["ppm"]),
        number_cell(row["response"]),
        number_cell(row["cost"]),
        custom_attrs={"data-supplier": row["name"]},
    )


@framed_page(routes.MANAGER_SUPPLIERS, on_load=Ranking.load)
def manager_suppliers() -> rx.Component:
    return rx.vstack(
        page_heading(
            "ranking.title",
            "ranking.subtitle",
            rx.text(Ranking.computed_text, size="1", color_scheme="gray", id="ranking-computed"),
        ),
        section(
            t("ranking.filters"),
            rx.flex(
                rx.select.root(
                    rx.select.trigger(id="category-filter", min_width="14rem"),
                    rx.select.content(
                        rx.select.item(t("ranking.all_categories"), value="__all__"),
                        rx.foreach(Ranking.categories, lambda name: rx.select.item(name, value=name)),
                    ),
                    value=Ranking.category,
                    on_change=Ranking.set_category,
                ),
                choice_select(
                    Ranking.standing,
                    Ranking.standing_options,
                    Ranking.set_standing,
                    "standing-filter",
                    min_width="12rem",
                ),
                gap="0.75rem",
                wrap="wrap",
                width="100%",
            ),
        ),
        section(
            t("ranking.scatter_title"),
            rx.text(t("ranking.scatter_hint"), size="1", color_scheme="gray"),
            chart(
                Ranking.scatter, Ranking.loading & (Ranking.total == 0), "360px", on_click=Ranking.open_point
            ),
            id="scatter",
        ),
        section(
            t("ranking.table_title"),
            paged_table(
                Ranking,
                [
                    header_cell("ranking.rank", "right"),
                    header_cell("catalogue.supplier"),
                    header_cell("admin.country"),
                    header_cell("ranking.score", "right"),
                    header_cell("ranking.standing"),
                    header_cell("ranking.on_time", "right"),
                    header_cell("ranking.fill_rate", "right"),
                    header_cell("ranking.ppm", "right"),
                    header_cell("ranking.response", "right"),
                    header_cell("ranking.cost", "right"),
                ],
                _ranking_row,
                table_id="ranking-table",
                min_width="60rem",
                skeleton_columns=10,
                empty=empty_state("search-x", t("common.no_results")),
            ),
        ),
        spacing="4",
        width="100%",
    )


# --------------------------------------------------------------------------- settings


def _number_input(row, on_change, element_prefix: str) -> rx.Component:
    return rx.vstack(
        rx.text(row["label"], size="2", weight="medium"),
        rx.input(
            value=row["value"],
            on_change=on_change,
            input_mode="numeric",
            max_length=4,
            id=element_prefix + row["name"],
            width="100%",
        ),
        field_error(row["error"], "error-" + element_prefix + row["name"]),
        spacing="1",
        width="100%",
    )


@framed_page(routes.MANAGER_SCORECARD_SETTINGS, on_load=Settings.load)
def manager_scorecard_settings() -> rx.Component:
    return rx.vstack(
        page_heading(
            "settings.title",
            "settings.subtitle",
            rx.text(Settings.updated_text, size="1", color_scheme="gray"),
        ),
        section(
            t("settings.weights"),
            rx.text(t("settings.weights_hint"), size="2", color_scheme="gray"),
            rx.grid(
                rx.foreach(
                    Settings.weight_rows,
                    lambda row: _number_input(
                        row, lambda value: Settings.set_weight(row["name"], value), "weight-"
                    ),
                ),
                columns=rx.breakpoints(initial="2", md="5"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.badge(
                    Settings.weight_total,
                    size="2",
                    id="weight-total",
                    color_scheme=rx.cond(Settings.weights_add_up, "grass", "red"),
                    variant="soft",
                ),
                field_error(Settings.error["weights"], "error-weights"),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
        ),
        section(
            t("settings.bands"),
            rx.text(t("settings.bands_hint"), size="2", color_scheme="gray"),
            rx.grid(
                rx.foreach(
                    Settings.band_rows,
                    lambda row: _number_input(
                        row, lambda value: Settings.set_band(row["name"], value), "band-"
                    ),
                ),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="3",
                width="100%",
            ),
            rx.flex(
                standing_badge(t("scorecard.standing.excellent"), "grass"),
                standing_badge(t("scorecard.standing.good"), "blue"),
                standing_badge(t("scorecard.standing.watch"), "amber"),
                standing_badge(t("scorecard.standing.poor"), "red"),
                gap="0.5rem",
                wrap="wrap",
            ),
        ),
        field_error(Settings.error["form"]),
        rx.hstack(
            rx.button(
                rx.icon("save", size=16),
                t("settings.save"),
                on_click=Settings.save,
                size="3",
                id="settings-save",
            ),
            justify="end",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
