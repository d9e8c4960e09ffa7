"""The deterministic demo data: `python -m services.seed --scale demo|large`.

`seed(engine_or_session, scale)` writes one OEM, its suppliers and their parts, the vehicle
line-up, warehouses, dealers and their stores, stock everywhere and users for every role,
in one transaction, once. See `services.seed.seeder.seed` for the contract.
"""

from services.seed.plan import SCALES
from services.seed.reference import DEMO_PASSWORD, OEM_SLUG
from services.seed.seeder import seed

__all__ = ["DEMO_PASSWORD", "OEM_SLUG", "SCALES", "seed"]
