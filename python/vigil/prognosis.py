"""Remaining useful life (include/vigil/prognosis.h): a prognoser fed one (time, indicator)
pair per frame or snapshot, with an onset test, Bayesian exponential and linear degradation
models, an optional fleet prior learnt from run-to-failure histories, and the remaining life
with its interval. Snapshot index tables (include/vigil/snapshot.h). docs/PROGNOSIS.md has the
mathematics and the source of every default."""

import ctypes
import math
import os

from . import _buffers
from ._handle import CObject
from ._lib import PrognoserP, PriorP, SnapshotIndexP, lib
from .errors import Status, VigilError
from .parse import _text

#: Degradation models (``enum vigil_prognosis_model``); "survival": the fleet's survival model
#: answered (reported, not settable).
MODELS = ("auto", "exponential", "linear", "survival")
#: Why there is or is not an estimate (``enum vigil_prognosis_reason``).
REASONS = ("estimate", "baseline", "healthy", "few_points", "no_trend", "failed", "overdue")


def _raise(rc, what):
    detail = lib.vigil_last_error()
    raise VigilError(rc, detail.decode("utf-8", "replace") if detail else "", what)


def _estimate(ptr):
    """The estimate of a C prognoser as a dict (rul, rul_lo, rul_hi None without one)."""
    rul, lo, hi = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    has = lib.vigil_prognoser_rul(ptr, ctypes.byref(rul), ctypes.byref(lo), ctypes.byref(hi)) == 0
    onset = ctypes.c_double()
    has_onset = lib.vigil_prognoser_onset(ptr, ctypes.byref(onset)) == 0
    srul, slo, shi = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    has_s = lib.vigil_prognoser_survival(ptr, ctypes.byref(srul), ctypes.byref(slo),
                                         ctypes.byref(shi)) == 0
    return {
        "reason": REASONS[lib.vigil_prognoser_reason(ptr)],
        "rul": rul.value if has else None,
        "rul_lo": lo.value if has else None,
        "rul_hi": hi.value if has else None,
        "model": MODELS[lib.vigil_prognoser_model(ptr)],
        "points": lib.vigil_prognoser_points(ptr),
        "onset": onset.value if has_onset else None,
        "survival": (srul.value, slo.value, shi.value) if has_s else None,
    }


