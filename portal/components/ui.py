"""The UI kit every page uses: translated text, headings, KPI cards, sections, empty states,
tables (static and paged) and pagers, form fields with their errors, selects, state badges, back
links, detail facts and callouts."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from services.i18n import KEYS
from state.shared.auth import AuthState
from state.shared.text_counts import TextCountState


def t(key: str) -> Var:
    """The message `key` in the viewer's language (a Var that follows the language switch).

    An unknown key fails the page's compilation rather than showing the key to a user."""
    if key not in KEYS:
        raise LookupError(f"no message {key!r} in services/i18n/locale")
    return AuthState.tr[key]


def page_heading(title_key: str, subtitle_key: str | None = None, *extra: rx.Component) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(t(title_key), size=rx.breakpoints(initial="6", md="7"), id="page-title"),
            rx.text(t(subtitle_key), color_scheme="gray", size="3") if subtitle_key else rx.fragment(),
            spacing="1",
        ),
        rx.spacer(),
        *extra,
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="0.75rem",
        align=rx.breakpoints(initial="start", sm="end"),
        width="100%",
        margin_bottom="1.25rem",
    )


def kpi_card(
    label: Var | str,
    value: Var | str,
    icon: str,
    *,
    loading: Var,
    element_id: str,
    hint: Var | str | None = None,
) -> rx.Component:
    """One figure with its label; a skeleton while `loading`."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(label, size="2", color_scheme="gray", weight="medium"),
                rx.skeleton(
                    rx.text(
                        value,
                        size=rx.breakpoints(initial="5", sm="6", md="7"),
                        weight="bold",
                        id=element_id,
                        white_space="nowrap",
                    ),
                    loading=loading,
                    min_width="4rem",
                ),
                rx.text(hint, size="1", color_scheme="gray") if hint is not None else rx.fragment(),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            rx.box(
                rx.icon(icon, size=22),
                color=rx.color("accent", 10),
                background=rx.color("accent", 3),
                padding="0.55rem",
                border_radius="var(--radius-3)",
                display=rx.breakpoints(initial="none", sm="block"),
            ),
            align="start",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def figures_heading(title_key: str, subtitle_key: str, figures) -> rx.Component:
    """A home's heading with the time its figures were computed (`figures`: a FiguresMixin state)."""
    return page_heading(
        title_key,
        subtitle_key,
        rx.text(figures.computed_at_text, size="1", color_scheme="gray", id="computed-at"),
    )


def figure_card(figures, key: str, label_key: str, icon: str, **extra) -> rx.Component:
    """One of a home's figures (`figures.kpi[key]`) as a KPI card, "#kpi-<key>"."""
    return kpi_card(
        t(label_key), figures.kpi[key], icon, loading=figures.loading, element_id=f"kpi-{key}", **extra
    )


def stock_value_card(values: Var, loading: Var) -> rx.Component:
    """The value of the stock on hand, one badge per currency (amounts are never summed across
    currencies)."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(t("kpi.stock_value"), size="2", color_scheme="gray", weight="medium"),
                rx.spacer(),
                rx.icon("banknote", size=20, color=rx.color("accent", 10)),
                width="100%",
            ),
            rx.skeleton(
                rx.flex(
                    rx.foreach(
                        values,
                        lambda value: rx.badge(
                            value, size="3", variant="surface", style={"font-variant-numeric": "tabular-nums"}
                        ),
                    ),
                    rx.cond(values.length() == 0, rx.text("—", color_scheme="gray")),
                    wrap="wrap",
                    gap="0.5rem",
                    id="kpi-stock-value",
                ),
                loading=loading,
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def kpi_grid(*cards: rx.Component) -> rx.Component:
    return rx.grid(
        *cards,
        columns=rx.breakpoints(initial="2", lg="4"),
        spacing=rx.breakpoints(initial="3", sm="4"),
        width="100%",
    )


def section(
    title: Var | str, *children: rx.Component, actions: rx.Component | None = None, **props
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(title, size="4"),
                rx.spacer(),
                actions or rx.fragment(),
                width="100%",
                align="center",
                gap="0.75rem",
                wrap="wrap",
            ),
            *children,
            spacing="4",
            width="100%",
        ),
        size=rx.breakpoints(initial="2", md="3"),
        width="100%",
        **props,
    )


def empty_state(icon: str, title: Var | str, hint: Var | str | None = None, **props) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.box(
                rx.icon(icon, size=28),
                color=rx.color("gray", 9),
                background=rx.color("gray", 3),
                padding="0.9rem",
                border_radius="9999px",
            ),
            rx.text(title, size="3", weight="medium"),
            rx.text(hint, size="2", color_scheme="gray", text_align="center")
            if hint is not None
            else rx.fragment(),
            align="center",
            spacing="2",
        ),
        width="100%",
        padding_y="2.5rem",
        **props,
    )


def loading_rows(columns: int, rows: int = 5) -> rx.Component:
    return rx.foreach(
        list(range(rows)),
        lambda _: rx.table.row(
            *[rx.table.cell(rx.skeleton(rx.text("—"), loading=True)) for _ in range(columns)]
        ),
    )


# A secondary column: a phone leaves it out (it shows from the md breakpoint, 1024 px, up), so the
# key columns of a list fit a 390 px screen without a sideways scroll. Give it to the header and
# to the row's cell alike.
WIDE_ONLY = {"display": rx.breakpoints(initial="none", md="table-cell")}
# What a phone shows inside a key cell in place of a column it leaves out (e.g. the total under
# the order's number).
PHONE_ONLY = {"display": rx.breakpoints(initial="block", md="none")}
WIDE_ONLY_TEXT = {"display": rx.breakpoints(initial="none", md="block")}


def header_cell(
    key: str, align: str = "left", *, wide_only: bool = False, wrap: bool = False
) -> rx.Component:
    """A column's header, on one line unless `wrap` (a long header over a narrow column)."""
    extra = WIDE_ONLY if wide_only else {}
    return rx.table.column_header_cell(
        t(key), text_align=align, white_space="normal" if wrap else "nowrap", **extra
    )


