"""The managers' ranking of every supplier with the quality-vs-delivery scatter (/manager/suppliers)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.score_card import chart
from portal.components.ui import (
    choice_select,
    empty_state,
    header_cell,
    number_cell,
    page_heading,
    paged_table,
    section,
    state_badge,
    t,
)
from state.shared import routes
from state.supply.scorecards import RankingState as Ranking

# --------------------------------------------------------------------------- the ranking


def _ranking_row(row) -> rx.Component:
    return rx.table.row(
        number_cell(row["rank"]),
        rx.table.cell(
            rx.hstack(
                rx.link(row["name"], href=row["href"], weight="medium"),
                rx.cond(
                    row["blocked"],
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
        on_unmount=Ranking.stop_watching,
    )
