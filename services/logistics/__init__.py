"""Logistics: shipments, carrier events, tracking and ETA.

`ingest` (carrier documents in, once each), `eta` (lane history), `carriers` and `polling` (the
DHL-shaped integration), `carrier_server` (the local DHL-shaped server), `shipments` (an allocated
order's tracking number, VIN, promise and legs), `views` (scoped reads, the public look-up).

May import: `models`, `services.platform`, `services.i18n`, `services.identity`, `services.ordering`,
`services.supply`, `services.catalog` (its `Page`). No reflex, no celery."""
