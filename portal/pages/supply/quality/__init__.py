"""Quality: incident lists and pages for both sides (/supplier/incidents..., /manager/incidents...,
with the manager's field-complaint form) and the lot lookup (/manager/lots, /supplier/lots)."""

from portal.pages.supply.quality import incident, incidents, lots  # noqa: F401  (declare pages)
