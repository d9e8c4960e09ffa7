"""/manager/planning: the planner's worklist (the forecast series of the newest finished run, highest
value at risk first, filtered by stock location and demand class) and the "run forecasts" button
with the progress of the run going. Progress arrives through the live push (portal/live_updates.py
reads state/planning/watchers.py); starting a run only queues it, so the page never waits for it."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.i18n.names import localized_name
from services.planning import runs
from services.platform.errors import DomainError
from services.platform.formatting import format_money
from state.planning.labels import PlanningLabelsMixin
from state.planning.watchers import RUNS, WATCHERS
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin

ALL = "all"


class WorklistRow(TypedDict):
    series_id: int
    href: str
    sku: str
    part: str
    location: str
    location_code: str
    demand_class: str
    model: str
    mase: str
    demand: str
    free_stock: str
    shortfall: str
    value_at_risk: str
    at_risk: bool


def run_dict(run: runs.RunView | None) -> dict:
    """A run as plain data for a page's state (empty for none)."""
    if run is None:
        return {}
    return {
        "id": run.id,
        "status": run.status,
        "source": run.source,
        "active": run.active,
        "percent": run.percent,
        "series_total": run.series_total,
        "series_done": run.series_done,
        "series_failed": run.series_failed,
        "error": run.error,
        "requested_at": run.requested_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else "",
    }


class PlanningState(PlanningLabelsMixin, PagedMixin, AuthState):
    location: str = ALL
    demand_class: str = ALL
    run: dict = {}
    starting: bool = False
    _rows: list[dict] = []
    _locations: list[dict] = []
    _classes: list[str] = []

    # --- what the page shows -----------------------------------------------------------------

    @rx.var
    def rows(self) -> list[WorklistRow]:
        return [
            {
                "series_id": row["series_id"],
                "href": routes.planning_series(row["series_id"]),
                "sku": row["sku"],
                "part": localized_name(row["part_name"], row["part_name_zh"], self.language),
                "location": localized_name(row["location_name"], row["location_name_zh"], self.language),
                "location_code": row["location_code"],
                "demand_class": self._class_label(row["demand_class"]),
                "model": self._model_label(row["model"]),
                "mase": self._error(row["mase"]),
                "demand": self._units(row["risk_demand"]),
                "free_stock": self.fmt_number(row["free_stock"]),
                "shortfall": self._units(row["shortfall"]),
                "value_at_risk": format_money(row["value_at_risk"], row["currency"], self.language),
                "at_risk": row["shortfall"] > 0,
            }
            for row in self._rows
        ]

    @rx.var
    def location_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("planning.any_location")}] + [
            {
                "value": str(location["id"]),
                "label": location["code"]
                + " · "
                + localized_name(location["name"], location["name_zh"], self.language),
            }
            for location in self._locations
        ]

    @rx.var
    def class_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("planning.any_class")}] + [
            {"value": name, "label": self._class_label(name)} for name in self._classes
        ]

    @rx.var
    def run_active(self) -> bool:
        return bool(self.run.get("active"))

    @rx.var
    def run_percent(self) -> int:
        return int(self.run.get("percent", 0))

    @rx.var
    def run_label(self) -> str:
        """What the newest run is doing, or when it finished."""
        run = self.run
        if not run:
            return self.t("planning.run.never")
        numbers = {
            "run": run["id"],
            "done": self.fmt_number(run["series_done"] + run["series_failed"]),
            "total": self.fmt_number(run["series_total"]),
            "count": run["series_total"],
        }
        if run["status"] == "queued":
            return self.t("planning.run.queued", run=run["id"])
        if run["status"] == "running":
            return self.t("planning.run.running", **numbers)
        finished = self.fmt_time(run["finished_at"])
        if run["status"] == "failed":
            return self.t("planning.run.failed", run=run["id"], time=finished)
        if run["series_total"] == 0:
            return self.t("planning.run.nothing", run=run["id"], time=finished)
        return self.t("planning.run.finished", time=finished, **numbers)

    @rx.var
    def risk_note(self) -> str:
        return self.t("planning.worklist.risk_note", periods=runs.RISK_PERIODS)

    # --- loading ---------------------------------------------------------------------------

    def _fetch(self) -> None:
        principal = self._principal(Role.MANAGER)
        with session_scope() as session:
            rows, self.total = runs.worklist(
                session,
                principal,
                location_id=None if self.location == ALL else int(self.location),
                demand_class=None if self.demand_class == ALL else self.demand_class,
                page_number=self.page,
                page_size=PAGE_SIZE,
            )
        self._rows = [
            {
                "series_id": row.series_id,
                "sku": row.sku,
                "part_name": row.part_name,
                "part_name_zh": row.part_name_zh,
                "location_name": row.location_name,
                "location_name_zh": row.location_name_zh,
                "location_code": row.location_code,
                "demand_class": row.demand_class,
                "model": row.model,
                "mase": row.mase,
                "risk_demand": row.risk_demand,
                "free_stock": row.free_stock,
                "shortfall": row.shortfall,
                "value_at_risk": str(row.value_at_risk),
                "currency": row.currency,
            }
            for row in rows
        ]

    def _empty(self) -> None:
        self._rows, self.total = [], 0

    def _load_choices_and_run(self) -> None:
        principal = self._principal(Role.MANAGER)
        with session_scope() as session:
            choices = runs.worklist_choices(session, principal)
            self.run = run_dict(runs.latest_run(session, principal))
        self._locations = [
            {"id": location_id, "code": code, "name": name, "name_zh": name_zh}
            for location_id, code, name, name_zh in choices.locations
        ]
        self._classes = list(choices.demand_classes)
        if self.location != ALL and int(self.location) not in {loc["id"] for loc in self._locations}:
            self.location = ALL
        if self.demand_class != ALL and self.demand_class not in self._classes:
            self.demand_class = ALL

    def refresh_progress(self) -> bool:
        """The live push: read the newest run again; when a run has just finished, the worklist too
        (it now shows that run). False when the viewer may no longer read it. Blocking: run in a thread."""
        was_active = self.run_active
        try:
            self._load_choices_and_run()
            if was_active and not self.run.get("active"):
                self._fetch()
        except DomainError:
            return False
        return True

    @rx.event
    def load(self):
        self.page = 1
        self.loading = True
        yield
        try:
            self._load_choices_and_run()
        except DomainError as error:
            self.loading = False
            yield self._denied(error)
            return
        WATCHERS.watch(self.router.session.client_token, RUNS)
        yield from self._reload()

    @rx.event
    def stop_watching(self):
        WATCHERS.forget(self.router.session.client_token)

    def _refilter(self):
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_location(self, value: str):
        self.location = value if value == ALL or value.isdigit() else ALL
        yield from self._refilter()

    @rx.event
    def set_demand_class(self, value: str):
        self.demand_class = value if value == ALL or value in self._classes else ALL
        yield from self._refilter()

    @rx.event
    def start_run(self):
        """Queue a forecast run (a worker does the work); the page shows its progress as it goes."""
        if self.starting:
            return
        self.starting = True
        yield
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                run_id = runs.start_run(session, principal)
            with session_scope() as session:
                self.run = run_dict(runs.run_progress(session, principal, run_id))
        except DomainError as error:
            self.starting = False
            yield self._denied(error)
            return
        self.starting = False
        yield rx.toast.success(self.t("planning.run.started", run=run_id))
