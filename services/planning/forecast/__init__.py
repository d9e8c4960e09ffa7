"""Demand forecasts that choose their own model per series by rolling-origin backtest.

The pieces, each a small module:
- `history_file`: reads and checks a planner's `unique_id, ds, y` CSV (the row at fault is named);
- `classify`: smooth / erratic / intermittent / lumpy by ADI and CV² (Syntetos-Boylan);
- `candidates`: the models (statsforecast's classic and intermittent families, a global LightGBM through
  mlforecast, the hybrid ARIMA + MLP on ARIMA's residuals), all fitted by one call on one training frame;
- `backtest`: rolling origins, each window's models fitted on the data before its cutoff only; MASE,
  RMSSE, bias per series and model;
- `selection`: the best model (or the mean of the best few) per series, with the runner-up;
- `intervals`: conformal intervals from the chosen model's backtest residuals;
- `pipeline`: all of it for a frame of many series; `cli`: `python -m services.planning.forecast`.

May import: pandas, numpy, statsforecast, mlforecast, lightgbm, scikit-learn, utilsforecast,
`models.settings`, `services.platform`. No reflex, no celery.

Importing this package sets `NUMBA_CACHE_DIR` (unless already set) to `var/numba` under the project root,
before any numba import, so kernels compiled with `cache=True` are compiled once per machine. statsforecast
2.x itself no longer uses numba (its models are C++) and these candidates compile nothing; the first
forecast in a process pays ~1.3 s of lazy imports instead.
"""

from __future__ import annotations

import os

from models.settings import PROJECT_ROOT

# Must happen before the first `import numba` anywhere in the process (statsforecast imports it).
os.environ.setdefault("NUMBA_CACHE_DIR", str(PROJECT_ROOT / "var" / "numba"))
