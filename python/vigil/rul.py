"""Remaining useful life from a health indicator's history (include/vigil/rul.h)."""

import ctypes

from . import _buffers
from ._lib import lib

MIN_POINTS = 5  # VIGIL_RUL_MIN_POINTS: 3 parameters + 2 degrees of freedom


def remaining_life(t, h, threshold):
    """Fit h(t) = c + a exp(b (t - t0)/T) (t0 the first time, T the history's span) to a growing
    health indicator and extrapolate it to ``threshold``.

    The fit is refused when the growth rate b is not positive with 95 % confidence, when a <= 0,
    or when the fitted curve never reaches the threshold. For an indicator that falls towards
    failure, pass ``-h`` and ``-threshold``.

    Args:
        t: times, strictly increasing and finite, any unit (the result is in that unit).
        h: indicator values at those times (same length, finite; e.g. an RMS, an envelope
            amplitude, an anomaly score).
        threshold: failure level of h.

    Returns:
        ``{"rul": remaining life from t[-1] (0 if already past), "rul_lo", "rul_hi": ends of the
        95 % interval (delta method, parameter uncertainty only; rul_lo >= 0), "c", "a", "b":
        the fitted parameters}``.

    Raises:
        VigilError: ``Status.ENOTREND`` (no significant growth, or the threshold is never
            reached: the message says which), ``Status.ENODATA`` (fewer than 5 points),
            ``Status.EINVAL`` (times not increasing, NaN or infinity).
        ValueError: ``t`` and ``h`` differ in length.
    """
    ts, hs = _buffers.doubles(t), _buffers.doubles(h)
    if ts.n != hs.n:
        raise ValueError("vigil: t and h must have the same length (%d != %d)" % (ts.n, hs.n))
    rul, lo, hi = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    params = (ctypes.c_double * 3)()
    lib.vigil_rul_estimate(ts.pointer(), hs.pointer(), ts.n, float(threshold), ctypes.byref(rul),
                           ctypes.byref(lo), ctypes.byref(hi), params)
    return {"rul": rul.value, "rul_lo": lo.value, "rul_hi": hi.value,
            "c": params[0], "a": params[1], "b": params[2]}
