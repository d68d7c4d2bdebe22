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
from .errors import Status, VigilError
from .parse import parse_bands


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


class FeatureExtractor:
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

    Raises:
        VigilError: the library rejected a setting (message says which).

    Use it as a context manager, or call :meth:`close`, to free the C object at once; otherwise
    it is freed when garbage-collected. One extractor must not be used by two threads at once;
    distinct extractors may run in parallel (ctypes releases the GIL during each C call).
    """

    def __init__(self, rate, frame=4096, hop=None, bands=(), queue=None):
        self._ptr = None
        frame = _buffers.size_arg(frame, "frame")
        ptr = ExtractorP()
        lib.vigil_extractor_create(float(rate), frame, ctypes.byref(ptr))
        self._ptr = ptr
        try:
            if hop is not None:
                lib.vigil_extractor_set_hop(ptr, _buffers.size_arg(hop, "hop"))
            for lo, hi in _band_list(bands):
                lib.vigil_extractor_add_band(ptr, lo, hi)
            if queue is not None:
                lib.vigil_extractor_set_queue(ptr, _buffers.size_arg(queue, "queue"))
        except BaseException:
            self.close()
            raise
        count = lib.vigil_extractor_feature_count(ptr)
        self._names = tuple(lib.vigil_extractor_feature_name(ptr, i).decode("utf-8")
                            for i in range(count))
        self._row = (ctypes.c_double * count)()
        self._pending = collections.deque()  # rows moved out of a full C queue, oldest first

    # -- life cycle ---------------------------------------------------------------------------
    def close(self):
        """Free the C extractor. Further calls other than :meth:`close` raise ``ValueError``."""
        ptr, self._ptr = self._ptr, None
        if ptr:
            lib.vigil_extractor_destroy(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        self.close()

    def _handle(self):
        if not self._ptr:
            raise ValueError("vigil: operation on a closed FeatureExtractor")
        return self._ptr

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


def features(x, rate, frame=4096, hop=None, bands=()):
    """Compute the frame features of a whole signal at once.

    Args:
        x: samples of one channel (see :meth:`FeatureExtractor.push` for the accepted types).
        rate: sample rate in Hz.
        frame: frame length N in samples (default 4096, as the ``vigil features`` command).
        hop: samples between frame starts; ``None`` means ``frame``.
        bands: (lo, hi) pairs in Hz or a string such as ``"0-500,500-2000"``.

    Returns:
        A dict of named columns in library order (``frame``, ``t_start``, ``mean``, ``rms``,
        ...; see FEATURES.md): numpy float64 arrays when numpy is installed, lists of floats
        otherwise. One entry per complete frame; a signal shorter than one frame gives empty
        columns.

    Raises:
        VigilError: bad settings or a NaN/infinite sample (the library's message says which).
        TypeError, ValueError: ``x`` is not a 1-D run of real numbers.
    """
    with FeatureExtractor(rate, frame, hop, bands) as ex:
        ptr, names = ex._handle(), ex.names
        s = _buffers.samples(x)
        n_frame, n_hop, width = ex.frame, ex.hop, len(names)
        rows = 0 if s.n < n_frame else (s.n - n_frame) // n_hop + 1
        m, base = _buffers.matrix(rows, width)
        push = lib.vigil_extractor_push_f32 if s.f32 else lib.vigil_extractor_push
        pop, row_bytes = lib.vigil_extractor_pop, 8 * width
        consumed, done, off = ctypes.c_size_t(), 0, 0
        while off < s.n:
            push(ptr, s.pointer(off), s.n - off, ctypes.byref(consumed))
            off += consumed.value
            before = done
            # Rows are popped straight into the result, no intermediate copies.
            while done < rows and pop(ptr, ctypes.cast(base + done * row_bytes, DoubleP),
                                      width, None) == 1:
                done += 1
            if consumed.value == 0 and done == before:  # cannot happen with a sane library
                raise RuntimeError("vigil: extractor took no samples and gave no rows")
        return _buffers.columns(names, m, done)

