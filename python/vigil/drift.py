"""Slow drift and change detection on one timestamped scalar stream (include/vigil/drift.h):
a time-weighted EWMA level, the least-squares slope over a horizon, CUSUM and Page-Hinkley.
For a temperature read once a minute, an RMS value from a transmitter, a feature per frame."""

import ctypes
import enum

from . import _buffers
from ._lib import DriftP, lib
from ._handle import CObject


class DriftFlag(enum.IntFlag):
    """What :meth:`Drift.update` detected at a sample (``enum vigil_drift_flag``)."""

    CUSUM_UP = 1
    CUSUM_DOWN = 2
    PH_UP = 4
    PH_DOWN = 8
    GAP = 16


class Drift(CObject):
    """Drift tracker (``vigil_drift``).

    Args:
        horizon: slope horizon in seconds (> 0).
        capacity: most points kept for the slope (2 .. 1048576).
        tau: EWMA time constant in seconds (default horizon / 4).
        cusum: ``(k, h)`` in reference sigmas (default (0.5, 5)).
        page_hinkley: ``(delta, lambda)`` in sigmas (default (0.5, 10)).
        reference: ``(mean, sigma)`` in-control reference (default: learnt from the first 30
            samples).
        gap: seconds that count as a gap (``None``: 10 x the median of the first 15 intervals;
            ``math.inf``: never).

    Raises:
        VigilError: ``Status.EINVAL`` for a setting out of range.
    """

    _destroy = "vigil_drift_destroy"

    def __init__(self, horizon, capacity=4096, tau=None, cusum=None, page_hinkley=None,
                 reference=None, gap=None):
        self._ptr = None
        ptr = DriftP()
        lib.vigil_drift_create(float(horizon), _buffers.size_arg(capacity, "capacity"),
                               ctypes.byref(ptr))
        self._ptr = ptr
        try:
            if tau is not None:
                lib.vigil_drift_set_tau(ptr, float(tau))
            if cusum is not None:
                lib.vigil_drift_set_cusum(ptr, float(cusum[0]), float(cusum[1]))
            if page_hinkley is not None:
                lib.vigil_drift_set_page_hinkley(ptr, float(page_hinkley[0]),
                                                 float(page_hinkley[1]))
            if reference is not None:
                lib.vigil_drift_set_reference(ptr, float(reference[0]), float(reference[1]))
            if gap is not None:
                lib.vigil_drift_set_gap(ptr, float(gap))
        except BaseException:
            self.close()
            raise


    def update(self, t, v):
        """Add the value ``v`` at time ``t`` (seconds, not before the previous sample); return
        the :class:`DriftFlag` of what was detected (0 for nothing).

        Raises:
            VigilError: ``Status.EINVAL`` (time going backwards), ``Status.ENONFINITE``.
        """
        return DriftFlag(lib.vigil_drift_update(self._handle(), float(t), float(v)))

    def update_many(self, times, values):
        """:meth:`update` for each pair; return the list of flags."""
        times, values = list(times), list(values)
        if len(times) != len(values):
            raise ValueError("vigil: %d times for %d values" % (len(times), len(values)))
        return [self.update(t, v) for t, v in zip(times, values)]

    @property
    def level(self):
        """The EWMA level (NaN before the first sample)."""
        return lib.vigil_drift_level(self._handle())

    @property
    def slope(self):
        """Least-squares slope over the horizon, value units per hour (NaN with < 2 points)."""
        return lib.vigil_drift_slope(self._handle())

    @property
    def points(self):
        """Points currently in the slope horizon."""
        return lib.vigil_drift_points(self._handle())

    @property
    def cusum(self):
        """The (upper, lower) CUSUM sums in sigmas."""
        up, down = ctypes.c_double(), ctypes.c_double()
        lib.vigil_drift_cusum(self._handle(), ctypes.byref(up), ctypes.byref(down))
        return up.value, down.value

    @property
    def changes(self):
        """Change detections (CUSUM or Page-Hinkley, either side) so far."""
        return lib.vigil_drift_changes(self._handle())

    @property
    def gaps(self):
        """Gaps seen so far."""
        return lib.vigil_drift_gaps(self._handle())

    def reset(self):
        """Clear the stream state (the learnt reference too, unless set explicitly)."""
        lib.vigil_drift_reset(self._handle())
