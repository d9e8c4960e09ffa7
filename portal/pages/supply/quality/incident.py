"""One quality incident (/supplier/incidents/<id>, /manager/incidents/<id>) with each side's actions."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.timeline import timeline
from portal.components.ui import (
    back_link,
    counted_text,
    fact,
    facts,
    labelled,
    missing_notice,
    section,
    state_badge,
    t,
)
from services.supply import quality
from state.shared import routes
from state.supply.quality import IncidentState as Incident

# --------------------------------------------------------------------------- one incident


def _text_block(label_key: str, value, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="1", color_scheme="gray", weight="medium"),
        rx.cond(
            value != "",
            # Typed by a person: shown as written.
            rx.text(
                value,
                size="2",
                white_space="pre-wrap",
                id=element_id,
                custom_attrs={"data-verbatim": "typed"},
            ),
            rx.text("—", size="2", color_scheme="gray"),
        ),
        spacing="1",
        width="100%",
    )


def _action_form(on_submit, *fields: rx.Component, buttons: tuple) -> rx.Component:
    """An incident action: its fields, then its submit button (label key, element id and an
    optional colour) at the right; the typed text stays when the server refuses it."""
    label_key, element_id, *colour = buttons
    return rx.form(
        rx.vstack(
            *fields,
            rx.hstack(
                rx.button(
                    t(label_key), type="submit", id=element_id, color_scheme=colour[0] if colour else "indigo"
                ),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
    )


def _supplier_forms() -> rx.Component:
    view, error = Incident.view, Incident.error
    return rx.vstack(
        rx.cond(
            Incident.actions["acknowledge"],
            section(
                t("incident.acknowledge_title"),
                rx.text(t("incident.acknowledge_hint"), size="2", color_scheme="gray"),
                _action_form(
                    Incident.acknowledge,
                    labelled(
                        "incident.note",
                        counted_text(
                            quality.MAX_NOTE_LENGTH, name="note", element_id="ack-note", error=error["note"]
                        ),
                    ),
                    buttons=("incident.acknowledge", "incident-acknowledge"),
                ),
            ),
        ),
        rx.cond(
            Incident.actions["analyse"],
            section(
                t("incident.analysis_title"),
                _action_form(
                    Incident.save_analysis,
                    labelled(
                        "incident.containment",
                        counted_text(
                            quality.MAX_ANALYSIS_LENGTH,
                            name="containment_action",
                            element_id="containment",
                            default_value=view["containment"],
                            error=error["containment_action"],
                            error_id="error-containment",
                        ),
                    ),
                    labelled(
                        "incident.root_cause",
                        counted_text(
                            quality.MAX_ANALYSIS_LENGTH,
                            name="root_cause",
                            element_id="root-cause",
                            default_value=view["root_cause"],
                            error=error["root_cause"],
                            error_id="error-root-cause",
                        ),
                    ),
                    buttons=("incident.save_analysis", "incident-save-analysis"),
                ),
            ),
        ),
        rx.cond(
            Incident.actions["resolve"],
            section(
                t("incident.resolve_title"),
                rx.text(t("incident.resolve_hint"), size="2", color_scheme="gray"),
                _action_form(
                    Incident.resolve,
                    labelled(
                        "incident.evidence",
                        counted_text(
                            quality.MAX_EVIDENCE_LENGTH,
                            name="evidence",
                            element_id="evidence",
                            rows="4",
                            error=error["evidence"],
                            error_id="error-evidence",
                        ),
                    ),
                    buttons=("incident.resolve", "incident-resolve", "grass"),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )


def _manager_forms() -> rx.Component:
    error = Incident.error
    return rx.cond(
        (Incident.actions["accept"]) | (Incident.actions["reopen"]),
        section(
            t("incident.decision_title"),
            rx.grid(
                rx.cond(
                    Incident.actions["accept"],
                    _action_form(
                        Incident.accept,
                        labelled(
                            "incident.note",
                            counted_text(
                                quality.MAX_NOTE_LENGTH,
                                name="note",
                                element_id="accept-note",
                                error=error["note"],
                            ),
                        ),
                        buttons=("incident.accept", "incident-accept", "grass"),
                    ),
                ),
                rx.cond(
                    Incident.actions["reopen"],
                    _action_form(
                        Incident.reopen,
                        labelled(
                            "incident.reopen_reason",
                            counted_text(
                                quality.MAX_NOTE_LENGTH,
                                name="reason",
                                element_id="reopen-reason",
                                error=error["reason"],
                                error_id="error-reopen-reason",
                            ),
                        ),
                        buttons=("incident.reopen", "incident-reopen", "orange"),
                    ),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
        ),
    )


def _incident_body() -> rx.Component:
    view = Incident.view
    return rx.vstack(
        back_link(Incident.list_href, "incident.back"),
        rx.flex(
            rx.heading(view["number"], size=rx.breakpoints(initial="6", md="7"), id="page-title"),
            state_badge(view["status_label"], view["colour"], size="2", id="incident-status"),
            rx.text(view["title"], size="3", color=rx.color("gray", 11)),
            gap="0.75rem",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        rx.card(
            facts(
                fact("catalogue.supplier", view["supplier"]),
                fact(
                    "stock.item",
                    rx.vstack(
                        rx.code(view["sku"], variant="ghost", size="2"),
                        rx.text(view["part"], size="1", color_scheme="gray"),
                        spacing="0",
                    ),
                ),
                fact(
                    "purchase.lot",
                    rx.cond(
                        view["lot_href"] != "",
                        rx.link(view["lot"], href=view["lot_href"], size="2"),
                        rx.text("—", size="2"),
                    ),
                ),
                fact(
                    "purchase.number",
                    rx.cond(
                        view["order_href"] != "",
                        rx.link(view["order"], href=view["order_href"], size="2"),
                        rx.text("—", size="2"),
                    ),
                ),
                fact(
                    "purchase.receipt",
                    rx.cond(
                        view["receipt"] != "", rx.text(view["receipt"], size="2"), rx.text("—", size="2")
                    ),
                ),
                fact("incident.source", view["source"]),
                fact("incident.quantity", view["quantity"]),
                fact("incident.opened", view["opened"]),
                fact(
                    "incident.acknowledged_at",
                    rx.cond(
                        view["acknowledged"] != "",
                        rx.text(view["acknowledged"], size="2"),
                        rx.text(t("incident.waiting"), size="2", color=rx.color("red", 11)),
                    ),
                ),
                fact("incident.response", view["response"], "incident-response"),
            ),
            width="100%",
        ),
        section(
            t("incident.answers_title"),
            _text_block("incident.description", view["description"], "incident-description"),
            _text_block("incident.containment", view["containment"], "incident-containment"),
            _text_block("incident.root_cause", view["root_cause"], "incident-root-cause"),
            _text_block("incident.evidence", view["evidence"], "incident-evidence"),
        ),
        rx.cond(Incident.role == "supplier", _supplier_forms()),
        _manager_forms(),
        section(t("timeline.title"), timeline(Incident.timeline, "incident-timeline")),
        spacing="4",
        width="100%",
    )


def _incident_page() -> rx.Component:
    return rx.cond(
        Incident.loading,
        rx.center(rx.spinner(size="3"), width="100%", min_height="40vh"),
        rx.cond(
            Incident.missing,
            rx.vstack(
                back_link(Incident.list_href, "incident.back"),
                missing_notice("incident.not_found"),
                spacing="3",
            ),
            _incident_body(),
        ),
    )


@framed_page(routes.SUPPLIER_INCIDENT, on_load=Incident.load)
def supplier_incident() -> rx.Component:
    return _incident_page()


@framed_page(routes.MANAGER_INCIDENT, on_load=Incident.load)
def manager_incident() -> rx.Component:
    return _incident_page()
