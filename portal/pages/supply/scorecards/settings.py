"""The scoring settings (/manager/scorecard-settings): weights adding up to 100, standing bands."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.score_card import standing_badge
from portal.components.ui import (
    field_error,
    page_heading,
    section,
    t,
)
from state.shared import routes
from state.supply.scorecards import ScorecardSettingsState as Settings

# --------------------------------------------------------------------------- settings


def _number_input(row, on_change, element_prefix: str) -> rx.Component:
    return rx.vstack(
        rx.text(row["label"], size="2", weight="medium"),
        rx.input(
            value=row["value"],
            on_change=on_change,
            input_mode="numeric",
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
