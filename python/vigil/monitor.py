"""The monitor (include/vigil/monitor.h): learn what healthy looks like for one machine from
feature rows, then turn each new row into a score, a threshold, a health index, an alarm state
and the features that explain it; drift per feature; save and load.

:class:`Monitor` mirrors the C object; :func:`monitor_rows` is ``vigil monitor --rows`` in one
call (learn the first rows of a history, score the rest). Every number comes from the C library,
so results equal those of ``vigil train`` / ``vigil score`` / ``vigil monitor`` bit for bit.
Defaults and their reasons: docs/MODELS.md.
"""

import array
import ctypes
import enum
import math
import os

from . import _buffers
from . import _lib
from ._lib import DoubleP, MonitorP, PipelineP, lib
from ._handle import CObject
from .errors import Status, VigilError
from .features import FeatureExtractor
from .parse import _text, parse_time
from .pipeline import Pipeline

#: State names by C value (``enum vigil_state``): the library's names (vigil_state_name).
STATES = tuple(lib.vigil_state_name(i).decode() for i in range(3))


class Detector(enum.IntEnum):
    """Detector kinds (``enum vigil_detector_kind``)."""

    ZSCORE = 1       #: max over features of the EWMA-smoothed robust z
    MAHALANOBIS = 2  #: squared Mahalanobis distance, shrinkage covariance (the default)
    PCA = 3          #: T^2/T^2_99 + SPE/SPE_99 of a PCA model
    HST = 4          #: Half-Space Trees


class Direction(enum.IntEnum):
    """Fault direction of a feature (``enum vigil_direction``)."""

    BOTH = 0  #: any departure from the baseline counts
    UP = 1    #: only increases count (rms, kurtosis, band energy, ...)
    DOWN = 2  #: only decreases count


def _enum_name(value, kind, what):
    """The library's name of a member of ``kind`` given as itself, its int value or its name
    (``vigil_detector_name`` / ``vigil_direction_name``: no name table in the binding)."""
    name_of = {Detector: lib.vigil_detector_name, Direction: lib.vigil_direction_name}[kind]
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and name_of(int(value)):
        return name_of(int(value)).decode()
    raise ValueError("vigil: %s must be one of %s, got %r"
                     % (what, ", ".join(name_of(int(m)).decode() for m in kind), value))


def _names_array(names):
    names = [n.decode("utf-8") if isinstance(n, bytes) else n for n in names]
    for n in names:
        if not isinstance(n, str):
            raise TypeError("vigil: column names must be strings, got %r" % (n,))
    encoded = [_text(n, "column name") for n in names]
    return names, (ctypes.c_char_p * len(encoded))(*encoded)


