"""The scorecard pages' states: one supplier's card (card.py), the managers' ranking (ranking.py),
the scoring settings (settings.py); their words and tables (views.py), charts (charts.py) and the
registry of tabs that reload when a recompute finishes (watchers.py)."""

from state.supply.scorecards.card import ScorecardState
from state.supply.scorecards.charts import trend_figure
from state.supply.scorecards.ranking import RankingState
from state.supply.scorecards.settings import ScorecardSettingsState
from state.supply.scorecards.views import explanation_table, month_label

__all__ = [
    "RankingState",
    "ScorecardSettingsState",
    "ScorecardState",
    "explanation_table",
    "month_label",
    "trend_figure",
]
