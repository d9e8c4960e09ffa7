"""Purchase orders: the lists and the receiving list (lists.py), one order's page (order.py with
shipping.py, receiving.py and dialogs.py for its forms) and the new-order form (issue.py).
Importing the package declares every page."""

from portal.pages.supply.purchasing import issue, lists, order  # noqa: F401  (declare pages)
