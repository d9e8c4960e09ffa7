"""The offline map: a Plotly geo chart (state/shared/geo.py builds the figure) whose topojson is
fetched from the portal's own /topojson/ assets, never from Plotly's CDN."""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var

from state.shared.geo import TOPOJSON_URL

GEO_CONFIG = {"displayModeBar": False, "responsive": True, "topojsonURL": TOPOJSON_URL, "scrollZoom": False}


def geo_map(figure: Var, loading: Var | bool = False, height: str = "380px", **props) -> rx.Component:
    """`figure` (a state var holding a go.Figure from `geo_figure`) on a map card of `height`;
    a skeleton while `loading`."""
    return rx.skeleton(
        rx.box(
            rx.plotly.geo(
                data=figure, config=GEO_CONFIG, use_resize_handler=True, width="100%", height=height, **props
            ),
            width="100%",
            border_radius="var(--radius-3)",
            overflow="hidden",
            custom_attrs={"data-map": "geo"},
        ),
        loading=loading,
        width="100%",
        min_height=height,
    )
