"""`python -m services.planning.forecast --input history.csv --horizon H --out forecast.csv [--freq M]`."""

import sys

from services.planning.forecast.cli import main

sys.exit(main())
