"""Frame features: the streaming :class:`FeatureExtractor` and the one-call :func:`features`.

Both are thin over ``vigil_extractor_*`` (include/vigil/extractor.h): the column list, the
definitions (FEATURES.md) and every number come from the C library, so the results equal those
of the ``vigil features`` command bit for bit.
"""

import collections
import ctypes
import math

from . import _buffers
from ._lib import DoubleP, ExtractorP, lib
from ._handle import CObject
from .bearing import bearing_arg
from .errors import Status, VigilError
from .parse import parse_bands
from .severity import machine_class_arg, units_arg


def _band_list(bands):
    """Normalise ``bands``: a string "0-500,500-2000" (parsed by the library, the same spelling
    as the command's --bands) or an iterable of (lo, hi) pairs in Hz."""
    if isinstance(bands, (str, bytes)):
        return parse_bands(bands)
    out = []
    for item in bands:
        try:
            lo, hi = item
        except (TypeError, ValueError):
            raise TypeError("vigil: a band is a (lo, hi) pair in Hz, got %r" % (item,)) from None
        out.append((float(lo), float(hi)))
    return out


def envelope_band(band, what="envelope"):
    """Normalise a demodulation band argument to the C pair (lo, hi) in Hz: ``"auto"`` gives
    (0, 0) (the library's spectral-kurtosis choice per frame), ``"LO-HI"`` or a pair gives that
    band, and ``"full"`` gives None: the caller passes lo = 0, hi = rate (the library starts at
    bin 1 and takes hi past rate/2 as "up to the top bin"), which is also the diagnosis's
    default."""
    if isinstance(band, str) and band == "full":
        return None
    if isinstance(band, str) and band == "auto":
        return (0.0, 0.0)
    if isinstance(band, (str, bytes)):
        pairs = parse_bands(band)
        if len(pairs) != 1:
            raise ValueError("vigil: %s band must be one LO-HI range, got %r" % (what, band))
        return pairs[0]
    try:
        lo, hi = band
    except (TypeError, ValueError):
        raise TypeError("vigil: %s band is 'full', 'auto', 'LO-HI' or a (lo, hi) pair in Hz, "
                        "got %r" % (what, band)) from None
    return float(lo), float(hi)


def shaft_range_arg(shaft_range):
    """Normalise a shaft-range argument to the C pair (lo, hi) in Hz: ``"LO-HI"`` or a pair;
    ``None`` gives (0, 0), the library's default range (5-100 Hz)."""
    if shaft_range is None:
        return (0.0, 0.0)
    if isinstance(shaft_range, (str, bytes)):
        pairs = parse_bands(shaft_range)
        if len(pairs) != 1:
            raise ValueError("vigil: shaft range must be one LO-HI range, got %r" % (shaft_range,))
        return pairs[0]
    try:
        lo, hi = shaft_range
    except (TypeError, ValueError):
        raise TypeError("vigil: shaft range is 'LO-HI' or a (lo, hi) pair in Hz, got %r"
                        % (shaft_range,)) from None
    return float(lo), float(hi)


