"""/supplier: the supplier's dashboard (its own parts and plants only)."""

from __future__ import annotations

import reflex as rx

from portal import routes
from portal.components.frame import framed_page
from portal.components.stock_table import stock_table
from portal.components.ui import kpi_card, kpi_grid, page_heading, section, stock_value_card, t
from state.stock import StockState
from state.supplier import SupplierState


def _kpi(key: str, label_key: str, icon: str, **extra) -> rx.Component:
    return kpi_card(t(label_key), SupplierState.kpi[key], icon, loading=SupplierState.loading,
                    element_id=f"kpi-{key}", **extra)


@framed_page(routes.SUPPLIER, on_load=[SupplierState.load, StockState.load])
def supplier_home() -> rx.Component:
    return rx.vstack(
        page_heading("supplier.title", "supplier.subtitle",
                     rx.text(SupplierState.computed_at_text, size="1", color_scheme="gray",
                             id="computed-at")),
        kpi_grid(
            _kpi("parts_supplied", "kpi.parts_supplied", "cog"),
            _kpi("part_units_on_hand", "kpi.part_units", "package"),
            _kpi("part_units_reserved", "kpi.part_units_reserved", "package-check"),
            _kpi("low_stock_items", "kpi.low_stock", "triangle-alert", hint=SupplierState.low_stock_hint),
        ),
        stock_value_card(SupplierState.stock_values, SupplierState.loading),
        section(t("supplier.stock_title"), stock_table()),
        spacing="4", width="100%",
    )
