"""PyNumDiff's published test problems against ``smooth_derivative`` (issue 14).

The problems and the error bounds are facts taken from PyNumDiff 0.3's own
test suite (``pynumdiff/tests/test_diff_methods.py``): 31 samples on
``t = linspace(0, 3, 31)`` (step 0.1), six functions, additive noise
``0.05 * randn`` drawn with ``np.random.seed(7)``; each method must keep the
L2 norm and the max norm of its derivative error below ``10**bound``, without
and with the noise. gradkit runs with its *automatic* parameters (nothing
tuned per problem), against the bounds PyNumDiff set for its own
Savitzky-Golay (``savgoldiff``), spline (``splinediff``) and first-order TV
(``tvrdiff`` with ``order=1``) methods with hand-picked parameters.
"""

import numpy as np
import pytest

import gradkit

pytest.importorskip("scipy")

FLOOR = -12  # PyNumDiff's machine-precision floor
T = np.linspace(0, 3, 31)
DT = 0.1


def _noise() -> np.ndarray:
    state = np.random.get_state()
    try:
        np.random.seed(7)
        return 0.05 * np.random.randn(*T.shape)
    finally:
        np.random.set_state(state)


NOISE = _noise()

FUNCTIONS = [
    (lambda t: np.ones(t.shape), lambda t: np.zeros(t.shape)),
    (lambda t: 2 * t + 1, lambda t: 2 * np.ones(t.shape)),
    (lambda t: t**2 - t + 1, lambda t: 2 * t - 1),
    (lambda t: np.sin(3 * t) + 0.5, lambda t: 3 * np.cos(3 * t)),
    (lambda t: np.exp(t) * np.sin(5 * t), lambda t: np.exp(t) * (5 * np.cos(5 * t) + np.sin(5 * t))),
    (
        lambda t: np.sin(8 * t) / (t + 0.1) ** 1.5,
        lambda t: ((0.8 + 8 * t) * np.cos(8 * t) - 1.5 * np.sin(8 * t)) / (0.1 + t) ** 2.5,
    ),
]

# (log10 L2, log10 Linf) bounds of the derivative error, noiseless then noisy,
# per function: PyNumDiff's table entries 1 and 3 for each method.
BOUNDS = {
    "savgol": [
        ((FLOOR, FLOOR), (0, 0)),
        ((FLOOR, FLOOR), (0, 0)),
        ((-1, -1), (0, 0)),
        ((0, 0), (1, 0)),
        ((2, 2), (2, 2)),
        ((3, 3), (3, 3)),
    ],
    "spline": [
        ((FLOOR, FLOOR), (0, 0)),
        ((FLOOR, FLOOR), (0, 0)),
        ((FLOOR, FLOOR), (0, 0)),
        ((1, 1), (1, 1)),
        ((2, 2), (2, 2)),
        ((3, 3), (3, 3)),
    ],
    "tv": [
        ((FLOOR, FLOOR), (1, 0)),
        ((-11, FLOOR), (-1, -2)),
        ((1, 0), (1, 0)),
        ((1, 1), (1, 0)),
        ((2, 2), (2, 2)),
        ((3, 3), (3, 3)),
    ],
}

# Where gradkit's automatic choice misses PyNumDiff's bound (measured, kept
# honest as strict xfails so that an improvement shows up).
KNOWN_MISSES = {
    # The discrepancy principle smooths sin(3t) + noise into a staircase
    # whose last step is 1.6 off at t = 3 (PyNumDiff's bound: 1); the best
    # alpha in hindsight (about 3e-3) gives 0.69.
    ("tv", 3, "noisy"),
}


@pytest.mark.parametrize("method", sorted(BOUNDS))
@pytest.mark.parametrize("k", range(len(FUNCTIONS)))
@pytest.mark.parametrize("case", ["noiseless", "noisy"])
def test_meets_pynumdiff_bounds(method, k, case, request):
    if (method, k, case) in KNOWN_MISSES:
        request.applymarker(pytest.mark.xfail(strict=True, reason="measured miss, see KNOWN_MISSES"))
    f, df = FUNCTIONS[k]
    samples = f(T) + (NOISE if case == "noisy" else 0.0)
    err = gradkit.smooth_derivative(samples, spacing=DT, method=method) - df(T)
    log_l2, log_inf = BOUNDS[method][k][case == "noisy"]
    assert np.linalg.norm(err) < 10.0**log_l2
    assert np.abs(err).max() < 10.0**log_inf


@pytest.mark.parametrize("method", sorted(BOUNDS))
def test_inputs_are_not_modified(method):
    samples = FUNCTIONS[3][0](T) + NOISE
    before = samples.copy()
    gradkit.smooth_derivative(samples, spacing=DT, method=method)
    np.testing.assert_array_equal(samples, before)
