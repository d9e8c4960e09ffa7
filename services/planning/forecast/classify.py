"""Demand classes by the Syntetos-Boylan-Croston scheme: ADI (mean interval between non-zero demands) and
CV² (squared coefficient of variation of the non-zero sizes), cut at 1.32 and 0.49."""

from __future__ import annotations

import numpy as np
import pandas as pd

ADI_CUT = 1.32
CV2_CUT = 0.49
CLASSES = ("smooth", "erratic", "intermittent", "lumpy")
NO_DEMAND = "none"


def demand_class(y: np.ndarray) -> str:
    """The class of one series of non-negative demand. A series without any demand is `"none"`."""
    values = np.asarray(y, dtype=float)
    nonzero = values[values > 0]
    if nonzero.size == 0:
        return NO_DEMAND
    adi = values.size / nonzero.size
    mean = nonzero.mean()
    cv2 = float((nonzero.std() / mean) ** 2) if nonzero.size > 1 else 0.0
    if adi < ADI_CUT:
        return "smooth" if cv2 < CV2_CUT else "erratic"
    return "intermittent" if cv2 < CV2_CUT else "lumpy"


def demand_classes(df: pd.DataFrame) -> pd.Series:
    """`unique_id -> class` for a long frame with columns `unique_id, ds, y`."""
    return df.groupby("unique_id", sort=True)["y"].agg(lambda y: demand_class(y.to_numpy()))
