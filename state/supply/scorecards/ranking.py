"""The managers' ranking of every supplier by the rolling-12-month score (/manager/suppliers),
filtered by category and standing, with the quality-vs-delivery scatter; it reloads when a
recompute finishes (portal/live_updates.py)."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from models import Role
from models.db import session_scope
from models.supply import Standing
from services.catalog.lists import Page
from services.platform.errors import DomainError
from services.supply import choices as purchase_choices
from services.supply import scorecards
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin
from state.supply.scorecards.charts import ranking_scatter
from state.supply.scorecards.views import ALL, RankingRow, month_label, ranking_rows
from state.supply.scorecards.watchers import RANKING, WATCHERS
from state.supply.view import plain


class RankingState(PagedMixin, AuthState):
    """All suppliers ranked by their rolling-12-month score, filtered by category and standing."""

    _ranking: dict = {}
    categories: list[str] = []
    category: str = ALL
    standing: str = ALL

    @rx.var
    def standing_options(self) -> list[dict[str, str]]:
        return (
            [{"value": ALL, "label": self.t("ranking.all_standings")}]
            + [
                {"value": standing.value, "label": self.t(f"scorecard.standing.{standing.value}")}
                for standing in Standing
            ]
            + [{"value": "unscored", "label": self.t("scorecard.standing.none")}]
        )

    @rx.var
    def computed_text(self) -> str:
        ranking = self._ranking
        if not ranking or not ranking.get("computed_at"):
            return self.t("scorecard.never_computed")
        return self.t(
            "scorecard.ranking_computed",
            month=month_label(ranking["period"], self.language),
            time=self.fmt_time(ranking["computed_at"]),
        )

    @rx.var
    def rows(self) -> list[RankingRow]:
        return ranking_rows(self._ranking.get("rows", []), self.t, self.language)

    @rx.var
    def scatter(self) -> go.Figure:
        return ranking_scatter(self._ranking.get("scatter", []), self.t, self.language)

    def _fetch(self) -> None:
        principal = self._principal(Role.MANAGER)
        with session_scope() as session:
            if not self.categories:
                self.categories = purchase_choices.part_categories_supplied(session, principal)
            ranking = scorecards.manager_ranking(
                session,
                principal,
                category=None if self.category == ALL else self.category,
                standing=None if self.standing == ALL else self.standing,
                page=Page(self.page, PAGE_SIZE),
            )
        self._ranking = plain(ranking)
        self.total = ranking["total"]

    def _empty(self) -> None:
        self._ranking, self.total = {}, 0

    @rx.event
    def load(self):
        self.page, self.search, self.category, self.standing = 1, "", ALL, ALL
        WATCHERS.watch(self.router.session.client_token, RANKING)
        yield from self._reload()

    @rx.event
    def stop_watching(self):
        """on_unmount of the ranking page: this tab no longer needs the recompute's notices."""
        WATCHERS.forget(self.router.session.client_token)

    def refresh(self) -> None:
        """A recompute finished (portal/live_updates.py): read the page shown again, same filters."""
        try:
            self._fetch()
        except DomainError:
            return

    @rx.event
    def set_category(self, value: str):
        self.category = value if value == ALL or value in self.categories else ALL
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_standing(self, value: str):
        self.standing = value if value in {option["value"] for option in self.standing_options} else ALL
        self.page = 1
        yield from self._reload()

    @rx.event
    def open_point(self, points: list[dict]):
        """A click on a scatter point opens that supplier's card (traces are one per standing,
        in the order `scatter` draws them)."""
        traces = [
            [point for point in self._ranking.get("scatter", []) if point["standing"] == standing.value]
            for standing in Standing
        ]
        traces = [trace for trace in traces if trace]
        for point in points or []:
            curve, number = point.get("curveNumber"), point.get("pointNumber")
            if (
                isinstance(curve, int)
                and isinstance(number, int)
                and 0 <= curve < len(traces)
                and 0 <= number < len(traces[curve])
            ):
                return rx.redirect(routes.supplier_card(traces[curve][number]["supplier_id"]))
        return None
