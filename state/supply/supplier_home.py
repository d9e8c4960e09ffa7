"""The supplier's dashboard: its work (orders to answer, due this week, late, incidents waiting
for it), its current score with standing and the 12-month trend per criterion, and its parts and
plant stock (its own organisation only; the services scope every read)."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from models import Role
from models.db import session_scope
from services.i18n.names import row_name
from services.platform.errors import DomainError, PermissionDenied
from services.supply import scorecards
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.figures import FiguresMixin
from state.supply.scorecards import month_label, trend_figure
from state.supply.view import STANDING_COLOURS, colour, fmt_date, fmt_decimal, fmt_int, label, plain

LIST_SIZE = 8


class SupplierState(FiguresMixin, AuthState):
    """Figures for the supplier's own organisation (home_figures and supplier_dashboard scope them)."""

    _dashboard: dict = {}

    @rx.var
    def work(self) -> dict[str, str]:
        """The dashboard's counts, formatted for the viewer."""
        board, language = self._dashboard, self.language
        if not board:
            return {}
        return {
            key: fmt_int(board[key], language)
            for key in ("open_orders", "awaiting_answer", "due_this_week", "late", "incidents_awaiting")
        }

    @rx.var
    def score(self) -> dict[str, str]:
        board, language = self._dashboard, self.language
        if not board:
            return {}
        standing = board["standing"]
        return {
            "value": fmt_decimal(board["score"], language),
            "standing": label("scorecard.standing", standing, language)
            if standing
            else self.t("scorecard.standing.none"),
            "colour": colour(STANDING_COLOURS, standing),
            "period": self.t("scorecard.rolling_to", month=month_label(board["period"], language))
            if board["period"]
            else "",
            "computed": self.t("scorecard.last_computed", time=self.fmt_time(board["computed_at"]))
            if board["computed_at"]
            else self.t("scorecard.never_computed"),
            "blocked": self.t("scorecard.you_are_blocked", reason=board["blocked_reason"])
            if board["blocked"]
            else "",
        }

    def _lines(self, key: str) -> list[dict[str, str]]:
        language = self.language
        return [
            {
                "order": line["purchase_order_number"],
                "href": routes.purchase_order(Role.SUPPLIER, line["purchase_order_id"]),
                "line_no": str(line["line_no"]),
                "sku": line["sku"],
                "part": row_name(line, "part_name", self.language),
                "due": fmt_date(line["due_date"], language),
                "open": fmt_int(line["open_quantity"], language),
                "shipped": fmt_int(line["shipped_quantity"], language),
                "days_late": self.t(
                    "supplier.days_late",
                    days=fmt_int(line["days_late"], language),
                    count=int(line["days_late"]),
                )
                if line["days_late"]
                else "",
                "status": label("purchase.line_status", line["line_status"], language),
            }
            for line in self._dashboard.get(key, [])
        ]

    @rx.var
    def due_lines(self) -> list[dict[str, str]]:
        return self._lines("due_lines")

    @rx.var
    def late_lines(self) -> list[dict[str, str]]:
        return self._lines("late_lines")

    @rx.var
    def trend(self) -> go.Figure:
        board = self._dashboard
        if not board:
            return go.Figure()
        return trend_figure(board["trend"], board["trend_months"], self.t, self.language)

    @rx.event
    def load(self):
        try:
            principal = self._principal(Role.SUPPLIER)
        except PermissionDenied:
            return
        self.loading = True
        yield
        self._load_figures(principal)
        try:
            with session_scope() as session:
                self._dashboard = plain(
                    scorecards.supplier_dashboard(session, principal, list_size=LIST_SIZE)
                )
        except DomainError as error:
            self._dashboard = {}
            yield self._denied(error)
        self.loading = False
