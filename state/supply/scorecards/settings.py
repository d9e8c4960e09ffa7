"""The managers' scoring rules (/manager/scorecard-settings): the criteria's weights (the rule
that they add up to 100 is the service's) and the standing bands."""

from __future__ import annotations

import reflex as rx

from models import Role
from models.db import session_scope
from services.platform.errors import DomainError, PermissionDenied, ValidationFailed
from services.supply import scorecards
from state.shared.auth import AuthState
from state.supply.scorecards.views import CRITERIA
from state.supply.view import error_entries, messages


class ScorecardSettingsState(AuthState):
    """The managers' scoring rules: weights (adding to 100) and standing bands."""

    weights: dict[str, str] = {}
    bands: dict[str, str] = {}
    updated: str = ""
    loading: bool = True
    _errors: dict[str, list] = {}

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def weight_rows(self) -> list[dict[str, str]]:
        errors = self.error
        return [
            {
                "name": name,
                "label": self.t(f"scorecard.criterion.{name}"),
                "value": self.weights.get(name, ""),
                "error": errors.get(f"weights.{name}", ""),
            }
            for name in CRITERIA
        ]

    @rx.var
    def weight_total(self) -> str:
        return self.t("scorecard.weights_total", total=scorecards.weights_sum(self.weights))

    @rx.var
    def weights_add_up(self) -> bool:
        """The service's rule (every weight valid, adding up to 100), asked as the form is filled in."""
        return scorecards.weights_add_up(self.weights)

    @rx.var
    def band_rows(self) -> list[dict[str, str]]:
        errors = self.error
        return [
            {
                "name": name,
                "label": self.t(f"scorecard.band.{name}"),
                "value": self.bands.get(name, ""),
                "error": errors.get(f"bands.{name}", ""),
            }
            for name in ("excellent", "good", "watch")
        ]

    def _show(self, settings: dict) -> None:
        self.weights = {name: str(value) for name, value in settings["weights"].items()}
        self.bands = {name: str(value) for name, value in settings["bands"].items()}
        self.updated = settings["updated_at"].isoformat() if settings["updated_at"] else ""

    @rx.var
    def updated_text(self) -> str:
        return (
            self.t("scorecard.settings_updated", time=self.fmt_time(self.updated))
            if self.updated
            else self.t("scorecard.settings_default")
        )

    @rx.event
    def load(self):
        self.loading, self._errors = True, {}
        yield
        try:
            self._principal(Role.MANAGER)
        except PermissionDenied:
            self.loading = False
            return
        with session_scope() as session:
            self._show(scorecards.get_scorecard_settings(session))
        self.loading = False

    @rx.event
    def set_weight(self, name: str, value: str):
        if name in CRITERIA:
            self.weights = {**self.weights, name: value.strip()[:12]}
            self._errors = {
                key: entry for key, entry in self._errors.items() if key not in (f"weights.{name}", "weights")
            }

    @rx.event
    def set_band(self, name: str, value: str):
        if name in ("excellent", "good", "watch"):
            self.bands = {**self.bands, name: value.strip()[:12]}
            self._errors = {key: entry for key, entry in self._errors.items() if not key.startswith("bands")}

    @rx.event
    def save(self):
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                settings = scorecards.update_scorecard_settings(
                    session, principal, weights=dict(self.weights), bands=dict(self.bands)
                )
        except ValidationFailed as error:
            self._errors = error_entries(error)
            return None
        except DomainError as error:
            return self._denied(error)
        self._errors = {}
        self._show(settings)
        return rx.toast.success(self.t("scorecard.settings_saved"))