class FeatureExtractor(CObject):
    """Streaming feature extractor for one channel (``vigil_extractor``).

    Samples go in with :meth:`push` in chunks of any size; every complete frame gives one row of
    features. Ready rows come out by iterating over the extractor (or :meth:`pop`, or
    :meth:`drain` for all of them as columns). Chunking never changes the rows: they are
    bit-identical to those of :func:`features` on the concatenated samples.

    Args:
        rate: sample rate in Hz (finite, > 0).
        frame: frame length N in samples (16 .. 2**20).
        hop: samples between frame starts (1 .. N); ``None`` means N (no overlap).
        bands: frequency bands, as (lo, hi) pairs in Hz or a string ``"0-500,500-2000"``; each
            adds a column ``band_LO_HI``.
        queue: capacity of the library's row queue (1 .. 65536; ``None`` keeps its default).
            Rows beyond it are moved to a Python-side queue, so :meth:`push` always takes every
            sample.

    Diagnostic column groups (docs/DIAGNOSTICS.md; keyword only, each the same as calling the
    method of the same name before the first push, in this order):
        bearing: geometry of the monitored bearing (:meth:`set_bearing`): a
            :class:`vigil.Bearing`, ``"n=9,d=0.3126,D=1.537,angle=0"``, ``(n, d, D[, angle])``
            or a dict. Needed by ``envelope``.
        shaft_hz: shaft rate in Hz (:meth:`set_shaft_hz`); ``None`` or 0 estimates it per frame
            (docs/DIAGNOSTICS.md, "Shaft-rate estimate").
        shaft_range: where that estimate looks for the 1x line (:meth:`set_shaft_range`):
            ``"LO-HI"`` or ``(lo, hi)`` in Hz; ``None`` keeps the default 5-100 Hz.
        envelope: add the ``env_*`` columns (:meth:`enable_envelope`): ``True`` or ``"full"``
            (whole spectrum, prewhitened), ``"auto"`` (per-frame spectral-kurtosis band),
            ``"LO-HI"`` or ``(lo, hi)`` in Hz; ``None``/``False`` adds nothing.
        orders: ``True`` adds ``order_1x``, ``order_2x``, ``order_3x``, ``shaft_hz``
            (:meth:`enable_orders`).
        severity: ``True`` adds ``velocity_rms_mm_s`` and ``iso_zone`` (:meth:`enable_severity`)
            with ``units`` (``"g"`` or ``"m/s2"``, the samples' unit) and ``machine_class``
            (``"1r"``, ``"1f"``, ``"2r"``, ``"2f"``: ISO 10816-3 group and foundation).

    Raises:
        VigilError: the library rejected a setting (message says which).

    Use it as a context manager, or call :meth:`close`, to free the C object at once; otherwise
    it is freed when garbage-collected. One extractor must not be used by two threads at once;
    distinct extractors may run in parallel (ctypes releases the GIL during each C call).
    """

    _destroy = "vigil_extractor_destroy"

    def __init__(self, rate, frame=4096, hop=None, bands=(), queue=None, *, bearing=None,
                 shaft_hz=None, shaft_range=None, envelope=None, orders=False, severity=False,
                 units="g", machine_class="2r"):
        self._ptr = None
        frame = _buffers.size_arg(frame, "frame")
        ptr = ExtractorP()
        lib.vigil_extractor_create(float(rate), frame, ctypes.byref(ptr))
        self._ptr = ptr
        # the pipeline keys this extractor was made with (vigil.Pipeline; issue 14), so that a
        # monitor of its rows saves a specification every host rebuilds the same rows from
        self._spec = {"rate": "%.17g" % float(rate), "frame": str(frame)}
        try:
            if hop is not None:
                lib.vigil_extractor_set_hop(ptr, _buffers.size_arg(hop, "hop"))
                self._spec["hop"] = str(_buffers.size_arg(hop, "hop"))
            self._bands = _band_list(bands)
            for lo, hi in self._bands:
                lib.vigil_extractor_add_band(ptr, lo, hi)
            if self._bands:
                self._spec["bands"] = ",".join("%.17g-%.17g" % b for b in self._bands)
            self._groups = False  # diagnostic groups added (the command's options cannot say so)
            if queue is not None:
                lib.vigil_extractor_set_queue(ptr, _buffers.size_arg(queue, "queue"))
            self._columns_changed()
            self._pending = collections.deque()  # rows moved out of a full C queue, oldest first
            if bearing is not None:
                self.set_bearing(bearing)
            if shaft_hz is not None:
                self.set_shaft_hz(shaft_hz)
            if shaft_range is not None:
                self.set_shaft_range(shaft_range)
            if envelope is not None and envelope is not False:
                self.enable_envelope("full" if envelope is True else envelope)
            if orders:
                self.enable_orders()
            if severity:
                self.enable_severity(units, machine_class)
        except BaseException:
            self.close()
            raise

    @classmethod
    def from_pipeline(cls, pipeline):
        """The extractor a :class:`vigil.Pipeline` describes
        (``vigil_pipeline_create_extractor``)."""
        ptr = ExtractorP()
        lib.vigil_pipeline_create_extractor(pipeline._handle(), ctypes.byref(ptr))
        ex = cls.__new__(cls)
        ex._ptr = ptr
        ex._spec = {}
        for line in pipeline.text().splitlines()[1:]:
            key, _, value = line.partition(" = ")
            if not key.startswith("monitor.") and not key.startswith("prognosis."):
                ex._spec[key] = value
        names = [lib.vigil_extractor_feature_name(ptr, i).decode("utf-8")
                 for i in range(lib.vigil_extractor_feature_count(ptr))]
        ex._bands = [tuple(float(v) for v in n[5:].split("_")) for n in names
                     if n.startswith("band_")]
        ex._groups = any(k in ex._spec for k in ("bearing", "orders", "severity"))
        ex._columns_changed()
        ex._pending = collections.deque()
        return ex

    def _columns_changed(self):
        """Re-read the column list after a group was added."""
        ptr = self._handle()
        count = lib.vigil_extractor_feature_count(ptr)
        self._names = tuple(lib.vigil_extractor_feature_name(ptr, i).decode("utf-8")
                            for i in range(count))
        self._row = (ctypes.c_double * count)()

    # -- diagnostic groups (docs/DIAGNOSTICS.md); all must come before the first push ---------
    def set_bearing(self, bearing):
        """Give the extractor the bearing geometry (``vigil_extractor_set_bearing``): a
        :class:`vigil.Bearing`, its string ``"n=9,d=0.3126,D=1.537,angle=0"``, a tuple
        ``(n, d, D[, angle])`` or a dict.

        Raises:
            VigilError: ``Status.EINVAL`` (bad geometry), ``Status.ESTATE`` (samples pushed).
        """
        b = bearing_arg(bearing)
        lib.vigil_extractor_set_bearing(self._handle(), b.n, b.d, b.D, b.angle)
        self._spec["bearing"] = "n=%.17g,d=%.17g,D=%.17g,angle=%.17g" % (b.n, b.d, b.D, b.angle)

    def set_shaft_hz(self, shaft_hz):
        """Set the shaft rate in Hz (0 < f < rate/2) used by the envelope and order groups, or
        0 to estimate it in each frame (``vigil_extractor_set_shaft_hz``).

        Raises:
            VigilError: ``Status.EINVAL`` (out of range), ``Status.ESTATE`` (samples pushed).
        """
        lib.vigil_extractor_set_shaft_hz(self._handle(), float(shaft_hz or 0.0))
        self._spec["shaft.hz"] = "%.17g" % float(shaft_hz) if shaft_hz else "estimate"

    def set_shaft_range(self, shaft_range):
        """Limit the per-frame shaft-rate estimate to a range (``vigil_extractor_set_shaft_range``):
        ``"LO-HI"`` or ``(lo, hi)`` in Hz with 0 < lo < hi < rate/2, e.g. ``(28, 30.5)`` for a
        4-pole motor on 60 Hz; ``None`` restores the default 5-100 Hz. The estimate stays in it.

        Raises:
            VigilError: ``Status.EINVAL`` (out of range), ``Status.ESTATE`` (samples pushed).
        """
        lo, hi = shaft_range_arg(shaft_range)
        lib.vigil_extractor_set_shaft_range(self._handle(), lo, hi)
        self._spec["shaft.range"] = "%.17g-%.17g" % (lo, hi) if (lo or hi) else "default"

    def enable_envelope(self, band="full"):
        """Add the envelope columns ``env_ftf`` .. ``env_bsf``, ``env_ftf_prom`` ..
        ``env_bsf_prom``, ``env_band_lo``, ``env_band_hi`` (``vigil_extractor_enable_envelope``;
        needs :meth:`set_bearing` first).

        Args:
            band: demodulation band: ``"full"`` (every bin from the first to rate/2; what
                ``vigil diagnose`` uses), ``"auto"`` (the dyadic band of largest spectral
                kurtosis, chosen per frame), ``"LO-HI"`` or ``(lo, hi)`` in Hz (>= 2 bins).

        Raises:
            VigilError: ``Status.EINVAL`` (bad band), ``Status.ESTATE`` (no bearing set, or
                samples pushed).
        """
        pair = envelope_band(band)
        lo, hi = (0.0, self.rate) if pair is None else pair
        lib.vigil_extractor_enable_envelope(self._handle(), lo, hi)
        self._spec["envelope.band"] = ("full" if pair is None else "auto" if pair == (0.0, 0.0)
                                       else "%.17g-%.17g" % pair)
        self._groups = True
        self._columns_changed()

    def enable_orders(self):
        """Add the shaft-order columns ``order_1x``, ``order_2x``, ``order_3x`` (peak amplitude,
        input units) and ``shaft_hz`` (``vigil_extractor_enable_orders``).

        Raises:
            VigilError: ``Status.ESTATE`` (samples pushed).
        """
        lib.vigil_extractor_enable_orders(self._handle())
        self._spec["orders"] = "on"
        self._groups = True
        self._columns_changed()

    def enable_severity(self, units="g", machine_class="2r"):
        """Add ``velocity_rms_mm_s`` (velocity RMS over 10-1000 Hz, mm/s) and ``iso_zone``
        (1..4 = ISO 10816-3 zones A..D) (``vigil_extractor_enable_severity``).

        Args:
            units: unit of the samples, ``"g"`` or ``"m/s2"`` (or a :class:`vigil.Units`).
            machine_class: ``"1r"``, ``"1f"``, ``"2r"`` or ``"2f"`` (or a
                :class:`vigil.MachineClass`).

        Raises:
            ValueError: unknown units or class spelling.
            VigilError: ``Status.EINVAL`` (rate <= 20 Hz), ``Status.ESTATE`` (samples pushed).
        """
        lib.vigil_extractor_enable_severity(self._handle(), units_arg(units),
                                            machine_class_arg(machine_class))
        self._spec.update({"severity": "on",
                           "severity.units": lib.vigil_units_name(units_arg(units)).decode(),
                           "severity.class": lib.vigil_machine_class_name(
                               machine_class_arg(machine_class)).decode()})
        self._groups = True
        self._columns_changed()

    def pipeline(self):
        """The :class:`vigil.Pipeline` that builds this extractor (rate, frame, hop, bands,
        groups): what a monitor of its rows saves, so every host rebuilds the same rows."""
        from .pipeline import Pipeline
        return Pipeline(**self._spec)

    # -- life cycle ---------------------------------------------------------------------------

    def reset(self):
        """Forget buffered samples and ready rows; the next frame is 0 again (configuration and
        memory are kept). Rows after a reset equal those of a fresh extractor."""
        lib.vigil_extractor_reset(self._handle())
        self._pending.clear()

    # -- configuration (read-only) ------------------------------------------------------------
    @property
    def names(self):
        """Column names of a row, in order (``frame``, ``t_start``, ``mean``, ...)."""
        return self._names

    @property
    def bands(self):
        """The (lo, hi) bands in Hz, in column order."""
        return list(self._bands)

    @property
    def rate(self):
        """Sample rate in Hz."""
        return lib.vigil_extractor_rate(self._handle())

    @property
    def frame(self):
        """Frame length N in samples."""
        return lib.vigil_extractor_frame(self._handle())

    @property
    def hop(self):
        """Samples between the starts of consecutive frames."""
        return lib.vigil_extractor_hop(self._handle())

    @property
    def frames_done(self):
        """Frames completed since creation or the last reset."""
        return lib.vigil_extractor_frames_done(self._handle())

    @property
    def memory(self):
        """Bytes of heap memory the C extractor owns (constant after configuration)."""
        return lib.vigil_extractor_memory(self._handle())

    @property
    def ready(self):
        """Number of rows ready to be taken."""
        return len(self._pending) + lib.vigil_extractor_ready(self._handle())

    def index(self, name):
        """Return the column index of ``name``; raise ``KeyError`` if there is none."""
        try:
            return lib.vigil_extractor_feature_index(self._handle(), name.encode("utf-8"))
        except VigilError as e:
            if e.code == Status.ENOTFOUND:
                raise KeyError(name) from None
            raise

    # -- streaming ----------------------------------------------------------------------------
    def _pop_c(self):
        """Pop one row from the C queue as a tuple, or None."""
        if lib.vigil_extractor_pop(self._handle(), self._row, len(self._row), None) == 1:
            return tuple(self._row)
        return None

    def push(self, x):
        """Feed samples; rows of the frames they complete become ready.

        Args:
            x: samples in any unit: a numpy array (contiguous float64 or float32 is used
               without copying), ``array.array('d'/'f')``, a list, or any iterable of numbers.

        Returns:
            The number of rows now ready.

        Raises:
            VigilError: ``Status.ENONFINITE`` if any sample is NaN or infinite; the whole chunk
                is then rejected and the stream is unchanged.
            TypeError, ValueError: ``x`` is not a 1-D run of real numbers.
        """
        ptr = self._handle()
        s = _buffers.samples(x)
        push = lib.vigil_extractor_push_f32 if s.f32 else lib.vigil_extractor_push
        try:
            # All or nothing: fits whenever the C queue can hold every row the chunk completes.
            push(ptr, s.pointer(), s.n, None)
            return self.ready
        except VigilError as e:
            if e.code != Status.EFULL:
                raise
        # The chunk completes more rows than the C queue holds: feed it piecewise, moving rows
        # to the Python queue. A non-finite sample late in the chunk must still reject the whole
        # chunk, so look for one first and let the library report it with its own message.
        bad = self._first_nonfinite(s)
        if bad is not None:
            push(ptr, s.pointer(bad), 1, None)  # raises ENONFINITE, takes nothing
        consumed = ctypes.c_size_t()
        off = 0
        while off < s.n:
            push(ptr, s.pointer(off), s.n - off, ctypes.byref(consumed))
            off += consumed.value
            row = self._pop_c()
            while row is not None:
                self._pending.append(row)
                row = self._pop_c()
        return self.ready

    @staticmethod
    def _first_nonfinite(s):
        if _buffers.numpy is not None and hasattr(s.keep, "dtype"):
            bad = ~_buffers.numpy.isfinite(s.keep)
            return int(bad.argmax()) if bad.any() else None
        values = (ctypes.c_float if s.f32 else ctypes.c_double) * s.n
        for i, v in enumerate(values.from_address(s.address)):
            if not math.isfinite(v):
                return i
        return None

    def pop(self):
        """Take the oldest ready row as a dict ``{name: value}``, or return ``None``."""
        row = self._pending.popleft() if self._pending else self._pop_c()
        return None if row is None else dict(zip(self._names, row))

    def __iter__(self):
        """Iterate over the ready rows (each a dict ``{name: value}``), taking them."""
        while True:
            row = self.pop()
            if row is None:
                return
            yield row

    def drain(self):
        """Take every ready row and return them as columns: ``{name: array or list}``."""
        rows = list(self._pending)
        self._pending.clear()
        row = self._pop_c()
        while row is not None:
            rows.append(row)
            row = self._pop_c()
        m = _buffers.from_rows(rows, len(self._names))
        return _buffers.columns(self._names, m, len(rows))

    def __repr__(self):
        if not self._ptr:
            return "<vigil.FeatureExtractor (closed)>"
        return "<vigil.FeatureExtractor rate=%g frame=%d hop=%d columns=%d ready=%d>" % (
            self.rate, self.frame, self.hop, len(self._names), self.ready)


