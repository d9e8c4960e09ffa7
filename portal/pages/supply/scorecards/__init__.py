"""The scorecard pages (importing the package declares them): one supplier's card (card.py),
the managers' ranking (ranking.py) and the scoring settings (settings.py)."""

from portal.pages.supply.scorecards import card, ranking, settings  # noqa: F401  (declare pages)
