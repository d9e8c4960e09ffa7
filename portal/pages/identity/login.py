"""/login (and '/', which sends a visitor to their home or here)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import brand, language_switch, public_page
from portal.components.ui import t
from portal.stack import DEMO_LOGINS, DEMO_PASSWORD
from state.identity.login import LoginState
from state.shared import routes
from state.shared.auth import AuthState


def _field(label_key: str, name: str, kind: str, autocomplete: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), as_="label", html_for=name, size="2", weight="medium"),
        rx.input(
            name=name,
            id=name,
            type=kind,
            auto_complete=autocomplete,
            size="3",
            width="100%",
            required=True,
            max_length=254 if kind == "email" else 1024,
        ),
        spacing="1",
        width="100%",
    )


def _demo_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("info", size=16),
                rx.text(t("login.demo_title"), weight="medium", size="2"),
                align="center",
                spacing="2",
            ),
            rx.text(t("login.demo_hint"), size="2", color_scheme="gray"),
            rx.code(DEMO_PASSWORD, id="demo-password", size="2", white_space="nowrap"),
            rx.flex(
                *[rx.code(f"{role}@demo.test", size="2", variant="ghost") for role in DEMO_LOGINS],
                direction="column",
                gap="1",
            ),
            spacing="2",
        ),
        variant="surface",
        width="100%",
        id="demo-logins",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _field("login.email", "email", "email", "username"),
            _field("login.password", "password", "password", "current-password"),
            rx.cond(
                LoginState.error_text != "",
                rx.callout(
                    LoginState.error_text,
                    icon="circle-alert",
                    color_scheme="red",
                    role="alert",
                    id="login-error",
                    width="100%",
                ),
            ),
            rx.button(
                t("login.submit"),
                type="submit",
                size="3",
                width="100%",
                loading=LoginState.submitting,
                id="login-submit",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=LoginState.submit,
        width="100%",
    )


@public_page(routes.LOGIN, on_load=LoginState.open)
def login_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.hstack(brand(always_named=True), rx.spacer(), language_switch(), width="100%", align="center"),
            rx.card(
                rx.vstack(
                    rx.heading(t("login.title"), size="6", id="page-title"),
                    rx.text(t("app.tagline"), color_scheme="gray", size="2"),
                    _form(),
                    spacing="4",
                    width="100%",
                ),
                size="4",
                width="100%",
            ),
            rx.cond(LoginState.demo_mode, _demo_card()),
            spacing="5",
            width="100%",
            max_width="26rem",
        ),
        min_height="100vh",
        padding="1rem",
        background=rx.color("accent", 2),
    )


@public_page(routes.INDEX, on_load=AuthState.go_home)
def index_page() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="100vh")
