"""Demand classes by ADI and CV² (cut at 1.32 and 0.49)."""

from __future__ import annotations

import numpy as np
import pytest

from services.planning.forecast.classify import demand_class


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10, 11, 9, 10, 12, 10], "smooth"),  # every period, similar sizes
        ([2, 30, 1, 25, 3, 40], "erratic"),  # every period, sizes all over
        ([0, 3, 0, 0, 3, 0, 4, 0], "intermittent"),  # ADI 2.67, similar sizes
        ([0, 1, 0, 0, 30, 0, 2, 0], "lumpy"),  # ADI 2.67, sizes all over
        ([0, 0, 0], "none"),
    ],
)
def test_demand_class_by_interval_and_size_variation(values: list[int], expected: str) -> None:
    assert demand_class(np.array(values)) == expected
