"""The scorecard charts (Plotly figures the states' computed vars return): the 12-month trend
per criterion and the managers' quality-vs-delivery scatter. Axis values are scores and
percentages (floats for the plot), never money."""

from __future__ import annotations

import plotly.graph_objects as go

from models.supply import Standing
from services.i18n.names import row_name
from services.supply import scorecards
from state.catalog.manager_home import chart_layout
from state.supply.scorecards.views import (
    CRITERIA,
    CRITERION_COLOURS,
    STANDING_HEX,
    TOTAL_COLOUR,
    month_label,
)
from state.supply.view import fmt_decimal


def trend_figure(trend: list[dict], months: list[str], translate, language: str) -> go.Figure:
    """One line per criterion score (and the total, bold) over the months; a month without data
    leaves a gap rather than a misleading zero."""
    by_month = {row["period"]: row for row in trend}
    labels = [month_label(month, language, short=True) for month in months]
    figure = go.Figure()
    for name in CRITERIA:
        column = scorecards.CRITERIA[name]["score"]
        figure.add_trace(
            go.Scatter(
                x=labels,
                name=translate(f"scorecard.criterion.{name}"),
                mode="lines+markers",
                y=[
                    float(by_month[m][column]) if m in by_month and by_month[m][column] is not None else None
                    for m in months
                ],
                line={"color": CRITERION_COLOURS[name], "width": 2},
                marker={"size": 5},
                connectgaps=False,
            )
        )
    figure.add_trace(
        go.Scatter(
            x=labels,
            name=translate("scorecard.total"),
            mode="lines+markers",
            y=[
                float(by_month[m]["score"]) if m in by_month and by_month[m]["score"] is not None else None
                for m in months
            ],
            line={"color": TOTAL_COLOUR, "width": 3, "dash": "dot"},
            marker={"size": 6},
        )
    )
    figure.update_layout(
        **chart_layout(
            height=340,
            yaxis={
                "range": [0, 105],
                "gridcolor": "rgba(128,128,128,0.2)",
                "automargin": True,
                "title": {"text": translate("scorecard.score_axis")},
            },
            # Above the plot: below it, the legend would collide with the month labels on a phone.
            legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
            xaxis={"automargin": True, "tickangle": -45},
            hovermode="x unified",
        )
    )
    return figure


def ranking_scatter(points: list[dict], translate, language: str) -> go.Figure:
    """One point per supplier (on-time % against the quality score), one trace per standing in
    `Standing` order (`RankingState.open_point` relies on that order)."""
    figure = go.Figure()
    for standing in Standing:
        chosen = [point for point in points if point["standing"] == standing.value]
        if not chosen:
            continue
        figure.add_trace(
            go.Scatter(
                x=[float(point["on_time_pct"]) for point in chosen],
                y=[float(point["score_quality"]) for point in chosen],
                text=[row_name(point, "supplier_name", language) for point in chosen],
                customdata=[
                    [point["supplier_id"], fmt_decimal(point["rejected_ppm"], language, 0)]
                    for point in chosen
                ],
                mode="markers",
                name=translate(f"scorecard.standing.{standing.value}"),
                marker={
                    "color": STANDING_HEX[standing.value],
                    "size": 10,
                    "opacity": 0.85,
                    "line": {"width": 1, "color": "white"},
                },
                hovertemplate="<b>%{text}</b><br>"
                + translate("scorecard.criterion.on_time")
                + ": %{x:.1f}%<br>"
                + translate("scorecard.criterion.quality")
                + ": %{y:.1f} (%{customdata[1]} ppm)"
                "<extra></extra>",
            )
        )
    figure.update_layout(
        **chart_layout(
            height=360,
            xaxis={
                "title": {"text": translate("scorecard.axis_on_time")},
                "automargin": True,
                "gridcolor": "rgba(128,128,128,0.2)",
            },
            yaxis={
                "title": {"text": translate("scorecard.axis_quality")},
                "automargin": True,
                "gridcolor": "rgba(128,128,128,0.2)",
            },
            legend={"orientation": "h", "y": -0.22},
        )
    )
    return figure
