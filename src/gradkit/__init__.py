"""gradkit: derivatives of sampled data.

Exact drop-ins for ``torch.gradient`` and ``numpy.gradient``
(:mod:`gradkit.compat`), plus any derivative order and accuracy, non-uniform
grids everywhere, periodic boundaries, and an explanation of every number.
"""

from .derivatives import derivative, gradient, weights
from .explain import Explanation, explain
from .explain_operator import OperatorExplanation, explain_operator
from .matrix import laplacian_matrix, matrix
from .operators import curl, divergence, hessian, jacobian, laplacian
from .smooth import SmoothResult, smooth_derivative
from .explain_savgol import SavgolExplanation, explain_savgol
from . import compat

__all__ = [
    "gradient", "derivative", "explain", "Explanation", "explain_operator", "OperatorExplanation", "weights",
    "laplacian", "divergence", "curl", "hessian", "jacobian", "matrix", "laplacian_matrix",
    "smooth_derivative", "SmoothResult", "explain_savgol", "SavgolExplanation",
    "compat",
]
__version__ = "0.1.0"
