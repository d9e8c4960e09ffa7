"""/manager/prices/indices: the market indices with their latest values; upload a CSV of new values
(all or nothing, every bad row listed)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    PHONE_ONLY,
    WIDE_ONLY,
    back_link,
    callout,
    data_table,
    empty_state,
    header_cell,
    number_cell,
    page_heading,
    scroll_table,
    section,
    t,
)
from state.pricing.indices import MAX_BYTES, UPLOAD_ID, ImportErrorRow, IndexRow
from state.pricing.indices import IndexImportState as Import
from state.shared import routes


def _dropzone() -> rx.Component:
    return rx.upload.root(
        rx.vstack(
            rx.icon("file-up", size=28, color=rx.color("accent", 10)),
            rx.text(t("pricing.import.drop_here"), size="3", weight="medium"),
            rx.text(t("pricing.import.drop_hint"), size="1", color_scheme="gray", text_align="center"),
            rx.button(t("inventory.choose_file"), variant="soft", size="2", type="button"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        multiple=False,
        max_files=1,
        max_size=MAX_BYTES,
        on_drop=Import.receive_file(rx.upload_files(upload_id=UPLOAD_ID)),
        on_drop_rejected=Import.rejected,
        border=f"1px dashed {rx.color('accent', 8)}",
        border_radius="var(--radius-4)",
        padding=rx.breakpoints(initial="1.5rem", md="2.5rem"),
        width="100%",
        cursor="pointer",
        background=rx.color("accent", 2),
    )


def _error_row(row: ImportErrorRow) -> rx.Component:
    return rx.table.row(
        number_cell(row["row"]),
        rx.table.cell(rx.code(row["field"], size="2"), custom_attrs={"data-verbatim": ""}),
        rx.table.cell(row["reason"], color=rx.color("red", 11)),
        custom_attrs={"data-error-row": row["row"]},
    )


def _errors() -> rx.Component:
    return rx.cond(
        Import.error_rows.length() > 0,
        rx.vstack(
            rx.callout(
                Import.errors_summary,
                icon="circle-alert",
                color_scheme="red",
                width="100%",
                id="import-refused",
            ),
            scroll_table(
                rx.table.header(
                    rx.table.row(
                        header_cell("inventory.row", "right"),
                        header_cell("inventory.column"),
                        header_cell("inventory.reason"),
                    )
                ),
                rx.table.body(rx.foreach(Import.error_rows, _error_row)),
                id="import-errors",
                size="1",
                min_width="0",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _index_row(row: IndexRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.code(row["code"], variant="ghost", size="2"),
                rx.text(row["name"], size="1", color_scheme="gray", style=PHONE_ONLY),
                spacing="0",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(row["name"], style=WIDE_ONLY),
        rx.table.cell(row["unit"], style=WIDE_ONLY, white_space="nowrap"),
        rx.table.cell(row["latest_period"], white_space="nowrap", style=WIDE_ONLY),
        number_cell(row["latest_value"]),
        custom_attrs={"data-index": row["code"]},
    )


@framed_page(routes.MANAGER_PRICE_INDICES, on_load=Import.load)
def price_indices() -> rx.Component:
    return rx.vstack(
        back_link(routes.MANAGER_PRICES, "pricing.nav.queue"),
        page_heading("pricing.import.title", "pricing.import.subtitle"),
        section(
            t("pricing.import.upload"),
            rx.vstack(
                rx.text(t("pricing.import.format"), size="2", color_scheme="gray"),
                rx.code("index,period,value", size="2", custom_attrs={"data-verbatim": ""}),
                rx.text(t("pricing.import.all_or_nothing"), size="2", color_scheme="gray"),
                spacing="1",
            ),
            _dropzone(),
            callout(Import.file_error, "file-warning", "red", "file-error"),
            callout(Import.result_text, "circle-check", "grass", "import-result"),
            _errors(),
            actions=rx.button(
                rx.icon("download", size=16),
                t("pricing.import.template"),
                variant="soft",
                on_click=Import.download_template,
                id="download-index-template",
            ),
        ),
        section(
            t("pricing.import.indices"),
            data_table(
                [
                    header_cell("pricing.col.code"),
                    header_cell("pricing.col.index", wide_only=True),
                    header_cell("pricing.col.unit", wide_only=True),
                    header_cell("pricing.col.latest_period", wide_only=True),
                    header_cell("pricing.col.latest_value", "right"),
                ],
                Import.index_rows,
                _index_row,
                table_id="indices-table",
                loading=Import.loading,
                empty=empty_state("chart-line", t("pricing.import.no_indices")),
                min_width="40rem",
                phone_min_width="0",
                size="2",
            ),
        ),
        spacing="4",
        width="100%",
    )
