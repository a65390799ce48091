"""The generator and ``check`` agree on the largest SD a bounded variable allows (#31): one function,
``analysis.stats.granularity.max_sd``.

Closed form: n values in [low, high] with mean m have the largest sample SD when they sit on the bounds,
sqrt(n / (n - 1) (m - low)(high - m)); for n = 10 on [0, 10] with mean 2 that is sqrt(10 / 9 * 16) = 4.2163702136
(two values at 10, eight at 0). The population form without n / (n - 1) gives 4: an SD of 4.1 passed ``check`` and
could not be built.
"""

import numpy as np
import pytest

from analysis.core.errors import ReconstructionError
from analysis.generate.cohort import bounded_exact
from analysis.generate.continuous import base_shape
from analysis.stats.granularity import max_sd


def test_the_largest_sd_is_the_closed_form():
    assert max_sd(2.0, 0.0, 10.0, 10) == pytest.approx(4.2163702136, rel=1e-10, abs=0)  # closed form above
    x = np.array([10.0, 10.0] + [0.0] * 8)
    assert x.std(ddof=1) == pytest.approx(max_sd(2.0, 0.0, 10.0, 10), rel=1e-12, abs=0)  # reached on the bounds


@pytest.mark.parametrize("sd", [3.9, 4.1, 4.2])
def test_an_sd_check_accepts_can_be_built(sd):
    assert sd <= max_sd(2.0, 0.0, 10.0, 10)
    x = bounded_exact(np.random.default_rng(1), 10, 2.0, sd, 0.0, 10.0, attempts=20000)
    assert x.min() >= 0 and x.max() <= 10
    assert (x.mean(), x.std(ddof=1)) == pytest.approx((2.0, sd), rel=1e-9, abs=1e-12)  # exact moments by design


def test_an_sd_beyond_it_is_refused_naming_the_same_limit():
    with pytest.raises(ReconstructionError, match=r"at most 4\.22"):
        base_shape(2.0, 4.3, (0.0, 10.0), 10)
