"""How the planning pages name models, demand classes and figures in the viewer's language."""

from __future__ import annotations

import reflex as rx

from services.planning.forecast.selection import ENSEMBLE


class PlanningLabelsMixin(rx.State, mixin=True):
    """Mixed into AuthState subclasses (it uses their `t`, `fmt_number`)."""

    def _model_label(self, model: str, members: str = "") -> str:
        """A model's name (`planning.model.<name>`); an ensemble with its members."""
        if not model:
            return "—"
        label = self.t(f"planning.model.{model}")
        if model == ENSEMBLE and members and "+" in members:
            names = " + ".join(self.t(f"planning.model.{member}") for member in members.split("+"))
            return self.t("planning.model.ensemble_of", members=names)
        return label

    def _class_label(self, demand_class: str) -> str:
        return self.t(f"planning.class.{demand_class or 'none'}")

    def _error(self, value: float | None) -> str:
        """A backtest error (MASE, RMSSE, bias) with two decimals; '—' for none."""
        return "—" if value is None else self.fmt_number(round(float(value), 2))

    def _units(self, value: float) -> str:
        return self.fmt_number(round(float(value), 1))
