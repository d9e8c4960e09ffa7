"""Quality incidents: the list (a supplier's own; the manager's of every supplier, with the field
complaint form), one incident with its timeline and the next move of the viewer's side, and the
lot lookup (every order, notice, receipt and incident a lot touched).

Supplier: acknowledge (the response time stops), record containment and root cause, resolve with
evidence. Manager: accept the resolution (closed) or reopen it with a reason; report a field
complaint. Each handler re-reads the principal with its role; the service checks it again.
"""

from state.supply.quality.incident import IncidentState
from state.supply.quality.incidents import IncidentListState
from state.supply.quality.lots import LotTraceState

__all__ = ["IncidentListState", "IncidentState", "LotTraceState"]
