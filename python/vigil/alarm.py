"""The alarm state machine and the health index (include/vigil/alarm.h), usable on their own:
with scores from any model, or to replay a monitor's scores under other persistence settings."""

import ctypes

from . import _buffers
from ._lib import AlarmP, lib
from ._handle import CObject

STATES = tuple(lib.vigil_state_name(i).decode() for i in range(3))  # the library's names


def health(score, threshold):
    """Health index in [0, 1]: 1 / (1 + (score/threshold)^4): 1 at 0, 0.94 at half the
    threshold, 0.5 at it, 0.06 at twice it; 0 for a NaN score or a threshold <= 0."""
    return lib.vigil_health(float(score), float(threshold))


class Alarm(CObject):
    """OK / WARN / ALARM with persistence and hysteresis (``vigil_alarm``).

    ALARM when at least k of the last n frames exceed the threshold; WARN at k_warn of n; back to
    OK only when none of the last n exceeds ``clear_ratio`` x threshold (ALARM never steps down
    to WARN). Every change is queued as an event (the last 256 are kept).

    Args:
        persistence: ``(k, n)``, 1 <= k <= n <= 64 (default (3, 5)).
        hysteresis: ``(k_warn, clear_ratio)``, 1 <= k_warn <= k, 0 < ratio <= 1 (default
            (2, 0.8)); k_warn == k disables WARN.

    Raises:
        VigilError: ``Status.EINVAL`` for settings out of range.
    """

    _destroy = "vigil_alarm_destroy"

    def __init__(self, persistence=None, hysteresis=None):
        self._ptr = None
        ptr = AlarmP()
        lib.vigil_alarm_create(ctypes.byref(ptr))
        self._ptr = ptr
        try:
            if persistence is not None:
                k, n = persistence
                lib.vigil_alarm_set_persistence(ptr, _buffers.size_arg(k, "k"),
                                                _buffers.size_arg(n, "n"))
            if hysteresis is not None:
                k_warn, ratio = hysteresis
                lib.vigil_alarm_set_hysteresis(ptr, _buffers.size_arg(k_warn, "k_warn"),
                                               float(ratio))
        except BaseException:
            self.close()
            raise


    def update(self, score, threshold, t=0.0):
        """Feed one frame's score and threshold (> 0) at time ``t`` (seconds, recorded in
        events); return the new state name.

        Raises:
            VigilError: ``Status.ENONFINITE`` (NaN score), ``Status.EINVAL`` (threshold <= 0);
                the state is then unchanged.
        """
        return STATES[lib.vigil_alarm_update(self._handle(), float(score), float(threshold),
                                             float(t))]

    @property
    def state(self):
        """The current state name."""
        return STATES[lib.vigil_alarm_state(self._handle())]

    def events(self):
        """Take the queued changes, oldest first: ``[{"t", "from", "to"}]``."""
        ptr = self._handle()
        t, a, b = ctypes.c_double(), ctypes.c_int(), ctypes.c_int()
        out = []
        while lib.vigil_alarm_next_event(ptr, ctypes.byref(t), ctypes.byref(a),
                                         ctypes.byref(b)) == 1:
            out.append({"t": t.value, "from": STATES[a.value], "to": STATES[b.value]})
        return out

    @property
    def events_dropped(self):
        """Events dropped because the queue was full."""
        return lib.vigil_alarm_events_dropped(self._handle())

    def reset(self):
        """Back to OK with an empty window and no events."""
        lib.vigil_alarm_reset(self._handle())

    def clear_window(self):
        """Forget the window only (state and events kept), e.g. after a gap in time."""
        lib.vigil_alarm_clear_window(self._handle())
