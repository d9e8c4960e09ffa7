"""A supplier's scorecard page state: the supplier's own card (/supplier/scorecard) and the
manager's drill-in (/manager/suppliers/<id>, with block and unblock). Criteria explain
themselves (the very items behind a score).

Scores come from the set-based recompute (a Celery task); the page reads the stored rows, shows
when they were computed, and reloads when a recompute finishes (portal/live_updates.py).
The words and tables come from views.py, the charts from charts.py.
"""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from models import Role
from models.db import session_scope
from models.supply import PeriodKind
from services.i18n.names import row_name
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.supply import purchasing, scorecards
from state.shared import routes
from state.shared.auth import AuthState
from state.supply.scorecards.charts import trend_figure
from state.supply.scorecards.views import (
    CRITERIA,
    EXPLAIN_ROWS,
    NUMERIC_COLUMNS,
    ROLLING,
    CriterionCard,
    ExplainRow,
    criterion_cards,
    explanation_table,
    figures_text,
    month_label,
)
from state.supply.scorecards.watchers import CARD, WATCHERS
from state.supply.view import (
    EMPTY,
    STANDING_COLOURS,
    colour,
    error_entry,
    fmt_date,
    fmt_decimal,
    fmt_int,
    label,
    messages,
    plain,
)


class ScorecardState(AuthState):
    """A supplier's card: the supplier's own, or (managers) the one drilled into."""

    _card: dict = {}
    _explanation: dict = {}
    period: str = ROLLING
    criterion: str = ""
    loading: bool = True
    explaining: bool = False
    missing: bool = False
    block_open: bool = False
    _errors: dict[str, list] = {}

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @rx.var
    def blocked(self) -> bool:
        return bool(self._card and self._card["blocked"])

    @rx.var
    def head(self) -> dict[str, str]:
        card, language = self._card, self.language
        if not card:
            return {}
        current = card["current"] or {}
        standing = current.get("standing")
        return {
            "supplier_id": str(card["supplier_id"]),
            "name": row_name(card, "supplier_name", self.language),
            "score": fmt_decimal(current.get("score"), language),
            "standing": label("scorecard.standing", standing, language)
            if standing
            else self.t("scorecard.standing.none"),
            "colour": colour(STANDING_COLOURS, standing),
            "period": self.t("scorecard.rolling_to", month=month_label(current["period"], language))
            if current
            else "",
            "computed": self.t("scorecard.last_computed", time=self.fmt_time(card["computed_at"]))
            if card["computed_at"]
            else self.t("scorecard.never_computed"),
            "blocked_text": self.t("scorecard.blocked_since", reason=card["blocked_reason"])
            if card["blocked"]
            else "",
            "issue_href": routes.new_purchase_order(card["supplier_id"]),
        }

    @rx.var
    def period_options(self) -> list[dict[str, str]]:
        card = self._card
        if not card:
            return []
        options = [{"value": ROLLING, "label": self.t("scorecard.rolling12")}]
        options += [
            {"value": month, "label": month_label(month, self.language)}
            for month in reversed(card["trend_months"])
        ]
        return options

    def _period_row(self) -> dict | None:
        card = self._card
        if not card:
            return None
        if self.period == ROLLING:
            return card["current"]
        return next((row for row in card["trend"] if row["period"] == self.period), None)

    @rx.var
    def cards(self) -> list[CriterionCard]:
        if not self._card:
            return []
        return criterion_cards(self._period_row(), self._card["weights"], self.t, self.language)

    @rx.var
    def period_score(self) -> str:
        row = self._period_row()
        return fmt_decimal(row.get("score"), self.language) if row else EMPTY

    @rx.var
    def figure(self) -> go.Figure:
        card = self._card
        if not card:
            return go.Figure()
        return trend_figure(card["trend"], card["trend_months"], self.t, self.language)

    @rx.var
    def explain_head(self) -> dict[str, str]:
        explanation, language = self._explanation, self.language
        if not explanation:
            return {}
        params = {key: str(value) for key, value in explanation["formula_params"].items()}
        return {
            "title": self.t(
                "scorecard.explain_title",
                criterion=self.t(f"scorecard.criterion.{explanation['criterion']}"),
                period=(
                    self.t("scorecard.rolling_to", month=month_label(explanation["period"], language))
                    if explanation["period_kind"] == PeriodKind.ROLLING_12
                    else month_label(explanation["period"], language)
                ),
            ),
            "formula": self.t(explanation["formula_key"], **params),
            "score": fmt_decimal(explanation["score"], language),
            "weight": self.t("scorecard.weight", weight=explanation["weight"]),
            "figures": figures_text(explanation["criterion"], explanation["figures"], self.t, language)
            if explanation["figures"]
            else self.t("scorecard.no_data"),
            "range": f"{fmt_date(explanation['period_start'], language)} – "
            f"{fmt_date(explanation['period_end'], language)}",
            "count": self.t(
                "scorecard.items_shown",
                shown=fmt_int(len(explanation["items"]), language),
                total=fmt_int(explanation["items_total"], language),
            ),
        }

    @rx.var
    def explain_columns(self) -> list[str]:
        if not self._explanation:
            return []
        columns, _rows = explanation_table(
            self._explanation["criterion"], [], self.role, self.t, self.language
        )
        return [self.t(column) for column in columns]

    @rx.var
    def explain_aligns(self) -> list[str]:
        if not self._explanation:
            return []
        columns, _rows = explanation_table(
            self._explanation["criterion"], [], self.role, self.t, self.language
        )
        return ["right" if column in NUMERIC_COLUMNS else "left" for column in columns]

    @rx.var
    def explain_rows(self) -> list[ExplainRow]:
        explanation = self._explanation
        if not explanation:
            return []
        items = [
            {
                **item,
                **(
                    {
                        "opened_at": self.fmt_time(item["opened_at"]),
                        "acknowledged_at": self.fmt_time(item["acknowledged_at"]),
                    }
                    if "opened_at" in item
                    else {}
                ),
                **({"issued_at": self.fmt_time(item["issued_at"])} if "issued_at" in item else {}),
            }
            for item in explanation["items"]
        ]
        _columns, rows = explanation_table(explanation["criterion"], items, self.role, self.t, self.language)
        return rows

    # --- loading -----------------------------------------------------------------------

    def _supplier_id(self, principal) -> int | str:
        if principal.role == Role.SUPPLIER:
            return principal.organisation_id
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    def _read(self) -> None:
        principal = self._principal(Role.MANAGER, Role.SUPPLIER)
        with session_scope() as session:
            self._card = plain(
                scorecards.supplier_scorecard(session, principal, self._supplier_id(principal))
            )

    @rx.event
    def load(self):
        token = self.router.session.client_token
        self.loading, self.missing, self._card, self._explanation = True, False, {}, {}
        self.period, self.criterion, self.block_open, self._errors = ROLLING, "", False, {}
        yield
        try:
            self._read()
        except PermissionDenied:
            WATCHERS.forget(token)
        except (NotFound, ValidationFailed):
            WATCHERS.forget(token)
            self.missing = True
        else:
            WATCHERS.watch(token, CARD, self._card["supplier_id"])
        self.loading = False
        wanted = self.router.url.query_parameters.get("criterion", "")
        if wanted in CRITERIA and self._card:
            yield ScorecardState.explain(wanted)

    @rx.event
    def stop_watching(self):
        """on_unmount of the card page: this tab no longer needs the recompute's notices."""
        WATCHERS.forget(self.router.session.client_token)

    def refresh(self) -> None:
        """A recompute finished (portal/live_updates.py calls this on the tabs showing the card):
        read the card again, keeping the chosen period; the open explanation is read again too."""
        if not self._card:
            return
        try:
            self._read()
        except DomainError:
            return
        if self.criterion:
            self._load_explanation(self.criterion)

    @rx.event
    def set_period(self, period: str):
        valid = {option["value"] for option in self.period_options}
        self.period = period if period in valid else ROLLING
        if self.criterion:
            return ScorecardState.explain(self.criterion)
        return None

    @rx.event
    def explain(self, criterion: str):
        """Load the figures and the very items behind one criterion for the chosen period."""
        if criterion not in CRITERIA or not self._card:
            return None
        self.criterion, self.explaining = criterion, True
        try:
            self._load_explanation(criterion)
        except DomainError as error:
            self.explaining = False
            return self._denied(error)
        self.explaining = False
        return None

    def _load_explanation(self, criterion: str) -> None:
        card = self._card
        if self.period == ROLLING:
            period = (card["current"] or {}).get("period") or card["trend_months"][-1]
            kind = PeriodKind.ROLLING_12
        else:
            period, kind = self.period, PeriodKind.MONTH
        principal = self._principal(Role.MANAGER, Role.SUPPLIER)
        with session_scope() as session:
            self._explanation = plain(
                scorecards.explain_criterion(
                    session,
                    principal,
                    card["supplier_id"],
                    period,
                    criterion,
                    period_kind=kind,
                    limit=EXPLAIN_ROWS,
                )
            )

    @rx.event
    def close_explanation(self):
        self.criterion, self._explanation = "", {}

    # --- blocking (managers) -----------------------------------------------------------

    @rx.event
    def set_block_open(self, is_open: bool):
        self.block_open, self._errors = bool(is_open), {}

    @rx.event
    def set_blocked(self, form_data: dict):
        card = self._card
        if not card:
            return None
        blocked = not card["blocked"]
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                purchasing.set_supplier_blocked(
                    session,
                    principal,
                    card["supplier_id"],
                    blocked=blocked,
                    reason=str(form_data.get("reason") or "")[:501],
                )
            self._read()
        except ValidationFailed as error:
            self._errors = {error.field or "form": error_entry(error)}
            return None
        except DomainError as error:
            return self._denied(error)
        self.block_open, self._errors = False, {}
        return rx.toast.success(
            self.t(
                "scorecard.blocked_toast" if blocked else "scorecard.unblocked_toast",
                supplier=row_name(card, "supplier_name", self.language),
            )
        )
