"""/admin (users, the new-user form, organisations), /admin/organisations and
/admin/parked-orders (the orders the sweeps gave up on, with their errors, to retry)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    choice_select,
    counted_text,
    data_table,
    dialog_actions,
    empty_state,
    field_error,
    header_cell,
    labelled,
    page_heading,
    paged_table,
    pager,
    section,
    t,
)
from services.identity import users
from state.identity.admin import CREATE_FORM_ID, AdminState, OrganisationAdminState, ParkedOrderState
from state.shared import routes


def _labelled(label_key: str, control: rx.Component, field: str, errors) -> rx.Component:
    """A form field with its refusal beneath it (`#error-<field>`)."""
    return labelled(label_key, control, errors[field], f"error-{field}")


def _text_input(name: str, element_id: str, **props) -> rx.Component:
    return rx.input(name=name, id=element_id, width="100%", **props)


def _select(value, options, on_change, element_id: str) -> rx.Component:
    return choice_select(value, options, on_change, element_id, placeholder=t("admin.choose"), width="100%")


def create_user_form() -> rx.Component:
    errors = AdminState.create_error
    return rx.form(
        rx.grid(
            _labelled(
                "admin.email",
                _text_input("email", "new-email", type="email", max_length=254),
                "email",
                errors,
            ),
            labelled(
                "admin.full_name",
                counted_text(
                    users.MAX_NAME_LENGTH,
                    area=False,
                    name="full_name",
                    element_id="new-full-name",
                    error=errors["full_name"],
                    error_id="error-full_name",
                ),
            ),
            _labelled(
                "admin.role",
                _select(AdminState.new_role, AdminState.role_options, AdminState.set_new_role, "new-role"),
                "role",
                errors,
            ),
            _labelled(
                "admin.organisation",
                _select(
                    AdminState.new_organisation_id,
                    AdminState.organisation_options,
                    AdminState.set_new_organisation,
                    "new-organisation",
                ),
                "organisation_id",
                errors,
            ),
            _labelled(
                "admin.password",
                _text_input(
                    "password", "new-password", type="password", auto_complete="new-password", max_length=1024
                ),
                "password",
                errors,
            ),
            rx.vstack(
                rx.text("\u00a0", size="2"),
                rx.button(
                    rx.icon("user-plus", size=16),
                    t("admin.create"),
                    type="submit",
                    id="create-user",
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="4",
            width="100%",
        ),
        field_error(errors["form"], "error-form"),
        on_submit=AdminState.create_user,
        id=CREATE_FORM_ID,
        width="100%",
    )


def _user_row(user) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(user["full_name"], weight="medium"),
                rx.text(user["email"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(rx.badge(user["role"], variant="soft")),
        rx.table.cell(user["organisation"]),
        rx.table.cell(
            rx.cond(
                user["active"],
                rx.badge(t("common.yes"), color_scheme="grass", variant="soft"),
                rx.badge(t("common.no"), color_scheme="red", variant="soft"),
            )
        ),
        rx.table.cell(
            rx.cond(
                user["locked_until"] != "",
                rx.text(user["locked_until"], color=rx.color("red", 11), size="2"),
                rx.text("—", color_scheme="gray"),
            )
        ),
        rx.table.cell(user["last_login"]),
        rx.table.cell(
            rx.menu.root(
                rx.menu.trigger(
                    rx.icon_button(
                        rx.icon("ellipsis", size=16), variant="ghost", size="2", aria_label=t("admin.actions")
                    )
                ),
                rx.menu.content(
                    rx.menu.item(
                        rx.icon("key-round", size=14),
                        t("admin.reset_password"),
                        on_select=AdminState.open_reset(user["id"], user["email"]),
                    ),
                    rx.cond(
                        user["is_self"],
                        rx.fragment(),
                        rx.cond(
                            user["active"],
                            rx.menu.item(
                                rx.icon("user-x", size=14),
                                t("admin.deactivate"),
                                color="red",
                                on_select=AdminState.set_active(user["id"], False),
                            ),
                            rx.menu.item(
                                rx.icon("user-check", size=14),
                                t("admin.activate"),
                                on_select=AdminState.set_active(user["id"], True),
                            ),
                        ),
                    ),
                ),
            ),
            text_align="center",
        ),
        custom_attrs={"data-user": user["email"]},
    )


def _user_filters() -> rx.Component:
    return rx.flex(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            value=AdminState.search,
            on_change=AdminState.set_search.debounce(300),
            placeholder=t("admin.search_users"),
            id="user-search",
            type="search",
            width=rx.breakpoints(initial="100%", sm="20rem"),
        ),
        choice_select(
            AdminState.role_filter,
            AdminState.role_filter_options,
            AdminState.set_role_filter,
            "user-role-filter",
            width=rx.breakpoints(initial="100%", sm="12rem"),
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        spacing="3",
        width="100%",
    )


def users_table() -> rx.Component:
    return rx.vstack(
        _user_filters(),
        data_table(
            [
                header_cell("admin.user"),
                header_cell("admin.role"),
                header_cell("admin.organisation"),
                header_cell("admin.active"),
                header_cell("admin.locked_until"),
                header_cell("admin.last_login"),
                header_cell("admin.actions"),
            ],
            AdminState.user_rows,
            _user_row,
            table_id="users-table",
            loading=AdminState.loading,
            empty=empty_state("users", t("common.no_results")),
            count=AdminState.total,
            min_width="50rem",
        ),
        pager(
            AdminState.range_label,
            AdminState.previous_page,
            AdminState.next_page,
            AdminState.has_previous,
            AdminState.has_next,
        ),
        spacing="3",
        width="100%",
    )


def _organisation_row(org) -> rx.Component:
    return rx.table.row(
        rx.table.cell(org["name"], class_name="org-name"),
        rx.table.cell(org["kind"]),
        rx.table.cell(org["country"]),
        rx.table.cell(org["currency"]),
        rx.table.cell(org["time_zone"], white_space="nowrap"),
        rx.table.cell(
            rx.button(
                rx.icon("pencil", size=14),
                t("admin.edit"),
                size="1",
                variant="soft",
                on_click=OrganisationAdminState.open_edit(org["id"]),
                class_name="edit-organisation",
            ),
            text_align="center",
        ),
        custom_attrs={"data-organisation": org["slug"]},
    )


def organisations_table() -> rx.Component:
    return data_table(
        [
            header_cell("admin.name"),
            header_cell("admin.kind"),
            header_cell("admin.country"),
            header_cell("admin.currency"),
            header_cell("admin.time_zone"),
            header_cell("admin.actions", "center"),
        ],
        OrganisationAdminState.organisation_rows,
        _organisation_row,
        table_id="organisations-table",
        loading=OrganisationAdminState.loading,
        min_width="44rem",
        size="2",
    )


def organisation_dialog() -> rx.Component:
    state = OrganisationAdminState
    errors = state.form_error
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(state.dialog_title),
            rx.form(
                rx.vstack(
                    labelled(
                        "admin.name",
                        counted_text(
                            users.MAX_NAME_LENGTH,
                            area=False,
                            name="name",
                            element_id="org-name",
                            value=state.form_name,
                            on_change=state.set_form_name,
                            error=errors["name"],
                            error_id="error-name",
                        ),
                    ),
                    _labelled(
                        "admin.name_zh",
                        _text_input(
                            "name_zh",
                            "org-name-zh",
                            value=state.form_name_zh,
                            on_change=state.set_form_name_zh,
                            max_length=200,
                        ),
                        "name_zh",
                        errors,
                    ),
                    _labelled(
                        "admin.kind",
                        _select(state.form_kind, state.kind_options, state.set_form_kind, "org-kind"),
                        "kind",
                        errors,
                    ),
                    _labelled(
                        "admin.country",
                        _select(
                            state.form_country, state.country_options, state.set_form_country, "org-country"
                        ),
                        "country",
                        errors,
                    ),
                    _labelled(
                        "admin.currency",
                        _text_input(
                            "currency",
                            "org-currency",
                            value=state.form_currency,
                            on_change=state.set_form_currency,
                            max_length=3,
                            placeholder="CNY",
                        ),
                        "currency",
                        errors,
                    ),
                    _labelled(
                        "admin.time_zone",
                        _text_input(
                            "time_zone",
                            "org-time-zone",
                            value=state.form_time_zone,
                            on_change=state.set_form_time_zone,
                            max_length=64,
                            placeholder="Asia/Shanghai",
                        ),
                        "time_zone",
                        errors,
                    ),
                    field_error(errors["form"], "error-form"),
                    dialog_actions("common.save", "org-save"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=state.save,
            ),
            max_width="30rem",
        ),
        open=state.dialog_open,
        on_open_change=state.set_dialog_open,
    )


def reset_password_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("admin.reset_password")),
            rx.dialog.description(AdminState.reset_title, size="2", margin_bottom="1rem"),
            rx.form(
                rx.vstack(
                    _labelled(
                        "admin.new_password",
                        rx.input(
                            name="new_password",
                            id="reset-password",
                            type="password",
                            auto_complete="new-password",
                            max_length=1024,
                            width="100%",
                        ),
                        "password",
                        AdminState.reset_error,
                    ),
                    field_error(AdminState.reset_error["user_id"], "error-user_id"),
                    dialog_actions("common.save", "reset-save"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=AdminState.reset_password,
            ),
            max_width="28rem",
        ),
        open=AdminState.reset_open,
        on_open_change=AdminState.set_reset_open,
    )


@framed_page(routes.ADMIN, on_load=AdminState.load)
def admin_home() -> rx.Component:
    return rx.vstack(
        page_heading("admin.title"),
        section(t("admin.create_user"), create_user_form()),
        section(t("admin.users"), users_table()),
        reset_password_dialog(),
        spacing="4",
        width="100%",
    )


@framed_page(routes.ADMIN_ORGANISATIONS, on_load=OrganisationAdminState.load)
def admin_organisations() -> rx.Component:
    return rx.vstack(
        page_heading(
            "admin.organisations",
            None,
            rx.button(
                rx.icon("plus", size=16),
                t("admin.new_organisation"),
                on_click=OrganisationAdminState.open_new,
                id="new-organisation",
            ),
        ),
        section(t("admin.organisations"), organisations_table()),
        organisation_dialog(),
        spacing="4",
        width="100%",
    )


def _parked_order_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["number"], weight="medium"), white_space="nowrap"),
        rx.table.cell(row["buyer"]),
        rx.table.cell(
            rx.vstack(
                rx.text(row["status"], size="2"),
                rx.text(row["payment_status"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(row["step"], white_space="nowrap"),
        rx.table.cell(row["failures"], text_align="right"),
        rx.table.cell(
            rx.code(
                row["error"],
                size="1",
                color_scheme="red",
                variant="ghost",
                white_space="pre-wrap",
                word_break="break-word",
            ),
            min_width="18rem",
        ),
        rx.table.cell(row["parked_at"], white_space="nowrap"),
        rx.table.cell(
            rx.button(
                rx.icon("rotate-ccw", size=14),
                t("attention.retry"),
                size="1",
                variant="soft",
                on_click=ParkedOrderState.retry(row["order_id"], row["number"]),
                class_name="retry-parked-order",
            ),
            text_align="center",
        ),
        custom_attrs={"data-order": row["number"]},
    )


@framed_page(routes.ADMIN_PARKED_ORDERS, on_load=ParkedOrderState.load)
def admin_parked_orders() -> rx.Component:
    return rx.vstack(
        page_heading("attention.title"),
        rx.text(ParkedOrderState.subtitle, size="2", color_scheme="gray"),
        section(
            t("attention.title"),
            paged_table(
                ParkedOrderState,
                [
                    header_cell("attention.order"),
                    header_cell("attention.buyer"),
                    header_cell("attention.status"),
                    header_cell("attention.step"),
                    header_cell("attention.failures", "right"),
                    header_cell("attention.error"),
                    header_cell("attention.parked_at"),
                    header_cell("admin.actions", "center"),
                ],
                _parked_order_row,
                table_id="parked-orders-table",
                min_width="56rem",
                empty=empty_state("circle-check", t("attention.none")),
            ),
        ),
        spacing="4",
        width="100%",
    )
