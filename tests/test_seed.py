"""The seed example from the issue, through every entry point, against torch and numpy."""

import numpy as np
import pytest
import torch

import gradkit
from gradkit.compat import numpy_gradient, torch_gradient

X = [-2.0, -1.0, 1.0, 4.0]
F = [4.0, 1.0, 1.0, 16.0]
EXPECTED = [-3.0, -2.0, 2.0, 5.0]


def test_torch_gives_the_seed_numbers():
    (g,) = torch.gradient(torch.tensor(F), spacing=(torch.tensor(X),))
    assert g.tolist() == EXPECTED


def test_gradkit_gradient_seed_numpy():
    (g,) = gradkit.gradient(np.array(F), spacing=(np.array(X),))
    np.testing.assert_allclose(g, EXPECTED, rtol=1e-14)
    assert isinstance(g, np.ndarray)


def test_gradkit_gradient_seed_torch():
    (g,) = gradkit.gradient(torch.tensor(F), spacing=(torch.tensor(X),))
    assert isinstance(g, torch.Tensor)
    torch.testing.assert_close(g, torch.gradient(torch.tensor(F), spacing=(torch.tensor(X),))[0])


def test_drop_ins_seed():
    (g,) = torch_gradient(torch.tensor(F), spacing=(torch.tensor(X),))
    torch.testing.assert_close(g, torch.tensor(EXPECTED))
    np.testing.assert_allclose(numpy_gradient(np.array(F), np.array(X)), np.gradient(np.array(F), np.array(X)))


def test_index_one_is_the_three_point_formula():
    hl, hr = X[1] - X[0], X[2] - X[1]
    by_hand = (hl**2 * F[2] - hr**2 * F[0] + (hr**2 - hl**2) * F[1]) / (hr * hl**2 + hl * hr**2)
    assert by_hand == -2.0
    assert gradkit.gradient(np.array(F), spacing=(np.array(X),))[0][1] == pytest.approx(by_hand, rel=1e-15)


@pytest.mark.parametrize(
    "spacing, expected",
    [
        (1, [1.0, 1.0, 1.0, 1.0]),
        ((np.array([1, 2, 3, 4]),), [1.0, 1.0, 1.0, 1.0]),
        ((np.array([2, 4, 6, 8]),), [0.5, 0.5, 0.5, 0.5]),
    ],
)
def test_linear_data(spacing, expected):
    f = np.array([1.0, 2.0, 3.0, 4.0])
    (g,) = gradkit.gradient(f, spacing=spacing)
    np.testing.assert_allclose(g, expected, rtol=1e-15)
    t_spacing = spacing if np.ndim(spacing) == 0 else (torch.tensor(spacing[0]),)
    (t,) = torch.gradient(torch.tensor(f), spacing=t_spacing)
    np.testing.assert_allclose(g, t.numpy(), rtol=1e-15)


def test_integer_input_is_converted_before_differencing():
    t = torch.tensor([-100, 100, 120], dtype=torch.int8)
    (g,) = gradkit.gradient(t)
    assert g.dtype == torch.get_default_dtype()
    assert g.tolist() == [200.0, 110.0, 20.0]
    (g2,) = torch_gradient(t)
    assert g2.tolist() == [200.0, 110.0, 20.0]