class Monitor(CObject):
    """Anomaly monitor for one machine (``vigil_monitor``).

    Life cycle: create -> settings -> :meth:`learn` healthy rows (per operating condition) ->
    :meth:`fit` -> :meth:`score` rows (and :meth:`update` with rows known to be healthy).
    Selection, conditions and model settings are only accepted before fitting.

    Args:
        names: the column names of the rows (e.g. ``FeatureExtractor.names``, or a historian's
            tags); or a :class:`vigil.FeatureExtractor`, whose columns the rows will be.
        detector: ``"mahalanobis"`` (default), ``"zscore"``, ``"pca"`` or ``"hst"`` (or a
            :class:`Detector`).
        features: names of the columns to model; ``None`` keeps the library's default
            selection (rms, peak, crest, kurtosis, impulse, clearance, shape and every band_*;
            for tables without those names every column but frame/t_start/time/timestamp).
        directions: ``{feature: "up" | "down" | "both"}`` overriding the default fault
            directions (increases of rms, kurtosis, band energies... count; see MODELS.md).
        conditions: number of operating conditions (1..64; default 1).
        quantile: threshold quantile of out-of-fold training scores (0.5 <= q < 1; default
            0.995).
        threshold_mode: ``"quantile"`` (default: tail-fitted), ``"empirical"`` (the plain
            out-of-fold quantile) or ``"chi2"`` (Mahalanobis only).
        seed: random seed (HST; default 1).
        scale_floor: each baseline scale is at least this fraction of |median| (default 0.05).
        smoothing: EWMA weight of the z-score detector (0 < alpha <= 1; default 0.3).
        persistence: ``(k, n)``: alarm when k of the last n frames exceed (default (3, 5)).
        hysteresis: ``(k_warn, clear_ratio)`` (default (2, 0.8)).
        gap: seconds that count as a gap in time (``None``/0: 10 x the median interval,
            ``math.inf``: never); gap_policy ``"keep"`` (default) or ``"reref"`` (re-learn the
            baseline medians from the next ``relearn`` rows, default 20).
        note: free text saved with the model (<= 4096 bytes).

    The monitor is built from a :class:`vigil.Pipeline` (the extractor's, or ``source = rows``
    for column names, with the settings above as its ``monitor.*`` keys) and saves it, so the
    command, the gateway and this binding load each other's model files
    (:meth:`from_pipeline` takes a whole specification).

    Raises:
        VigilError: a setting the library rejects (message says which); ``Status.ENOTFOUND``
            for a feature name that is not a column.
        ValueError, TypeError: a spelling the binding does not know.

    Use it as a context manager, or :meth:`close`, to free the C object at once. One monitor per
    thread at a time; distinct monitors may run in parallel. A fitted monitor pickles (as its
    saved bytes), so it can be sent to other processes (e.g. Dask workers).
    """

    _destroy = "vigil_monitor_destroy"

    def __init__(self, names, detector="mahalanobis", features=None, directions=None,
                 conditions=1, quantile=None, threshold_mode=None, seed=None, scale_floor=None,
                 smoothing=None, persistence=None, hysteresis=None, gap=None, gap_policy="keep",
                 relearn=20, note=None):
        self._ptr = None
        if isinstance(names, FeatureExtractor):
            spec, names = names.pipeline(), None
        else:
            if isinstance(names, (str, bytes)):
                raise TypeError("vigil: names must be a sequence of column names")
            spec = Pipeline(source="rows")
        try:
            keys = {"monitor.detector": _enum_name(detector, Detector, "detector"),
                    "monitor.conditions": _buffers.size_arg(conditions, "conditions"),
                    "monitor.gap_policy": gap_policy,
                    "monitor.relearn": _buffers.size_arg(relearn, "relearn")}
            if features is not None:
                keys["monitor.features"] = ",".join(
                    n.decode() if isinstance(n, bytes) else n for n in features)
            if directions:
                keys["monitor.directions"] = ",".join(
                    "%s:%s" % (n, _enum_name(d, Direction, "direction"))
                    for n, d in directions.items())
            for key, value in (("quantile", quantile), ("threshold", threshold_mode),
                               ("seed", seed), ("scale_floor", scale_floor),
                               ("smoothing", smoothing)):
                if value is not None:
                    keys["monitor." + key] = value
            if persistence is not None:
                k, n = persistence
                keys["monitor.persistence"] = "%d/%d" % (_buffers.size_arg(k, "k"),
                                                         _buffers.size_arg(n, "n"))
                keys["monitor.alarm"] = "kofn"  # asking for a persistence selects k-of-n
            if hysteresis is not None:
                keys["monitor.warn"] = _buffers.size_arg(hysteresis[0], "k_warn")
                keys["monitor.clear"] = float(hysteresis[1])
            if gap:
                keys["monitor.gap"] = "never" if math.isinf(gap) else float(gap)
            spelled = ("monitor.detector", "monitor.directions", "monitor.gap_policy",
                       "monitor.threshold")
            for key, value in keys.items():
                try:
                    spec[key] = value
                except VigilError as e:  # an unknown spelling is a ValueError, as it was
                    if key in spelled:
                        raise ValueError(str(e)) from None
                    raise
            ptr = self._create(spec, names)
        finally:
            spec.close()
        self._ptr = ptr
        try:
            if note:
                lib.vigil_monitor_set_note(ptr, _text(note, "note"))
        except BaseException:
            self.close()
            raise
        self._init_stream()
        self._names = self._column_names()

    @staticmethod
    def _create(spec, names):
        ptr = MonitorP()
        if names is None:
            lib.vigil_pipeline_create_monitor(spec._handle(), None, 0, ctypes.byref(ptr))
        else:
            _, arr = _names_array(list(names))
            lib.vigil_pipeline_create_monitor(spec._handle(), arr, len(arr), ctypes.byref(ptr))
        return ptr

    @classmethod
    def from_pipeline(cls, pipeline, names=None):
        """A monitor as a whole :class:`vigil.Pipeline` says (its ``monitor.*`` keys too);
        ``names`` for a rows source (``vigil_pipeline_create_monitor``)."""
        return cls._wrap(cls._create(pipeline, names), None)

    def _column_names(self):
        ptr = self._handle()
        return [lib.vigil_monitor_column_name(ptr, i).decode("utf-8")
                for i in range(lib.vigil_monitor_column_count(ptr))]

    def _init_stream(self):
        self._ncols = lib.vigil_monitor_column_count(self._ptr)
        self._last_t = None
        self._scored = 0

    # -- life cycle ---------------------------------------------------------------------------
    @classmethod
    def _wrap(cls, ptr, names):
        self = cls.__new__(cls)
        self._ptr = ptr
        self._init_stream()
        self._names = self._column_names()
        if names is not None and list(names) != self._names:
            self.close()
            raise ValueError("vigil: the names given are not the model's columns (%s)"
                             % ",".join(self._names))
        return self


    def reset(self):
        """Clear the stream state (smoothing, alarm window and state, events, drift), keeping
        the trained model: the next row starts a new recording."""
        lib.vigil_monitor_reset(self._handle())
        self._last_t = None
        self._scored = 0

    # -- save / load ---------------------------------------------------------------------------
    def to_bytes(self, stream=False):
        """The saved form of a fitted monitor (configuration, baselines, thresholds, detector
        state, note and pipeline specification; with ``stream`` the stream state too, so that
        a monitor loaded from it scores the next rows exactly as this one would: alarm window
        and state, pending events and their explanations, gaps, counters, smoothing; see
        ``VIGIL_SAVE_STREAM`` in vigil/monitor.h): a versioned, CRC-checked, compressed blob.

        Raises:
            VigilError: ``Status.ESTATE`` if not fitted.
        """
        ptr = self._handle()
        flags = 1 if stream else 0  # VIGIL_SAVE_STREAM
        size = ctypes.c_size_t()
        lib.vigil_monitor_save_size_ex(ptr, flags, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        written = ctypes.c_size_t()
        lib.vigil_monitor_save_ex(ptr, flags, buf, size.value, ctypes.byref(written))
        return buf.raw[:written.value]

    @classmethod
    def from_bytes(cls, data, names=None):
        """Load a monitor from :meth:`to_bytes` output (or a model file's bytes).

        Args:
            data: bytes-like.
            names: optional: the column names the caller expects (checked against the model's).

        Raises:
            VigilError: ``Status.EFORMAT`` for truncated, corrupt, foreign or newer data.
        """
        data = bytes(data)
        ptr = MonitorP()
        lib.vigil_monitor_load(data, len(data), ctypes.byref(ptr))
        return cls._wrap(ptr, names)

    def save(self, path, stream=False):
        """Save to a file (written to ``PATH.tmp``, fsync'ed, renamed: never half-written), with
        the stream state when ``stream``. ``vigil score --model PATH``, ``vigil monitor --model
        PATH`` and the gateway (``<machine>@<channel>.vgm``) read it.

        Raises:
            VigilError: ``Status.ESTATE`` if not fitted, ``Status.EIO``.
        """
        lib.vigil_monitor_save_file_ex(self._handle(), _text(os.fspath(path), "path"),
                                       1 if stream else 0)

    @classmethod
    def load(cls, path, names=None):
        """Load a monitor saved by any host (:meth:`save`, ``vigil train -o``, the gateway).

        Raises:
            VigilError: ``Status.EIO`` (cannot read), ``Status.EFORMAT`` (not a valid model).
        """
        ptr = MonitorP()
        lib.vigil_monitor_load_file(_text(os.fspath(path), "path"), ctypes.byref(ptr))
        return cls._wrap(ptr, names)

    def __reduce__(self):
        return (_unpickle, (self.to_bytes(), self._names))

    # -- configuration (read-only) ------------------------------------------------------------
    @property
    def names(self):
        """Column names of an input row."""
        return tuple(self._names)

    @property
    def features(self):
        """Names of the selected (modelled) features, in model order."""
        ptr = self._handle()
        return tuple(lib.vigil_monitor_feature_name(ptr, i).decode("utf-8")
                     for i in range(lib.vigil_monitor_feature_count(ptr)))

    @property
    def directions(self):
        """``{feature: "up" | "down" | "both"}`` for the selected features."""
        ptr = self._handle()
        return {name: lib.vigil_direction_name(lib.vigil_monitor_direction(ptr, i)).decode()
                for i, name in enumerate(self.features)}

    @property
    def detector(self):
        """The detector kind's name (``"mahalanobis"``, ...)."""
        return lib.vigil_detector_name(lib.vigil_monitor_kind(self._handle())).decode()

    @property
    def pipeline(self):
        """The :class:`vigil.Pipeline` of the monitor: how its rows are made and its settings
        (``vigil_monitor_get_pipeline``); saved with the model."""
        ptr = PipelineP()
        lib.vigil_monitor_get_pipeline(self._handle(), ctypes.byref(ptr))
        return Pipeline._adopt(ptr)

    @property
    def model_id(self):
        """16 hex digits identifying the saved specification and trained state (equal for
        equal models whichever host saved them; ``vigil_monitor_model_id``)."""
        buf = ctypes.create_string_buffer(17)
        lib.vigil_monitor_model_id(self._handle(), buf, len(buf))
        return buf.value.decode()

    @property
    def conditions(self):
        """Number of operating conditions."""
        return lib.vigil_monitor_conditions(self._handle())

    @property
    def note(self):
        """The free-text note saved with the model."""
        return lib.vigil_monitor_note(self._handle()).decode("utf-8", "replace")

    @property
    def fitted(self):
        """True once :meth:`fit` succeeded (or for a loaded monitor)."""
        return bool(lib.vigil_monitor_fitted(self._handle()))

    def learned(self, condition=0):
        """Rows learnt so far for a condition (0 after fit: the rows are freed)."""
        return lib.vigil_monitor_learned(self._handle(), _buffers.size_arg(condition,
                                                                           "condition"))

    def threshold(self, condition=0):
        """The calibrated threshold of a condition (NaN before fit)."""
        return lib.vigil_monitor_threshold(self._handle(), _buffers.size_arg(condition,
                                                                             "condition"))

    def set_threshold(self, value, condition=0):
        """Override the threshold of a condition after fit (finite, > 0)."""
        lib.vigil_monitor_set_threshold(self._handle(), _buffers.size_arg(condition,
                                                                          "condition"),
                                        float(value))

    # -- rows ----------------------------------------------------------------------------------
    def _rows(self, rows):
        """(flat float64 buffer, row count) from a dict of columns, a 2-D array, a sequence of
        rows, or one row."""
        n = self._ncols
        if isinstance(rows, dict):
            missing = [c for c in self._names if c not in rows]
            if missing:
                raise KeyError("vigil: rows lack column(s) %s" % ", ".join(missing))
            cols = [rows[c] for c in self._names]
            count = len(cols[0]) if cols else 0
            if any(len(c) != count for c in cols):
                raise ValueError("vigil: columns differ in length")
            if _buffers.numpy is not None:
                m = _buffers.numpy.empty((count, n))
                for j, c in enumerate(cols):
                    m[:, j] = c
                return m, count
            flat = array.array("d", bytes(8 * n * count))
            for j, c in enumerate(cols):
                flat[j::n] = array.array("d", c)
            return flat, count
        np = _buffers.numpy
        if np is not None and isinstance(rows, np.ndarray):
            m = _buffers.float64_array(rows)
            if m.ndim == 1:
                m = m.reshape(1, -1)
            if m.ndim != 2 or m.shape[1] != n:
                raise ValueError("vigil: rows must have %d columns, got shape %r"
                                 % (n, rows.shape))
            return m, m.shape[0]
        rows = list(rows)
        if rows and not hasattr(rows[0], "__len__"):
            rows = [rows]  # one row
        flat = array.array("d")
        for r in rows:
            if len(r) != n:
                raise ValueError("vigil: a row must have %d values, got %d" % (n, len(r)))
            flat.extend(float(v) for v in r)
        return flat, len(rows)

    @staticmethod
    def _row_pointers(m, count, n):
        if _buffers.numpy is not None and hasattr(m, "ctypes"):
            base = m.ctypes.data
        else:
            base = _buffers._address(m) if count else 0
        return [ctypes.cast(base + 8 * n * r, DoubleP) for r in range(count)]

    @staticmethod
    def _per_row(value, count, what):
        if isinstance(value, int) and not isinstance(value, bool):
            return [_buffers.size_arg(value, what)] * count
        values = [_buffers.size_arg(int(v) if float(v) == int(v) else v, what) for v in value]
        if len(values) != count:
            raise ValueError("vigil: %d %s values for %d rows" % (len(values), what, count))
        return values

    def learn(self, rows, condition=0):
        """Learn healthy rows (before :meth:`fit`).

        Args:
            rows: a dict of columns (``features()`` output; extra columns are ignored), a 2-D
                array of shape (rows, columns), a sequence of rows, or one row.
            condition: operating condition index, one for all rows or one per row.

        Returns:
            The number of rows learnt in this call.

        Raises:
            VigilError: ``Status.ENONFINITE`` (a selected value is NaN/inf; rows before it are
                kept), ``Status.ESTATE`` (already fitted), ``Status.EINVAL`` (bad condition).
        """
        m, count = self._rows(rows)
        self._learn_m(m, count, self._per_row(condition, count, "condition"))
        return count

    def _learn_m(self, m, count, conds):
        ptr = self._handle()
        for p, c in zip(self._row_pointers(m, count, self._ncols), conds):
            lib.vigil_monitor_learn(ptr, p, self._ncols, c)

    def fit(self):
        """Fit baselines, detectors and thresholds from the learnt rows (each condition needs at
        least 10 rows), then free them.

        Raises:
            VigilError: ``Status.ENODATA`` (a condition with too few rows; message names it),
                ``Status.ESTATE`` (already fitted).
        """
        lib.vigil_monitor_fit(self._handle())
        return self

    def _times(self, rows, times, count):
        if times is None:
            if isinstance(rows, dict) and "t_start" in rows:
                times = rows["t_start"]
            else:  # one second apart, continuing (as `vigil monitor --rows` without a time column)
                start = 0.0 if self._last_t is None else math.floor(self._last_t) + 1.0
                return [start + i for i in range(count)]
        out = [parse_time(t) if isinstance(t, (str, bytes)) else float(t) for t in times]
        if len(out) != count:
            raise ValueError("vigil: %d times for %d rows" % (len(out), count))
        return out

    def score(self, rows, times=None, condition=0):
        """Score rows in time order (after :meth:`fit`).

        Args:
            rows: as :meth:`learn`.
            times: seconds per row (numbers, or timestamps as strings read by
                :func:`vigil.parse_time`), finite; a time before or equal to the previous row's
                starts a new segment (see :attr:`counters`). ``None``: the
                ``t_start`` column of a dict of columns, else one second apart continuing after
                the last scored row.
            condition: operating condition, one for all rows or one per row.

        Returns:
            Per-row results as columns: ``{"t", "score", "threshold", "health"}`` (float64
            arrays, or lists without numpy), ``"state"`` (``"ok"``, ``"warn"``, ``"alarm"``)
            and ``"top_feature"`` (the feature contributing most) as lists of strings.

        Raises:
            VigilError: ``Status.ENONFINITE`` (a selected value is NaN/inf),
                ``Status.EINVAL`` (bad condition), ``Status.ESTATE``
                (not fitted). Rows before the failing one are scored (and lost with the
                exception: score one recording per call, or use :meth:`score_row`).
        """
        m, count = self._rows(rows)
        return self._score_m(m, count, self._times(rows, times, count),
                             self._per_row(condition, count, "condition"))

    def _score_m(self, m, count, ts, conds):
        ptr = self._handle()
        feats = self.features
        out = {k: array.array("d") for k in ("t", "score", "threshold", "health")}
        state, top = [], []
        for p, t, c in zip(self._row_pointers(m, count, self._ncols), ts, conds):
            st = lib.vigil_monitor_score(ptr, p, self._ncols, t, c)
            self._last_t = t
            self._scored += 1
            out["t"].append(t)
            out["score"].append(lib.vigil_monitor_last_score(ptr))
            out["threshold"].append(lib.vigil_monitor_last_threshold(ptr))
            out["health"].append(lib.vigil_monitor_last_health(ptr))
            state.append(STATES[st])
            top.append(feats[lib.vigil_monitor_top_feature(ptr)])
        np = _buffers.numpy
        res = {k: (np.array(v, dtype=np.float64) if np is not None else v.tolist())
               for k, v in out.items()}
        res["state"], res["top_feature"] = state, top
        return res

    def score_row(self, row, t, condition=0):
        """Score one row at time ``t`` (seconds); return the new state name."""
        r = self.score([row] if not isinstance(row, dict) else row, [t], condition)
        return r["state"][0]

    def update(self, rows, condition=0):
        """Adapt a condition's detector with rows known to be healthy (after :meth:`fit`;
        exponentially weighted, weight 0.01 per row)."""
        ptr = self._handle()
        m, count = self._rows(rows)
        conds = self._per_row(condition, count, "condition")
        for p, c in zip(self._row_pointers(m, count, self._ncols), conds):
            lib.vigil_monitor_update(ptr, p, self._ncols, c)
        return count

    # -- the last row --------------------------------------------------------------------------
    @property
    def state(self):
        """The current alarm state: ``"ok"``, ``"warn"`` or ``"alarm"``."""
        return STATES[lib.vigil_monitor_state(self._handle())]

    @property
    def last_score(self):
        """Score of the last row (NaN before the first)."""
        return lib.vigil_monitor_last_score(self._handle())

    @property
    def last_threshold(self):
        """Threshold the last score was compared with (NaN before the first)."""
        return lib.vigil_monitor_last_threshold(self._handle())

    @property
    def last_health(self):
        """Health index of the last row, 1 / (1 + (score/threshold)^4) (NaN before)."""
        return lib.vigil_monitor_last_health(self._handle())

    def explain(self, k=None):
        """The largest contributions to the last score, largest first, as a list of
        ``(feature, contribution)`` (score units for Mahalanobis/PCA, smoothed |z| for z-score,
        share of the isolation for HST); ``k`` limits the count (default: every feature).

        Raises:
            VigilError: ``Status.ESTATE`` before the first score.
        """
        ptr = self._handle()
        feats = self.features
        cap = len(feats) if k is None else min(_buffers.size_arg(k, "k"), len(feats))
        idx = (ctypes.c_size_t * max(cap, 1))()
        contrib = (ctypes.c_double * max(cap, 1))()
        written = ctypes.c_size_t()
        lib.vigil_monitor_explain(ptr, idx, contrib, cap, ctypes.byref(written))
        return [(feats[idx[i]], contrib[i]) for i in range(written.value)]

    def pca_stats(self):
        """Hotelling T^2 and SPE (Q) of the last row, PCA detector only.

        Raises:
            VigilError: ``Status.ESTATE`` (another detector, or nothing scored yet).
        """
        t2, spe = ctypes.c_double(), ctypes.c_double()
        lib.vigil_monitor_pca_stats(self._handle(), ctypes.byref(t2), ctypes.byref(spe))
        return t2.value, spe.value

    def events(self):
        """Take the queued state changes, oldest first: a list of ``{"t": seconds, "from":
        state, "to": state, "kind": "change" | "transient", "onset": seconds, "features":
        [(name, z), ...], "explanation": "h_kurtosis +6.2, x_crest +4.1"}`` (``onset``: when
        the episode began, NaN if none; ``transient``: a burst that cleared by itself;
        ``features``: the features of largest |z| in the event's episode, largest first, z
        signed in baseline scales, empty for an event restored from a saved stream;
        ``explanation``: the same as text, "-" when empty; docs/MODELS.md, "Explanations")."""
        ptr = self._handle()
        e = _lib.EventExplanation()
        out = []
        while lib.vigil_monitor_next_event_explained(ptr, ctypes.byref(e)) == 1:
            out.append(_explained(ptr, e))
        return out

    @property
    def onset(self):
        """Onset (seconds) of the current warn/alarm episode; NaN when ok."""
        return lib.vigil_monitor_onset(self._handle())

    @property
    def stated_rate(self):
        """Share of unseen healthy frames the calibration expects above the threshold
        (1 - quantile; docs/MODELS.md, "Calibration")."""
        return lib.vigil_monitor_stated_rate(self._handle())

    @property
    def transients(self):
        """Bursts that cleared by themselves (transient events) since fit or reset."""
        return lib.vigil_monitor_transients(self._handle())

    def set_alarm(self, rule="cusum", confirm_frames=5, confirm_seconds=0.0):
        """Alarm rule: ``"cusum"`` (the onset test, default) or ``"kofn"`` (k-of-n persistence);
        for the onset test, the persistence in frames and seconds (docs/MODELS.md)."""
        ptr = self._handle()
        if rule not in ("cusum", "kofn"):
            raise ValueError("rule must be 'cusum' or 'kofn'")
        lib.vigil_monitor_set_alarm_rule(ptr, 1 if rule == "cusum" else 0)
        lib.vigil_monitor_set_confirm(ptr, confirm_frames, float(confirm_seconds))

    @property
    def gaps(self):
        """Gaps in time seen since fit or reset."""
        return lib.vigil_monitor_gaps(self._handle())

    @property
    def counters(self):
        """What happened to the scored rows since fit or reset, by the time-quirk policy
        (docs/MODELS.md): ``{"scored", "segments", "gaps", "steps_back", "repeats",
        "duplicates", "rejected"}`` (a time before or equal to the previous row's starts a new
        segment; an exact repeat of the previous row is dropped)."""
        ptr = self._handle()
        out, i = {}, 0
        while True:
            name = lib.vigil_counter_name(i)
            if name is None:
                return out
            out[name.decode()] = lib.vigil_monitor_counter(ptr, i)
            i += 1

    def drift(self, feature):
        """The drift tracker of a selected feature (name or index) on its raw values:
        ``{"level": EWMA level, "slope": least-squares slope per hour over the horizon (NaN with
        < 2 points), "points", "cusum_upper", "cusum_lower" (in baseline sigmas), "changes"
        (CUSUM/Page-Hinkley detections), "gaps"}``."""
        ptr = self._handle()
        feats = self.features
        i = feats.index(feature) if isinstance(feature, str) else _buffers.size_arg(feature,
                                                                                    "feature")
        d = lib.vigil_monitor_drift(ptr, i)
        if not d:
            raise KeyError(feature)
        up, down = ctypes.c_double(), ctypes.c_double()
        lib.vigil_drift_cusum(d, ctypes.byref(up), ctypes.byref(down))
        return {"level": lib.vigil_drift_level(d), "slope": lib.vigil_drift_slope(d),
                "points": lib.vigil_drift_points(d), "cusum_upper": up.value,
                "cusum_lower": down.value, "changes": lib.vigil_drift_changes(d),
                "gaps": lib.vigil_drift_gaps(d)}

    def __repr__(self):
        if not self._ptr:
            return "<vigil.Monitor (closed)>"
        return "<vigil.Monitor %s features=%d fitted=%s state=%s>" % (
            self.detector, len(self.features), self.fitted, self.state)


def _unpickle(data, names):
    return Monitor.from_bytes(data, names)


def monitor_rows(rows, names=None, times=None, learn=None, condition=0, **options):
    """``vigil monitor --rows --learn K`` in one call: learn the first ``learn`` rows of one
    machine's history as healthy, fit, and score the rest in order.

    Args:
        rows: a dict of columns (e.g. :func:`vigil.features` output, or a historian table read
            with :func:`vigil.read_csv`), a 2-D array or a sequence of rows.
        names: column names (required unless ``rows`` is a dict, whose keys are used; the
            columns ``frame``, ``t_start``, ``time`` and ``timestamp`` are kept as columns but
            never selected by default).
        times: seconds (or timestamp strings) per row; ``None``: ``t_start`` of a dict, else
            one second apart.
        learn: rows to learn from (>= 10).
        condition: operating condition, one for all or one per row.
        options: keyword arguments of :class:`Monitor` (``detector``, ``features``, ...).

    Returns:
        The :meth:`Monitor.score` columns of the scored rows, plus ``"row"`` (their indices in
        ``rows``) and ``"events"`` (state changes) and ``"monitor"`` (the fitted
        :class:`Monitor`, for saving or further scoring).

    Raises:
        ValueError: ``learn`` missing, < 10, or more than the rows.
        VigilError: as :meth:`Monitor.learn`, :meth:`Monitor.fit`, :meth:`Monitor.score`.
    """
    if learn is None or learn < 10:
        raise ValueError("vigil: learn=K (K >= 10) rows to learn from is required")
    if names is None:
        if not isinstance(rows, dict):
            raise ValueError("vigil: names are required for rows that are not a dict of "
                             "columns")
        names = list(rows)
    mon = Monitor(names, **options)
    try:
        m, count = mon._rows(rows)
        if learn > count:
            raise ValueError("vigil: only %d rows; learn needs %d" % (count, learn))
        conds = Monitor._per_row(condition, count, "condition")
        ts = mon._times(rows, times, count)
        n = mon._ncols
        if hasattr(m, "shape"):  # numpy: row slices are views
            head, tail = m[:learn], m[learn:]
        else:
            head, tail = m[:learn * n], m[learn * n:]
        mon._learn_m(head, learn, conds[:learn])
        mon.fit()
        res = mon._score_m(tail, count - learn, ts[learn:], conds[learn:])
    except BaseException:
        mon.close()
        raise
    res["row"] = list(range(learn, count))
    res["events"] = mon.events()
    res["monitor"] = mon
    return res


def _explained(ptr, e):
    """One event dict of :meth:`Monitor.events` from a ``vigil_event_explanation`` of the
    monitor ``ptr``."""
    text = ctypes.create_string_buffer(_lib.EXPLAIN_MAX * 280)
    lib.vigil_monitor_format_explanation(ptr, ctypes.byref(e), text, len(text))
    ev = e.event
    return {"t": ev.t, "from": STATES[ev.from_], "to": STATES[ev.to],
            "kind": "transient" if ev.kind == 1 else "change", "onset": ev.onset,
            "features": [(lib.vigil_monitor_feature_name(ptr, e.feature[j]).decode(), e.z[j])
                         for j in range(e.count)],
            "explanation": text.value.decode()}
