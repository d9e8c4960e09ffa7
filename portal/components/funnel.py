"""The dealer home's funnel section: the funnel chart and the weekly conversion trend, a trim filter."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import choice_select, empty_state, section, t
from state.showroom.funnel import FunnelState

_CONFIG = {"displaylogo": False, "responsive": True}


def funnel_chart(figure, element_id: str, loading) -> rx.Component:
    """A funnel or trend figure (Plotly's finance bundle has the funnel trace), 300 px high, with a
    skeleton while `loading`."""
    return rx.skeleton(
        rx.box(
            rx.plotly.finance(
                data=figure, config=_CONFIG, use_resize_handler=True, width="100%", height="300px"
            ),
            width="100%",
            id=element_id,
        ),
        loading=loading,
        width="100%",
        min_height="300px",
    )


def _chart(figure, element_id: str) -> rx.Component:
    return funnel_chart(figure, element_id, FunnelState.loading)


def funnel_section() -> rx.Component:
    return section(
        t("funnel.title"),
        rx.cond(
            FunnelState.empty & ~FunnelState.loading,
            empty_state("filter", t("funnel.empty")),
            rx.grid(
                _chart(FunnelState.funnel_figure, "funnel-chart"),
                _chart(FunnelState.trend_figure, "funnel-trend"),
                columns=rx.breakpoints(initial="1", md="2"),
                gap="1rem",
                width="100%",
            ),
        ),
        actions=choice_select(
            FunnelState.trim, FunnelState.trim_options, FunnelState.set_trim, "funnel-trim"
        ),
    )