def day_and_time_cell(day: Var, time: Var, **props) -> rx.Component:
    """A moment on two short lines (the day, the time of day under it) rather than one long one
    wrapping anywhere."""
    return rx.table.cell(
        rx.vstack(
            rx.text(day, white_space="nowrap"),
            rx.text(time, size="1", color=rx.color("gray", 10), white_space="nowrap"),
            spacing="0",
        ),
        **props,
    )


def number_cell(value: Var | str, *, wide_only: bool = False) -> rx.Component:
    extra = WIDE_ONLY if wide_only else {}
    return rx.table.cell(value, text_align="right", style={"font-variant-numeric": "tabular-nums"}, **extra)


def scroll_table(
    *children: rx.Component,
    size: str = "2",
    min_width: str = "36rem",
    phone_min_width: str | None = None,
    **props,
) -> rx.Component:
    """A table that scrolls sideways on a narrow screen (below `min_width`) instead of squeezing
    its columns into unreadable slivers. A list whose secondary columns step aside on a phone
    (WIDE_ONLY) gives `phone_min_width` (e.g. "0"): what is left fits the phone's width."""
    width = min_width if phone_min_width is None else rx.breakpoints(initial=phone_min_width, md=min_width)
    return rx.box(
        rx.table.root(*children, variant="surface", size=size, width="100%", min_width=width, **props),
        overflow_x="auto",
        width="100%",
    )


def data_table(
    headers: list[rx.Component],
    rows: Var,
    row,
    *,
    table_id: str,
    loading: Var | None = None,
    empty: rx.Component | None = None,
    count: Var | None = None,
    skeleton_columns: int | None = None,
    skeleton_rows: int = 5,
    min_width: str = "36rem",
    phone_min_width: str | None = None,
    size: str = "1",
) -> rx.Component:
    """A list's table: its header, one `row(item)` per item of `rows`, skeleton rows while
    `loading` and nothing is there yet, and `empty` under it when there is none (once loaded).
    `count` (the total behind a paged list) decides emptiness where `rows` is one page of it; the
    skeleton has a cell per header unless `skeleton_columns` says otherwise (headers that show
    for one role only)."""
    none_yet = (rows.length() if count is None else count) == 0
    body = rx.foreach(rows, row)
    if loading is not None:
        skeleton = loading_rows(skeleton_columns or len(headers), skeleton_rows)
        body = rx.cond(loading & none_yet, skeleton, body)
        none_yet = ~loading & none_yet
    return rx.fragment(
        scroll_table(
            rx.table.header(rx.table.row(*headers)),
            rx.table.body(body),
            id=table_id,
            size=size,
            min_width=min_width,
            phone_min_width=phone_min_width,
        ),
        rx.cond(none_yet, empty) if empty is not None else rx.fragment(),
    )


def paged_table(
    state,
    headers: list[rx.Component],
    row,
    *,
    table_id: str,
    min_width: str,
    empty: rx.Component,
    skeleton_columns: int | None = None,
    rows: Var | None = None,
    size: str = "1",
    phone_min_width: str | None = None,
) -> rx.Component:
    """A paged list's table (`data_table`) with the pager under it. `state` is a paged list state
    (rows, total, loading, pager_label, previous_page, next_page, has_previous, has_next); `rows`
    replaces `state.rows` where the page shows formatted rows (`display_rows`)."""
    return rx.fragment(
        data_table(
            headers,
            state.rows if rows is None else rows,
            row,
            table_id=table_id,
            loading=state.loading,
            empty=empty,
            count=state.total,
            skeleton_columns=skeleton_columns,
            min_width=min_width,
            phone_min_width=phone_min_width,
            size=size,
        ),
        pager(state.pager_label, state.previous_page, state.next_page, state.has_previous, state.has_next),
    )


def pager(label: Var, on_previous, on_next, has_previous: Var, has_next: Var) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", class_name="pager-label"),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=16),
            t("common.previous"),
            variant="soft",
            size="2",
            on_click=on_previous,
            disabled=~has_previous,
            class_name="pager-previous",
        ),
        rx.button(
            t("common.next"),
            rx.icon("chevron-right", size=16),
            variant="soft",
            size="2",
            on_click=on_next,
            disabled=~has_next,
            class_name="pager-next",
        ),
        width="100%",
        align="center",
        spacing="2",
    )


