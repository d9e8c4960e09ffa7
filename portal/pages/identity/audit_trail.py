"""/admin/audit: every audit entry, filtered by organisation, user, action and dates, with its
before and after, paged, exportable as CSV."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    choice_select,
    empty_state,
    header_cell,
    page_heading,
    paged_table,
    section,
    t,
)
from state.identity.audit_trail import AuditTrailState
from state.shared import routes


def _change(text) -> rx.Component:
    return rx.cond(
        text != "",
        # The record's fields as stored (data, not prose): shown as written.
        rx.code(
            text,
            size="1",
            variant="ghost",
            white_space="pre-wrap",
            word_break="break-word",
            custom_attrs={"data-verbatim": "record"},
        ),
        rx.text("—", color_scheme="gray", size="1"),
    )


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"], white_space="nowrap"),
        rx.table.cell(
            rx.vstack(
                rx.text(row["actor"], size="2"),
                rx.text(row["organisation"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(rx.badge(row["action"], variant="soft", radius="full", white_space="normal")),
        rx.table.cell(row["entity"], white_space="nowrap"),
        rx.table.cell(_change(row["before"]), min_width="12rem", max_width="22rem"),
        rx.table.cell(_change(row["after"]), min_width="12rem", max_width="22rem"),
        custom_attrs={"data-audit": row["id"]},
    )


def _date(label_key: str, value, on_change, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="1", color_scheme="gray", weight="medium"),
        rx.input(type="date", value=value, on_change=on_change, id=element_id, width="100%"),
        spacing="1",
        width=rx.breakpoints(initial="100%", sm="10rem"),
    )


def _filters() -> rx.Component:
    width = rx.breakpoints(initial="100%", sm="14rem")
    return rx.vstack(
        rx.flex(
            choice_select(
                AuditTrailState.organisation,
                AuditTrailState.organisation_options,
                AuditTrailState.set_organisation,
                "audit-organisation",
                "audit.organisation",
                width=width,
            ),
            choice_select(
                AuditTrailState.user,
                AuditTrailState.user_options,
                AuditTrailState.set_user,
                "audit-user",
                "audit.user",
                width=width,
            ),
            choice_select(
                AuditTrailState.action,
                AuditTrailState.action_options,
                AuditTrailState.set_action,
                "audit-action",
                "audit.action",
                width=width,
            ),
            _date("audit.since", AuditTrailState.since, AuditTrailState.set_since, "audit-since"),
            _date("audit.until", AuditTrailState.until, AuditTrailState.set_until, "audit-until"),
            rx.cond(
                AuditTrailState.filtered,
                rx.button(
                    rx.icon("x", size=14),
                    t("audit.clear"),
                    variant="soft",
                    color_scheme="gray",
                    on_click=AuditTrailState.clear_filters,
                    id="audit-clear",
                    align_self="end",
                ),
            ),
            gap="3",
            wrap="wrap",
            align="end",
            width="100%",
        ),
        rx.cond(
            AuditTrailState.range_error != "",
            rx.text(AuditTrailState.range_error, color_scheme="red", size="2", id="audit-range-error"),
        ),
        width="100%",
        spacing="2",
    )


@framed_page(routes.ADMIN_AUDIT, on_load=AuditTrailState.load)
def admin_audit() -> rx.Component:
    export = rx.button(
        rx.icon("download", size=16),
        t("audit.export"),
        on_click=AuditTrailState.export,
        id="audit-export",
        variant="soft",
    )
    return rx.vstack(
        page_heading("audit.title", "audit.subtitle", export),
        section(
            t("audit.entries"),
            _filters(),
            paged_table(
                AuditTrailState,
                [
                    header_cell("audit.at"),
                    header_cell("audit.who"),
                    header_cell("audit.action"),
                    header_cell("audit.entity"),
                    header_cell("audit.before"),
                    header_cell("audit.after"),
                ],
                _row,
                table_id="audit-table",
                min_width="60rem",
                empty=empty_state("scroll-text", t("audit.none"), t("audit.none_hint")),
            ),
        ),
        spacing="4",
        width="100%",
    )
