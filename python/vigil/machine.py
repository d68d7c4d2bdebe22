"""A machine (include/vigil/machine.h): several channels (bearings, sensors) monitored together,
one monitor per channel with the same settings, the common-mode reference across them (on by
default from 3 channels), per-channel states and scores from one call per row, one model file.

:class:`Machine` mirrors the C object; it equals ``vigil monitor --channels`` row for row.
"""

import ctypes
import os

from . import _buffers
from . import _lib
from ._lib import IntP, MachineP, MonitorP, lib
from ._handle import CObject
from .features import FeatureExtractor
from .monitor import STATES, Monitor, _explained
from .parse import _text


class _ChannelMonitor(Monitor):
    """A channel's monitor, owned by its machine: every getter of :class:`Monitor`; closing it
    only forgets the pointer."""

    def close(self):
        self._ptr = None
        self._machine = None


class Machine(CObject):
    """One monitor per channel of a machine (``vigil_machine``).

    Args:
        channels: channel names (1..64; letters, digits, ``_-.``), e.g. ``["B1", "B2", "B3",
            "B4"]`` or the sample columns ``["de", "fe"]``.
        names: one channel's column names (``["x_rms", "x_kurtosis", ...]``, without the
            channel prefix), or a :class:`vigil.FeatureExtractor` whose rows each channel's
            are.
        common_mode: ``None`` for the library's rule (on from 3 channels, off for 2), or
            True/False (docs/MODELS.md, "A machine's channels").
        time_column: the time column of the feature tables the saved model will be continued
            on by ``vigil monitor --model`` (its ``time.column`` key); None: rows one second
            apart there.
        **settings: the :class:`vigil.Monitor` keyword arguments (detector, features,
            quantile, ...), the same for every channel.

    Rows are ``channels x width`` values per row, channel-major (channel g's values at
    ``g * width .. g * width + width - 1``): a 2-D array of shape (rows, channels * width), a
    3-D one of shape (rows, channels, width), or a sequence of such rows.

    Raises:
        VigilError: a bad channel name, setting or row (message says which).
    """

    _destroy = "vigil_machine_destroy"

    def __init__(self, channels, names, common_mode=None, time_column=None, **settings):
        self._ptr = None
        channels = [c.decode() if isinstance(c, bytes) else str(c) for c in channels]
        mons = []
        try:
            for ch in channels:
                mons.append(Monitor(names, **settings))
                # each channel's specification names it (as the command's do)
                with mons[-1].pipeline as spec:
                    spec["channel"] = ch
                    if isinstance(names, FeatureExtractor):
                        spec["column"] = ch  # a sample channel is a column of the recording
                    if time_column is not None:
                        spec["time.column"] = time_column
                    lib.vigil_monitor_set_pipeline(mons[-1]._handle(), spec._handle())
            arr = (MonitorP * max(len(mons), 1))(*[m._handle() for m in mons])
            enc = (ctypes.c_char_p * max(len(channels), 1))(
                *[_text(c, "channel name") for c in channels])
            ptr = MachineP()
            lib.vigil_machine_adopt(enc, len(channels), arr, ctypes.byref(ptr))
            for m in mons:  # the machine owns them now
                m._ptr = None
        finally:
            for m in mons:
                m.close()
        self._ptr = ptr
        if common_mode is not None:
            try:
                lib.vigil_machine_set_common_mode(ptr, 1 if common_mode else 0)
            except BaseException:
                self.close()
                raise

    @classmethod
    def _wrap(cls, ptr):
        self = cls.__new__(cls)
        self._ptr = ptr
        return self

    # -- configuration -------------------------------------------------------------------------
    @property
    def channels(self):
        """Channel names, in row order."""
        ptr = self._handle()
        return tuple(lib.vigil_machine_channel_name(ptr, g).decode()
                     for g in range(lib.vigil_machine_channel_count(ptr)))

    @property
    def width(self):
        """Values per channel in a row."""
        return lib.vigil_machine_width(self._handle())

    @property
    def common_mode(self):
        """True when each channel is referred to the median of the others."""
        return bool(lib.vigil_machine_common_mode(self._handle()))

    @property
    def fitted(self):
        """True once :meth:`fit` succeeded (or for a loaded machine)."""
        return bool(lib.vigil_machine_fitted(self._handle()))

    def monitor(self, channel):
        """The :class:`vigil.Monitor` of a channel (by name or index), owned by the machine:
        its getters (state, explain, counters, events, pipeline...), valid while the machine
        is open. Do not learn, fit or score it directly."""
        ptr = self._handle()
        g = channel if isinstance(channel, int) else \
            lib.vigil_machine_find_channel(ptr, _text(channel, "channel"))
        mp = lib.vigil_machine_monitor(ptr, g)
        if not mp:
            raise IndexError("vigil: no channel %r" % (channel,))
        m = _ChannelMonitor._wrap(mp, None)
        m._machine = self  # keeps the machine alive while the view is
        return m

    # -- rows ----------------------------------------------------------------------------------
    def _rows(self, rows):
        n = lib.vigil_machine_channel_count(self._handle()) * self.width
        np = _buffers.numpy
        if np is not None and isinstance(rows, np.ndarray):
            m = _buffers.float64_array(rows)
            if m.ndim == 3:
                m = np.ascontiguousarray(m.reshape(m.shape[0], -1))
            if m.ndim == 1:
                m = m.reshape(1, -1)
            if m.ndim != 2 or m.shape[1] != n:
                raise ValueError("vigil: machine rows must have %d values (channels x width), "
                                 "got shape %r" % (n, rows.shape))
            return m, m.shape[0], n
        import array
        flat = array.array("d")
        count = 0
        for r in rows:
            vals = [float(v) for ch in r for v in (ch if hasattr(ch, "__len__") else [ch])]
            if len(vals) != n:
                raise ValueError("vigil: a machine row must have %d values, got %d"
                                 % (n, len(vals)))
            flat.extend(vals)
            count += 1
        return flat, count, n

    def learn(self, rows, condition=0):
        """Learn healthy rows (before :meth:`fit`); returns the number of rows."""
        ptr = self._handle()
        m, count, n = self._rows(rows)
        for p, c in zip(Monitor._row_pointers(m, count, n),
                        Monitor._per_row(condition, count, "condition")):
            lib.vigil_machine_learn(ptr, p, n, c)
        return count

    def fit(self):
        """Fit every channel's monitor."""
        lib.vigil_machine_fit(self._handle())
        return self

    def score(self, rows, times, condition=0):
        """Score rows in time order (after :meth:`fit`).

        Args:
            rows: as in the class comment.
            times: seconds per row (finite; the time-quirk policy of each channel applies).
            condition: operating condition, one for all rows or one per row.

        Returns:
            ``{channel: {"t", "score", "threshold", "health", "state", "top_feature"}}``: per
            channel the columns of :meth:`vigil.Monitor.score` (float64 arrays, or lists without
            numpy; states and top features as lists of strings).

        Raises:
            VigilError: ``Status.ENONFINITE`` (a NaN/inf value or time), ``Status.EFORMAT``
                (common mode: an amplitude's reference <= 0), ``Status.ESTATE`` (not fitted);
                rows before it are scored.
        """
        ptr = self._handle()
        m, count, n = self._rows(rows)
        times = [float(t) for t in times]
        if len(times) != count:
            raise ValueError("vigil: %d times for %d rows" % (len(times), count))
        chans = self.channels
        mons = [lib.vigil_machine_monitor(ptr, g) for g in range(len(chans))]
        feats = [[lib.vigil_monitor_feature_name(mp, i).decode()
                  for i in range(lib.vigil_monitor_feature_count(mp))] for mp in mons]
        out = {c: {"t": [], "score": [], "threshold": [], "health": [], "state": [],
                   "top_feature": []} for c in chans}
        states = (ctypes.c_int * len(chans))()
        for p, t, c in zip(Monitor._row_pointers(m, count, n), times,
                           Monitor._per_row(condition, count, "condition")):
            before = [lib.vigil_monitor_counter(mp, 0) for mp in mons]  # VIGIL_COUNTER_SCORED
            lib.vigil_machine_score(ptr, p, n, t, c, ctypes.cast(states, IntP))
            for g, (ch, mp) in enumerate(zip(chans, mons)):
                if lib.vigil_monitor_counter(mp, 0) == before[g]:
                    continue  # an exact duplicate: dropped and counted, as by the command
                o = out[ch]
                o["t"].append(t)
                o["score"].append(lib.vigil_monitor_last_score(mp))
                o["threshold"].append(lib.vigil_monitor_last_threshold(mp))
                o["health"].append(lib.vigil_monitor_last_health(mp))
                o["state"].append(STATES[states[g]])
                o["top_feature"].append(feats[g][lib.vigil_monitor_top_feature(mp)])
        np = _buffers.numpy
        if np is not None:
            for o in out.values():
                for k in ("t", "score", "threshold", "health"):
                    o[k] = np.array(o[k], dtype=np.float64)
        return out

    def events(self):
        """Take every channel's queued events, oldest first across channels (a tie: the lower
        channel): the dicts of :meth:`Monitor.events` with ``"channel"`` (its name)."""
        ptr = self._handle()
        e = _lib.EventExplanation()
        out = []
        while lib.vigil_machine_next_event(ptr, ctypes.byref(e)) == 1:
            d = _explained(lib.vigil_machine_monitor(ptr, e.channel), e)
            d["channel"] = lib.vigil_machine_channel_name(ptr, e.channel).decode()
            out.append(d)
        return out

    def reset(self):
        """Clear every channel's stream state, keeping the trained models."""
        lib.vigil_machine_reset(self._handle())

    # -- save / load ---------------------------------------------------------------------------
    def to_bytes(self, stream=False):
        """The saved form: one model file for every channel (with ``stream``, their stream
        states too)."""
        ptr = self._handle()
        flags = 1 if stream else 0
        size = ctypes.c_size_t()
        lib.vigil_machine_save_size(ptr, flags, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        written = ctypes.c_size_t()
        lib.vigil_machine_save(ptr, flags, buf, size.value, ctypes.byref(written))
        return buf.raw[:written.value]

    @classmethod
    def from_bytes(cls, data):
        """Load :meth:`to_bytes` output (or a machine model file's bytes).

        Raises:
            VigilError: ``Status.EFORMAT`` (corrupt), ``Status.ENOTFOUND`` (one monitor's
                model: :meth:`vigil.Monitor.from_bytes`).
        """
        data = bytes(data)
        ptr = MachineP()
        lib.vigil_machine_load(data, len(data), ctypes.byref(ptr))
        return cls._wrap(ptr)

    def save(self, path, stream=False):
        """Save to a file (atomically replaced), read by ``vigil monitor --model PATH``."""
        lib.vigil_machine_save_file(self._handle(), _text(os.fspath(path), "path"),
                                    1 if stream else 0)

    @classmethod
    def load(cls, path):
        """Load a machine saved by :meth:`save` or ``vigil monitor --channels ... -o``."""
        ptr = MachineP()
        lib.vigil_machine_load_file(_text(os.fspath(path), "path"), ctypes.byref(ptr))
        return cls._wrap(ptr)

    def __reduce__(self):
        return (Machine.from_bytes, (self.to_bytes(stream=True),))


__all__ = ["Machine"]