class Prior(CObject):
    """Fleet prior (``vigil_prognosis_prior``) learnt from complete run-to-failure histories.

    Args:
        feature: the indicator's name (e.g. ``"peak"``), as the prognosers using it.
        failure: the failure level those prognosers are given (> 0).
        onset: ``(baseline, rise, h)`` of the onset test (default the library's, 30, ln 2, 5).
    """

    _destroy = "vigil_prognosis_prior_destroy"

    def __init__(self, feature, failure, onset=None, _ptr=None):
        self._ptr = None
        if _ptr is not None:
            self._ptr = _ptr
            return
        ptr = PriorP()
        lib.vigil_prognosis_prior_create(_text(feature, "feature"), float(failure),
                                         ctypes.byref(ptr))
        self._ptr = ptr
        if onset is not None:
            try:
                lib.vigil_prognosis_prior_set_onset(ptr, _buffers.size_arg(onset[0], "baseline"),
                                                    float(onset[1]), float(onset[2]))
            except BaseException:
                self.close()
                raise

    def add_history(self, times, values):
        """Learn from one history (failure = its last point). Returns ``None`` when it was
        used, else the reason it was not (no onset, a falling fit: ``VIGIL_ENOTREND``).

        Raises:
            VigilError: bad input (times not increasing, NaN, non-positive values).
        """
        t, h = _buffers.doubles(times), _buffers.doubles(values)
        if t.n != h.n:
            raise ValueError("vigil: %d times for %d values" % (t.n, h.n))
        rc = lib.vigil_prognosis_prior_add_history(
            self._handle(), ctypes.cast(t.address, ctypes.POINTER(ctypes.c_double)),
            ctypes.cast(h.address, ctypes.POINTER(ctypes.c_double)), t.n)
        if rc == Status.ENOTREND:
            return lib.vigil_last_error().decode("utf-8", "replace")
        if rc < 0:
            _raise(rc, "vigil_prognosis_prior_add_history")
        return None

    def __len__(self):
        return lib.vigil_prognosis_prior_count(self._handle())

    @property
    def histories(self):
        """One dict per history learnt: onset (s), end (indicator at the end), rate (growth
        rate of the exponential model, 1/s)."""
        out = []
        for i in range(len(self)):
            o, e, r = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
            lib.vigil_prognosis_prior_history(self._handle(), i, ctypes.byref(o), ctypes.byref(e),
                                              ctypes.byref(r))
            out.append({"onset": o.value, "end": e.value, "rate": r.value})
        return out

    @property
    def lives(self):
        """Every history's life in seconds (first to last point), used for the degradation
        models or not: the fleet's survival model."""
        out = []
        for i in range(lib.vigil_prognosis_prior_life_count(self._handle())):
            v = ctypes.c_double()
            lib.vigil_prognosis_prior_life(self._handle(), i, ctypes.byref(v))
            out.append(v.value)
        return out

    @property
    def feature(self):
        return lib.vigil_prognosis_prior_feature(self._handle()).decode("utf-8")

    @property
    def failure(self):
        return lib.vigil_prognosis_prior_failure_level(self._handle())

    def to_bytes(self):
        """The saved form (versioned, CRC-checked), as written by ``vigil prior``."""
        size = ctypes.c_size_t()
        lib.vigil_prognosis_prior_save_size(self._handle(), ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        lib.vigil_prognosis_prior_save(self._handle(), buf, size.value, ctypes.byref(size))
        return buf.raw[:size.value]

    @classmethod
    def from_bytes(cls, data):
        data = bytes(data)
        ptr = PriorP()
        lib.vigil_prognosis_prior_load(data, len(data), ctypes.byref(ptr))
        return cls(None, None, _ptr=ptr)

    def save(self, path):
        lib.vigil_prognosis_prior_save_file(self._handle(), _text(os.fspath(path), "path"))

    @classmethod
    def load(cls, path):
        """Read a prior file (``vigil prior -o``)."""
        ptr = PriorP()
        lib.vigil_prognosis_prior_load_file(_text(os.fspath(path), "path"), ctypes.byref(ptr))
        return cls(None, None, _ptr=ptr)


class Prognoser(CObject):
    """Remaining-life estimator (``vigil_prognoser``).

    Args:
        feature: the indicator's name (a feature column such as ``"peak"``, or ``"score"``).
        failure: the indicator's failure level (> 0 for the exponential and auto models).
        model: ``"auto"`` (default), ``"exponential"`` or ``"linear"``.
        onset: ``(baseline, rise, h)`` of the onset test (default 30, ln 2, 5).
        min_points: points since the onset before a first estimate (default 5).
        level: central probability of the interval (default 0.95).
        point: the quantile of the remaining life given as ``rul`` (default 0.5, the median;
            0.2 is the PHM 2012 score's choice: docs/PROGNOSIS.md).
        start: when the unit's life started (s; default its first point): the age of the
            fleet's survival model counts from it.
        prior: a :class:`Prior` made for the same feature and failure level.
    """

    _destroy = "vigil_prognoser_destroy"

    def __init__(self, feature, failure, model="auto", onset=None, min_points=None, level=None,
                 prior=None, point=None, start=None, _ptr=None):
        self._ptr = None
        if _ptr is not None:
            self._ptr = _ptr
            return
        ptr = PrognoserP()
        lib.vigil_prognoser_create(_text(feature, "feature"), float(failure), ctypes.byref(ptr))
        self._ptr = ptr
        try:
            lib.vigil_prognoser_set_model(ptr, lib.vigil_prognosis_model_parse(
                _text(model, "model")))
            if onset is not None:
                lib.vigil_prognoser_set_onset(ptr, _buffers.size_arg(onset[0], "baseline"),
                                              float(onset[1]), float(onset[2]))
            if min_points is not None:
                lib.vigil_prognoser_set_min_points(ptr, _buffers.size_arg(min_points,
                                                                          "min_points"))
            if level is not None:
                lib.vigil_prognoser_set_level(ptr, float(level))
            if point is not None:
                lib.vigil_prognoser_set_point(ptr, float(point))
            if start is not None:
                lib.vigil_prognoser_set_start(ptr, float(start))
            if prior is not None:
                lib.vigil_prognoser_set_prior(ptr, prior._handle())
        except BaseException:
            self.close()
            raise

    def update(self, t, value):
        """Add the indicator ``value`` at time ``t`` (seconds, after the previous point);
        return the reason name after it (``"estimate"``, ``"healthy"``, ...).

        Raises:
            VigilError: time not increasing, NaN, a non-positive value for a log model, the
                first value already at the failure level; the point is not taken.
        """
        return REASONS[lib.vigil_prognoser_update(self._handle(), float(t), float(value))]

    def update_many(self, times, values):
        """:meth:`update` for each pair; return columns ``rul``, ``rul_lo``, ``rul_hi`` (NaN
        where there is no estimate) and ``reason`` (names), one entry per point."""
        times, values = list(times), list(values)
        if len(times) != len(values):
            raise ValueError("vigil: %d times for %d values" % (len(times), len(values)))
        rows, reasons = [], []
        for t, v in zip(times, values):
            reasons.append(self.update(t, v))
            e = _estimate(self._handle())
            rows.append(tuple(math.nan if e[k] is None else e[k]
                              for k in ("rul", "rul_lo", "rul_hi")))
        names = ("rul", "rul_lo", "rul_hi")
        out = (_buffers.columns(names, _buffers.from_rows(rows, 3), len(rows)) if rows
               else {k: _buffers.empty_column() for k in names})
        out["reason"] = reasons
        return out

    def estimate(self):
        """The state after the last update: a dict with ``reason``, ``rul``, ``rul_lo``,
        ``rul_hi`` (seconds from the last point; ``None`` without an estimate; ``rul_hi`` may
        be ``inf``), ``model``, ``points`` (since the onset) and ``onset`` (s or ``None``)."""
        return _estimate(self._handle())

    def reset(self):
        lib.vigil_prognoser_reset(self._handle())

    @property
    def feature(self):
        return lib.vigil_prognoser_feature(self._handle()).decode("utf-8")

    @property
    def failure(self):
        return lib.vigil_prognoser_failure_level(self._handle())

    def to_bytes(self):
        """Settings, prior and state (versioned, CRC-checked)."""
        size = ctypes.c_size_t()
        lib.vigil_prognoser_save_size(self._handle(), ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        lib.vigil_prognoser_save(self._handle(), buf, size.value, ctypes.byref(size))
        return buf.raw[:size.value]

    @classmethod
    def from_bytes(cls, data):
        data = bytes(data)
        ptr = PrognoserP()
        lib.vigil_prognoser_load(data, len(data), ctypes.byref(ptr))
        return cls(None, None, _ptr=ptr)

    def __reduce__(self):
        return (Prognoser.from_bytes, (self.to_bytes(),))

    def attach(self, monitor):
        """Give ``monitor`` (a fitted :class:`vigil.Monitor`) a copy of this prognoser: it is
        fed each scored row's indicator column (or its score), saved with the monitor and
        loaded back. Read it with :func:`monitor_estimate`."""
        lib.vigil_monitor_set_prognoser(monitor._handle(), self._handle())


def monitor_estimate(monitor):
    """The estimate (as :meth:`Prognoser.estimate`) of the prognoser inside ``monitor``, or
    ``None`` if it has none."""
    ptr = lib.vigil_monitor_prognoser(monitor._handle())
    return _estimate(ptr) if ptr else None


def snapshot_index(path):
    """Read an index table of snapshot files (columns ``snapshot`` and ``time``; clock times
    roll over at midnight): a list of ``(name, seconds)`` in table order."""
    ptr = SnapshotIndexP()
    lib.vigil_snapshot_index_load(_text(os.fspath(path), "path"), ctypes.byref(ptr))
    try:
        return [(lib.vigil_snapshot_index_name(ptr, i).decode("utf-8"),
                 lib.vigil_snapshot_index_time(ptr, i))
                for i in range(lib.vigil_snapshot_index_count(ptr))]
    finally:
        lib.vigil_snapshot_index_destroy(ptr)
