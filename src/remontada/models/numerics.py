"""Small numerical helpers shared by the maximum-likelihood fits."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

__all__ = ["numerical_hessian"]

Array = NDArray[np.float64]


def numerical_hessian(gradient: Callable[[Array], Array], at: Array, step: float = 1e-5) -> Array:
    """The Hessian by central differences of an analytic gradient, symmetrised.

    Its inverse at a maximum-likelihood optimum estimates the covariance of the
    parameters (the observed information), whence the fits' standard errors.
    """
    size = len(at)
    out = np.empty((size, size))
    for k in range(size):
        shift = np.zeros(size)
        shift[k] = step
        out[k] = (gradient(at + shift) - gradient(at - shift)) / (2 * step)
    hessian: Array = (out + out.T) / 2
    return hessian