def features(x, rate, frame=4096, hop=None, bands=(), **groups):
    """Compute the frame features of a whole signal at once.

    Args:
        x: samples of one channel (see :meth:`FeatureExtractor.push` for the accepted types).
        rate: sample rate in Hz.
        frame: frame length N in samples (default 4096, as the ``vigil features`` command).
        hop: samples between frame starts; ``None`` means ``frame``.
        bands: (lo, hi) pairs in Hz or a string such as ``"0-500,500-2000"``.
        groups: the diagnostic keyword arguments of :class:`FeatureExtractor` (``bearing``,
            ``shaft_hz``, ``shaft_range``, ``envelope``, ``orders``, ``severity``, ``units``,
            ``machine_class``).

    Returns:
        A dict of named columns in library order (``frame``, ``t_start``, ``mean``, ``rms``,
        ...; see FEATURES.md): numpy float64 arrays when numpy is installed, lists of floats
        otherwise. One entry per complete frame; a signal shorter than one frame gives empty
        columns.

    Raises:
        VigilError: bad settings or a NaN/infinite sample (the library's message says which).
        TypeError, ValueError: ``x`` is not a 1-D run of real numbers.
    """
    with FeatureExtractor(rate, frame, hop, bands, **groups) as ex:
        ptr, names = ex._handle(), ex.names
        s = _buffers.samples(x)
        n_frame, n_hop, width = ex.frame, ex.hop, len(names)
        rows = 0 if s.n < n_frame else (s.n - n_frame) // n_hop + 1
        m, base = _buffers.matrix(rows, width)
        push = lib.vigil_extractor_push_f32 if s.f32 else lib.vigil_extractor_push
        pop_many, row_bytes = lib.vigil_extractor_pop_many, 8 * width
        consumed, done, off = ctypes.c_size_t(), 0, 0
        while off < s.n:
            push(ptr, s.pointer(off), s.n - off, ctypes.byref(consumed))
            off += consumed.value
            # Every ready row in one call, straight into the result, no intermediate copies.
            got = 0
            if done < rows:
                got = pop_many(ptr, ctypes.cast(base + done * row_bytes, DoubleP),
                               (rows - done) * width, None)
                done += got
            if consumed.value == 0 and got == 0:  # cannot happen with a sane library
                raise RuntimeError("vigil: extractor took no samples and gave no rows")
        return _buffers.columns(names, m, done)

