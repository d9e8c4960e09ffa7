"""Scorecard pieces: the score with its standing, and the criterion tiles that open their
explanation when clicked."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from portal.components.ui import t

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}


def standing_badge(text: Var, colour: Var, element_id: str | None = None) -> rx.Component:
    props = {"id": element_id} if element_id else {}
    return rx.badge(text, color_scheme=colour, variant="solid", radius="full", size="2", **props)


def score_block(
    score: Var, standing: Var, colour: Var, caption: Var, computed: Var, prefix: str = "score"
) -> rx.Component:
    """The big score, its standing badge, the period and when it was computed."""
    return rx.hstack(
        rx.vstack(
            rx.text(t("scorecard.current_score"), size="2", color_scheme="gray", weight="medium"),
            rx.hstack(
                rx.text(
                    score,
                    size=rx.breakpoints(initial="7", md="8"),
                    weight="bold",
                    id=f"{prefix}-value",
                    style={"font-variant-numeric": "tabular-nums"},
                ),
                standing_badge(standing, colour, f"{prefix}-standing"),
                align="center",
                spacing="3",
            ),
            rx.text(caption, size="1", color_scheme="gray"),
            rx.text(computed, size="1", color_scheme="gray", id=f"{prefix}-computed"),
            spacing="1",
        ),
        width="100%",
    )


def criterion_tile(card, on_click, selected: Var) -> rx.Component:
    """One criterion: score, weight, the figures behind it; clicking explains it."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.box(
                    width="10px",
                    height="10px",
                    min_width="10px",
                    border_radius="9999px",
                    background=card["colour"],
                ),
                rx.text(card["label"], size="2", weight="medium"),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.hstack(
                rx.text(
                    card["score"], size="6", weight="bold", style={"font-variant-numeric": "tabular-nums"}
                ),
                rx.spacer(),
                rx.badge(card["weight"], variant="surface", size="1", white_space="nowrap"),
                align="center",
                width="100%",
            ),
            rx.text(card["figures"], size="1", color_scheme="gray"),
            rx.text(t("scorecard.explain_hint"), size="1", color=rx.color("accent", 11)),
            spacing="1",
            width="100%",
        ),
        as_child=False,
        size="2",
        width="100%",
        cursor="pointer",
        on_click=on_click,
        custom_attrs={"data-criterion": card["name"], "role": "button", "tabindex": "0"},
        style=rx.cond(selected, {"outline": f"2px solid {rx.color('accent', 9)}"}, {}),
        _hover={"background": rx.color("accent", 2)},
    )


def chart(figure: Var, loading: Var, height: str = "340px", **props) -> rx.Component:
    return rx.skeleton(
        rx.box(
            rx.plotly.basic(
                data=figure, config=PLOT_CONFIG, use_resize_handler=True, width="100%", height=height, **props
            ),
            width="100%",
        ),
        loading=loading,
        width="100%",
        min_height=height,
    )
