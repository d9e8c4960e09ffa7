"""Quality incidents: opened by rejects or field complaints, answered by the supplier, decided by
the manager; lot tracing; and what a second supplier cannot see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import QualityIncident
from services.catalog.lists import Page
from services.platform.errors import FieldErrors, NotFound, PermissionDenied, ValidationFailed
from services.supply import quality
from services.supply.incident_titles import incident_title, localized_title
from services.supply.states import IllegalTransition
from tests.supply_world import NOW, acknowledge_all, issue, receive, ship


def _rejected(session, world, lot="LOT-9", rejected=3):
    order = acknowledge_all(session, world, issue(session, world, [50]))
    notice = ship(session, world, order, [50], lot=lot)
    receipt = receive(
        session, world, notice, [50 - rejected], [rejected], received_at=NOW, reason="porosity in casting"
    )
    return order, notice, receipt, receipt["incident_ids"][0]


def test_the_supplier_answers_and_the_manager_closes(session, world):
    _order, _notice, _receipt, incident_id = _rejected(session, world)
    supplier = world.first.principal
    incident = quality.acknowledge_incident(
        session, supplier, incident_id, note="on it", now=NOW + timedelta(minutes=45)
    )
    assert incident["status"] == "acknowledged" and incident["response_minutes"] == 45
    quality.record_incident_analysis(
        session, supplier, incident_id, containment_action="lot quarantined", now=NOW + timedelta(hours=2)
    )
    incident = quality.resolve_incident(
        session,
        supplier,
        incident_id,
        root_cause="mould vent blocked",
        evidence="8D report, X-ray of 3 following lots",
        now=NOW + timedelta(days=2),
    )
    assert incident["status"] == "resolved" and incident["awaiting_supplier"] is False
    assert incident["containment_action"] == "lot quarantined"
    assert incident["root_cause"] == "mould vent blocked"
    incident = quality.accept_resolution(session, world.manager, incident_id, now=NOW + timedelta(days=3))
    assert incident["status"] == "closed" and incident["closed_at"] == NOW + timedelta(days=3)
    kinds = [(entry["kind"], entry["actor_name"]) for entry in incident["timeline"]]
    assert kinds == [
        ("opened", world.manager.full_name),
        ("acknowledged", supplier.full_name),
        ("analysis", supplier.full_name),
        ("resolved", supplier.full_name),
        ("closed", world.manager.full_name),
    ]


def test_a_reopened_incident_keeps_its_first_response_time(session, world):
    _order, _notice, _receipt, incident_id = _rejected(session, world)
    supplier = world.first.principal
    quality.acknowledge_incident(session, supplier, incident_id, now=NOW + timedelta(hours=3))
    quality.resolve_incident(
        session,
        supplier,
        incident_id,
        containment_action="sorted",
        root_cause="die wear",
        evidence="report",
        now=NOW + timedelta(days=1),
    )
    with pytest.raises(ValidationFailed) as raised:
        quality.reopen_incident(session, world.manager, incident_id, reason=" ")
    assert raised.value.field == "reason"
    incident = quality.reopen_incident(
        session, world.manager, incident_id, reason="same defect in next lot", now=NOW + timedelta(days=2)
    )
    assert incident["status"] == "reopened" and incident["awaiting_supplier"] is True
    assert incident["reopened_count"] == 1
    incident = quality.acknowledge_incident(session, supplier, incident_id, now=NOW + timedelta(days=3))
    assert incident["response_minutes"] == 180
    incident = quality.resolve_incident(
        session, supplier, incident_id, evidence="new die installed", now=NOW + timedelta(days=4)
    )
    assert incident["status"] == "resolved" and incident["evidence"] == "new die installed"


def test_resolving_needs_containment_root_cause_and_evidence(session, world):
    _order, _notice, _receipt, incident_id = _rejected(session, world)
    supplier = world.first.principal
    with pytest.raises(IllegalTransition):
        quality.resolve_incident(
            session, supplier, incident_id, containment_action="x", root_cause="y", evidence="z"
        )  # not acknowledged yet
    quality.acknowledge_incident(session, supplier, incident_id, now=NOW + timedelta(hours=1))
    with pytest.raises(ValidationFailed) as raised:
        quality.resolve_incident(session, supplier, incident_id, evidence="photos")
    assert raised.value.field == "containment_action"
    with pytest.raises(ValidationFailed) as raised:
        quality.resolve_incident(
            session, supplier, incident_id, containment_action="sorted", evidence="photos"
        )
    assert raised.value.field == "root_cause"
    with pytest.raises(ValidationFailed) as raised:
        quality.resolve_incident(
            session, supplier, incident_id, containment_action="sorted", root_cause="die", evidence=""
        )
    assert raised.value.field == "evidence"
    incident = quality.get_incident(session, supplier, incident_id)
    # The refused attempts left nothing behind.
    assert incident["status"] == "acknowledged" and incident["containment_action"] == ""


def test_each_side_may_only_make_its_own_moves(session, world):
    _order, _notice, _receipt, incident_id = _rejected(session, world)
    with pytest.raises(PermissionDenied):
        quality.acknowledge_incident(session, world.manager, incident_id)
    quality.acknowledge_incident(session, world.first.principal, incident_id)
    quality.resolve_incident(
        session, world.first.principal, incident_id, containment_action="a", root_cause="b", evidence="c"
    )
    with pytest.raises(PermissionDenied):
        quality.accept_resolution(session, world.first.principal, incident_id)
    with pytest.raises(IllegalTransition):
        quality.acknowledge_incident(session, world.first.principal, incident_id)


def test_a_field_complaint_is_linked_to_the_lots_receipt_and_order(session, world):
    order, _notice, receipt, _incident = _rejected(session, world, lot="LOT-F1", rejected=1)
    incident = quality.report_field_complaint(
        session,
        world.manager,
        sku=world.first.parts[0].sku,
        lot="LOT-F1",
        description="brake noise reported by 3 dealers",
        quantity_affected="3",
        now=NOW + timedelta(days=20),
    )
    assert incident["source"] == "field_complaint" and incident["status"] == "open"
    assert incident["purchase_order_id"] == order["id"] and incident["receipt_id"] == receipt["id"]
    assert incident["supplier_id"] == world.first.organisation.id and incident["quantity_affected"] == 3
    with pytest.raises(ValidationFailed) as raised:
        quality.report_field_complaint(
            session,
            world.manager,
            sku=world.first.parts[0].sku,
            lot="LOT-F1",
            description="x",
            quantity_affected="1.5",
        )
    assert raised.value.field == "quantity_affected"
    with pytest.raises(ValidationFailed) as raised:
        quality.report_field_complaint(session, world.manager, sku="NO-SUCH", lot="L", description="x")
    assert raised.value.field == "part_id"


def test_a_field_complaint_names_every_bad_field_at_once(session, world):
    with pytest.raises(FieldErrors) as raised:
        quality.report_field_complaint(
            session,
            world.manager,
            sku="NO-SUCH",
            lot="L1",
            description="d" * 2001,
            quantity_affected="-3",
            title="t" * 201,
        )
    assert {(error.field, error.code, tuple(error.params.items())) for error in raised.value.errors} == {
        ("part_id", "incident.part_unknown", ()),
        ("description", "text.too_long", (("max", 2000),)),
        ("quantity_affected", "quantity.negative", ()),
        ("title", "text.too_long", (("max", 200),)),
    }


def test_a_long_acknowledgement_note_is_refused_not_cut(session, world):
    _order, _notice, _receipt, incident_id = _rejected(session, world, lot="LOT-N1")
    with pytest.raises(ValidationFailed) as raised:
        quality.acknowledge_incident(session, world.first.principal, incident_id, note="n" * 2001, now=NOW)
    assert (raised.value.field, raised.value.code, raised.value.params) == (
        "note",
        "text.too_long",
        {"max": 2000},
    )
    answered = quality.acknowledge_incident(
        session, world.first.principal, incident_id, note="n" * 2000, now=NOW
    )
    assert answered["status"] == "acknowledged"


def test_a_lot_shows_every_order_notice_receipt_and_incident_it_touched(session, world):
    order, notice, receipt, incident_id = _rejected(session, world, lot="LOT-T1")
    issue(session, world, [5])  # another order, another lot: not in the trace
    trace = quality.lot_trace(session, world.manager, "LOT-T1")
    assert trace["found"] is True
    assert [line["purchase_order_id"] for line in trace["purchase_order_lines"]] == [order["id"]]
    assert [line["notice_id"] for line in trace["shipping_notice_lines"]] == [notice["id"]]
    assert [(line["receipt_id"], line["rejected_quantity"]) for line in trace["receipt_lines"]] == [
        (receipt["id"], 3)
    ]
    assert [incident["id"] for incident in trace["incidents"]] == [incident_id]
    assert quality.lot_trace(session, world.first.principal, "LOT-T1")["found"] is True
    assert quality.lot_trace(session, world.manager, "LOT-NONE")["found"] is False


def test_a_second_supplier_sees_none_of_the_firsts_incidents_or_lots(session, world):
    _order, _notice, _receipt, incident_id = _rejected(session, world, lot="LOT-S1")
    other = world.second.principal
    assert quality.list_incidents(session, other, page=Page()) == ([], 0)
    with pytest.raises(NotFound):
        quality.get_incident(session, other, incident_id)
    with pytest.raises(NotFound):
        quality.acknowledge_incident(session, other, incident_id)
    with pytest.raises(NotFound):
        quality.list_incidents(session, other, page=Page(), supplier_id=world.first.organisation.id)
    trace = quality.lot_trace(session, other, "LOT-S1")
    assert trace["found"] is False and trace["incidents"] == [] and trace["receipt_lines"] == []
    rows, total = quality.list_incidents(session, world.first.principal, page=Page(), awaiting_supplier=True)
    assert total == 1 and rows[0]["id"] == incident_id


def test_the_title_of_a_reject_incident_is_kept_as_a_key_and_reads_in_each_language(session, world):
    _order, _notice, _receipt, incident_id = _rejected(session, world, lot="LOT-Z1", rejected=3)
    stored = session.get(QualityIncident, incident_id)
    sku = world.first.parts[0].sku
    assert stored.title == "" and stored.title_key == "incident.title.receipt_reject"
    assert stored.title_params == {"sku": sku, "count": 3}
    incident = quality.get_incident(session, world.manager, incident_id)
    assert incident["title"] == f"{sku}: 3 rejected at receipt"  # the API and exports: English
    assert localized_title(incident, "en") == f"{sku}: 3 rejected at receipt"
    assert localized_title(incident, "zh") == f"{sku}：收货时拒收 3 件"
    listed, _total = quality.list_incidents(session, world.manager, page=Page(1, 10))
    assert localized_title(next(row for row in listed if row["id"] == incident_id), "zh") == incident_title(
        "", "incident.title.receipt_reject", {"sku": sku, "count": 3}, "zh"
    )


def test_a_field_complaint_keeps_a_typed_title_as_typed_and_translates_its_own(session, world):
    sku = world.first.parts[0].sku
    typed = quality.report_field_complaint(
        session, world.manager, sku=sku, lot="LOT-Q", description="rattle", title="Rattle at 80 km/h"
    )
    assert localized_title(typed, "zh") == "Rattle at 80 km/h" == localized_title(typed, "en")
    untitled = quality.report_field_complaint(session, world.manager, sku=sku, lot="LOT-Q", description="x")
    assert localized_title(untitled, "en") == f"{sku}: field complaint, lot LOT-Q"
    assert localized_title(untitled, "zh") == f"{sku}：现场投诉，批次 LOT-Q"
    # Names read in the viewer's language where the row has a Chinese one.
    assert untitled["part_name_zh"] == world.first.parts[0].name_zh
