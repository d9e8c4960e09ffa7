"""/supplier/inventory: keep the available stock at the supplier's plant current by CSV — the
template to download, the upload, a preview listing every row's problem and the rows that would
change, and the confirmation that applies them."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import callout, header_cell, number_cell, page_heading, scroll_table, section, t
from state.shared import routes
from state.supply.inventory_sync import MAX_BYTES, UPLOAD_ID
from state.supply.inventory_sync import InventorySyncState as Sync


def _dropzone() -> rx.Component:
    return rx.upload.root(
        rx.vstack(
            rx.icon("file-up", size=28, color=rx.color("accent", 10)),
            rx.text(t("inventory.drop_here"), size="3", weight="medium"),
            rx.text(t("inventory.drop_hint"), size="1", color_scheme="gray"),
            rx.button(t("inventory.choose_file"), variant="soft", size="2", type="button"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        multiple=False,
        max_files=1,
        max_size=MAX_BYTES,
        on_drop=Sync.receive_file(rx.upload_files(upload_id=UPLOAD_ID)),
        on_drop_rejected=Sync.rejected,
        border=f"1px dashed {rx.color('accent', 8)}",
        border_radius="var(--radius-4)",
        padding=rx.breakpoints(initial="1.5rem", md="2.5rem"),
        width="100%",
        cursor="pointer",
        background=rx.color("accent", 2),
    )


def _errors_table() -> rx.Component:
    return rx.cond(
        Sync.error_rows.length() > 0,
        rx.vstack(
            rx.heading(t("inventory.rows_with_errors"), size="3"),
            rx.cond(
                Sync.summary["errors_shown"] != "",
                rx.text(Sync.summary["errors_shown"], size="1", color_scheme="gray"),
            ),
            scroll_table(
                rx.table.header(
                    rx.table.row(
                        header_cell("inventory.row", "right"),
                        header_cell("inventory.column"),
                        header_cell("inventory.reason"),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        Sync.error_rows,
                        lambda row: rx.table.row(
                            number_cell(row["row"]),
                            rx.table.cell(rx.code(row["field"], size="2")),
                            rx.table.cell(row["reason"], color=rx.color("red", 11)),
                            custom_attrs={"data-error-row": row["row"]},
                        ),
                    )
                ),
                id="csv-errors",
                size="1",
                min_width="30rem",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _valid_table() -> rx.Component:
    return rx.cond(
        Sync.valid_rows.length() > 0,
        rx.vstack(
            rx.heading(t("inventory.rows_to_apply"), size="3"),
            rx.cond(
                Sync.summary["valid_shown"] != "",
                rx.text(Sync.summary["valid_shown"], size="1", color_scheme="gray"),
            ),
            scroll_table(
                rx.table.header(
                    rx.table.row(
                        header_cell("inventory.row", "right"),
                        header_cell("stock.code"),
                        header_cell("inventory.current", "right"),
                        header_cell("inventory.new", "right"),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        Sync.valid_rows,
                        lambda row: rx.table.row(
                            number_cell(row["row"]),
                            rx.table.cell(rx.code(row["sku"], variant="ghost", size="2")),
                            number_cell(row["current"]),
                            rx.table.cell(
                                rx.cond(
                                    row["changed"],
                                    rx.badge(row["available"], color_scheme="indigo", variant="soft"),
                                    rx.text(row["available"], color_scheme="gray"),
                                ),
                                text_align="right",
                            ),
                            custom_attrs={"data-valid-row": row["row"]},
                        ),
                    )
                ),
                id="csv-valid",
                size="1",
                min_width="30rem",
            ),
            spacing="2",
            width="100%",
        ),
    )


@framed_page(routes.SUPPLIER_INVENTORY, on_load=Sync.load)
def supplier_inventory() -> rx.Component:
    return rx.vstack(
        page_heading(
            "inventory.title",
            "inventory.subtitle",
            rx.text(Sync.last_sync_text, size="1", color_scheme="gray", id="last-sync"),
        ),
        section(
            t("inventory.step_template"),
            rx.text(t("inventory.template_hint"), size="2", color_scheme="gray"),
            rx.button(
                rx.icon("download", size=16),
                t("inventory.download_template"),
                variant="soft",
                on_click=Sync.download_template,
                id="download-template",
            ),
        ),
        section(
            t("inventory.step_upload"),
            _dropzone(),
            callout(Sync.file_error, "file-warning", "red", "file-error"),
        ),
        rx.cond(
            Sync.has_preview,
            section(
                t("inventory.step_confirm"),
                rx.callout(Sync.summary["text"], icon="info", width="100%", id="preview-summary"),
                _errors_table(),
                _valid_table(),
                rx.hstack(
                    rx.button(
                        t("inventory.discard"),
                        variant="soft",
                        color_scheme="gray",
                        on_click=Sync.discard,
                        id="discard-csv",
                    ),
                    rx.button(
                        rx.icon("check", size=16),
                        t("inventory.apply"),
                        on_click=Sync.apply,
                        id="apply-csv",
                        disabled=~Sync.summary["can_apply"],
                    ),
                    justify="end",
                    width="100%",
                    spacing="3",
                ),
                id="preview",
            ),
        ),
        spacing="4",
        width="100%",
    )
