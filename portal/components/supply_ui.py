"""Building blocks of the supplier-workspace pages: field errors beside their input, labelled
fields, state badges, filters, back links and detail lists."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from portal.components.ui import t


def field_error(message: Var, element_id: str | Var | None = None) -> rx.Component:
    """A refusal's message under its field (nothing when there is none)."""
    props = {"id": element_id} if element_id is not None else {}
    return rx.cond(message, rx.text(message, size="1", color=rx.color("red", 11), role="alert", **props))


def labelled(
    label_key: str, control: rx.Component, error: Var | None = None, error_id: str | None = None, **props
) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium"),
        rx.box(control, width="100%"),
        field_error(error, error_id) if error is not None else rx.fragment(),
        spacing="1",
        width="100%",
        **props,
    )


def state_badge(text: Var, colour: Var, **props) -> rx.Component:
    return rx.badge(text, color_scheme=colour, variant="soft", radius="full", white_space="nowrap", **props)


def choice_select(value: Var, options: Var, on_change, element_id: str, **props) -> rx.Component:
    """A select over [{value, label}] options."""
    return rx.select.root(
        rx.select.trigger(id=element_id, **props),
        rx.select.content(
            rx.foreach(options, lambda option: rx.select.item(option["label"], value=option["value"]))
        ),
        value=value,
        on_change=on_change,
    )


def back_link(href: Var | str, label_key: str) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("arrow-left", size=16), rx.text(t(label_key), size="2"), align="center", spacing="1"
        ),
        href=href,
        underline="none",
        color=rx.color("gray", 11),
        margin_bottom="0.25rem",
    )


def fact(label_key: str, value: Var | rx.Component, element_id: str | None = None) -> rx.Component:
    """One labelled fact of a detail header."""
    props = {"id": element_id} if element_id else {}
    body = value if isinstance(value, rx.Component) else rx.text(value, size="2", **props)
    return rx.vstack(
        rx.text(t(label_key), size="1", color_scheme="gray", weight="medium"),
        body,
        spacing="1",
        min_width="0",
    )


def facts(*items: rx.Component) -> rx.Component:
    return rx.grid(*items, columns=rx.breakpoints(initial="2", sm="3", lg="4"), spacing="4", width="100%")


def text_cell(value: Var, **props) -> rx.Component:
    return rx.table.cell(value, **props)


def link_cell(text: Var, href: Var, **props) -> rx.Component:
    return rx.table.cell(rx.link(text, href=href, weight="medium", white_space="nowrap"), **props)


def missing_notice(title_key: str) -> rx.Component:
    return rx.callout(t(title_key), icon="circle-alert", color_scheme="red", id="not-found")


def callout(message: Var, icon: str, colour: str, element_id: str | None = None) -> rx.Component:
    props = {"id": element_id} if element_id else {}
    return rx.cond(message, rx.callout(message, icon=icon, color_scheme=colour, width="100%", **props))


def dialog_actions(submit_label_key: str, submit_id: str) -> rx.Component:
    """A form dialog's footer: Cancel closes it, the submit button sends the form."""
    return rx.hstack(
        rx.dialog.close(
            rx.button(t("common.cancel"), variant="soft", color_scheme="gray", type="button")
        ),
        rx.button(t(submit_label_key), type="submit", id=submit_id),
        justify="end",
        width="100%",
        spacing="3",
    )


def cell_input(error: Var, **input_props) -> rx.Component:
    """A table cell holding a small input with its error beneath it."""
    return rx.table.cell(
        rx.vstack(rx.input(size="1", **input_props), field_error(error), spacing="1")
    )