# --- forms ---------------------------------------------------------------------------------------


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


def choice_select(
    value: Var, options: Var, on_change, element_id: str, label_key: str | None = None, **trigger_props
) -> rx.Component:
    """A select over [{value, label}] options; with `label_key`, a small label above it."""
    select = rx.select.root(
        rx.select.trigger(id=element_id, **trigger_props),
        rx.select.content(
            rx.foreach(options, lambda option: rx.select.item(option["label"], value=option["value"]))
        ),
        value=value,
        on_change=on_change,
    )
    if label_key is None:
        return select
    return rx.vstack(
        rx.text(t(label_key), size="1", color_scheme="gray", weight="medium"),
        select,
        spacing="1",
        width=trigger_props.get("width"),
    )


def dialog_actions(submit_label_key: str, submit_id: str) -> rx.Component:
    """A form dialog's footer: Cancel closes it, the submit button sends the form."""
    return rx.hstack(
        rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray", type="button")),
        rx.button(t(submit_label_key), type="submit", id=submit_id),
        justify="end",
        width="100%",
        spacing="3",
    )


def counted_text(
    max_length: int,
    *,
    element_id: str | Var,
    error: Var | None = None,
    error_id: str | None = None,
    value: Var | None = None,
    on_change=None,
    area: bool = True,
    **props,
) -> rx.Component:
    """A free-text field that says how much it holds: a live "480 / 500" counter beside it and,
    past `max_length`, the message saying so. Nothing is cut (no maxlength): the service refuses
    too long text naming the field, and `error` (its message) shows under the field.

    With `value`/`on_change` the field is the state's; without, the browser holds it (a form read
    on submit) and only its length goes to the server, for the counter."""
    if value is None:
        length = TextCountState.lengths.get(element_id, 0).to(int)
        default = props.get("default_value", "")
        start = default.to(str).length() if isinstance(default, Var) else len(str(default))
        events = {"on_change": lambda text: TextCountState.count(element_id, text.length())}
        if not isinstance(element_id, Var):
            # A field that mounts again (a dialog reopened) starts its count afresh. Not inside a
            # foreach: the mount hook would run outside the loop, where its id is not defined.
            events["on_mount"] = TextCountState.count(element_id, start)
    else:
        length = value.to(str).length()
        events = {"value": value, "on_change": on_change}
    over = length > max_length
    control = (rx.text_area if area else rx.input)(id=element_id, width="100%", **events, **props)
    # "<id>-count" and "<id>-too-long" name the counter and the message; a field inside a foreach
    # (its id a Var) names them by class instead, since an element id there cannot carry a ref.
    if isinstance(element_id, Var):
        count_name, too_long_name = {"class_name": "text-count"}, {"class_name": "text-too-long"}
    else:
        count_name, too_long_name = {"id": f"{element_id}-count"}, {"id": f"{element_id}-too-long"}
    too_long = rx.text(
        t("text.too_long").replace("{max}", str(max_length)),
        size="1",
        color=rx.color("red", 11),
        role="alert",
        **too_long_name,
    )
    message = (
        rx.cond(over, too_long, field_error(error, error_id))
        if error is not None
        else rx.cond(over, too_long)
    )
    counter = rx.text(
        length.to_string(),
        f" / {max_length}",
        size="1",
        color=rx.cond(over, rx.color("red", 11), rx.color("gray", 10)),
        weight=rx.cond(over, "bold", "regular"),
        white_space="nowrap",
        style={"font-variant-numeric": "tabular-nums"},
        aria_live="polite",
        **count_name,
    )
    return rx.vstack(
        control,
        rx.hstack(rx.box(message, flex="1", min_width="0"), counter, width="100%", align="start"),
        spacing="1",
        width="100%",
    )


def cell_input(error: Var, **input_props) -> rx.Component:
    """A table cell holding a small input with its error beneath it."""
    return rx.table.cell(rx.vstack(rx.input(size="1", **input_props), field_error(error), spacing="1"))


# --- detail pages --------------------------------------------------------------------------------


def state_badge(text: Var, colour: Var, *, wrap: bool = False, **props) -> rx.Component:
    """A status pill; `wrap` lets a long one ("Resolved, awaiting acceptance") break over two lines
    where a table's width is tight."""
    return rx.badge(
        text,
        color_scheme=colour,
        variant="soft",
        radius="full",
        white_space="normal" if wrap else "nowrap",
        **props,
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


def link_cell(text: Var, href: Var, **props) -> rx.Component:
    return rx.table.cell(rx.link(text, href=href, weight="medium", white_space="nowrap"), **props)


def missing_notice(title_key: str) -> rx.Component:
    return rx.callout(t(title_key), icon="circle-alert", color_scheme="red", id="not-found")


def callout(message: Var, icon: str, colour: str, element_id: str | None = None) -> rx.Component:
    props = {"id": element_id} if element_id else {}
    return rx.cond(message, rx.callout(message, icon=icon, color_scheme=colour, width="100%", **props))
